/* The sandbox's limits as people write them, in report.lua and on the command line: reading
 * "512 MiB", "1G", "2e9" or "0.5" with their ranges, and writing a byte count back. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "lua/host.h"

/* Reads a plain decimal number at the start of s ("12", "1.5", "2e9"; no sign, no hex, no
 * "inf"); *end is set past it. false when s does not start with one. */
static bool read_number(const char *s, double *out, const char **end)
{
    const char *p = s;
    if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1])))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if ((*p == 'e' || *p == 'E') &&
        (isdigit((unsigned char)p[1]) || ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2])))) {
        p += 2;
        while (isdigit((unsigned char)*p))
            p++;
    }
    char buf[64];
    if ((size_t)(p - s) >= sizeof buf)
        return false;
    memcpy(buf, s, (size_t)(p - s));
    buf[p - s] = '\0';
    *out = strtod(buf, NULL); /* folio never sets a locale: '.' is the decimal point */
    *end = p;
    return isfinite(*out);
}

bool folio_limits_parse_memory(const char *s, size_t *bytes)
{
    static const struct {
        const char *unit;
        double scale;
    } units[] = {{"", 1},
                 {"b", 1},
                 {"bytes", 1},
                 {"k", 1024.0},
                 {"kb", 1024.0},
                 {"kib", 1024.0},
                 {"m", 1048576.0},
                 {"mb", 1048576.0},
                 {"mib", 1048576.0},
                 {"g", 1073741824.0},
                 {"gb", 1073741824.0},
                 {"gib", 1073741824.0}};
    double v;
    const char *p;
    if (!s || !read_number(s, &v, &p))
        return false;
    while (*p == ' ')
        p++;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcasecmp(p, units[i].unit) != 0)
            continue;
        if (units[i].scale == 1 && v != floor(v))
            return false; /* a fraction of a byte */
        double b = floor(v * units[i].scale);
        if (b < (double)FOLIO_LUA_MEMORY_MIN || b > (double)FOLIO_LUA_MEMORY_MAX || b > (double)SIZE_MAX)
            return false;
        *bytes = (size_t)b;
        return true;
    }
    return false;
}

bool folio_limits_parse_instructions(const char *s, long long *n)
{
    double v;
    const char *p;
    if (!s || !read_number(s, &v, &p) || *p || v != floor(v) || v < (double)FOLIO_LUA_INSTRUCTIONS_MIN ||
        v > (double)FOLIO_LUA_INSTRUCTIONS_MAX)
        return false;
    *n = (long long)v;
    return true;
}

bool folio_limits_parse_seconds(const char *s, double *seconds)
{
    double v;
    const char *p;
    if (!s || !read_number(s, &v, &p))
        return false;
    while (*p == ' ')
        p++;
    if (*p && strcasecmp(p, "s") != 0)
        return false;
    if (!(v > 0) || v > FOLIO_LUA_SECONDS_MAX)
        return false;
    *seconds = v;
    return true;
}

void folio_limits_format_memory(size_t n, char *out, size_t size)
{
    if (n >= (1u << 30) && n % (1u << 30) == 0)
        snprintf(out, size, "%zu GiB", n >> 30);
    else if (n >= (1u << 20) && n % (1u << 20) == 0)
        snprintf(out, size, "%zu MiB", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(out, size, "%zu KiB", n >> 10);
    else
        snprintf(out, size, "%zu bytes", n);
}

folio_limits folio_limits_merge(folio_limits base, folio_limits over)
{
    if (over.memory)
        base.memory = over.memory;
    if (over.instructions > 0)
        base.instructions = over.instructions;
    if (over.seconds > 0)
        base.seconds = over.seconds;
    return base;
}

folio_limits folio_limits_default(void)
{
    return (folio_limits){FOLIO_LUA_MEMORY_DEFAULT, FOLIO_LUA_INSTRUCTIONS_DEFAULT,
                          FOLIO_LUA_SECONDS_DEFAULT};
}
