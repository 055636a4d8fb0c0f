/* Bursting's pure parts: -o templates, safe file names, the shard partition, and the values of
 * the column a burst splits by. The processes that render the reports are in cli/burst.c. */
#include "report/burst.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* ---- -o templates ---- */

static const char *const placeholders[] = {"value", "year", "from", "to", "report"};
#define NPLACEHOLDERS (sizeof placeholders / sizeof *placeholders)

/* The placeholder at s (just after '{'): its index, with *len the bytes up to and including
 * '}'; -1 for an unknown name (its text in name), -2 for an unclosed brace. */
static int placeholder_at(const char *s, size_t *len, char *name, size_t namelen)
{
    const char *close = strchr(s, '}');
    const char *open = strchr(s, '{');
    if (!close || (open && open < close))
        return -2;
    size_t n = (size_t)(close - s);
    *len = n + 1;
    for (size_t i = 0; i < NPLACEHOLDERS; i++)
        if (strlen(placeholders[i]) == n && !strncmp(s, placeholders[i], n))
            return (int)i;
    folio_format_cut(name, namelen, "%.*s", (int)(n > 60 ? 60 : n), s);
    return -1;
}

bool folio_output_template_check(const char *tmpl, unsigned *uses, char *err, size_t errlen)
{
    *uses = 0;
    if (!tmpl || !*tmpl) {
        folio_format_cut(err, errlen, "-o needs a file name");
        return false;
    }
    for (const char *p = tmpl; *p; p++) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            p++;
            continue;
        }
        if (*p == '}') {
            folio_format_cut(err, errlen, "-o \"%s\": a lone '}' (write }} for a literal brace)", tmpl);
            return false;
        }
        if (*p != '{')
            continue;
        char name[64];
        size_t len = 0;
        int i = placeholder_at(p + 1, &len, name, sizeof name);
        if (i == -2) {
            folio_format_cut(err, errlen, "-o \"%s\": a '{' without its '}' (write {{ for a literal brace)",
                             tmpl);
            return false;
        }
        if (i == -1) {
            folio_format_cut(err, errlen,
                             "-o \"%s\": unknown placeholder {%s}; expected {value}, {year}, {from}, {to} "
                             "or {report} ({{ for a literal brace)",
                             tmpl, name);
            return false;
        }
        *uses |= 1u << i;
        p += len;
    }
    return true;
}

bool folio_output_expand(const char *tmpl, const folio_output_vars *vars, char *out, size_t size, char *err,
                         size_t errlen)
{
    const char *vals[] = {vars->value, vars->year, vars->from, vars->to, vars->report};
    folio_buf b = {0};
    folio_buf_puts(&b, "");
    bool ok = true;
    for (const char *p = tmpl; *p && ok; p++) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            folio_buf_append(&b, p, 1);
            p++;
        } else if (*p == '{') {
            char name[64];
            size_t len = 0;
            int i = placeholder_at(p + 1, &len, name, sizeof name);
            if (i < 0) {
                folio_format_cut(err, errlen, "-o \"%s\": not a template (check it first)", tmpl);
                ok = false;
            } else if (!vals[i]) {
                folio_format_cut(err, errlen, "-o \"%s\": {%s} is not known in this run", tmpl,
                                 placeholders[i]);
                ok = false;
            } else {
                folio_buf_puts(&b, vals[i]);
                p += len;
            }
        } else {
            folio_buf_append(&b, p, 1);
        }
    }
    if (ok && b.len >= size) {
        folio_format_cut(err, errlen, "-o \"%s\": the file name is longer than %zu bytes", tmpl, size - 1);
        ok = false;
    }
    if (ok)
        memcpy(out, b.data, b.len + 1);
    folio_buf_free(&b);
    return ok;
}

/* ---- safe file names ---- */

/* The length of the valid UTF-8 sequence at s (1 to 4), with its code point in *cp; 0 if the
 * bytes are not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, cut short). */
