/* Columnar storage of a loaded table: growth, cell accessors and load statistics.
 * Every array grows geometrically, so appending a row never allocates per row. */
#ifdef __linux__
#define _GNU_SOURCE /* mremap */
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/util.h"
#include "data/table_internal.h"

/* Bytes per stored value of an INTEGER, NUMBER or MULTI column: as few as its spec allows. */
static unsigned value_width(const folio_colspec *cs)
{
    if (cs->type == FOLIO_INTEGER && cs->has_range && cs->min >= INT8_MIN + 1 && cs->max <= INT8_MAX)
        return 1;
    if (cs->type == FOLIO_INTEGER && cs->has_range && cs->min >= INT32_MIN + 1.0 && cs->max <= INT32_MAX)
        return 4;
    if (cs->type == FOLIO_MULTI && cs->codes)
        return cs->ncodes <= 8 ? 1 : cs->ncodes <= 16 ? 2 : cs->ncodes <= 32 ? 4 : 8;
    if (cs->type == FOLIO_MULTI)
        return 1; /* codes collected from the data: widened as they come (multi_widen) */
    return 8;
}

folio_table *folio_table_create(const folio_inputspec *spec, const char *display_path)
{
    folio_table *t = xcalloc(1, sizeof *t);
    t->name = xstrdup(spec->name ? spec->name : "");
    t->path = xstrdup(display_path ? display_path : "");
    t->ncols = spec->ncols;
    t->cols = xcalloc(spec->ncols ? spec->ncols : 1, sizeof *t->cols);
    t->date_col = -1;
    t->first_date = t->last_date = FOLIO_DATE_NONE;
    for (size_t i = 0; i < spec->ncols; i++) {
        const folio_colspec *cs = &spec->cols[i];
        folio_column *c = &t->cols[i];
        c->name = xstrdup(cs->name);
        c->type = cs->type;
        c->width = value_width(cs);
        /* a key no plugin reads is stored for the duplicate check unless it is text: that is
         * checked by hashes (csv_load.c) */
        c->stored =
            !cs->unread || (spec->key_col && strcmp(spec->key_col, cs->name) == 0 && cs->type != FOLIO_TEXT);
        if (cs->type != FOLIO_CODE && cs->type != FOLIO_MULTI)
            continue;
        c->codes = xcalloc(FOLIO_MAX_CODES, sizeof *c->codes);
        c->code_len = xcalloc(FOLIO_MAX_CODES, sizeof *c->code_len);
        c->code_fold = xcalloc(FOLIO_MAX_CODES, sizeof *c->code_fold);
        if (!cs->codes) {
            c->interned = true;
            continue;
        }
        for (size_t k = 0; k < cs->ncodes; k++) {
            size_t n = strlen(cs->codes[k]);
            const char *s = folio_trim(cs->codes[k], &n);
            c->codes[k] = xstrndup(s, n);
            c->code_len[k] = n;
        }
        c->ncodes = cs->ncodes;
        folio_column_index_codes(c);
    }
    return t;
}

#define PREFAULT_ROWS 16384      /* rows of every column made resident at a time */
#define PREFAULT_TEXT (1u << 20) /* bytes of a text arena made resident at a time */

void folio_prefault(void *p, size_t from, size_t to)
{
#ifdef MADV_POPULATE_WRITE
    static uintptr_t page;
    if (!page) {
        long ps = sysconf(_SC_PAGESIZE);
        page = ps > 0 ? (uintptr_t)ps : 4096;
    }
    if (!p || to <= from)
        return;
    uintptr_t a = ((uintptr_t)p + from) & ~(page - 1);
    uintptr_t e = ((uintptr_t)p + to + page - 1) & ~(page - 1);
    (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE); /* on failure pages fault in as usual */
#else
    (void)p, (void)from, (void)to;
#endif
}

