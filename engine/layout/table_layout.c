/* Tables: column widths (from weights or content), wrapped cells, a bold header row on a light
 * fill that is repeated on every page the table runs onto (after an optional "(continued)" line),
 * thin rules between body rows. A row taller than a page runs across pages line by line. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "layout/layout_int.h"

#define PAD_X 5.0
#define PAD_Y 3.6
#define MIN_COL 12.0        /* a column never gets less than this (points, padding included) */
#define NUMBER_COL 70.0     /* a right-aligned column gets at least this when there is room */
#define CAPTION_GAP 5.0
#define RULE_HEAD 0.9       /* under the header */
#define RULE_BODY 0.3       /* between body rows */
#define RULE_END 0.9        /* under the last row, over a total row */

typedef struct cellset {
    lay_para *p;
    size_t lines;
} cellset;

static const folio_table_cell *cell_at(const folio_block *b, size_t r, size_t k)
{
    return &b->u.table.cells[r * b->u.table.ncols + k];
}

static folio_align col_align(const folio_block *b, size_t k)
{
    folio_align a = b->u.table.align ? b->u.table.align[k] : FOLIO_ALIGN_LEFT;
    return a == FOLIO_ALIGN_RIGHT || a == FOLIO_ALIGN_CENTER ? a : FOLIO_ALIGN_LEFT;
}

static lay_style cell_style(const lay_ctx *c, const folio_block *b, size_t r, size_t k)
{
    lay_style st = {0};
    st.size = LAY_TABLE_SIZE;
    st.line_h = LAY_TABLE_SIZE * 1.35;
    st.colour = c->th->text;
    st.align = col_align(b, k);
    if (r < b->u.table.header_rows || cell_at(b, r, k)->bold)
        st.style = FOLIO_BOLD;
    return st;
}

/* Column widths summing to the column width: from the weights when given, else from the
 * content (widest line, then the rest shared in proportion to what each column would like). */
static void col_widths(const lay_ctx *c, const folio_block *b, double *w)
{
    size_t nc = b->u.table.ncols, nr = b->u.table.nrows;
    double total = c->width, sum = 0;
    const double *wt = b->u.table.widths;
    if (wt) {
        size_t zero = 0;
        for (size_t k = 0; k < nc; k++) {
            if (isfinite(wt[k]) && wt[k] > 0)
                sum += wt[k];
            else
                zero++;
        }
        if (sum > 0) {
            /* A column without a usable weight gets the average weight. */
            double avg = sum / (double)(nc - zero);
            for (size_t k = 0; k < nc; k++)
                w[k] = isfinite(wt[k]) && wt[k] > 0 ? wt[k] : avg;
            goto scale;
        }
    }
    {
        double *nat = xcalloc(nc, sizeof *nat), *min = xcalloc(nc, sizeof *min);
        double sumnat = 0, summin = 0;
        for (size_t k = 0; k < nc; k++) {
            for (size_t r = 0; r < nr; r++) {
                lay_style st = cell_style(c, b, r, k);
                double nw, mw;
                lay_text_measure(c, &cell_at(b, r, k)->text, &st, &nw, &mw);
                nat[k] = fmax(nat[k], nw);
                min[k] = fmax(min[k], mw);
            }
            /* No column wants more than half the table; short words stay whole. */
            nat[k] = fmin(nat[k], total * 0.5) + 2 * PAD_X;
            min[k] = fmin(fmax(min[k] + 2 * PAD_X, MIN_COL), total * 0.3);
            if (nat[k] < min[k])
                nat[k] = min[k];
            sumnat += nat[k];
            summin += min[k];
        }
        /* Room to spare: number columns get a comfortable fixed width, text columns the rest. */
        double numw = 0, textnat = 0;
        size_t ntext = 0;
        for (size_t k = 0; k < nc; k++) {
            if (col_align(b, k) == FOLIO_ALIGN_RIGHT) {
                numw += fmax(nat[k] + 2 * PAD_X, fmin(NUMBER_COL, total / (double)nc));
            } else {
                textnat += nat[k];
                ntext++;
            }
        }
        bool spread_text = sumnat <= total && ntext > 0 && numw + textnat <= total;
        for (size_t k = 0; k < nc; k++) {
            if (spread_text)
                w[k] = col_align(b, k) == FOLIO_ALIGN_RIGHT ? fmax(nat[k] + 2 * PAD_X, fmin(NUMBER_COL, total / (double)nc))
                                                            : nat[k] + (total - numw - textnat) * nat[k] / textnat;
            else if (sumnat <= total)
                w[k] = nat[k];
            else if (summin <= total)
                w[k] = min[k] + (nat[k] - min[k]) * (total - summin) / (sumnat - summin);
            else
                w[k] = min[k];
        }
        free(nat);
        free(min);
    }
scale:
    sum = 0;
    for (size_t k = 0; k < nc; k++)
        sum += w[k];
    for (size_t k = 0; k < nc; k++)
        w[k] = sum > 0 ? w[k] * total / sum : total / (double)nc;
}

