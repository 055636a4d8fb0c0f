/* Reading one CSV cell as a typed value, and writing values back as labels.
 * Shared by the loader and by filters, so a value means the same thing in both. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "data/table_internal.h"

static inline unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

bool folio_cell_ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return false;
    return true;
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Slow path for long or extreme numbers: strtod on a copy whose '.' is the locale's decimal
 * point, so the result never depends on the locale. The syntax was checked by the caller. */
static bool number_slow(const char *s, size_t n, double *out)
{
    const char *dp = localeconv()->decimal_point;
    size_t dplen = dp && *dp ? strlen(dp) : 1;
    char buf[512];
    if (n > 400 || dplen > 8)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' && dp && *dp) {
            memcpy(buf + k, dp, dplen);
            k += dplen;
        } else {
            buf[k++] = s[i];
        }
    }
    buf[k] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end != '\0' || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* Parses [+-]digits[.digits][(e|E)[+-]digits] (or [+-].digits...), the whole of s[0..n).
 * Up to 15 significant digits and a small exponent are converted exactly here (one correctly
 * rounded multiplication or division); anything else goes through number_slow. */
bool folio_cell_number(const char *s, size_t n, double *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    uint64_t m = 0;
    int sig = 0, exp10 = 0;
    size_t digits = 0;
    bool lost = false;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
        int d = s[i] - '0';
        if (m == 0 && d == 0)
            continue;
        if (sig < 19) {
            m = m * 10 + (uint64_t)d;
            sig++;
        } else {
            exp10++;
            lost |= d != 0;
        }
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
            int d = s[i] - '0';
            if (m == 0 && d == 0) {
                exp10--;
                continue;
            }
            if (sig < 19) {
                m = m * 10 + (uint64_t)d;
                sig++;
                exp10--;
            } else {
                lost |= d != 0;
            }
        }
    }
    if (digits == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            eneg = s[i] == '-';
            i++;
        }
        size_t start = i;
        int e = 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
        if (i == start)
            return false;
        exp10 += eneg ? -e : e;
    }
    if (i != n)
        return false;
    if (m == 0) {
        *out = neg ? -0.0 : 0.0;
        return true;
    }
    if (!lost && sig <= 15 && exp10 >= -22 && exp10 <= 22) {
        double v = (double)m;
        v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
        *out = neg ? -v : v;
        return true;
    }
    return number_slow(s, n, out);
}

bool folio_cell_integer(const char *s, size_t n, double *out)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i == n)
        return false;
    for (size_t k = i; k < n; k++)
        if (s[k] < '0' || s[k] > '9')
            return false;
    if (n - i <= 15) {
        int64_t v = 0;
        for (size_t k = i; k < n; k++)
            v = v * 10 + (s[k] - '0');
        *out = (double)(s[0] == '-' ? -v : v);
        return true;
    }
    return folio_cell_number(s, n, out);
}

int folio_cell_yesno(const char *s, size_t n)
{
    s = folio_trim(s, &n);
    switch (n) {
    case 1:
        if (lower((unsigned char)s[0]) == 'y' || s[0] == '1')
            return 1;
        if (lower((unsigned char)s[0]) == 'n' || s[0] == '0')
            return 0;
        return -1;
    case 2: return folio_cell_ieq(s, "no", 2) ? 0 : -1;
    case 3: return folio_cell_ieq(s, "yes", 3) ? 1 : -1;
    case 4: return folio_cell_ieq(s, "true", 4) ? 1 : -1;
    case 5: return folio_cell_ieq(s, "false", 5) ? 0 : -1;
    default: return -1;
    }
}

/* Slot of a case-folded code: a hash of its length and three of its bytes, so finding a code
 * costs one pass over the answer (the comparison). */
static inline size_t code_slot_of(const char *s, size_t n, bool fold)
{
    unsigned char a = (unsigned char)s[0], b = (unsigned char)s[n / 2], z = (unsigned char)s[n - 1];
    if (fold) {
        a = lower(a);
        b = lower(b);
        z = lower(z);
    }
    uint32_t key = (uint32_t)n ^ (uint32_t)a << 8 ^ (uint32_t)b << 16 ^ (uint32_t)z << 24;
    return (size_t)((key * 2654435769u) >> 16) % FOLIO_CODE_SLOTS;
}

