/* Operations over a table's rows, run in C so a plugin never loops over a million rows:
 * filters, counts by value, cross-tabulation, scales, distinct counts, min/max and sums. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "data/table_internal.h"

#define LABEL_BYTES 48 /* room for one formatted number or date label */

/* Column col, if it is stored. */
static const folio_column *column(const folio_table *t, int col)
{
    if (!t || col < 0 || (size_t)col >= t->ncols || !t->cols[col].stored)
        return NULL;
    return &t->cols[col];
}

/* A selection is usable when every index names a row of the table. */
static bool sel_ok(const folio_table *t, const folio_rows *sel)
{
    if (!sel)
        return true;
    if (sel->n && !sel->idx)
        return false;
    for (size_t k = 0; k < sel->n; k++)
        if (sel->idx[k] >= t->nrows)
            return false;
    return true;
}

static inline size_t sel_count(const folio_table *t, const folio_rows *sel)
{
    return sel ? sel->n : t->nrows;
}

static inline size_t sel_row(const folio_rows *sel, size_t k)
{
    return sel ? sel->idx[k] : k;
}

static inline bool multi_present(const folio_column *c, size_t r)
{
    return c->multi_present[r / 64] >> (r % 64) & 1;
}

static bool cell_missing(const folio_column *c, size_t r)
{
    switch (c->type) {
    case FOLIO_TEXT: return c->text_off[r] == c->text_off[r + 1];
    case FOLIO_INTEGER:
    case FOLIO_NUMBER: return isnan(folio_num_at(c, r));
    case FOLIO_DATE: return c->date[r] == FOLIO_DATE_NONE;
    case FOLIO_YESNO:
    case FOLIO_CODE: return c->small[r] < 0;
    case FOLIO_MULTI: return !multi_present(c, r);
    }
    return true;
}

/* The text of row r; "" for a missing cell (the column's arena may not even exist). */
static inline const char *text_at(const folio_column *c, size_t r, size_t *len)
{
    if (c->text_off[r] == c->text_off[r + 1]) {
        *len = 0;
        return "";
    }
    *len = (size_t)(c->text_off[r + 1] - c->text_off[r] - 1);
    return c->text + c->text_off[r];
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- distinct values (TEXT, INTEGER, NUMBER, DATE) ---- */

/* Open-addressing map from a value to a dense id, with a count per id. */
typedef struct distinct {
    uint32_t *slot; /* id + 1; 0 = empty */
    size_t mask;
    size_t *first; /* per id: a row holding the value */
    size_t *count;
    size_t n, cap;
} distinct;

static uint64_t value_hash(const folio_column *c, size_t r)
{
    size_t len;
    switch (c->type) {
    case FOLIO_TEXT: {
        const char *s = text_at(c, r, &len);
        return folio_cell_hash_bytes(s, len);
    }
    case FOLIO_DATE: return folio_cell_hash_u64((uint64_t)(uint32_t)c->date[r]);
    default: return folio_cell_hash_u64(folio_cell_double_bits(folio_num_at(c, r)));
    }
}

static bool value_equal(const folio_column *c, size_t a, size_t b)
{
    size_t la, lb;
    switch (c->type) {
    case FOLIO_TEXT: {
        const char *sa = text_at(c, a, &la), *sb = text_at(c, b, &lb);
        return la == lb && memcmp(sa, sb, la) == 0;
    }
    case FOLIO_DATE: return c->date[a] == c->date[b];
    default: return folio_num_at(c, a) == folio_num_at(c, b);
    }
}

static void distinct_init(distinct *d)
{
    memset(d, 0, sizeof *d);
    d->mask = 63;
    d->slot = xcalloc(64, sizeof *d->slot);
}

static void distinct_free(distinct *d)
{
    free(d->slot);
    free(d->first);
    free(d->count);
}

static size_t distinct_find(const distinct *d, const folio_column *c, size_t r, uint64_t h)
{
    size_t i = h & d->mask;
    while (d->slot[i] && !value_equal(c, d->first[d->slot[i] - 1], r))
        i = (i + 1) & d->mask;
    return i;
}

/* The id of row r's value (present), counting it once more. */
static uint32_t distinct_add(distinct *d, const folio_column *c, size_t r)
{
    size_t i = distinct_find(d, c, r, value_hash(c, r));
    if (!d->slot[i]) {
        if (d->n == d->cap) {
            d->cap = d->cap ? d->cap * 2 : 64;
            d->first = xrealloc(d->first, d->cap * sizeof *d->first);
            d->count = xrealloc(d->count, d->cap * sizeof *d->count);
        }
        d->first[d->n] = r;
        d->count[d->n] = 0;
        d->slot[i] = (uint32_t)++d->n;
        if (d->n * 2 > d->mask + 1) {
            /* grow and re-place every value */
            size_t cap = (d->mask + 1) * 2;
            free(d->slot);
            d->slot = xcalloc(cap, sizeof *d->slot);
            d->mask = cap - 1;
            for (size_t id = 0; id < d->n; id++)
                d->slot[distinct_find(d, c, d->first[id], value_hash(c, d->first[id]))] = (uint32_t)(id + 1);
        }
        i = distinct_find(d, c, r, value_hash(c, r));
    }
    uint32_t id = d->slot[i] - 1;
    d->count[id]++;
    return id;
}

/* One distinct value while ordering groups. */
typedef struct entry {
    double v;
    const char *s;
    size_t len, count;
    uint32_t id;
} entry;

static int cmp_text_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    int r = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    if (r)
        return r;
    return x->len < y->len ? -1 : x->len > y->len;
}