/* Makes rows [from, upto) of column c resident. */
static void prefault_column(folio_column *c, size_t from, size_t upto)
{
    folio_prefault(c->num, from * c->width, upto * c->width);
    folio_prefault(c->date, from * sizeof *c->date, upto * sizeof *c->date);
    folio_prefault(c->small, from * sizeof *c->small, upto * sizeof *c->small);
    folio_prefault(c->multi, from * c->width, upto * c->width);
    folio_prefault(c->multi_present, from / 64 * sizeof(uint64_t), upto / 64 * sizeof(uint64_t));
    folio_prefault(c->text_off, (from + 1) * sizeof(uint64_t), (upto + 1) * sizeof(uint64_t));
}

/* Makes rows [t->ready, upto) of every column resident. */
static void prefault_rows(folio_table *t, size_t upto)
{
    folio_prefault(t->line, t->ready * sizeof *t->line, upto * sizeof *t->line);
    for (size_t i = 0; i < t->ncols; i++)
        prefault_column(&t->cols[i], t->ready, upto);
    t->ready = upto;
}

#define BIG_ARRAY (256u << 10) /* arrays this large get a mapping of their own */

static size_t page_round(size_t n)
{
    return (n + 4095) & ~(size_t)4095;
}

/* A new anonymous mapping of `bytes` (page-rounded) for a large array. From 2 MiB it starts on a
 * 2 MiB boundary and is advised for transparent huge pages: filling a column of a million rows is
 * then a few 2 MiB faults instead of thousands of 4 KiB ones (11-15 us each on the virtual
 * machines measured; core/heap.h). The advice stays with the mapping through mremap. */
