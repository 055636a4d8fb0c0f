/* Rows of the text blocks: headings, paragraphs, lists, quotations, notes and key figures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "layout/layout_int.h"

#define LIST_INDENT 16.0     /* hanging indent of list items */
#define LIST_GAP 3.0         /* between items */
#define QUOTE_INDENT 16.0    /* text from the column edge; the rule sits at the edge */
#define QUOTE_RULE 2.5       /* width of the quote's rule */
#define QUOTE_KEEP_LINES 6   /* shorter quotes never split */
#define NOTE_PAD 9.0         /* inside the note's box */
#define NOTE_KEEP_LINES 8
#define FIGURES_PER_ROW 4
#define FIGURE_GAP 10.0      /* between figure boxes */
#define FIGURE_PAD 10.0      /* inside a figure box */
#define FIGURE_BAR 2.5       /* accent bar on top of a figure box */

void lay_heading(lay_ctx *c, const folio_block *b)
{
    int level = b->u.heading.level < 1 ? 1 : b->u.heading.level > 3 ? 3 : b->u.heading.level;
    lay_style st = {0};
    st.size = level == 1 ? LAY_H1_SIZE : level == 2 ? LAY_H2_SIZE : LAY_H3_SIZE;
    st.line_h = st.size * (level == 3 ? 1.35 : 1.25);
    st.style = FOLIO_BOLD;
    st.colour = level == 3 ? c->th->text : c->th->accent;
    st.align = FOLIO_ALIGN_LEFT;
    lay_para *p = lay_para_make(c, &b->u.heading.text, &st, c->width);
    size_t first = lay_lines_rows(c, p, &st, c->x0, b, true, -1);
    lay_para_free(p);
    if (c->rows.n == first)
        return;
    lay_row *r = &c->rows.v[first];
    r->outline_level = level;
    if (level == 1) {
        r->mark = lay_title_text(&b->u.heading.text);
        r->need = c->body_h / 3;
    }
    c->rows.v[c->rows.n - 1].keep_with_next = true;
}

static lay_style para_style(const lay_ctx *c, folio_para_style s, folio_align align)
{
    lay_style st = {0};
    st.colour = c->th->text;
    st.align = align;
    st.style = LAY_HYPHENATE;
    switch (s) {
    case FOLIO_PARA_LEAD:
        st.size = LAY_LEAD_SIZE;
        st.line_h = st.size * 1.4;
        break;
    case FOLIO_PARA_SMALL:
        st.size = LAY_SMALL_SIZE;
        st.line_h = st.size * 1.4;
        st.colour = c->th->muted;
        break;
    default:
        st.size = c->th->font_size;
        st.line_h = c->line_h;
        break;
    }
    return st;
}

void lay_paragraph(lay_ctx *c, const folio_block *b)
{
    folio_align align = b->u.paragraph.align;
    if (align < FOLIO_ALIGN_JUSTIFY || align > FOLIO_ALIGN_RIGHT)
        align = FOLIO_ALIGN_JUSTIFY;
    if (align == FOLIO_ALIGN_JUSTIFY && c->th->ragged_right)
        align = FOLIO_ALIGN_LEFT;
    lay_style st = para_style(c, b->u.paragraph.style, align);
    lay_para *p = lay_para_make(c, &b->u.paragraph.text, &st, c->width);
    lay_lines_rows(c, p, &st, c->x0, b, false, -1);
    lay_para_free(p);
}

/* The marker of an ordered item: 1. at the outer level, then a. and i. as lists nest. */
static void list_number(char *out, size_t size, int level, size_t k)
{
    static const char *const roman[] = {"i",  "ii",  "iii",  "iv", "v",  "vi",  "vii",
                                        "viii", "ix", "x",   "xi", "xii", "xiii", "xiv"};
    if (level % 3 == 1 && k <= 26)
        snprintf(out, size, "%c.", (char)('a' + k - 1));
    else if (level % 3 == 2 && k <= sizeof roman / sizeof *roman)
        snprintf(out, size, "%s.", roman[k - 1]);
    else
        snprintf(out, size, "%zu.", k);
}