static int cmp_value_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v;
}

/* Adds to bins[b] the selected rows (n of them) whose byte in v is b. Four sets of bins, so
 * rows in a row with the same value do not wait on one counter. */
static void byte_histogram(const uint8_t *v, const folio_rows *sel, size_t n, size_t bins[256])
{
    uint32_t part[4][256];
    memset(part, 0, sizeof part);
    size_t k = 0;
    while (k < n) {
        /* uint32_t bins: flushed at least every 2^32 rows */
        size_t end = n - k > UINT32_MAX ? k + UINT32_MAX : n;
        if (sel) {
            for (; k < end; k++)
                part[k & 3][v[sel->idx[k]]]++;
        } else {
            for (; k + 4 <= end; k += 4) {
                part[0][v[k]]++;
                part[1][v[k + 1]]++;
                part[2][v[k + 2]]++;
                part[3][v[k + 3]]++;
            }
            for (; k < end; k++)
                part[0][v[k]]++;
        }
        for (int b = 0; b < 256; b++) {
            bins[b] += (size_t)part[0][b] + part[1][b] + part[2][b] + part[3][b];
            part[0][b] = part[1][b] = part[2][b] = part[3][b] = 0;
        }
    }
}

/* ---- grouping: the groups of one column, as count_by gives them ---- */

/* Counts the selected rows of column col into out. With gid (not for MULTI), also gives each
 * selected row's group (-1 if missing), in selection order; *gid is malloc'ed. Labels point into
 * the table, to static strings, or into the groups block itself (one malloc). */