static void *map_array(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    if (bytes < huge)
        return mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *base = mmap(NULL, bytes + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        return base;
    char *a = (char *)(((uintptr_t)base + huge - 1) & ~(uintptr_t)(huge - 1));
    if (a > base)
        munmap(base, (size_t)(a - base));
    if (base + bytes + huge > a + bytes)
        munmap(a + bytes, (size_t)(base + bytes + huge - (a + bytes)));
#ifdef MADV_HUGEPAGE
    (void)madvise(a, bytes & ~(huge - 1), MADV_HUGEPAGE); /* a hint: on failure, small pages */
#endif
    return a;
}

/* Resizes an array of `old` bytes to `bytes` (old 0 = new array). Large arrays are anonymous
 * mappings grown with mremap, so growing a column never copies it and does not depend on
 * malloc's mmap threshold (which rises after any large free); small ones use realloc. */
void *folio_array_resize(void *p, size_t old, size_t bytes)
{
#ifdef MREMAP_MAYMOVE
    bool was_big = p && old >= BIG_ARRAY, big = bytes >= BIG_ARRAY;
    void *q = NULL;
    if (was_big && big)
        q = mremap(p, page_round(old), page_round(bytes), MREMAP_MAYMOVE);
    else if (big)
        q = map_array(page_round(bytes));
    else if (was_big)
        q = xmalloc(bytes);
    if (was_big || big) {
        if (q == MAP_FAILED) {
            fputs("folio: out of memory\n", stderr); /* as xmalloc does */
            exit(1);
        }
        if (!was_big && p) {
            memcpy(q, p, old < bytes ? old : bytes);
            free(p);
        } else if (!big) {
            memcpy(q, p, bytes);
            munmap(p, page_round(old));
        }
        return q;
    }
#else
    (void)old;
#endif
    return xrealloc(p, bytes);
}

void folio_array_free(void *p, size_t bytes)
{
#ifdef MREMAP_MAYMOVE
    if (p && bytes >= BIG_ARRAY) {
        munmap(p, page_round(bytes));
        return;
    }
#else
    (void)bytes;
#endif
    free(p);
}

/* Resizes every column to hold cap rows (cap a multiple of 64, not below nrows). */
static void resize_rows(folio_table *t, size_t cap)
{
    size_t old = t->cap;
    t->line = folio_array_resize(t->line, old * sizeof *t->line, cap * sizeof *t->line);
    for (size_t i = 0; i < t->ncols; i++) {
        folio_column *c = &t->cols[i];
        if (!c->stored)
            continue;
        switch (c->type) {
        case FOLIO_TEXT:
            c->text_off = folio_array_resize(c->text_off, old ? (old + 1) * sizeof *c->text_off : 0,
                                       (cap + 1) * sizeof *c->text_off);
            if (old == 0)
                c->text_off[0] = 0;
            break;
        case FOLIO_INTEGER:
        case FOLIO_NUMBER: c->num = folio_array_resize(c->num, old * c->width, cap * c->width); break;
        case FOLIO_DATE: c->date = folio_array_resize(c->date, old * sizeof *c->date, cap * sizeof *c->date); break;
        case FOLIO_YESNO:
        case FOLIO_CODE:
            c->small = folio_array_resize(c->small, old * sizeof *c->small, cap * sizeof *c->small);
            break;
        case FOLIO_MULTI:
            c->multi = folio_array_resize(c->multi, old * c->width, cap * c->width);
            c->multi_present =
                folio_array_resize(c->multi_present, old / 64 * sizeof(uint64_t), cap / 64 * sizeof(uint64_t));
            if (cap > old)
                memset(c->multi_present + old / 64, 0, (cap - old) / 64 * sizeof(uint64_t));
            break;
        }
    }
    t->cap = cap;
    if (t->ready > cap)
        t->ready = cap;
}

void folio_table_reserve_rows(folio_table *t, size_t rows)
{
    size_t cap = rows ? (rows + 63) / 64 * 64 : 64;
    if (cap > t->cap)
        resize_rows(t, cap);
}

void folio_column_reserve_text(folio_column *c, size_t bytes)
{
    if (bytes > c->text_cap) {
        c->text = folio_array_resize(c->text, c->text_cap, bytes);
        c->text_cap = c->text_ready = bytes;
    }
}

/* Bytes per value of a MULTI column holding bit set m: the least that keeps every bit. */
static unsigned multi_width_of(uint64_t m)
{
    return m >> 32 ? 8 : m >> 16 ? 4 : m >> 8 ? 2 : 1;
}

static void multi_put(void *multi, unsigned width, size_t r, uint64_t m)
{
    switch (width) {
    case 1: ((uint8_t *)multi)[r] = (uint8_t)m; break;
    case 2: ((uint16_t *)multi)[r] = (uint16_t)m; break;
    case 4: ((uint32_t *)multi)[r] = (uint32_t)m; break;
    default: ((uint64_t *)multi)[r] = m;
    }
}

/* Gives MULTI column c `width` bytes per value (more than it has): a column whose codes come
 * from the data starts at one byte a row and is copied wider when a row chooses its 9th, 17th
 * or 33rd code, at most three times. */
static void multi_widen(folio_table *t, folio_column *c, unsigned width)
{
    if (t->cap) {
        void *q = folio_array_resize(NULL, 0, t->cap * width);
        for (size_t r = 0; r < t->nrows; r++)
            multi_put(q, width, r, folio_multi_at(c, r));
        folio_array_free(c->multi, t->cap * c->width);
        c->multi = q;
    }
    c->width = width;
}

/* Makes the arena of c hold `need` bytes. */
static void text_reserve(folio_column *c, size_t need)
{
    if (need > c->text_cap) {
        size_t cap = c->text_cap ? c->text_cap : 65536;
        while (cap < need)
            cap *= 2;
        c->text = folio_array_resize(c->text, c->text_cap, cap);
        c->text_cap = cap;
    }
}

static void text_append(folio_column *c, const char *s, size_t n)
{
    size_t need = c->text_len + n + 1;
    text_reserve(c, need);
    if (need > c->text_ready) {
        size_t upto = need + PREFAULT_TEXT < c->text_cap ? need + PREFAULT_TEXT : c->text_cap;
        folio_prefault(c->text, c->text_ready, upto);
        c->text_ready = upto;
    }
    memcpy(c->text + c->text_len, s, n);
    c->text[c->text_len + n] = '\0';
    c->text_len += n + 1;
}

void folio_table_add_row(folio_table *t, const folio_cell *cells, uint32_t line)
{
    if (t->nrows == t->cap)
        resize_rows(t, t->cap ? t->cap * 2 : 1024);
    if (t->nrows == t->ready)
        prefault_rows(t, t->nrows + PREFAULT_ROWS < t->cap ? t->nrows + PREFAULT_ROWS : t->cap);
    size_t r = t->nrows;
    t->line[r] = line;
    for (size_t i = 0; i < t->ncols; i++) {
        folio_column *c = &t->cols[i];
        const folio_cell *v = &cells[i];
        if (!c->stored)
            continue;
        switch (c->type) {
        case FOLIO_TEXT: /* its text is already in place (folio_table_add_text) */
            c->text_off[r + 1] = c->text_len;
            break;
        case FOLIO_INTEGER:
        case FOLIO_NUMBER:
            if (c->width == 1)
                ((int8_t *)c->num)[r] = v->missing ? INT8_MIN : (int8_t)v->num;
            else if (c->width == 4)
                ((int32_t *)c->num)[r] = v->missing ? INT32_MIN : (int32_t)v->num;
            else
                ((double *)c->num)[r] = v->missing ? NAN : v->num;
            break;
        case FOLIO_DATE: c->date[r] = v->missing ? FOLIO_DATE_NONE : v->date; break;
        case FOLIO_YESNO:
        case FOLIO_CODE: c->small[r] = (int8_t)(v->missing ? -1 : v->small); break;
        case FOLIO_MULTI: {
            uint64_t m = v->missing ? 0 : v->multi;
            if (multi_width_of(m) > c->width)
                multi_widen(t, c, multi_width_of(m));
            multi_put(c->multi, c->width, r, m);
            if (!v->missing)
                c->multi_present[r / 64] |= UINT64_C(1) << (r % 64);
            break;
        }
        }
    }
    if (t->date_col >= 0 && !cells[t->date_col].missing) {
        int32_t d = cells[t->date_col].date;
        if (t->first_date == FOLIO_DATE_NONE || d < t->first_date)
            t->first_date = d;
        if (t->last_date == FOLIO_DATE_NONE || d > t->last_date)
            t->last_date = d;
    }
    t->nrows++;
}

void folio_table_append(folio_table *t, folio_table *from, const int *map)
{
    size_t n0 = t->nrows, n = from->nrows, total = n0 + n;
    if (total > t->cap)
        resize_rows(t, (total + 63) / 64 * 64);
    folio_prefault(t->line, n0 * sizeof *t->line, total * sizeof *t->line);
    if (n)
        memcpy(t->line + n0, from->line, n * sizeof *t->line);
    folio_array_free(from->line, from->cap * sizeof *from->line);
    from->line = NULL;
    for (size_t i = 0; i < t->ncols; i++) {
        folio_column *c = &t->cols[i], *f = &from->cols[i];
        const int *m = map + i * FOLIO_MAX_CODES;
        bool same = true; /* the codes keep their numbers */
        for (size_t k = 0; k < f->ncodes; k++)
            same &= m[k] == (int)k;
        if (!c->stored)
            continue;
        prefault_column(c, n0, total); /* (its rows of t are written next, in one call) */
        switch (c->type) {
        case FOLIO_TEXT: {
            size_t base = c->text_len;
            text_reserve(c, base + f->text_len);
            if (f->text_len)
                memcpy(c->text + base, f->text, f->text_len);
            c->text_len = base + f->text_len;
            if (c->text_ready < c->text_len)
                c->text_ready = c->text_len;
            for (size_t r = 0; r < n; r++)
                c->text_off[n0 + r + 1] = base + f->text_off[r + 1];
            break;
        }
        case FOLIO_INTEGER:
        case FOLIO_NUMBER:
            if (n)
                memcpy((char *)c->num + n0 * c->width, f->num, n * c->width);
            break;
        case FOLIO_DATE:
            if (n)
                memcpy(c->date + n0, f->date, n * sizeof *c->date);
            break;
        case FOLIO_YESNO:
        case FOLIO_CODE:
            if (same && n)
                memcpy(c->small + n0, f->small, n);
            else
                for (size_t r = 0; r < n; r++)
                    c->small[n0 + r] = (int8_t)(f->small[r] < 0 ? -1 : m[f->small[r]]);
            break;
        case FOLIO_MULTI: {
            unsigned w = c->ncodes <= 8 ? 1 : c->ncodes <= 16 ? 2 : c->ncodes <= 32 ? 4 : 8;
            if (w > c->width)
                multi_widen(t, c, w);
            for (size_t r = 0; r < n; r++) {
                uint64_t bits = folio_multi_at(f, r), out = bits;
                if (!same)
                    for (out = 0; bits; bits &= bits - 1)
                        out |= UINT64_C(1) << m[__builtin_ctzll(bits)];
                multi_put(c->multi, c->width, n0 + r, out);
                if (f->multi_present[r / 64] >> (r % 64) & 1)
                    c->multi_present[(n0 + r) / 64] |= UINT64_C(1) << ((n0 + r) % 64);
            }
            break;
        }
        }
        /* this column of `from` is copied: its memory goes before the next one grows */
        folio_array_free(f->num, from->cap * f->width);
        folio_array_free(f->date, from->cap * sizeof *f->date);
        folio_array_free(f->small, from->cap * sizeof *f->small);
        folio_array_free(f->multi, from->cap * f->width);
        folio_array_free(f->multi_present, from->cap / 64 * sizeof(uint64_t));
        folio_array_free(f->text_off, from->cap ? (from->cap + 1) * sizeof *f->text_off : 0);
        folio_array_free(f->text, f->text_cap);
        folio_column_forget_rows(f);
    }
    from->nrows = from->cap = from->ready = 0;
    t->nrows = total;
    if (t->ready < total)
        t->ready = total;
}

void folio_column_forget_rows(folio_column *c)
{
    c->num = c->multi = NULL;
    c->date = NULL;
    c->small = NULL;
    c->multi_present = c->text_off = NULL;
    c->text = NULL;
    c->text_len = c->text_cap = c->text_ready = 0;
}

void folio_table_drop_column(folio_table *t, int col)
{
    folio_column *c = &t->cols[col];
    if (c->type != FOLIO_TEXT || !c->stored)
        return;
    folio_array_free(c->text_off, t->cap ? (t->cap + 1) * sizeof *c->text_off : 0);
    folio_array_free(c->text, c->text_cap);
    c->text_off = NULL;
    c->text = NULL;
    c->text_len = c->text_cap = c->text_ready = 0;
    c->stored = false;
}

void folio_table_add_text(folio_table *t, folio_column *c, const char *s, size_t n)
{
    (void)t;
    if (c->stored)
        text_append(c, s, n);
}

void folio_table_drop_text(folio_table *t)
{
    for (size_t i = 0; i < t->ncols; i++) {
        folio_column *c = &t->cols[i];
        if (c->type == FOLIO_TEXT && c->stored)
            c->text_len = t->cap ? (size_t)c->text_off[t->nrows] : 0;
    }
}

int folio_column_intern(folio_column *c, const char *s, size_t n)
{
    char *code = xstrndup(s, n);
    for (size_t i = 0; i < n; i++)
        if (code[i] >= 'A' && code[i] <= 'Z')
            code[i] = (char)(code[i] | 0x20);
    c->codes[c->ncodes] = code;
    c->code_len[c->ncodes] = n;
    c->ncodes++;
    folio_column_index_codes(c);
    return (int)c->ncodes - 1;
}

void folio_column_unintern(folio_column *c)
{
    if (c->ncodes == 0)
        return;
    c->ncodes--;
    free(c->codes[c->ncodes]);
    c->codes[c->ncodes] = NULL;
    free(c->code_fold[c->ncodes]);
    c->code_fold[c->ncodes] = NULL;
    folio_column_index_codes(c);
}

void folio_table_shrink(folio_table *t)
{
    for (size_t i = 0; i < t->ncols; i++) {
        folio_column *c = &t->cols[i];
        if (c->text && c->text_len < c->text_cap) {
            size_t n = c->text_len ? c->text_len : 1;
            c->text = folio_array_resize(c->text, c->text_cap, n);
            c->text_cap = c->text_ready = n;
        }
    }
    size_t cap = (t->nrows + 63) / 64 * 64;
    if (cap && cap < t->cap)
        resize_rows(t, cap);
}

void folio_table_free(folio_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncols; i++) {
        folio_column *c = &t->cols[i];
        size_t cap = t->cap;
        free(c->name);
        folio_array_free(c->num, cap * c->width);
        folio_array_free(c->date, cap * sizeof *c->date);
        folio_array_free(c->small, cap * sizeof *c->small);
        folio_array_free(c->multi, cap * c->width);
        folio_array_free(c->multi_present, cap / 64 * sizeof(uint64_t));
        folio_array_free(c->text_off, cap ? (cap + 1) * sizeof *c->text_off : 0);
        folio_array_free(c->text, c->text_cap);
        for (size_t k = 0; k < c->ncodes; k++)
            free(c->codes[k]);
        for (size_t k = 0; c->code_fold && k < FOLIO_MAX_CODES; k++)
            free(c->code_fold[k]);
        free(c->code_fold);
        free(c->codes);
        free(c->code_len);
    }
    for (size_t i = 0; i < t->nreasons; i++)
        free(t->reasons[i].text);
    free(t->reasons);
    folio_table_free(t->previous);
    free(t->cols);
    folio_array_free(t->line, t->cap * sizeof *t->line);
    free(t->name);
    free(t->path);
    free(t);
}