void folio_column_index_codes(folio_column *c)
{
    memset(c->code_slot, 0, sizeof c->code_slot);
    c->max_code_len = 0;
    for (size_t i = 0; i < c->ncodes; i++) {
        size_t n = c->code_len[i];
        free(c->code_fold[i]);
        c->code_fold[i] = xstrndup(c->codes[i], n);
        for (size_t k = 0; k < n; k++)
            c->code_fold[i][k] = (char)lower((unsigned char)c->codes[i][k]);
        if (n == 0)
            continue; /* an empty code can never be an answer */
        if (n > c->max_code_len)
            c->max_code_len = n;
        size_t k = code_slot_of(c->code_fold[i], n, false);
        bool dup = false;
        for (; c->code_slot[k]; k = (k + 1) % FOLIO_CODE_SLOTS) {
            size_t j = c->code_slot[k] - 1u;
            dup |= c->code_len[j] == n && memcmp(c->code_fold[j], c->code_fold[i], n) == 0;
        }
        if (!dup) /* the first of two equal codes wins */
            c->code_slot[k] = (uint8_t)(i + 1);
    }
}

int folio_cell_find_code(const folio_column *c, const char *s, size_t n)
{
    s = folio_trim(s, &n);
    if (n == 0 || n > c->max_code_len)
        return -1;
    for (size_t k = code_slot_of(s, n, true); c->code_slot[k]; k = (k + 1) % FOLIO_CODE_SLOTS) {
        size_t i = c->code_slot[k] - 1u;
        if (c->code_len[i] != n)
            continue;
        const char *f = c->code_fold[i];
        size_t j = 0;
        while (j < n && lower((unsigned char)s[j]) == (unsigned char)f[j])
            j++;
        if (j == n)
            return (int)i;
    }
    return -1;
}

void folio_cell_format_number(double v, char *out, size_t size)
{
    if (v == floor(v) && fabs(v) < 1e18) {
        snprintf(out, size, "%lld", (long long)v);
        return;
    }
    if (!isfinite(v) || v == floor(v)) {
        folio_format_number(v, 0, out, size);
        return;
    }
    for (int d = 1; d <= 40; d++) {
        double back;
        folio_format_number(v, d, out, size);
        if (folio_cell_number(out, strlen(out), &back) && back == v)
            return;
    }
}

void folio_cell_code_list(const folio_column *c, const char *lead, char *out, size_t size)
{
    folio_buf b = {0};
    folio_buf_puts(&b, lead);
    for (size_t i = 0; i < c->ncodes; i++) {
        if (i)
            folio_buf_puts(&b, ", ");
        folio_buf_puts(&b, c->codes[i]);
    }
    if (b.len >= size && size > 4)
        memcpy(b.data + size - 4, "...", 4);
    snprintf(out, size, "%s", b.data);
    folio_buf_free(&b);
}

uint64_t folio_cell_hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h ^ (h >> 29);
}

uint64_t folio_cell_hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdu;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53u;
    x ^= x >> 33;
    return x;
}

uint64_t folio_cell_double_bits(double v)
{
    uint64_t u;
    if (v == 0)
        v = 0;
    memcpy(&u, &v, sizeof u);
    return u;
}

/* Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF), or 0 if the bytes there are not one. s[0] >= 0x80. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    unsigned char lo = 0x80, hi = 0xBF; /* the second byte's range */
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

size_t folio_cell_text_check(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < n) {
        /* eight ASCII bytes, none of them NUL, at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w | ((w - UINT64_C(0x0101010101010101)) & ~w)) & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (s[i] == 0)
            return i;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = utf8_sequence(s + i, n - i);
        if (len == 0)
            return i;
        i += len;
    }
    return n;
}

size_t folio_cell_utf8_length(const char *s, size_t n)
{
    return utf8_sequence((const unsigned char *)s, n);
}