static bool group_column(const folio_table *t, const folio_rows *sel, int col, folio_counts *out,
                         int32_t **gid)
{
    const folio_column *c = column(t, col);
    if (!out)
        return false;
    memset(out, 0, sizeof *out);
    if (gid)
        *gid = NULL;
    if (!c || !sel_ok(t, sel))
        return false;
    size_t n = sel_count(t, sel);
    int32_t *g = gid && c->type != FOLIO_MULTI ? xmalloc((n ? n : 1) * sizeof *g) : NULL;
    out->base = n;

    if (c->type == FOLIO_CODE || c->type == FOLIO_YESNO || c->type == FOLIO_MULTI) {
        static const char *const yesno[] = {"yes", "no"};
        size_t ng = c->type == FOLIO_YESNO ? 2 : c->ncodes;
        out->groups = xcalloc(ng ? ng : 1, sizeof *out->groups);
        out->n = ng;
        for (size_t i = 0; i < ng; i++)
            out->groups[i].label = c->type == FOLIO_YESNO ? yesno[i] : c->codes[i];
        if (!g && c->type != FOLIO_MULTI) {
            /* one byte per row (a code index, 1/0, or -1 missing): count each byte value */
            size_t bins[256] = {0};
            byte_histogram((const uint8_t *)c->small, sel, n, bins);
            for (int b = 0; b < 256; b++) {
                int v = (int8_t)(uint8_t)b;
                if (v >= 0 && c->type == FOLIO_YESNO)
                    v = v ? 0 : 1; /* group 0 = yes */
                if (v < 0)
                    out->missing += bins[b];
                else if ((size_t)v < ng)
                    out->groups[v].count += bins[b];
            }
            return true;
        }
        for (size_t k = 0; k < n; k++) {
            size_t r = sel_row(sel, k);
            if (c->type == FOLIO_MULTI) {
                if (!multi_present(c, r)) {
                    out->missing++;
                    continue;
                }
                for (uint64_t m = folio_multi_at(c, r); m; m &= m - 1)
                    out->groups[__builtin_ctzll(m)].count++;
                continue;
            }
            int v = c->small[r];
            if (v >= 0 && c->type == FOLIO_YESNO)
                v = v ? 0 : 1; /* group 0 = yes */
            if (v < 0)
                out->missing++;
            else
                out->groups[v].count++;
            if (g)
                g[k] = v;
        }
        if (gid)
            *gid = g;
        return true;
    }

    distinct d;
    distinct_init(&d);
    for (size_t k = 0; k < n; k++) {
        size_t r = sel_row(sel, k);
        if (cell_missing(c, r)) {
            out->missing++;
            if (g)
                g[k] = -1;
            continue;
        }
        uint32_t id = distinct_add(&d, c, r);
        if (g)
            g[k] = (int32_t)id;
    }
    entry *e = xmalloc((d.n ? d.n : 1) * sizeof *e);
    for (size_t i = 0; i < d.n; i++) {
        size_t r = d.first[i];
        e[i] = (entry){.count = d.count[i], .id = (uint32_t)i};
        if (c->type == FOLIO_TEXT)
            e[i].s = text_at(c, r, &e[i].len);
        else
            e[i].v = c->type == FOLIO_DATE ? (double)c->date[r] : folio_num_at(c, r);
    }
    qsort(e, d.n, sizeof *e, c->type == FOLIO_TEXT ? cmp_text_entry : cmp_value_entry);

    size_t label_room = c->type == FOLIO_TEXT ? 0 : LABEL_BYTES;
    char *block = xmalloc((d.n ? d.n : 1) * (sizeof(folio_group) + label_room));
    out->groups = (folio_group *)block;
    out->n = d.n;
    char *labels = block + d.n * sizeof(folio_group);
    uint32_t *rank = xmalloc((d.n ? d.n : 1) * sizeof *rank);
    for (size_t i = 0; i < d.n; i++) {
        rank[e[i].id] = (uint32_t)i;
        out->groups[i].count = e[i].count;
        if (c->type == FOLIO_TEXT) {
            out->groups[i].label = e[i].s;
            continue;
        }
        char *lab = labels + i * LABEL_BYTES;
        if (c->type == FOLIO_DATE)
            folio_date_format((int32_t)e[i].v, lab);
        else
            folio_cell_format_number(e[i].v, lab, LABEL_BYTES);
        out->groups[i].label = lab;
    }
    if (g)
        for (size_t k = 0; k < n; k++)
            if (g[k] >= 0)
                g[k] = (int32_t)rank[g[k]];
    free(rank);
    free(e);
    distinct_free(&d);
    if (gid)
        *gid = g;
    return true;
}

bool folio_table_count_by(const folio_table *t, const folio_rows *sel, int col, folio_counts *out)
{
    return group_column(t, sel, col, out, NULL);
}

void folio_counts_free(folio_counts *c)
{
    if (!c)
        return;
    free(c->groups);
    memset(c, 0, sizeof *c);
}

/* The groups of selected row k (row r) on one side of a crosstab; returns how many. */
static size_t row_groups(const folio_column *c, const int32_t *gid, size_t k, size_t r, int *ids)
{
    if (c->type == FOLIO_MULTI) {
        size_t n = 0;
        if (multi_present(c, r))
            for (uint64_t m = folio_multi_at(c, r); m; m &= m - 1)
                ids[n++] = __builtin_ctzll(m);
        return n;
    }
    if (gid[k] < 0)
        return 0;
    ids[0] = gid[k];
    return 1;
}

