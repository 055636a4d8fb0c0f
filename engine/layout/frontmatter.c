/* Front matter and page furniture: the cover page, the contents (whose page numbers are filled
 * in after pagination), and the running header and footer of every page but the cover. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "layout/layout_int.h"

#define COVER_TITLE_SIZE 30.0
#define COVER_SUBTITLE_SIZE 15.0
#define COVER_BAND 6.0          /* thickness of the accent rule at the top */
#define COVER_LOGO_W 0.4        /* the logo's box: at most this share of the column wide, */
#define COVER_LOGO_H 72.0       /* this many points tall, */
#define COVER_LOGO_GAP 28.0     /* and this far under the accent rule */
#define CONTENTS_SIZE 10.5
#define CONTENTS_NUMBER_W 36.0  /* room kept for the page number */
#define CONTENTS_GAP 4.0        /* between entries */
#define HEADER_RAISE 20.0       /* header baseline above the body's top */
#define FOOTER_DROP 26.0        /* footer baseline below the body's bottom */

/* Wrapped lines at absolute positions; returns the baseline after the last line. */
static double cover_text(lay_ctx *c, folio_page *pg, const folio_block *b, const char *s, const lay_style *st,
                         double width, double baseline)
{
    if (!s || !*s)
        return baseline;
    lay_para *p = lay_para_plain(c, s, st, width);
    for (size_t i = 0; i < lay_para_lines(p); i++, baseline -= st->line_h)
        lay_para_emit(p, i, pg, c->x0, baseline, b);
    lay_para_free(p);
    return baseline;
}

void lay_cover(lay_ctx *c, const folio_block *b)
{
    const folio_theme *th = c->th;
    lay_row *r = lay_row_add(&c->rows, b, 0);
    r->kind = ROW_COVER;
    r->front = true;
    folio_page *pg = &r->ops;
    double top = c->top, w = c->width;

    /* A thick accent rule at the top, the title block a third of the way down. */
    lay_op_rect(pg, b, c->x0, top - COVER_BAND, w, COVER_BAND, true, th->accent, 0, 0);
    const folio_image *logo = b->u.cover.logo_image;
    if (logo && logo->width > 0 && logo->height > 0) { /* the logo under the rule, at most a box */
        double lw = fmin(w * COVER_LOGO_W, COVER_LOGO_H * logo->width / logo->height);
        double lh = lw * logo->height / logo->width;
        lay_op_image(pg, b, logo, c->x0, top - COVER_BAND - COVER_LOGO_GAP - lh, lw, lh);
    }
    lay_ops_artifact(pg, 0); /* the rule and the logo (which has no alt text) are decoration */
    lay_style title = {COVER_TITLE_SIZE, COVER_TITLE_SIZE * 1.18, FOLIO_BOLD, th->accent, FOLIO_ALIGN_LEFT};
    lay_style sub = {COVER_SUBTITLE_SIZE, COVER_SUBTITLE_SIZE * 1.35, 0, th->text, FOLIO_ALIGN_LEFT};
    lay_style pub = {11, 15, FOLIO_BOLD, th->text, FOLIO_ALIGN_LEFT};
    lay_style date = {10.5, 15, 0, th->muted, FOLIO_ALIGN_LEFT};
    double y = c->th->page_h * 0.70;
    const char *t = b->u.cover.title ? b->u.cover.title : c->doc->title;
    /* cover_text returns the baseline after its last line: one line height below it. */
    y = cover_text(c, pg, b, t, &title, w * 0.9, y) + title.line_h;
    size_t op0 = pg->n;
    y = cover_text(c, pg, b, b->u.cover.subtitle, &sub, w * 0.9, y - 32) + sub.line_h;
    lay_ops_part(pg, op0, 1);
    op0 = pg->n;
    lay_op_line(pg, b, c->x0, y - 22, 48, 0, 1.5, th->accent);
    lay_ops_artifact(pg, op0);
    op0 = pg->n;
    y = cover_text(c, pg, b, b->u.cover.publisher, &pub, w * 0.9, y - 48);
    lay_ops_part(pg, op0, 2);
    op0 = pg->n;
    cover_text(c, pg, b, b->u.cover.date, &date, w * 0.9, y);
    lay_ops_part(pg, op0, 3);

    /* The colophon at the foot. */
    op0 = pg->n;
    lay_op_line(pg, b, c->x0, c->bottom + 14, w, 0, 0.5, th->rule);
    lay_ops_artifact(pg, op0);
    op0 = pg->n;
    lay_op_text(pg, b, c->x0, c->bottom, FOLIO_FACE_REGULAR, 8, th->muted, "Produced with folio");
    lay_ops_part(pg, op0, 4);
}