static void copy_row(lay_rows *dst, const lay_row *src)
{
    if (dst->n == dst->cap) {
        dst->cap = dst->cap ? dst->cap * 2 : 4;
        dst->v = xrealloc(dst->v, dst->cap * sizeof *dst->v);
    }
    lay_row *r = &dst->v[dst->n++];
    *r = *src;
    r->ops = (folio_page){0};
    r->mark = NULL;
    r->keep_with_next = false;
    r->space_before = 0;
    r->contents_entry = -1;
    r->repeat = -1;
    for (size_t k = 0; k < src->ops.n; k++)
        folio_page_add(&r->ops, &src->ops.ops[k]);
}

/* Draws the lines [from, to) of every cell of table row `tr` into a row whose first line starts
 * top_pad below its top. */
static void draw_slice(lay_ctx *c, lay_row *row, const folio_block *b, size_t tr, cellset *cells,
                       const double *x, size_t from, size_t to, double top_pad)
{
    size_t nc = b->u.table.ncols;
    for (size_t k = 0; k < nc; k++) {
        lay_style st = cell_style(c, b, tr, k);
        double base = lay_baseline(c, &st), y = -top_pad;
        size_t first = row->ops.n;
        for (size_t i = from; i < to && i < cells[k].lines; i++, y -= st.line_h)
            lay_para_emit(cells[k].p, i, &row->ops, x[k] + PAD_X, y - base, b);
        lay_ops_part(&row->ops, first, (int)(1 + tr * nc + k));
    }
}

/* The line above the header on the pages a table continues onto: its caption and the block's
 * `continued` text, or the report language's "(continued)" when that is "" (malloc'ed). */