/* ---- table-level accessors ---- */

const char *folio_table_name(const folio_table *t)
{
    return t ? t->name : NULL;
}

const char *folio_table_path(const folio_table *t)
{
    return t ? t->path : NULL;
}

size_t folio_table_row_count(const folio_table *t)
{
    return t ? t->nrows : 0;
}

size_t folio_table_column_count(const folio_table *t)
{
    return t ? t->ncols : 0;
}

int folio_table_column_index(const folio_table *t, const char *name)
{
    if (!t || !name)
        return -1;
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return t->cols[i].stored ? (int)i : -1;
    return -1;
}

bool folio_table_column_is_unread(const folio_table *t, const char *name)
{
    if (!t || !name)
        return false;
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return !t->cols[i].stored;
    return false;
}

static const folio_column *column(const folio_table *t, int col)
{
    if (!t || col < 0 || (size_t)col >= t->ncols)
        return NULL;
    return &t->cols[col];
}

const char *folio_table_column_name(const folio_table *t, int col)
{
    const folio_column *c = column(t, col);
    return c ? c->name : NULL;
}

folio_type folio_table_column_type(const folio_table *t, int col)
{
    const folio_column *c = column(t, col);
    return c ? c->type : FOLIO_TEXT;
}

int folio_table_column_position(const folio_table *t, int col)
{
    const folio_column *c = column(t, col);
    return c ? c->pos : 0;
}