static size_t utf8_at(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (!n || s[0] > 0xF4)
        return 0;
    uint32_t c = s[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < least[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

void folio_output_safe_name(const char *value, char *out, size_t size)
{
    folio_buf b = {0};
    folio_buf_puts(&b, "");
    const unsigned char *s = (const unsigned char *)(value ? value : "");
    while (*s) {
        uint32_t cp;
        size_t n = utf8_at(s, &cp);
        if (!n) {
            folio_buf_puts(&b, "_");
            s++;
            continue;
        }
        if (cp == '/' || cp == '\\')
            folio_buf_puts(&b, "-");
        else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
                 (cp < 0x80 && strchr(":*?\"<>|", (int)cp)))
            folio_buf_puts(&b, "_");
        else if (cp == '.' && b.len && b.data[b.len - 1] == '.')
            ; /* a run of dots is one dot: never ".." */
        else
            folio_buf_append(&b, (const char *)s, n);
        s += n;
    }
    /* trim blanks (and trailing dots, which some file systems drop) */
    size_t start = 0, end = b.len;
    while (start < end && b.data[start] == ' ')
        start++;
    while (end > start && (b.data[end - 1] == ' ' || b.data[end - 1] == '.'))
        end--;
    /* bound the length at a character boundary */
    size_t max = size - 1 < FOLIO_BURST_NAME_MAX ? size - 1 : FOLIO_BURST_NAME_MAX;
    if (end - start > max) {
        end = start + max;
        while (end > start && ((unsigned char)b.data[end] & 0xC0) == 0x80)
            end--;
        while (end > start && b.data[end - 1] == ' ')
            end--;
    }
    size_t o = 0;
    if (start == end) {
        out[o++] = '_';
    } else {
        if (b.data[start] == '.' || b.data[start] == '-') {
            out[o++] = '_';
            start++;
            if (end - start + 1 > max) /* keep within the bound */
                end--;
        }
        memcpy(out + o, b.data + start, end - start);
        o += end - start;
    }
    out[o] = '\0';
    folio_buf_free(&b);
}

bool folio_output_same(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (*a != *b && tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

/* ---- shards ---- */

bool folio_shard_parse(const char *s, unsigned *k, unsigned *n)
{
    if (!s || !isdigit((unsigned char)*s))
        return false;
    char *end;
    unsigned long kk = strtoul(s, &end, 10);
    if (*end != '/' || !isdigit((unsigned char)end[1]))
        return false;
    unsigned long nn = strtoul(end + 1, &end, 10);
    if (*end || kk < 1 || nn < 1 || kk > nn || nn > 10000)
        return false;
    *k = (unsigned)kk;
    *n = (unsigned)nn;
    return true;
}

bool folio_shard_has(size_t index, unsigned k, unsigned n)
{
    return n >= 1 && k >= 1 && k <= n && index % n == k - 1;
}

/* ---- the values of a column ---- */

bool folio_burst_type_ok(folio_type type)
{
    return type == FOLIO_TEXT || type == FOLIO_CODE || type == FOLIO_YESNO || type == FOLIO_INTEGER ||
           type == FOLIO_DATE;
}

const char *folio_burst_cell(const folio_table *t, size_t row, int col, char *buf, size_t size)
{
    if (folio_table_is_missing(t, row, col))
        return NULL;
    switch (folio_table_column_type(t, col)) {
    case FOLIO_TEXT:
    case FOLIO_CODE:
    case FOLIO_YESNO: return folio_table_get_text(t, row, col, NULL);
    case FOLIO_INTEGER: snprintf(buf, size, "%.0f", folio_table_get_number(t, row, col)); return buf;
    case FOLIO_DATE:
        if (size < 11)
            return NULL;
        folio_date_format(folio_table_get_date(t, row, col), buf);
        return buf;
    default: return NULL;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char **folio_burst_values(const folio_table *t, int col, size_t *n, size_t *missing)
{
    size_t rows = folio_table_row_count(t);
    char **all = xcalloc(rows ? rows : 1, sizeof *all);
    size_t k = 0;
    *missing = 0;
    for (size_t r = 0; r < rows; r++) {
        char buf[32];
        const char *v = folio_burst_cell(t, r, col, buf, sizeof buf);
        if (!v)
            (*missing)++;
        else
            all[k++] = v == buf ? xstrdup(buf) : (char *)v; /* table text is borrowed for now */
    }
    bool owned =
        !(folio_table_column_type(t, col) == FOLIO_TEXT || folio_table_column_type(t, col) == FOLIO_CODE ||
          folio_table_column_type(t, col) == FOLIO_YESNO);
    qsort(all, k, sizeof *all, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < k; i++) {
        if (u && !strcmp(all[u - 1], all[i])) {
            if (owned)
                free(all[i]);
            continue;
        }
        all[u++] = owned ? all[i] : xstrdup(all[i]);
    }
    *n = u;
    return all;
}

void folio_burst_rows(const folio_table *t, int col, const char *value, folio_rows *out)
{
    size_t rows = folio_table_row_count(t);
    folio_rows_room(out, rows);
    for (size_t r = 0; r < rows; r++) {
        char buf[32];
        const char *v = folio_burst_cell(t, r, col, buf, sizeof buf);
        if (v && !strcmp(v, value))
            out->idx[out->n++] = (uint32_t)r;
    }
    folio_rows_fit(out, rows);
}

/* One row of an index: its value and where it is. */
typedef struct indexed {
    char *value;
    uint32_t row;
} indexed;

struct folio_burst_index {
    indexed *rows; /* every row with a value, by value (strcmp) and then by row */
    size_t n;
};

static int cmp_indexed(const void *a, const void *b)
{
    const indexed *x = a, *y = b;
    int c = strcmp(x->value, y->value);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

folio_burst_index *folio_burst_index_create(const folio_table *t, int col)
{
    size_t rows = folio_table_row_count(t);
    folio_burst_index *ix = xcalloc(1, sizeof *ix);
    ix->rows = xcalloc(rows ? rows : 1, sizeof *ix->rows);
    for (size_t r = 0; r < rows; r++) {
        char buf[32];
        const char *v = folio_burst_cell(t, r, col, buf, sizeof buf);
        if (v)
            ix->rows[ix->n++] = (indexed){.value = xstrdup(v), .row = (uint32_t)r};
    }
    qsort(ix->rows, ix->n, sizeof *ix->rows, cmp_indexed);
    return ix;
}

void folio_burst_index_get_rows(const folio_burst_index *ix, const char *value, folio_rows *out)
{
    size_t lo = 0, hi = ix->n; /* the first row whose value is not below `value` */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->rows[mid].value, value) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < ix->n && !strcmp(ix->rows[end].value, value))
        end++;
    folio_rows_room(out, end - lo); /* (folio_rows_free expects a list made so) */
    for (size_t i = lo; i < end; i++)
        out->idx[out->n++] = ix->rows[i].row;
}

void folio_burst_index_free(folio_burst_index *ix)
{
    if (!ix)
        return;
    for (size_t i = 0; i < ix->n; i++)
        free(ix->rows[i].value);
    free(ix->rows);
    free(ix);
}