static char *continued_text(const lay_ctx *c, const folio_block *b)
{
    static const struct { const char *lang, *text; } words[] = {
        {"cy", "(parhad)"}, {"de", "(Fortsetzung)"}, {"es", "(continuación)"}, {"fr", "(suite)"},
        {"it", "(continua)"}, {"nl", "(vervolg)"}, {"pt", "(continuação)"},
    };
    const char *word = b->u.table.continued;
    if (!*word) {
        word = "(continued)";
        const char *lang = c->doc->lang ? c->doc->lang : "";
        for (size_t i = 0; i < sizeof words / sizeof *words; i++)
            if (strncmp(lang, words[i].lang, 2) == 0 && (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
                word = words[i].text;
    }
    char *caption = lay_title_text(&b->u.table.caption);
    char *s = *caption ? xasprintf("%s %s", caption, word) : xstrdup(word);
    free(caption);
    return s;
}

void lay_table(lay_ctx *c, const folio_block *b)
{
    size_t nc = b->u.table.ncols, nr = b->u.table.nrows;
    size_t hdr = b->u.table.header_rows < nr ? b->u.table.header_rows : nr;
    double tw = c->width, x0 = c->x0;

    /* Caption above, kept with the table. */
    lay_style cap = {LAY_TABLE_SIZE, LAY_TABLE_SIZE * 1.35, FOLIO_BOLD, c->th->muted, FOLIO_ALIGN_LEFT};
    lay_para *cp = lay_para_make(c, &b->u.table.caption, &cap, tw);
    size_t ncap = lay_para_lines(cp);
    lay_lines_rows(c, cp, &cap, x0, b, true, -1);
    lay_para_free(cp);
    if (nc == 0 || nr == 0 || !b->u.table.cells)
        return;
    double caption_h = ncap ? (double)ncap * cap.line_h + CAPTION_GAP : 0;
    if (ncap) {
        lay_row *last = &c->rows.v[c->rows.n - 1];
        last->h += CAPTION_GAP;
        last->keep_with_next = true;
    }

    double *w = xcalloc(nc, sizeof *w), *x = xcalloc(nc, sizeof *x);
    col_widths(c, b, w);
    for (size_t k = 0; k < nc; k++)
        x[k] = k ? x[k - 1] + w[k - 1] : x0;
    cellset *cells = xcalloc(nc, sizeof *cells);

    /* The group repeated on every page the table runs onto: the "(continued)" line, then the
     * header rows (copied below as they are made). */
    int group = -1;
    double repeat_h = 0; /* the group's "(continued)" line(s) */
    if (hdr > 0 || b->u.table.continued) {
        c->groups = xrealloc(c->groups, (c->ngroups + 1) * sizeof *c->groups);
        c->groups[c->ngroups] = (lay_rows){0};
        group = (int)c->ngroups++;
    }
    if (b->u.table.continued) {
        char *text = continued_text(c, b);
        lay_para *p = lay_para_plain(c, text, &cap, tw);
        size_t n = lay_para_lines(p);
        double base = lay_baseline(c, &cap);
        for (size_t i = 0; i < n; i++) {
            double h = cap.line_h + (i + 1 == n ? CAPTION_GAP : 0);
            lay_row *r = lay_row_add(&c->groups[group], b, h);
            lay_para_emit(p, i, &r->ops, x0, -base, b);
            lay_ops_artifact(&r->ops, 0); /* "(continued)": page furniture */
            repeat_h += h;
        }
        lay_para_free(p);
        free(text);
    }

    /* The header rows, also kept as a group to repeat; body rows after. */
    double header_h = 0;
    for (size_t r = 0; r < nr; r++) {
        bool head = r < hdr, bold_row = false;
        size_t maxlines = 1;
        double lh = LAY_TABLE_SIZE * 1.35;
        for (size_t k = 0; k < nc; k++) {
            lay_style st = cell_style(c, b, r, k);
            cells[k].p = lay_para_make(c, &cell_at(b, r, k)->text, &st, w[k] - 2 * PAD_X);
            cells[k].lines = lay_para_lines(cells[k].p);
            if (cells[k].lines > maxlines)
                maxlines = cells[k].lines;
            bold_row |= !head && cell_at(b, r, k)->bold;
        }
        /* A row that fits on a page under the caption (or "(continued)") and the header is one
         * piece, moved whole to the next page when the rest of this one is too short. A taller
         * body row runs across pages line by line, at least two lines on each side of a break
         * (a header row taller than a page is cut into page-high slices). */
        double room = c->body_h - fmax(caption_h, repeat_h) - header_h - 2 * PAD_Y - 6;
        size_t fit = room > lh ? (size_t)(room / lh) : 1;
        size_t per = head || maxlines <= fit ? fit : 1;
        for (size_t from = 0; from < maxlines; from += per) {
            size_t to = from + per < maxlines ? from + per : maxlines;
            bool first_slice = from == 0, last_slice = to == maxlines;
            double top_pad = first_slice || head ? PAD_Y : 0, bottom_pad = last_slice || head ? PAD_Y : 0;
            double h = top_pad + bottom_pad + (double)(to - from) * lh;
            lay_row *row = lay_row_add(&c->rows, b, h);
            if (head) {
                lay_op_rect(&row->ops, b, x0, -h, tw, h, true, c->th->light, 0, 0);
                if (r + 1 == hdr && last_slice)
                    lay_op_line(&row->ops, b, x0, -h, tw, 0, RULE_HEAD, c->th->rule);
            } else {
                if (bold_row && first_slice)
                    lay_op_line(&row->ops, b, x0, 0, tw, 0, RULE_END, c->th->rule);
                if (r + 1 == nr && last_slice)
                    lay_op_line(&row->ops, b, x0, -h, tw, 0, RULE_END, c->th->rule);
                else if (last_slice)
                    lay_op_line(&row->ops, b, x0, -h, tw, 0, RULE_BODY, c->th->rule);
            }
            lay_ops_artifact(&row->ops, 0); /* shading and rules */
            draw_slice(c, row, b, r, cells, x, from, to, top_pad);
            if (head) {
                row->keep_with_next = true;
                header_h += h;
                copy_row(&c->groups[group], row);
            } else {
                row->repeat = group;
                /* Line by line: keep the first two and the last two lines together. */
                if (per == 1 && maxlines > 1)
                    row->keep_with_next = !last_slice && (first_slice || to + 1 == maxlines);
            }
        }
        for (size_t k = 0; k < nc; k++)
            lay_para_free(cells[k].p);
    }
    /* The last header row keeps with the first body row only (set above); a header with no body
     * keeps with nothing. */
    if (hdr == nr)
        c->rows.v[c->rows.n - 1].keep_with_next = false;
    free(cells);
    free(w);
    free(x);
}