void folio_table_get_stats(const folio_table *t, folio_table_stats *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    out->first_date = out->last_date = FOLIO_DATE_NONE;
    if (!t)
        return;
    out->rows_read = t->rows_read;
    out->rows_used = t->nrows;
    out->out_of_period = t->out_of_period;
    out->counts_previous = t->counts_previous;
    out->previous_used = t->previous_used;
    out->rejected = t->rejected;
    out->reasons = t->reasons;
    out->nreasons = t->nreasons;
    out->first_date = t->first_date;
    out->last_date = t->last_date;
}

/* ---- cells ---- */

/* The column, if col and row are valid, the column is stored and has type `type` (-1 = any). */
static const folio_column *cell_column(const folio_table *t, size_t row, int col, int type)
{
    const folio_column *c = column(t, col);
    if (!c || !c->stored || row >= t->nrows || (type >= 0 && (int)c->type != type))
        return NULL;
    return c;
}

bool folio_table_is_missing(const folio_table *t, size_t row, int col)
{
    const folio_column *c = cell_column(t, row, col, -1);
    if (!c)
        return true;
    switch (c->type) {
    case FOLIO_TEXT: return c->text_off[row] == c->text_off[row + 1];
    case FOLIO_INTEGER:
    case FOLIO_NUMBER: return isnan(folio_num_at(c, row));
    case FOLIO_DATE: return c->date[row] == FOLIO_DATE_NONE;
    case FOLIO_YESNO:
    case FOLIO_CODE: return c->small[row] < 0;
    case FOLIO_MULTI: return !(c->multi_present[row / 64] >> (row % 64) & 1);
    }
    return true;
}

