/* Narrowing a table to some of its rows: folio_table_keep_rows compacts every column in place
 * (row keep->idx[i] moving to row i); folio_table_copy_rows makes a new table of those rows and
 * leaves the first one as it was. */
#include "data/table_keep.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "data/table_internal.h"

/* Moves element idx[i] of an array of `width`-byte elements to element i, for each i (idx
 * ascending, so idx[i] >= i and a move never overwrites an element still to be read). */
static void compact(void *base, size_t width, const uint32_t *idx, size_t n)
{
    if (!base)
        return;
    char *p = base;
    for (size_t i = 0; i < n; i++)
        if (idx[i] != i)
            memcpy(p + i * width, p + (size_t)idx[i] * width, width);
}

static void compact_column(folio_column *c, const uint32_t *idx, size_t n)
{
    switch (c->type) {
    case FOLIO_INTEGER:
    case FOLIO_NUMBER: compact(c->num, c->width, idx, n); break;
    case FOLIO_DATE: compact(c->date, sizeof *c->date, idx, n); break;
    case FOLIO_CODE:
    case FOLIO_YESNO: compact(c->small, sizeof *c->small, idx, n); break;
    case FOLIO_MULTI:
        compact(c->multi, c->width, idx, n);
        if (c->multi_present)
            for (size_t i = 0; i < n; i++) {
                bool present = c->multi_present[idx[i] / 64] >> (idx[i] % 64) & 1;
                uint64_t bit = UINT64_C(1) << (i % 64);
                c->multi_present[i / 64] =
                    present ? c->multi_present[i / 64] | bit : c->multi_present[i / 64] & ~bit;
            }
        break;
    case FOLIO_TEXT:
        if (c->text_off) {
            /* Cells are laid out in row order; kept cells slide down the arena in order. */
            uint64_t at = 0;
            for (size_t i = 0; i < n; i++) {
                uint64_t from = c->text_off[idx[i]], len = c->text_off[idx[i] + 1] - from;
                if (len && at != from)
                    memmove(c->text + at, c->text + from, len);
                c->text_off[i] = at;
                at += len;
            }
            c->text_off[n] = at;
            c->text_len = at;
        }
        break;
    }
}

/* Whether keep lists rows of t in ascending order. */
static bool rows_ok(const folio_table *t, const folio_rows *keep)
{
    if (keep->n > t->nrows)
        return false;
    for (size_t i = 0; i < keep->n; i++)
        if (keep->idx[i] >= t->nrows || (i && keep->idx[i] <= keep->idx[i - 1]))
            return false;
    return true;
}

/* Sets first_date and last_date from the rows t holds. */
static void count_dates(folio_table *t)
{
    t->first_date = t->last_date = FOLIO_DATE_NONE;
    if (t->date_col >= 0 && t->cols[t->date_col].date) /* an unread date column stores nothing */
        for (size_t r = 0; r < t->nrows; r++) {
            int32_t d = t->cols[t->date_col].date[r];
            if (d == FOLIO_DATE_NONE)
                continue;
            if (t->first_date == FOLIO_DATE_NONE || d < t->first_date)
                t->first_date = d;
            if (t->last_date == FOLIO_DATE_NONE || d > t->last_date)
                t->last_date = d;
        }
}

bool folio_table_keep_rows(folio_table *t, const folio_rows *keep)
{
    if (!t || !keep || !rows_ok(t, keep))
        return false;
    for (size_t c = 0; c < t->ncols; c++)
        compact_column(&t->cols[c], keep->idx, keep->n);
    compact(t->line, sizeof *t->line, keep->idx, keep->n);
    t->nrows = keep->n;
    count_dates(t);
    return true;
}

/* ---- copying ---- */

/* Copies element idx[i] of an array of `width`-byte elements to element i of another. */
static void gather(void *to, const void *from, size_t width, const uint32_t *idx, size_t n)
{
    if (!to || !from)
        return;
    char *p = to;
    const char *q = from;
    for (size_t i = 0; i < n; i++)
        memcpy(p + i * width, q + (size_t)idx[i] * width, width);
}

