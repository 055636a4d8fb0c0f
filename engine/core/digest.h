/* SHA-256 of files and memory (nettle), written as 64 lower-case hex digits. */
#ifndef FOLIO_DIGEST_H
#define FOLIO_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#define FOLIO_SHA256_HEX 65            /* 64 hex digits and the NUL */
#define FOLIO_DIGEST_BLOCK (64u << 10) /* bytes read at a time when hashing a file */

/* The SHA-256 of n bytes at data into hex. */
void folio_sha256_hex(const void *data, size_t n, char hex[FOLIO_SHA256_HEX]);
/* The SHA-256 of the file at path, read in blocks, into hex; *bytes (may be NULL) gets its size.
 * false with errno set when it cannot be opened or read. */
bool folio_sha256_file(const char *path, char hex[FOLIO_SHA256_HEX], long long *bytes);

#endif
