/* Setting rich text: spans -> measured boxes, spaces and break opportunities -> lines (through
 * linebreak.c) -> text and link ops. A line's ops are one per run of a single face, colour and
 * link; a justified line gets one op per word so its last word ends exactly at the margin. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "layout/layout_int.h"

#define PEN_HYPHEN 50 /* after a hyphen between letters, or after '/' in an over-long word */

/* What a box draws; parallel to the lb_item array. */
typedef struct tx_run {
    int face;
    uint32_t colour;
    const char *link; /* borrowed from the span */
    size_t off, len;  /* bytes in the paragraph's buffer */
} tx_run;

struct lay_para {
    const lay_ctx *c;
    lay_style st;
    double width;
    lb_item *items;
    tx_run *runs;
    size_t n, cap;
    folio_buf buf;   /* valid UTF-8 of every box */
    lb_line *lines;
    size_t nlines;
};

/* The width of one character in points, measured with the font that draws it: the face's own
 * font or the fallback font that has the glyph (fallback.c chooses; runs are split there). */
static double char_width(const lay_ctx *c, int face, uint32_t cp, double size)
{
    return lay_char_advance(c, face, cp) * size / 1000.0;
}

int lay_face(unsigned style)
{
    return ((style & FOLIO_BOLD) ? FOLIO_FACE_BOLD : 0) + ((style & FOLIO_ITALIC) ? FOLIO_FACE_ITALIC : 0);
}

static void add_item(lay_para *p, lb_kind kind, double width, int penalty, tx_run run)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->items = xrealloc(p->items, p->cap * sizeof *p->items);
        p->runs = xrealloc(p->runs, p->cap * sizeof *p->runs);
    }
    p->items[p->n] = (lb_item){kind, width, penalty};
    p->runs[p->n] = run;
    p->n++;
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || (cp >= 0x2000 && cp <= 0x200A && cp != 0x2007) || cp == 0x3000 ||
           cp == 0x205F || cp == 0x1680;
}

static bool is_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 &&
                                                                     cp < 0x2000);
}