bool folio_table_crosstab(const folio_table *t, const folio_rows *sel, int row_col, int col_col,
                          folio_crosstab *out)
{
    if (!out)
        return false;
    memset(out, 0, sizeof *out);
    int32_t *rg = NULL, *cg = NULL;
    if (!group_column(t, sel, row_col, &out->rows, &rg) || !group_column(t, sel, col_col, &out->cols, &cg)) {
        folio_crosstab_free(out);
        free(rg);
        return false;
    }
    size_t nr = out->rows.n, nc = out->cols.n;
    out->cells = xcalloc(nr * nc, sizeof *out->cells);
    const folio_column *a = &t->cols[row_col], *b = &t->cols[col_col];
    int ri[64], ci[64];
    for (size_t k = 0, n = sel_count(t, sel); k < n; k++) {
        size_t r = sel_row(sel, k);
        size_t na = row_groups(a, rg, k, r, ri);
        if (!na)
            continue;
        size_t nb = row_groups(b, cg, k, r, ci);
        for (size_t i = 0; i < na; i++)
            for (size_t j = 0; j < nb; j++)
                out->cells[(size_t)ri[i] * nc + (size_t)ci[j]]++;
    }
    free(rg);
    free(cg);
    return true;
}

void folio_crosstab_free(folio_crosstab *x)
{
    if (!x)
        return;
    folio_counts_free(&x->rows);
    folio_counts_free(&x->cols);
    free(x->cells);
    x->cells = NULL;
}

/* ---- summaries ---- */

bool folio_table_scale(const folio_table *t, const folio_rows *sel, int col, int lo, int hi, size_t *counts,
                       size_t *missing, size_t *other)
{
    const folio_column *c = column(t, col);
    if (!c || c->type != FOLIO_INTEGER || lo > hi || !counts || !sel_ok(t, sel))
        return false;
    size_t miss = 0, oth = 0;
    memset(counts, 0, ((size_t)hi - (size_t)lo + 1) * sizeof *counts);
    if (c->width == 1) {
        /* one byte per row: count each byte value, then place the 256 of them */
        size_t bins[256] = {0};
        byte_histogram((const uint8_t *)c->num, sel, sel_count(t, sel), bins);
        for (int b = 0; b < 256; b++) {
            int v = (int8_t)(uint8_t)b;
            if (!bins[b])
                continue;
            if (v == INT8_MIN)
                miss += bins[b];
            else if (v >= lo && v <= hi)
                counts[v - lo] += bins[b];
            else
                oth += bins[b];
        }
        if (missing)
            *missing = miss;
        if (other)
            *other = oth;
        return true;
    }
    for (size_t k = 0, n = sel_count(t, sel); k < n; k++) {
        double v = folio_num_at(c, sel_row(sel, k));
        if (isnan(v))
            miss++;
        else if (v >= lo && v <= hi)
            counts[(size_t)(v - lo)]++;
        else
            oth++;
    }
    if (missing)
        *missing = miss;
    if (other)
        *other = oth;
    return true;
}

size_t folio_table_count_distinct(const folio_table *t, const folio_rows *sel, int col)
{
    folio_counts cnt;
    if (!group_column(t, sel, col, &cnt, NULL))
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < cnt.n; i++)
        n += cnt.groups[i].count > 0;
    folio_counts_free(&cnt);
    return n;
}

bool folio_table_min_max(const folio_table *t, const folio_rows *sel, int col, double *min, double *max)
{
    const folio_column *c = column(t, col);
    if (!c || (c->type != FOLIO_INTEGER && c->type != FOLIO_NUMBER && c->type != FOLIO_DATE) ||
        !sel_ok(t, sel))
        return false;
    bool any = false;
    double lo = 0, hi = 0;
    for (size_t k = 0, n = sel_count(t, sel); k < n; k++) {
        size_t r = sel_row(sel, k);
        double v;
        if (c->type == FOLIO_DATE) {
            if (c->date[r] == FOLIO_DATE_NONE)
                continue;
            v = c->date[r];
        } else {
            v = folio_num_at(c, r);
            if (isnan(v))
                continue;
        }
        if (!any || v < lo)
            lo = v;
        if (!any || v > hi)
            hi = v;
        any = true;
    }
    if (any && min)
        *min = lo;
    if (any && max)
        *max = hi;
    return any;
}