void lay_contents(lay_ctx *c, const folio_block *b, size_t index)
{
    const folio_theme *th = c->th;
    const char *title = b->u.contents.title ? b->u.contents.title : "Contents";

    /* The title looks like a level-1 heading but is not one. */
    lay_style hs = {LAY_H1_SIZE, LAY_H1_SIZE * 1.25, FOLIO_BOLD, th->accent, FOLIO_ALIGN_LEFT};
    lay_para *tp = lay_para_plain(c, title, &hs, c->width);
    size_t first = lay_lines_rows(c, tp, &hs, c->x0, b, true, -1);
    lay_para_free(tp);
    if (c->rows.n > first) {
        c->rows.v[first].mark = xstrdup(title);
        for (size_t i = first; i < c->rows.n; i++)
            c->rows.v[i].front = true;
        c->rows.v[c->rows.n - 1].h += 0.7 * c->line_h;
        c->rows.v[c->rows.n - 1].keep_with_next = true;
    }

    /* One entry per level-1 heading after the contents block. */
    lay_style es = {CONTENTS_SIZE, CONTENTS_SIZE * 1.4, 0, th->text, FOLIO_ALIGN_LEFT};
    double base = lay_baseline(c, &es);
    const folio_doc *d = c->doc;
    for (size_t i = index + 1; i < d->n; i++) {
        const folio_block *h = d->blocks[i];
        if (!h || h->kind != FOLIO_BLOCK_HEADING || h->u.heading.level > 1)
            continue;
        char *text = lay_title_text(&h->u.heading.text);
        lay_para *p = lay_para_plain(c, text, &es, c->width - CONTENTS_NUMBER_W - 18);
        free(text);
        size_t n = lay_para_lines(p);
        if (n == 0) {
            lay_para_free(p);
            continue;
        }
        lay_row *r = lay_row_add(&c->rows, b, (double)n * es.line_h + CONTENTS_GAP);
        r->front = true;
        for (size_t k = 0; k < n; k++)
            lay_para_emit(p, k, &r->ops, c->x0, -(base + (double)k * es.line_h), b);
        lay_ops_part(&r->ops, 0, (int)(1 + c->nentries));
        for (size_t k = 0; k < r->ops.n; k++) /* the whole entry is its link */
            r->ops.ops[k].linked = r->ops.ops[k].kind == FOLIO_OP_TEXT;
        c->entries = xrealloc(c->entries, (c->nentries + 1) * sizeof *c->entries);
        c->entries[c->nentries] = (lay_entry){h,
                                              c->x0 + lay_para_line_width(p, n - 1),
                                              -(base + (double)(n - 1) * es.line_h),
                                              CONTENTS_SIZE,
                                              -1,
                                              0,
                                              r->h,
                                              b};
        r->contents_entry = (int)c->nentries++;
        lay_para_free(p);
    }
}

/* Lower-case roman numerals for 1..3999 (front matter never gets near). */
static void roman(int n, char *buf, size_t size)
{
    static const int value[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
    static const char *const digit[] = {"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i"};
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < sizeof value / sizeof *value && n > 0 && n < 4000; k++)
        while (n >= value[k] && len + 3 < size) {
            len += (size_t)snprintf(buf + len, size - len, "%s", digit[k]);
            n -= value[k];
        }
}

void lay_page_label(const folio_layout *l, size_t p, char *buf, size_t size)
{
    if (l->body_start > 0 && p < (size_t)l->body_start)
        roman((int)p + 1, buf, size);
    else
        snprintf(buf, size, "%zu", p - (size_t)l->body_start + 1);
}

