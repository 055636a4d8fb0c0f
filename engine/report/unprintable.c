/* The warning for characters no font can print: one per character, with its code point, how
 * often it was drawn, and where it came from (the first CSV cell holding it, else the plugin
 * that made the block, else report.lua). */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "report/report.h"

/* UTF-8 of cp into s (4 bytes at most); returns the length. */
static size_t utf8_of(uint32_t cp, char s[4])
{
    if (cp < 0x80) {
        s[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        s[0] = (char)(0xC0 | cp >> 6), s[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | cp >> 12), s[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    s[0] = (char)(0xF0 | cp >> 18), s[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    s[2] = (char)(0x80 | (cp >> 6 & 0x3F)), s[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool holds(const char *s, size_t len, const char *u, size_t un)
{
    for (size_t i = 0; i + un <= len; i++)
        if (memcmp(s + i, u, un) == 0)
            return true;
    return false;
}

/* The first text cell of any input that holds the bytes u: its file, line and column. */
static bool find_cell(folio_table *const *tables, size_t ntables, const char *u, size_t un, const char **file,
                      int *line, int *col)
{
    for (size_t t = 0; t < ntables; t++) {
        const folio_table *tb = tables[t];
        if (!tb)
            continue;
        size_t ncols = folio_table_column_count(tb), nrows = folio_table_row_count(tb);
        for (size_t row = 0; row < nrows; row++)
            for (size_t c = 0; c < ncols; c++) {
                if (folio_table_column_type(tb, (int)c) != FOLIO_TEXT)
                    continue;
                size_t len;
                const char *s = folio_table_get_text(tb, row, (int)c, &len);
                if (s && holds(s, len, u, un)) {
                    *file = folio_table_path(tb);
                    *line = folio_table_row_line(tb, row);
                    *col = folio_table_column_position(tb, (int)c);
                    return true;
                }
            }
    }
    return false;
}

static const char *kind_of(uint32_t cp)
{
    if ((cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000)
        return " (private use)";
    if (cp == 0xFFFD)
        return " (the replacement character)";
    return "";
}

void folio_report_unprintable(const folio_report *r, folio_table *const *tables, const folio_layout *l,
                              folio_diag *diag)
{
    if (!r || !l || !diag)
        return;
    folio_buf fonts = {0};
    folio_buf_printf(&fonts, "%s", r->font_family ? r->font_family : "the theme.fonts files");
    for (size_t k = 0; k < r->nfallback; k++)
        folio_buf_printf(&fonts, "%s%s", k ? ", " : "; fallback ", r->fallback_families[k]);
    if (!r->nfallback)
        folio_buf_puts(&fonts, "; no fallback fonts");
    for (size_t i = 0; i < l->nunprintable; i++) {
        const folio_unprintable *u = &l->unprintable[i];
        char s[5] = {0};
        size_t n = utf8_of(u->cp, s);
        const char *file = r->display;
        int line = 0, col = 0;
        if (!find_cell(tables, tables ? r->ninputs : 0, s, n, &file, &line, &col) && u->block &&
            u->block->source) {
            file = u->block->source;
            line = u->block->source_line;
        }
        const char *times = u->count == 1 ? "time" : "times";
        if (u->cp > 0xFFFF)
            folio_diag_add(diag, FOLIO_WARNING, file, line, col,
                           "character U+%04X \"%s\"%s cannot be printed: libharu draws only characters up "
                           "to U+FFFF; drawn as U+FFFD \"\xEF\xBF\xBD\" (%zu %s)",
                           (unsigned)u->cp, s, kind_of(u->cp), u->count, times);
        else
            folio_diag_add(diag, FOLIO_WARNING, file, line, col,
                           "character U+%04X%s cannot be printed: no font has it (%s); drawn as an empty "
                           "box (%zu %s)",
                           (unsigned)u->cp, kind_of(u->cp), fonts.data, u->count, times);
    }
    folio_buf_free(&fonts);
}