void lay_list(lay_ctx *c, const folio_block *b)
{
    lay_style st = para_style(c, FOLIO_PARA_BODY, FOLIO_ALIGN_LEFT);
    double base = lay_baseline(c, &st);
    size_t count[FOLIO_LIST_DEPTH] = {0}; /* items so far at each level, since its parent item */
    for (size_t i = 0; i < b->u.list.n; i++) {
        int level = b->u.list.levels ? b->u.list.levels[i] : 0;
        if (level >= FOLIO_LIST_DEPTH)
            level = FOLIO_LIST_DEPTH - 1;
        bool numbered = b->u.list.numbered ? b->u.list.numbered[i] : b->u.list.ordered;
        count[level]++;
        for (int l = level + 1; l < FOLIO_LIST_DEPTH; l++)
            count[l] = 0;
        double indent = LIST_INDENT * (level + 1);
        lay_para *p = lay_para_make(c, &b->u.list.items[i], &st, c->width - indent);
        size_t first = c->rows.n;
        if (lay_para_lines(p) == 0) {
            lay_para_free(p);
            continue;
        }
        lay_lines_rows(c, p, &st, c->x0 + indent, b, false, -1);
        lay_para_free(p);
        lay_rows_part(c, first, (int)(2 * i + 1));
        lay_row *r = &c->rows.v[first];
        if (first > 0 && i > 0)
            r->space_before = LIST_GAP;
        if (numbered) {
            char num[32];
            list_number(num, sizeof num, level, count[level]);
            double w = lay_text_width(c, FOLIO_FACE_REGULAR, st.size, num);
            lay_op_text(&r->ops, b, c->x0 + indent - 5 - w, -base, FOLIO_FACE_REGULAR, st.size, c->th->text,
                        num);
        } else {
            /* a bullet at the outer level, an en dash inside it, and so on */
            const char *mark = level % 2 ? "\xE2\x80\x93" : "\xE2\x80\xA2";
            lay_op_text(&r->ops, b, c->x0 + indent - LIST_INDENT + 3, -base, level % 2 ? FOLIO_FACE_REGULAR : FOLIO_FACE_BOLD,
                        st.size, c->th->accent, mark);
        }
        /* The marker is read before the item's text (extraction, copy and paste follow the
         * order of the content stream). */
        r->ops.ops[r->ops.n - 1].part = (int)(2 * i);
        folio_op marker = r->ops.ops[r->ops.n - 1];
        memmove(r->ops.ops + 1, r->ops.ops, (r->ops.n - 1) * sizeof *r->ops.ops);
        r->ops.ops[0] = marker;
    }
}

void lay_quote(lay_ctx *c, const folio_block *b)
{
    lay_style st = para_style(c, FOLIO_PARA_BODY, FOLIO_ALIGN_LEFT);
    st.style |= FOLIO_ITALIC;
    double width = c->width - QUOTE_INDENT - 12;
    lay_para *p = lay_para_make(c, &b->u.quote.text, &st, width);
    size_t n = lay_para_lines(p);
    const char *who = b->u.quote.attribution;
    if (n == 0 && !(who && *who)) {
        lay_para_free(p);
        return;
    }
    lay_deco d = {DECO_LEFT_RULE, c->x0 + QUOTE_RULE / 2, 0, 0, c->th->accent, QUOTE_RULE, b};
    int deco = lay_deco_add(c, d);
    lay_lines_rows(c, p, &st, c->x0 + QUOTE_INDENT, b, n < QUOTE_KEEP_LINES, deco);
    lay_para_free(p);
    if (who && *who) {
        /* "— Role, interview 4" under the text, kept with its last lines. */
        if (n)
            c->rows.v[c->rows.n - 1].keep_with_next = true;
        lay_style sm = para_style(c, FOLIO_PARA_SMALL, FOLIO_ALIGN_LEFT);
        char *line = xasprintf("\xE2\x80\x94 %s", who);
        lay_para *a = lay_para_plain(c, line, &sm, width);
        free(line);
        size_t first = lay_lines_rows(c, a, &sm, c->x0 + QUOTE_INDENT, b, true, deco);
        lay_para_free(a);
        lay_rows_part(c, first, 1);
        if (n && c->rows.n > first) {
            c->rows.v[first].space_before = 3;
        }
    }
}

void lay_note(lay_ctx *c, const folio_block *b)
{
    lay_style st = para_style(c, FOLIO_PARA_BODY, FOLIO_ALIGN_LEFT);
    st.size = c->th->font_size * 0.95;
    st.line_h = st.size * 1.4;
    lay_para *p = lay_para_make(c, &b->u.note.text, &st, c->width - 2 * NOTE_PAD - 2);
    size_t n = lay_para_lines(p);
    if (n == 0) {
        lay_para_free(p);
        return;
    }
    lay_deco d = {DECO_BOX, c->x0, c->width, b->u.note.error ? 0xfcefed : c->th->light,
                  b->u.note.error ? 0xc0392b : c->th->rule, b->u.note.error ? 1.0 : 0.6, b};
    int deco = lay_deco_add(c, d);
    size_t first = lay_lines_rows(c, p, &st, c->x0 + NOTE_PAD + 1, b, n <= NOTE_KEEP_LINES, deco);
    lay_para_free(p);
    /* Padding inside the box: the first row grows upwards, the last downwards. */
    lay_row *r = &c->rows.v[first];
    for (size_t k = 0; k < r->ops.n; k++)
        r->ops.ops[k].y -= NOTE_PAD;
    r->h += NOTE_PAD;
    c->rows.v[c->rows.n - 1].h += NOTE_PAD;
}