const char *folio_table_get_text(const folio_table *t, size_t row, int col, size_t *len)
{
    const folio_column *c = cell_column(t, row, col, -1);
    const char *s = NULL;
    size_t n = 0;
    if (c && c->type == FOLIO_TEXT && c->text_off[row] != c->text_off[row + 1]) {
        s = c->text + c->text_off[row];
        n = (size_t)(c->text_off[row + 1] - c->text_off[row] - 1);
    } else if (c && c->type == FOLIO_CODE && c->small[row] >= 0) {
        s = c->codes[c->small[row]];
        n = c->code_len[c->small[row]];
    } else if (c && c->type == FOLIO_YESNO && c->small[row] >= 0) {
        s = c->small[row] ? "yes" : "no";
        n = strlen(s);
    }
    if (len)
        *len = n;
    return s;
}

double folio_table_get_number(const folio_table *t, size_t row, int col)
{
    const folio_column *c = cell_column(t, row, col, -1);
    if (!c || (c->type != FOLIO_INTEGER && c->type != FOLIO_NUMBER))
        return NAN;
    return folio_num_at(c, row);
}

int32_t folio_table_get_date(const folio_table *t, size_t row, int col)
{
    const folio_column *c = cell_column(t, row, col, FOLIO_DATE);
    return c ? c->date[row] : FOLIO_DATE_NONE;
}

