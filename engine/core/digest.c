/* SHA-256 of files and memory through nettle (Debian's nettle-dev), never a hand-written one. */
#include "core/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <unistd.h>

static void to_hex(struct sha256_ctx *ctx, char hex[FOLIO_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(ctx, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[2 * SHA256_DIGEST_SIZE] = '\0';
}

void folio_sha256_hex(const void *data, size_t n, char hex[FOLIO_SHA256_HEX])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, n, data);
    to_hex(&ctx, hex);
}

bool folio_sha256_file(const char *path, char hex[FOLIO_SHA256_HEX], long long *bytes)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    uint8_t buf[FOLIO_DIGEST_BLOCK];
    long long total = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            close(fd);
            errno = err;
            return false;
        }
        if (n == 0)
            break;
        sha256_update(&ctx, (size_t)n, buf);
        total += n;
    }
    close(fd);
    to_hex(&ctx, hex);
    if (bytes)
        *bytes = total;
    return true;
}
