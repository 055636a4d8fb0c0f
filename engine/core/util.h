/* Small helpers every stage uses: checked allocation, growable strings, file reading. */
#ifndef FOLIO_UTIL_H
#define FOLIO_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation that never returns NULL: prints "folio: out of memory" and exits 1. */
void *xmalloc(size_t n);
/* The same end, for a library that reports running out of memory its own way (HarfBuzz). */
void folio_out_of_memory(void);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated. */
typedef struct folio_buf {
    char *data;
    size_t len, cap;
} folio_buf;
void folio_buf_append(folio_buf *b, const char *s, size_t n);
void folio_buf_puts(folio_buf *b, const char *s);
/* Appends one code point as UTF-8 (1 to 4 bytes; the caller passes a valid scalar value). */
void folio_buf_put_utf8(folio_buf *b, uint32_t cp);
void folio_buf_printf(folio_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void folio_buf_free(folio_buf *b);

/* FNV-1a of n bytes, its offset basis xored with `seed` (0: plain FNV-1a), for the hash tables
 * keyed by text (layout's word widths and hyphen points, the pattern table). */
static inline uint32_t folio_hash_bytes(uint32_t seed, const char *s, size_t n)
{
    uint32_t x = 2166136261u ^ seed;
    for (size_t i = 0; i < n; i++)
        x = (x ^ (unsigned char)s[i]) * 16777619u;
    return x;
}

/* Reads a whole file; returns NULL and sets errno on failure (out of memory ends folio, as
 * xmalloc does). *len gets the size. */
char *folio_read_file(const char *path, size_t *len);

/* Dates are days since 1970-01-01 (proleptic Gregorian). */
#define FOLIO_DATE_NONE INT32_MIN
/* Parses YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM]; false if malformed or impossible. */
bool folio_date_parse(const char *s, size_t n, int32_t *days);
int32_t folio_date_from_ymd(int y, int m, int d);
void folio_date_to_ymd(int32_t days, int *y, int *m, int *d);
/* Writes YYYY-MM-DD (11 bytes with the NUL). */
void folio_date_format(int32_t days, char out[11]);

/* Formats a number without locale surprises: "%.*f", '.' as the decimal point. */
void folio_format_number(double v, int decimals, char *out, size_t size);

/* Case-insensitive (ASCII) comparison of a trimmed code with a known code. */
bool folio_code_equal(const char *a, size_t alen, const char *b);
/* Trims ASCII blanks (space, tab, CR, LF) from both ends; returns the new start, *n updated.
 * Inline: the CSV loader calls it for every cell. */
static inline const char *folio_trim(const char *s, size_t *n)
{
    size_t len = *n;
    while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    *n = len;
    return s;
}

/* snprintf for text that only names things in messages (paths into a value, file names):
 * a long result is cut short, never overflows, and the compiler is told that is intended. */
void folio_format_cut(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "Did you mean": the one of names[0..n) nearest to word (edit distance, case ignored), or NULL
 * when none is close (at most 1 edit for words of up to 3 letters, 2 up to 8, else 3). */
const char *folio_nearest_name(const char *word, const char *const *names, size_t n);

#endif
