/* The previous period's rows of an input, kept in a second table during the one pass that loads
 * the input (year over year: ctx.previous). */
#include <stdint.h>
#include <string.h>

#include "core/limits.h"
#include "data/table_internal.h"

folio_table *folio_table_previous(const folio_table *t)
{
    return t ? t->previous : NULL;
}

/* Index in `to`'s dictionary of code k of `from`'s column; -1 if it cannot be added. */
static int translate_code(folio_column *to, const folio_column *from, int k)
{
    if (k < 0 || (size_t)k >= from->ncodes)
        return -1;
    const char *code = from->codes[k];
    size_t n = from->code_len[k];
    int j = folio_cell_find_code(to, code, n);
    if (j < 0 && to->interned && to->ncodes < FOLIO_MAX_CODES)
        j = folio_column_intern(to, code, n);
    return j;
}

void folio_table_copy_pending(folio_table *to, const folio_table *from, const folio_cell *cells,
                              uint32_t line)
{
    folio_cell row[FOLIO_MAX_COLUMNS];
    for (size_t i = 0; i < from->ncols && i < FOLIO_MAX_COLUMNS; i++) {
        const folio_column *fc = &from->cols[i];
        folio_column *tc = &to->cols[i];
        row[i] = cells[i];
        if (!fc->stored) { /* validated but not kept (no plugin reads it): nothing to copy */
            row[i].missing = true;
            continue;
        }
        if (fc->type == FOLIO_TEXT) {
            /* the pending cell's text is the end of from's arena, NUL included */
            size_t start = from->cap ? (size_t)fc->text_off[from->nrows] : 0;
            if (!cells[i].missing && fc->text_len > start)
                folio_table_add_text(to, tc, fc->text + start, fc->text_len - start - 1);
        } else if (fc->interned && !cells[i].missing && fc->type == FOLIO_CODE) {
            row[i].small = translate_code(tc, fc, cells[i].small);
            row[i].missing = row[i].small < 0;
        } else if (fc->interned && !cells[i].missing && fc->type == FOLIO_MULTI) {
            uint64_t m = 0;
            for (int k = 0; k < 64 && k < (int)fc->ncodes; k++) {
                if (!(cells[i].multi >> k & 1))
                    continue;
                int j = translate_code(tc, fc, k);
                if (j >= 0)
                    m |= UINT64_C(1) << j;
            }
            row[i].multi = m;
        }
    }
    folio_table_add_row(to, row, line);
}