static void put_utf8(folio_buf *b, uint32_t cp)
{
    char s[4];
    size_t n;
    if (cp < 0x80) {
        s[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        s[0] = (char)(0xC0 | cp >> 6), s[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | cp >> 12), s[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        s[0] = (char)(0xF0 | cp >> 18), s[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        s[2] = (char)(0x80 | (cp >> 6 & 0x3F)), s[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    }
    folio_buf_append(b, s, n);
}

/* The open box while reading a span. */
typedef struct box_acc {
    bool open;
    size_t off;
    double w;
} box_acc;

static void close_box(lay_para *p, box_acc *bx, tx_run run)
{
    if (!bx->open)
        return;
    run.off = bx->off;
    run.len = p->buf.len - bx->off;
    add_item(p, LB_BOX, bx->w, 0, run);
    bx->open = false;
}

/* Reads the spans into items: boxes split at spaces (glue, collapsed), "\n" (forced break),
 * after a hyphen between letters, and at zero-width spaces. Controls are dropped. */
static void tokenize(lay_para *p, const folio_text *t)
{
    const lay_style *st = &p->st;
    folio_buf_append(&p->buf, "", 0);
    for (size_t s = 0; t && s < t->n; s++) {
        const folio_span *sp = &t->spans[s];
        if (!sp->text)
            continue;
        unsigned style = st->style | sp->style;
        tx_run run = {lay_face(style), sp->link ? p->c->th->accent : st->colour, sp->link, 0, 0};
        size_t n = strlen(sp->text);
        box_acc bx = {0};
        uint32_t prev = 0;
        bool hyphen_pending = false;
        for (size_t i = 0; i < n;) {
            uint32_t cp = folio_utf8_next(sp->text, n, &i);
            if (cp == '\n') {
                close_box(p, &bx, run);
                /* A space before the break is not drawn. */
                if (p->n && p->items[p->n - 1].kind == LB_GLUE)
                    p->n--;
                add_item(p, LB_PENALTY, 0, LB_FORCED, run);
                hyphen_pending = false;
                prev = cp;
                continue;
            }
            if (is_space(cp)) {
                close_box(p, &bx, run);
                bool after_content = p->n && !(p->items[p->n - 1].kind == LB_GLUE) &&
                                     !(p->items[p->n - 1].kind == LB_PENALTY &&
                                       p->items[p->n - 1].penalty == LB_FORCED);
                if (after_content)
                    add_item(p, LB_GLUE, char_width(p->c, run.face, ' ', st->size), 0, run);
                hyphen_pending = false;
                prev = cp;
                continue;
            }
            if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xAD || cp == 0xFEFF || cp == 0x200C ||
                cp == 0x200D)
                continue;
            if (cp == 0x200B) {
                close_box(p, &bx, run);
                add_item(p, LB_PENALTY, 0, 0, run);
                continue;
            }
            if (hyphen_pending && is_letter(cp)) {
                close_box(p, &bx, run);
                add_item(p, LB_PENALTY, 0, PEN_HYPHEN, run);
            }
            hyphen_pending = (cp == '-' || cp == 0x2013) && is_letter(prev);
            if (!bx.open) {
                bx.open = true;
                bx.off = p->buf.len;
                bx.w = 0;
            }
            put_utf8(&p->buf, cp);
            bx.w += char_width(p->c, run.face, cp, st->size);
            prev = cp;
        }
        close_box(p, &bx, run);
    }
    /* No space at the end, and no forced break at the very end. */
    while (p->n && (p->items[p->n - 1].kind == LB_GLUE ||
                    (p->items[p->n - 1].kind == LB_PENALTY && p->items[p->n - 1].penalty != LB_FORCED)))
        p->n--;
}

/* Splits every word wider than the line into one box per character, with a break opportunity
 * after '/', '-', '_' and dashes and an emergency one between any two characters. */
static void split_long_words(lay_para *p)
{
    size_t i = 0;
    bool any = false;
    while (i < p->n && !any) {
        while (i < p->n && p->items[i].kind != LB_BOX)
            i++;
        size_t j = i;
        double w = 0;
        while (j < p->n && (p->items[j].kind == LB_BOX ||
                            (p->items[j].kind == LB_PENALTY && p->items[j].penalty != LB_FORCED)))
            w += p->items[j++].width;
        if (w > p->width + LAY_FIT)
            any = true;
        i = j;
    }
    if (!any)
        return;
    lb_item *items = p->items;
    tx_run *runs = p->runs;
    size_t n = p->n;
    p->items = NULL, p->runs = NULL, p->n = p->cap = 0;
    for (i = 0; i < n;) {
        if (items[i].kind != LB_BOX) {
            add_item(p, items[i].kind, items[i].width, items[i].penalty, runs[i]);
            i++;
            continue;
        }
        size_t j = i;
        double w = 0;
        while (j < n && (items[j].kind == LB_BOX || (items[j].kind == LB_PENALTY && items[j].penalty != LB_FORCED)))
            w += items[j++].width;
        if (w <= p->width + LAY_FIT) {
            for (; i < j; i++)
                add_item(p, items[i].kind, items[i].width, items[i].penalty, runs[i]);
            continue;
        }
        for (; i < j; i++) {
            if (items[i].kind != LB_BOX)
                continue; /* the per-character breaks below replace it */
            const tx_run *r = &runs[i];
            const char *s = p->buf.data + r->off;
            for (size_t k = 0; k < r->len;) {
                size_t at = k;
                uint32_t cp = folio_utf8_next(s, r->len, &k);
                if (p->n && p->items[p->n - 1].kind == LB_BOX)
                    add_item(p, LB_PENALTY, 0, LB_EMERGENCY, *r);
                tx_run one = *r;
                one.off = r->off + at;
                one.len = k - at;
                add_item(p, LB_BOX, char_width(p->c, r->face, cp, p->st.size), 0, one);
                if (cp == '/' || cp == '-' || cp == '_' || cp == 0x2013 || cp == 0x2014 || cp == '\\')
                    add_item(p, LB_PENALTY, 0, PEN_HYPHEN, *r);
            }
        }
        /* No break opportunity after the word's last character (a space or the end follows). */
        if (p->n && p->items[p->n - 1].kind == LB_PENALTY)
            p->n--;
    }
    free(items);
    free(runs);
}

lay_para *lay_para_make(const lay_ctx *c, const folio_text *t, const lay_style *st, double width)
{
    lay_para *p = xcalloc(1, sizeof *p);
    p->c = c;
    p->st = *st;
    p->width = width > 1 ? width : 1;
    tokenize(p, t);
    split_long_words(p);
    p->nlines = folio_linebreak(p->items, p->n, p->width, &p->lines);
    return p;
}

lay_para *lay_para_plain(const lay_ctx *c, const char *s, const lay_style *st, double width)
{
    folio_span span = {(char *)(s ? s : ""), 0, NULL};
    folio_text t = {&span, 1};
    return lay_para_make(c, &t, st, width);
}

void lay_para_free(lay_para *p)
{
    if (!p)
        return;
    free(p->items);
    free(p->runs);
    free(p->lines);
    folio_buf_free(&p->buf);
    free(p);
}

size_t lay_para_lines(const lay_para *p)
{
    return p->nlines;
}

/* The drawn range of a line: without glue and penalties at either end. */
static void line_range(const lay_para *p, size_t line, size_t *a, size_t *b)
{
    size_t s = p->lines[line].start, e = p->lines[line].end;
    while (s < e && p->items[s].kind != LB_BOX)
        s++;
    while (e > s && p->items[e - 1].kind != LB_BOX)
        e--;
    *a = s;
    *b = e;
}

double lay_para_line_width(const lay_para *p, size_t line)
{
    if (line >= p->nlines)
        return 0;
    size_t a, b;
    line_range(p, line, &a, &b);
    double w = 0;
    for (size_t k = a; k < b; k++)
        if (p->items[k].kind != LB_PENALTY)
            w += p->items[k].width;
    return w;
}

double lay_para_max_width(const lay_para *p)
{
    double m = 0;
    for (size_t i = 0; i < p->nlines; i++) {
        double w = lay_para_line_width(p, i);
        if (w > m)
            m = w;
    }
    return m;
}

double lay_baseline(const lay_ctx *c, const lay_style *st)
{
    const folio_font *f = c->face[lay_face(st->style)];
    double asc = folio_font_ascent(f) * st->size / 1000.0, desc = -folio_font_descent(f) * st->size / 1000.0;
    return (st->line_h - (asc + desc)) / 2 + asc;
}

/* An op being gathered while a line is drawn. */
typedef struct pending {
    bool open;
    int face;
    uint32_t colour;
    const char *link;
    double x, w;
    folio_buf text;
} pending;

typedef struct pending_link {
    const char *url;
    double x0, x1;
} pending_link;

static bool same_link(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static void flush_link(pending_link *pl, folio_page *pg, const lay_para *p, double baseline, const folio_block *b)
{
    if (!pl->url)
        return;
    folio_op op = {0};
    op.kind = FOLIO_OP_LINK;
    op.x = pl->x0;
    op.w = pl->x1 - pl->x0;
    op.y = baseline - p->st.size * 0.3;
    op.h = p->st.size * 1.25;
    op.text = (char *)pl->url;
    op.dest_page = -1;
    op.block = b;
    folio_page_add(pg, &op);
    pl->url = NULL;
}

static void flush_text(pending *t, pending_link *pl, folio_page *pg, const lay_para *p, double baseline,
                       const folio_block *b)
{
    if (!t->open)
        return;
    lay_op_text(pg, b, t->x, baseline, t->face, p->st.size, t->colour, t->text.data);
    if (t->link) {
        if (pl->url && same_link(pl->url, t->link)) {
            pl->x1 = t->x + t->w;
        } else {
            flush_link(pl, pg, p, baseline, b);
            *pl = (pending_link){t->link, t->x, t->x + t->w};
        }
    } else {
        flush_link(pl, pg, p, baseline, b);
    }
    t->open = false;
    t->text.len = 0;
    if (t->text.data)
        t->text.data[0] = '\0';
}

void lay_para_emit(const lay_para *p, size_t line, folio_page *pg, double x, double baseline,
                   const folio_block *b)
{
    if (line >= p->nlines)
        return;
    size_t a, e;
    line_range(p, line, &a, &e);
    double natural = lay_para_line_width(p, line), slack = p->width - natural, extra = 0;
    size_t nglue = 0;
    for (size_t k = a; k < e; k++)
        nglue += p->items[k].kind == LB_GLUE;
    switch (p->st.align) {
    case FOLIO_ALIGN_JUSTIFY:
        if (!p->lines[line].last && nglue && slack > 0)
            extra = slack / (double)nglue;
        break;
    case FOLIO_ALIGN_CENTER:
        x += slack > 0 ? slack / 2 : 0;
        break;
    case FOLIO_ALIGN_RIGHT:
        x += slack > 0 ? slack : 0;
        break;
    case FOLIO_ALIGN_LEFT:
        break;
    }
    pending t = {0};
    pending_link pl = {0};
    folio_buf_append(&t.text, "", 0);
    for (size_t k = a; k < e; k++) {
        const lb_item *it = &p->items[k];
        const tx_run *r = &p->runs[k];
        if (it->kind == LB_PENALTY)
            continue;
        if (it->kind == LB_GLUE) {
            /* A space joins the run when nothing is added to it and the faces agree. */
            bool join = t.open && extra == 0 && k + 1 < e && p->items[k + 1].kind == LB_BOX &&
                        r->face == t.face && p->runs[k + 1].face == t.face &&
                        p->runs[k + 1].colour == t.colour && same_link(p->runs[k + 1].link, t.link);
            if (join) {
                folio_buf_append(&t.text, " ", 1);
                t.w += it->width;
            } else {
                flush_text(&t, &pl, pg, p, baseline, b);
            }
            x += it->width + extra;
            continue;
        }
        if (t.open && (r->face != t.face || r->colour != t.colour || !same_link(r->link, t.link)))
            flush_text(&t, &pl, pg, p, baseline, b);
        if (!t.open) {
            t.open = true;
            t.face = r->face;
            t.colour = r->colour;
            t.link = r->link;
            t.x = x;
            t.w = 0;
        }
        folio_buf_append(&t.text, p->buf.data + r->off, r->len);
        t.w += it->width;
        x += it->width;
    }
    flush_text(&t, &pl, pg, p, baseline, b);
    flush_link(&pl, pg, p, baseline, b);
    folio_buf_free(&t.text);
}

void lay_text_measure(const lay_ctx *c, const folio_text *t, const lay_style *st, double *natural,
                      double *minw)
{
    lay_para *p = lay_para_make(c, t, st, INFINITY);
    double line = 0, word = 0, maxline = 0, maxword = 0;
    for (size_t k = 0; k <= p->n; k++) {
        const lb_item *it = k < p->n ? &p->items[k] : NULL;
        bool end_line = !it || (it->kind == LB_PENALTY && it->penalty == LB_FORCED);
        bool end_word = end_line || it->kind == LB_GLUE || it->kind == LB_PENALTY;
        if (end_word) {
            if (word > maxword)
                maxword = word;
            word = 0;
        }
        if (end_line) {
            if (line > maxline)
                maxline = line;
            line = 0;
            continue;
        }
        line += it->width;
        if (it->kind == LB_BOX)
            word += it->width;
    }
    lay_para_free(p);
    if (natural)
        *natural = maxline;
    if (minw)
        *minw = maxword;
}

double lay_text_width(const lay_ctx *c, int face, double size, const char *s)
{
    double w = 0;
    size_t n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n;)
        w += char_width(c, face, folio_utf8_next(s, n, &i), size);
    return w;
}

char *lay_fit_text(const lay_ctx *c, int face, double size, const char *s, double width)
{
    /* Valid UTF-8 with line breaks and controls as spaces, cut at the last character that fits
     * with the ellipsis. */
    folio_buf out = {0};
    folio_buf_append(&out, "", 0);
    const char *ell = "\xE2\x80\xA6";
    double ew = lay_text_width(c, face, size, ell), w = 0;
    size_t n = s ? strlen(s) : 0, fit = 0;
    bool cut = false;
    for (size_t i = 0; i < n;) {
        uint32_t cp = folio_utf8_next(s, n, &i);
        if (cp < 0x20 || cp == 0x7F)
            cp = ' ';
        w += char_width(c, face, cp, size);
        if (w > width + LAY_FIT) {
            cut = true;
            break;
        }
        put_utf8(&out, cp);
        if (w + ew <= width + LAY_FIT)
            fit = out.len;
    }
    if (cut) {
        while (fit > 0 && out.data[fit - 1] == ' ')
            fit--;
        out.len = fit;
        out.data[fit] = '\0';
        folio_buf_puts(&out, ell);
    }
    return out.data;
}

char *lay_title_text(const folio_text *t)
{
    folio_buf out = {0};
    folio_buf_append(&out, "", 0);
    bool space = false;
    for (size_t k = 0; t && k < t->n; k++) {
        const char *s = t->spans[k].text;
        size_t n = s ? strlen(s) : 0;
        for (size_t i = 0; i < n;) {
            uint32_t cp = folio_utf8_next(s, n, &i);
            if (cp < 0x20 || cp == 0x7F || is_space(cp)) {
                space = out.len > 0;
                continue;
            }
            if (space)
                folio_buf_append(&out, " ", 1);
            space = false;
            put_utf8(&out, cp);
        }
    }
    return out.data;
}
