/* A small JSON writer for the run log: pretty-printed, every string escaped. */
#include "core/json.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 if the bytes there are not one. */
static size_t utf8_valid(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n;
    uint32_t cp;
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2;
        cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3;
        cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) /* also stops at the NUL */
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void folio_json_quote(folio_buf *b, const char *s)
{
    folio_buf_puts(b, "\"");
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_valid(p);
        if (n == 0) {
            folio_buf_puts(b, "\\ufffd");
            p++;
        } else if (*p == '"' || *p == '\\') {
            char esc[3] = {'\\', (char)*p, 0};
            folio_buf_puts(b, esc);
            p++;
        } else if (*p < 0x20 || *p == 0x7F) {
            static const char short_esc[] = "btn\0fr"; /* \b \t \n (\v has none) \f \r */
            if (*p >= 8 && *p <= 13 && short_esc[*p - 8])
                folio_buf_printf(b, "\\%c", short_esc[*p - 8]);
            else
                folio_buf_printf(b, "\\u%04x", *p);
            p++;
        } else {
            folio_buf_append(b, (const char *)p, n);
            p += n;
        }
    }
    folio_buf_puts(b, "\"");
}

/* The comma, newline, indent and key before a value. */
static void member(folio_json *j, const char *key)
{
    if (j->depth > 0) {
        if (!j->first[j->depth - 1])
            folio_buf_puts(j->out, ",");
        j->first[j->depth - 1] = false;
        folio_buf_printf(j->out, "\n%*s", 2 * j->depth, "");
    }
    if (key) {
        folio_json_quote(j->out, key);
        folio_buf_puts(j->out, ": ");
    }
}

static void open_level(folio_json *j, const char *key, const char *bracket)
{
    member(j, key);
    folio_buf_puts(j->out, bracket);
    if (j->depth < FOLIO_JSON_MAX_DEPTH) {
        j->first[j->depth] = true;
        j->close[j->depth] = bracket[0] == '[' ? ']' : '}';
        j->depth++;
    }
}

void folio_json_begin(folio_json *j, folio_buf *out)
{
    *j = (folio_json){.out = out};
}

void folio_json_object(folio_json *j, const char *key)
{
    open_level(j, key, "{");
}

void folio_json_array(folio_json *j, const char *key)
{
    open_level(j, key, "[");
}

void folio_json_end(folio_json *j)
{
    if (j->depth == 0)
        return;
    j->depth--;
    if (!j->first[j->depth])
        folio_buf_printf(j->out, "\n%*s", 2 * j->depth, "");
    folio_buf_append(j->out, &j->close[j->depth], 1);
    if (j->depth == 0)
        folio_buf_puts(j->out, "\n");
}

void folio_json_string(folio_json *j, const char *key, const char *s)
{
    member(j, key);
    if (s)
        folio_json_quote(j->out, s);
    else
        folio_buf_puts(j->out, "null");
}

void folio_json_int(folio_json *j, const char *key, long long v)
{
    member(j, key);
    folio_buf_printf(j->out, "%lld", v);
}

void folio_json_number(folio_json *j, const char *key, double v, int decimals)
{
    member(j, key);
    if (!isfinite(v)) {
        folio_buf_puts(j->out, "null");
        return;
    }
    char num[64];
    folio_format_number(v, decimals, num, sizeof num);
    folio_buf_puts(j->out, num);
}

void folio_json_bool(folio_json *j, const char *key, bool v)
{
    member(j, key);
    folio_buf_puts(j->out, v ? "true" : "false");
}

void folio_json_null(folio_json *j, const char *key)
{
    member(j, key);
    folio_buf_puts(j->out, "null");
}