void lay_contents_fill(lay_ctx *c, folio_layout *l)
{
    const folio_theme *th = c->th;
    double dot = lay_text_width(c, FOLIO_FACE_REGULAR, CONTENTS_SIZE, ". ");
    for (size_t i = 0; i < c->nentries; i++) {
        const lay_entry *e = &c->entries[i];
        if (e->page < 0 || (size_t)e->page >= l->npages)
            continue;
        const lay_placed *hit = NULL;
        for (size_t k = 0; k < c->nplaced && !hit; k++)
            if (c->placed[k].block == e->target)
                hit = &c->placed[k];
        if (!hit)
            continue;
        folio_page *pg = &l->pages[e->page];
        double baseline = e->top + e->baseline, right = c->x0 + c->width;
        char num[32];
        lay_page_label(l, (size_t)hit->page, num, sizeof num);
        double nw = lay_text_width(c, FOLIO_FACE_REGULAR, e->size, num);
        size_t op0 = pg->n;
        lay_op_text(pg, e->block, right - nw, baseline, FOLIO_FACE_REGULAR, e->size, th->text, num);
        if (pg->n > op0)
            pg->ops[op0].linked = true;

        /* Dot leaders on a grid, so that the dots of all entries line up. */
        if (dot > 0) {
            double start = c->x0 + ceil((e->title_end + 8 - c->x0) / dot) * dot;
            double end = right - lay_text_width(c, FOLIO_FACE_REGULAR, e->size, "000") - 8;
            long count = (long)floor((end - start) / dot);
            if (count > 0) {
                folio_buf dots = {0};
                for (long k = 0; k < count; k++)
                    folio_buf_puts(&dots, k ? " ." : ".");
                lay_op_text(pg, e->block, start, baseline, FOLIO_FACE_REGULAR, e->size, th->rule, dots.data);
                pg->ops[pg->n - 1].artifact = true;
                folio_buf_free(&dots);
            }
        }
        folio_op link = {0};
        link.kind = FOLIO_OP_LINK;
        link.x = c->x0;
        link.w = c->width;
        link.y = e->top - e->h;
        link.h = e->h;
        link.dest_page = hit->page;
        link.dest_y = hit->y;
        link.block = e->block;
        folio_page_add(pg, &link);
        lay_ops_part(pg, op0, (int)(1 + i));
    }
}

static void furniture_text(folio_page *pg, double x, double y, double size, uint32_t colour, const char *s)
{
    if (!s || !*s)
        return;
    folio_op op = {0};
    op.kind = FOLIO_OP_TEXT;
    op.x = x;
    op.y = y;
    op.face = FOLIO_FACE_REGULAR;
    op.size = size;
    op.fill = op.stroke = colour;
    op.text = (char *)s;
    op.dest_page = -1;
    op.artifact = true;
    folio_page_add(pg, &op);
}

void lay_running(lay_ctx *c, folio_layout *l, const bool *cover, char *const *top_mark, char *const *last_mark)
{
    const folio_theme *th = c->th;
    const char *head = c->doc->header_text ? c->doc->header_text : c->doc->title;
    double size = LAY_HEADER_SIZE, right = c->x0 + c->width;
    double hy = c->top + HEADER_RAISE, fy = c->bottom - FOOTER_DROP;
    const char *carried = NULL; /* in force at the end of the previous page */
    for (size_t p = 0; p < l->npages; p++) {
        const char *section = top_mark[p] ? top_mark[p] : carried;
        if (last_mark[p])
            carried = last_mark[p];
        if (cover[p])
            continue;
        folio_page *pg = &l->pages[p];

        /* Header: the report on the left, the section on the right, a hairline under both. */
        char *left = lay_fit_text(c, FOLIO_FACE_REGULAR, size, head ? head : "", c->width * 0.55);
        double lw = lay_text_width(c, FOLIO_FACE_REGULAR, size, left);
        furniture_text(pg, c->x0, hy, size, th->muted, left);
        if (section) {
            char *sec = lay_fit_text(c, FOLIO_FACE_REGULAR, size, section, c->width - lw - 24);
            double sw = lay_text_width(c, FOLIO_FACE_REGULAR, size, sec);
            furniture_text(pg, right - sw, hy, size, th->muted, sec);
            free(sec);
        }
        free(left);
        folio_op rule = {0};
        rule.kind = FOLIO_OP_LINE;
        rule.x = c->x0;
        rule.y = hy - 6;
        rule.w = c->width;
        rule.line_width = 0.5;
        rule.stroke = rule.fill = th->rule;
        rule.dest_page = -1;
        rule.artifact = true;
        folio_page_add(pg, &rule);

        /* Footer: "Page N of M" in the body, N its page label and M the number of body pages;
         * front matter after the cover shows its roman label alone ("Page ii"). */
        char foot[64], label[32];
        lay_page_label(l, p, label, sizeof label);
        if (l->body_start > 0 && p < (size_t)l->body_start)
            snprintf(foot, sizeof foot, "Page %s", label);
        else
            snprintf(foot, sizeof foot, "Page %s of %zu", label, l->npages - (size_t)l->body_start);
        double fw = lay_text_width(c, FOLIO_FACE_REGULAR, size, foot);
        furniture_text(pg, right - fw, fy, size, th->muted, foot);
    }
}