int folio_table_get_yesno(const folio_table *t, size_t row, int col)
{
    const folio_column *c = cell_column(t, row, col, FOLIO_YESNO);
    return c ? c->small[row] : -1;
}

int folio_table_get_code(const folio_table *t, size_t row, int col)
{
    const folio_column *c = cell_column(t, row, col, FOLIO_CODE);
    return c ? c->small[row] : -1;
}

uint64_t folio_table_get_multi(const folio_table *t, size_t row, int col)
{
    const folio_column *c = cell_column(t, row, col, FOLIO_MULTI);
    return c ? folio_multi_at(c, row) : 0;
}

size_t folio_table_code_count(const folio_table *t, int col)
{
    const folio_column *c = column(t, col);
    return c ? c->ncodes : 0;
}

const char *folio_table_code_name(const folio_table *t, int col, size_t i)
{
    const folio_column *c = column(t, col);
    return c && i < c->ncodes ? c->codes[i] : NULL;
}

int folio_table_find_code(const folio_table *t, int col, const char *code)
{
    const folio_column *c = column(t, col);
    if (!c || !code)
        return -1;
    return folio_cell_find_code(c, code, strlen(code));
}

int folio_table_row_line(const folio_table *t, size_t row)
{
    if (!t || row >= t->nrows)
        return 0;
    return (int)t->line[row];
}