/* A column like c (name, type, width, dictionary) holding no rows. */
static void copy_column_shape(folio_column *to, const folio_column *c)
{
    *to = *c; /* scalars and the code lookup slots */
    to->name = xstrdup(c->name);
    folio_column_forget_rows(to); /* (they are c's) */
    if (!c->codes)
        return;
    to->codes = xcalloc(FOLIO_MAX_CODES, sizeof *to->codes);
    to->code_len = xcalloc(FOLIO_MAX_CODES, sizeof *to->code_len);
    to->code_fold = xcalloc(FOLIO_MAX_CODES, sizeof *to->code_fold);
    memcpy(to->code_len, c->code_len, FOLIO_MAX_CODES * sizeof *to->code_len);
    for (size_t k = 0; k < c->ncodes; k++)
        to->codes[k] = xstrndup(c->codes[k], c->code_len[k]);
    for (size_t k = 0; k < FOLIO_MAX_CODES; k++)
        if (c->code_fold[k])
            to->code_fold[k] = xstrdup(c->code_fold[k]);
}

/* Fills column `to` (rows reserved) with rows idx[0..n) of c. */
static void copy_column_rows(folio_column *to, const folio_column *c, const uint32_t *idx, size_t n)
{
    switch (c->type) {
    case FOLIO_INTEGER:
    case FOLIO_NUMBER: gather(to->num, c->num, c->width, idx, n); break;
    case FOLIO_DATE: gather(to->date, c->date, sizeof *c->date, idx, n); break;
    case FOLIO_CODE:
    case FOLIO_YESNO: gather(to->small, c->small, sizeof *c->small, idx, n); break;
    case FOLIO_MULTI:
        gather(to->multi, c->multi, c->width, idx, n);
        if (c->multi_present && to->multi_present)
            for (size_t i = 0; i < n; i++)
                if (c->multi_present[idx[i] / 64] >> (idx[i] % 64) & 1)
                    to->multi_present[i / 64] |= UINT64_C(1) << (i % 64);
        break;
    case FOLIO_TEXT:
        if (c->text_off && to->text_off) {
            uint64_t bytes = 0;
            for (size_t i = 0; i < n; i++)
                bytes += c->text_off[idx[i] + 1] - c->text_off[idx[i]];
            folio_column_reserve_text(to, bytes ? bytes : 1);
            uint64_t at = 0;
            for (size_t i = 0; i < n; i++) {
                uint64_t from = c->text_off[idx[i]], len = c->text_off[idx[i] + 1] - from;
                memcpy(to->text + at, c->text + from, len);
                to->text_off[i] = at;
                at += len;
            }
            to->text_off[n] = at;
            to->text_len = at;
        }
        break;
    }
}

/* The copy of rows keep->idx of t (every row if keep is NULL), its previous period's table
 * left out. */
static folio_table *copy_rows(const folio_table *t, const folio_rows *keep)
{
    folio_table *c = xcalloc(1, sizeof *c);
    *c = *t; /* counts, date column, the file's statistics */
    c->name = xstrdup(t->name);
    c->path = xstrdup(t->path);
    c->cols = xcalloc(t->ncols ? t->ncols : 1, sizeof *c->cols);
    for (size_t i = 0; i < t->ncols; i++)
        copy_column_shape(&c->cols[i], &t->cols[i]);
    c->reasons = t->nreasons ? xcalloc(t->nreasons, sizeof *c->reasons) : NULL;
    for (size_t i = 0; i < t->nreasons; i++)
        c->reasons[i] = (folio_reason){.text = xstrdup(t->reasons[i].text), .count = t->reasons[i].count};
    c->previous = NULL;
    c->line = NULL;
    c->nrows = c->cap = c->ready = 0;

    size_t n = keep ? keep->n : t->nrows;
    uint32_t *all = NULL;
    if (!keep) {
        all = xmalloc((n ? n : 1) * sizeof *all);
        for (size_t r = 0; r < n; r++)
            all[r] = (uint32_t)r;
    }
    const uint32_t *idx = keep ? keep->idx : all;
    folio_table_reserve_rows(c, n);
    for (size_t i = 0; i < t->ncols; i++)
        if (t->cols[i].stored)
            copy_column_rows(&c->cols[i], &t->cols[i], idx, n);
    gather(c->line, t->line, sizeof *t->line, idx, n);
    free(all);
    c->nrows = c->ready = n;
    count_dates(c);
    return c;
}

folio_table *folio_table_copy_rows(const folio_table *t, const folio_rows *keep,
                                   const folio_rows *keep_previous)
{
    if (!t || !keep || !rows_ok(t, keep))
        return NULL;
    if (t->previous && keep_previous && !rows_ok(t->previous, keep_previous))
        return NULL;
    folio_table *c = copy_rows(t, keep);
    if (t->previous) {
        c->previous = copy_rows(t->previous, keep_previous);
        if (keep_previous)
            c->previous_used = keep_previous->n;
    }
    return c;
}

void folio_table_set_previous_used(folio_table *t, size_t n)
{
    if (t)
        t->previous_used = n;
}