bool folio_table_sum(const folio_table *t, const folio_rows *sel, int col, double *sum, size_t *n)
{
    const folio_column *c = column(t, col);
    if (!c || (c->type != FOLIO_INTEGER && c->type != FOLIO_NUMBER) || !sel_ok(t, sel))
        return false;
    /* Neumaier's compensated sum: the same total whatever the order of magnitudes */
    double s = 0, comp = 0;
    size_t count = 0;
    for (size_t k = 0, m = sel_count(t, sel); k < m; k++) {
        double v = folio_num_at(c, sel_row(sel, k));
        if (isnan(v))
            continue;
        double u = s + v;
        comp += fabs(s) >= fabs(v) ? (s - u) + v : (v - u) + s;
        s = u;
        count++;
    }
    if (sum)
        *sum = s + comp;
    if (n)
        *n = count;
    return true;
}

size_t folio_rows_count(const folio_table *t, const folio_rows *sel)
{
    if (sel)
        return sel->n;
    return t ? t->nrows : 0;
}

void folio_rows_room(folio_rows *r, size_t cap)
{
    r->idx = folio_array_resize(NULL, 0, (cap ? cap : 1) * sizeof *r->idx);
    r->n = 0;
}

void folio_rows_fit(folio_rows *r, size_t cap)
{
    if (r->n != cap)
        r->idx = folio_array_resize(r->idx, (cap ? cap : 1) * sizeof *r->idx, (r->n ? r->n : 1) * sizeof *r->idx);
}

void folio_rows_free(folio_rows *r)
{
    if (!r)
        return;
    folio_array_free(r->idx, (r->n ? r->n : 1) * sizeof *r->idx); /* as folio_table_filter sized it */
    r->idx = NULL;
    r->n = 0;
}

/* ---- filter ---- */

/* A comparison value, read for the column's type. */
typedef struct operand {
    bool never; /* EQ/HAS can match no row (a code the data never held) */
    double num;
    int small;
    uint64_t mask;
    const char *s;
    size_t len;
} operand;

static const char *type_words(folio_type type)
{
    switch (type) {
    case FOLIO_TEXT: return "holds text";
    case FOLIO_INTEGER: return "holds whole numbers";
    case FOLIO_NUMBER: return "holds numbers";
    case FOLIO_DATE: return "holds dates";
    case FOLIO_YESNO: return "holds yes/no answers";
    case FOLIO_CODE: return "holds codes";
    case FOLIO_MULTI: return "holds multi-select codes";
    }
    return "";
}

