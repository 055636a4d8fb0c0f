/* folio_table_keep_rows: compacts every column in place, row keep->idx[i] moving to row i. */
#include "data/table_keep.h"

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

bool folio_table_keep_rows(folio_table *t, const folio_rows *keep)
{
    if (!t || !keep || keep->n > t->nrows)
        return false;
    for (size_t i = 0; i < keep->n; i++)
        if (keep->idx[i] >= t->nrows || (i && keep->idx[i] <= keep->idx[i - 1]))
            return false;
    for (size_t c = 0; c < t->ncols; c++)
        compact_column(&t->cols[c], keep->idx, keep->n);
    compact(t->line, sizeof *t->line, keep->idx, keep->n);
    t->nrows = keep->n;
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
    return true;
}

void folio_table_set_previous_used(folio_table *t, size_t n)
{
    if (t)
        t->previous_used = n;
}