/* Key figures: rows of up to four boxes, each a large number over a short label. The rows are
 * balanced (5 figures: 3 + 2) and the whole block stays on one page. */
void lay_figures(lay_ctx *c, const folio_block *b)
{
    size_t n = b->u.figures.n;
    if (n == 0)
        return;
    size_t nrows = (n + FIGURES_PER_ROW - 1) / FIGURES_PER_ROW;
    size_t per = (n + nrows - 1) / nrows;
    double boxw = (c->width - FIGURE_GAP * (double)(per - 1)) / (double)per;
    double inner = boxw - 2 * FIGURE_PAD;
    lay_style lab = {LAY_SMALL_SIZE + 0.5, (LAY_SMALL_SIZE + 0.5) * 1.3, 0, c->th->muted, FOLIO_ALIGN_LEFT};
    double lab_base = lay_baseline(c, &lab);
    const folio_font *bold = c->face[FOLIO_FACE_BOLD];
    double cap = folio_font_cap_height(bold) / 1000.0;
    for (size_t row = 0; row < nrows; row++) {
        size_t from = row * per, to = from + per < n ? from + per : n;
        /* Figure sizes: shrunk to fit the box when the value is long; labels wrapped. */
        double size[FIGURES_PER_ROW], maxsize = 0, lab_h = 0;
        lay_para *labels[FIGURES_PER_ROW];
        for (size_t k = from; k < to; k++) {
            const char *v = b->u.figures.values ? b->u.figures.values[k] : NULL;
            double w = lay_text_width(c, FOLIO_FACE_BOLD, LAY_FIGURE_SIZE, v ? v : "");
            size[k - from] = w > inner && w > 0 ? fmax(10, LAY_FIGURE_SIZE * inner / w) : LAY_FIGURE_SIZE;
            if (size[k - from] > maxsize)
                maxsize = size[k - from];
            const char *t = b->u.figures.labels ? b->u.figures.labels[k] : NULL;
            labels[k - from] = lay_para_plain(c, t ? t : "", &lab, inner);
            lab_h = fmax(lab_h, (double)lay_para_lines(labels[k - from]) * lab.line_h);
        }
        double fig_h = maxsize * cap;
        double h = FIGURE_BAR + FIGURE_PAD + fig_h + 7 + lab_h + FIGURE_PAD - 2;
        lay_row *r = lay_row_add(&c->rows, b, h);
        if (row > 0)
            r->space_before = FIGURE_GAP;
        r->keep_with_next = row + 1 < nrows;
        for (size_t k = from; k < to; k++) {
            double x = c->x0 + (double)(k - from) * (boxw + FIGURE_GAP);
            size_t op0 = r->ops.n;
            lay_op_rect(&r->ops, b, x, -h, boxw, h, true, c->th->light, 0, 0);
            lay_op_rect(&r->ops, b, x, -FIGURE_BAR, boxw, FIGURE_BAR, true, c->th->accent, 0, 0);
            lay_ops_artifact(&r->ops, op0);
            op0 = r->ops.n;
            const char *v = b->u.figures.values ? b->u.figures.values[k] : NULL;
            if (v) {
                char *one = lay_fit_text(c, FOLIO_FACE_BOLD, size[k - from], v, inner);
                size_t at = r->ops.n;
                lay_op_text(&r->ops, b, x + FIGURE_PAD, -(FIGURE_BAR + FIGURE_PAD + fig_h), FOLIO_FACE_BOLD,
                            size[k - from], c->th->accent, one);
                if (r->ops.n > at) /* read as "29 survey responses" */
                    r->ops.ops[at].space_after = true;
                free(one);
            }
            lay_para *lp = labels[k - from];
            double y = -(FIGURE_BAR + FIGURE_PAD + fig_h + 7);
            for (size_t i = 0; i < lay_para_lines(lp); i++, y -= lab.line_h)
                lay_para_emit(lp, i, &r->ops, x + FIGURE_PAD, y - lab_base, b);
            lay_para_free(lp);
            lay_ops_part(&r->ops, op0, (int)k);
        }
    }
}