/* Reads the value of `op value` for column c; false with a message in err. */
static bool read_operand(const folio_column *c, folio_cmp op, const char *value, operand *o, char *err,
                         size_t errlen)
{
    size_t n = strlen(value);
    const char *s = folio_trim(value, &n);
    char shown[96];
    snprintf(shown, sizeof shown, "%.*s%s", n > 60 ? 60 : (int)n, s, n > 60 ? "..." : "");
    bool ordered = op == FOLIO_LT || op == FOLIO_LE || op == FOLIO_GT || op == FOLIO_GE;
    if (ordered && c->type != FOLIO_INTEGER && c->type != FOLIO_NUMBER && c->type != FOLIO_DATE) {
        set_err(err, errlen, "%s %s: <, <=, > and >= need a number or date column", c->name,
                type_words(c->type));
        return false;
    }
    if (op == FOLIO_HAS && c->type != FOLIO_MULTI) {
        set_err(err, errlen, "%s %s: \"has\" needs a multi-select column", c->name, type_words(c->type));
        return false;
    }
    char msg[160];
    switch (c->type) {
    case FOLIO_TEXT:
        o->s = s;
        o->len = n;
        return true;
    case FOLIO_INTEGER:
    case FOLIO_NUMBER:
        if (folio_cell_number(s, n, &o->num))
            return true;
        snprintf(msg, sizeof msg, "%s: \"%s\" is not a number", c->name, shown);
        break;
    case FOLIO_DATE: {
        int32_t d;
        if (folio_date_parse(s, n, &d)) {
            o->num = d;
            return true;
        }
        snprintf(msg, sizeof msg, "%s: \"%s\" is not a date YYYY-MM-DD", c->name, shown);
        break;
    }
    case FOLIO_YESNO:
        o->small = folio_cell_yesno(s, n);
        if (o->small >= 0)
            return true;
        snprintf(msg, sizeof msg, "%s: \"%s\" is not yes or no", c->name, shown);
        break;
    case FOLIO_CODE:
    case FOLIO_MULTI:
        /* one code, or for MULTI several separated by ';' (all must be chosen) */
        o->mask = 0;
        for (const char *p = s, *end = s + n; p <= end;) {
            const char *semi = c->type == FOLIO_MULTI ? memchr(p, ';', (size_t)(end - p)) : NULL;
            size_t pn = (size_t)((semi ? semi : end) - p);
            const char *part = folio_trim(p, &pn);
            int k = pn ? folio_cell_find_code(c, part, pn) : -2;
            if (k == -1 && c->interned) {
                o->never = true; /* a value the data never held */
            } else if (k == -1) {
                char list[512];
                folio_cell_code_list(c, "one of ", list, sizeof list);
                set_err(err, errlen, "unknown %s \"%.*s\": expected %s", c->name, pn > 60 ? 60 : (int)pn,
                        part, list);
                return false;
            } else if (k >= 0) {
                o->mask |= UINT64_C(1) << k;
                o->small = k;
            }
            if (!semi)
                break;
            p = semi + 1;
        }
        return true;
    }
    set_err(err, errlen, "%s", msg);
    return false;
}

/* Does row r's cell equal the operand? (missing never does) */
static bool cell_equals(const folio_column *c, size_t r, const operand *o)
{
    size_t len;
    switch (c->type) {
    case FOLIO_TEXT: {
        const char *s = text_at(c, r, &len);
        return c->text_off[r] != c->text_off[r + 1] && len == o->len && memcmp(s, o->s, len) == 0;
    }
    case FOLIO_INTEGER:
    case FOLIO_NUMBER: return folio_num_at(c, r) == o->num;
    case FOLIO_DATE: return c->date[r] != FOLIO_DATE_NONE && c->date[r] == (int32_t)o->num;
    case FOLIO_YESNO:
    case FOLIO_CODE: return !o->never && c->small[r] >= 0 && c->small[r] == o->small;
    case FOLIO_MULTI: return !o->never && multi_present(c, r) && folio_multi_at(c, r) == o->mask;
    }
    return false;
}

static bool cell_matches(const folio_column *c, size_t r, folio_cmp op, const operand *o)
{
    double v;
    switch (op) {
    case FOLIO_MISSING: return cell_missing(c, r);
    case FOLIO_PRESENT: return !cell_missing(c, r);
    case FOLIO_EQ: return cell_equals(c, r, o);
    case FOLIO_NE: return !cell_equals(c, r, o);
    case FOLIO_HAS: return !o->never && multi_present(c, r) && (folio_multi_at(c, r) & o->mask) == o->mask;
    default: break;
    }
    if (c->type == FOLIO_DATE) {
        if (c->date[r] == FOLIO_DATE_NONE)
            return false;
        v = c->date[r];
    } else {
        v = folio_num_at(c, r);
        if (isnan(v))
            return false;
    }
    switch (op) {
    case FOLIO_LT: return v < o->num;
    case FOLIO_LE: return v <= o->num;
    case FOLIO_GT: return v > o->num;
    case FOLIO_GE: return v >= o->num;
    default: return false;
    }
}

/* Reads `op value` for column col of t (in *c) into *op and o (an empty value turns EQ/NE into
 * MISSING/PRESENT); false with a message in err. `given` is false when the caller has no
 * table or nowhere to put the result. */
static bool read_condition(const folio_table *t, bool given, const folio_rows *in, int col,
                           const folio_column **cp, folio_cmp *op, const char *value, operand *o, char *err,
                           size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!t || !given) {
        set_err(err, errlen, "filter: no table or no result given");
        return false;
    }
    const folio_column *c = *cp = column(t, col);
    if (!c) {
        set_err(err, errlen, "filter: no column %d in %s", col, t->name);
        return false;
    }
    if (!sel_ok(t, in)) {
        set_err(err, errlen, "filter: the selection holds rows that are not in %s", t->name);
        return false;
    }
    if (*op < FOLIO_EQ || *op > FOLIO_PRESENT) {
        set_err(err, errlen, "filter: unknown comparison on %s", c->name);
        return false;
    }
    if (*op == FOLIO_MISSING || *op == FOLIO_PRESENT)
        return true;
    if (!value) {
        set_err(err, errlen, "%s: no value to compare with", c->name);
        return false;
    }
    size_t n = strlen(value);
    folio_trim(value, &n);
    if (n == 0 && (*op == FOLIO_EQ || *op == FOLIO_NE)) {
        *op = *op == FOLIO_EQ ? FOLIO_MISSING : FOLIO_PRESENT;
        return true;
    }
    if (n == 0) {
        set_err(err, errlen, "%s: no value to compare with", c->name);
        return false;
    }
    return read_operand(c, *op, value, o, err, errlen);
}

/* The rows of `in` (NULL = all) that match: written to idx when idx is not NULL (room for every
 * row of `in`); returns how many. */
static size_t select_rows(const folio_table *t, const folio_rows *in, const folio_column *c, folio_cmp op,
                          const operand *o, uint32_t *idx)
{
    size_t n = sel_count(t, in), m = 0;
    if ((c->type == FOLIO_CODE || c->type == FOLIO_YESNO) && (op == FOLIO_EQ || op == FOLIO_NE) &&
        !o->never) {
        /* the most asked question, one byte per row and no branch: equal to a known code
         * (which is never the missing value, -1), or not */
        const int8_t *v = c->small, want = (int8_t)o->small;
        bool eq = op == FOLIO_EQ;
        if (!idx && !in) {
            for (size_t r = 0; r < n; r++) /* (vectorised: only a count is asked) */
                m += v[r] == want;
            return eq ? m : n - m;
        }
        if (!idx) {
            for (size_t k = 0; k < n; k++)
                m += v[in->idx[k]] == want;
            return eq ? m : n - m;
        }
        for (size_t k = 0; k < n; k++) {
            size_t r = sel_row(in, k);
            idx[m] = (uint32_t)r;
            m += (v[r] == want) == eq;
        }
        return m;
    }
    for (size_t k = 0; k < n; k++) {
        size_t r = sel_row(in, k);
        if (cell_matches(c, r, op, o)) {
            if (idx)
                idx[m] = (uint32_t)r;
            m++;
        }
    }
    return m;
}

/* NE keeps every row EQ leaves out, missing cells included, so EQ and NE split the selection.
 * An empty value means the empty cell: EQ "" is MISSING and NE "" is PRESENT. */
bool folio_table_filter(const folio_table *t, const folio_rows *in, int col, folio_cmp op, const char *value,
                        folio_rows *out, char *err, size_t errlen)
{
    if (out) {
        out->idx = NULL;
        out->n = 0;
    }
    const folio_column *c;
    operand o = {0};
    if (!read_condition(t, out != NULL, in, col, &c, &op, value, &o, err, errlen))
        return false;
    size_t n = sel_count(t, in);
    folio_rows_room(out, n);
    out->n = select_rows(t, in, c, op, &o, out->idx);
    folio_rows_fit(out, n);
    return true;
}

bool folio_table_count_where(const folio_table *t, const folio_rows *in, int col, folio_cmp op,
                             const char *value, size_t *count, char *err, size_t errlen)
{
    if (count)
        *count = 0;
    const folio_column *c;
    operand o = {0};
    if (!read_condition(t, count != NULL, in, col, &c, &op, value, &o, err, errlen))
        return false;
    *count = select_rows(t, in, c, op, &o, NULL);
    return true;
}
