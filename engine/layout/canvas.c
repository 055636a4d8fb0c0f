/* Canvas blocks: a plugin's drawing (docs/canvas.md) turned into display ops. The box is placed
 * like a figure (one row with its caption, never split), scaled down uniformly when wider than
 * the column or taller than the page body, and everything in it is drawn between a CLIP and an
 * UNCLIP of the box, so nothing shows outside it. The plugin's coordinates have their origin at
 * the box's top-left corner with y down; the display list's have y up. */
#include <math.h>
#include <stdlib.h>

#include "core/util.h"
#include "layout/layout_int.h"

#define CANVAS_CAPTION_GAP 5.0 /* between the box and its caption */

/* Where canvas coordinates land in the row: (x0, y0) is the box's top-left corner in row
 * coordinates, s the scale. */
typedef struct canvas_map {
    double x0, y0, s;
    folio_seg *segs; /* a path being built */
    size_t n, cap;
} canvas_map;

static void seg_add(canvas_map *m, folio_seg_kind kind, const double *v)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->segs = xrealloc(m->segs, m->cap * sizeof *m->segs);
    }
    folio_seg g = {kind, 0, 0, 0, 0, 0, 0};
    /* Relative to the op's (x, y), which is the box's top-left corner: y flipped and scaled. */
    if (kind == FOLIO_SEG_CURVE) {
        g.x1 = v[0] * m->s, g.y1 = -v[1] * m->s;
        g.x2 = v[2] * m->s, g.y2 = -v[3] * m->s;
        g.x = v[4] * m->s, g.y = -v[5] * m->s;
    } else if (kind != FOLIO_SEG_CLOSE) {
        g.x = v[0] * m->s, g.y = -v[1] * m->s;
    }
    m->segs[m->n++] = g;
}

static void move_to(canvas_map *m, double x, double y)
{
    seg_add(m, FOLIO_SEG_MOVE, (double[]){x, y});
}

static void line_to(canvas_map *m, double x, double y)
{
    seg_add(m, FOLIO_SEG_LINE, (double[]){x, y});
}

/* An arc of the circle (cx, cy, r) from angle a to b (degrees, clockwise on the page since y is
 * down), as cubic Beziers of at most 90 degrees each; `join` starts it with a line from the
 * current point instead of a move. A sweep beyond a full turn is one turn. */
static void arc_to(canvas_map *m, double cx, double cy, double r, double a, double b, bool join)
{
    double sweep = fmax(-360, fmin(360, b - a));
    int pieces = (int)ceil(fabs(sweep) / 90 - 1e-9);
    if (pieces < 1)
        pieces = 1;
    double step = sweep / pieces * M_PI / 180, t = a * M_PI / 180;
    double k = 4.0 / 3.0 * tan(step / 4) * r;
    double x = cx + r * cos(t), y = cy + r * sin(t);
    if (join)
        line_to(m, x, y);
    else
        move_to(m, x, y);
    for (int i = 0; i < pieces; i++, t += step) {
        double x3 = cx + r * cos(t + step), y3 = cy + r * sin(t + step);
        double v[6] = {
            x - k * sin(t), y + k * cos(t), x3 + k * sin(t + step), y3 - k * cos(t + step), x3, y3};
        seg_add(m, FOLIO_SEG_CURVE, v);
        x = x3, y = y3;
    }
}

/* A theme colour or a plain one. */
static uint32_t colour_of(const lay_ctx *c, uint32_t col)
{
    if (col == FOLIO_COLOUR_NONE || !(col & FOLIO_COLOUR_THEME))
        return col & 0xFFFFFF;
    switch (col - FOLIO_COLOUR_THEME) {
    case FOLIO_TC_TEXT: return c->th->text;
    case FOLIO_TC_MUTED: return c->th->muted;
    case FOLIO_TC_ACCENT: return c->th->accent;
    case FOLIO_TC_RULE: return c->th->rule;
    case FOLIO_TC_LIGHT: return c->th->light;
    default: {
        size_t i = col - FOLIO_COLOUR_THEME - FOLIO_TC_PALETTE;
        size_t n = c->th->npalette ? c->th->npalette : 1;
        return c->th->palette[i % n];
    }
    }
}

/* The path built in m as one PATH op (fill and outline as the command says); m is emptied. */
static void path_op(const lay_ctx *c, folio_page *pg, const folio_block *b, canvas_map *m,
                    const folio_draw *d, bool fillable)
{
    bool filled = fillable && d->fill != FOLIO_COLOUR_NONE;
    bool stroked = d->stroke != FOLIO_COLOUR_NONE && d->width > 0;
    if (m->n && (filled || stroked)) {
        folio_op op = {0};
        op.kind = FOLIO_OP_PATH;
        op.x = m->x0;
        op.y = m->y0;
        op.filled = filled;
        op.fill = filled ? colour_of(c, d->fill) : 0;
        op.stroke = stroked ? colour_of(c, d->stroke) : 0;
        op.line_width = stroked ? d->width * m->s : 0;
        op.dash = stroked ? d->dash * m->s : 0;
        op.segs = m->segs;
        op.nsegs = m->n;
        op.dest_page = -1;
        op.block = b;
        folio_page_add(pg, &op);
    }
    m->n = 0;
}

/* Text on one line at the baseline (x, y), aligned on x. Line breaks and controls become
 * spaces. */
static void text_op(const lay_ctx *c, folio_page *pg, const folio_block *b, const canvas_map *m,
                    const folio_draw *d)
{
    folio_span span = {d->text, 0, NULL};
    folio_text t = {&span, 1};
    char *s = lay_title_text(&t);
    int face = lay_face(d->style);
    double size = (d->size > 0 ? d->size : c->th->font_size) * m->s;
    double x = m->x0 + d->v[0] * m->s, w = lay_text_width(c, face, size, s);
    if (d->align == FOLIO_ALIGN_CENTER)
        x -= w / 2;
    else if (d->align == FOLIO_ALIGN_RIGHT)
        x -= w;
    lay_op_text(pg, b, x, m->y0 - d->v[1] * m->s, face, size, colour_of(c, d->fill), s);
    free(s);
}

/* One command into pg. */
static void draw_op(const lay_ctx *c, folio_page *pg, const folio_block *b, canvas_map *m,
                    const folio_draw *d)
{
    const double *v = d->v;
    switch (d->kind) {
    case FOLIO_DRAW_LINE:
        move_to(m, v[0], v[1]);
        line_to(m, v[2], v[3]);
        path_op(c, pg, b, m, d, false);
        break;
    case FOLIO_DRAW_RECT:
        move_to(m, v[0], v[1]);
        line_to(m, v[0] + v[2], v[1]);
        line_to(m, v[0] + v[2], v[1] + v[3]);
        line_to(m, v[0], v[1] + v[3]);
        seg_add(m, FOLIO_SEG_CLOSE, NULL);
        path_op(c, pg, b, m, d, true);
        break;
    case FOLIO_DRAW_CIRCLE:
        arc_to(m, v[0], v[1], v[2], 0, 360, false);
        seg_add(m, FOLIO_SEG_CLOSE, NULL);
        path_op(c, pg, b, m, d, true);
        break;
    case FOLIO_DRAW_ARC:
        arc_to(m, v[0], v[1], v[2], v[3], v[4], false);
        path_op(c, pg, b, m, d, false);
        break;
    case FOLIO_DRAW_WEDGE:
        if (fabs(v[4] - v[3]) >= 360) {
            arc_to(m, v[0], v[1], v[2], 0, 360, false); /* a whole pie: no radius drawn */
        } else {
            move_to(m, v[0], v[1]);
            arc_to(m, v[0], v[1], v[2], v[3], v[4], true);
        }
        seg_add(m, FOLIO_SEG_CLOSE, NULL);
        path_op(c, pg, b, m, d, true);
        break;
    case FOLIO_DRAW_PATH:
        for (size_t i = 0; i < d->nsegs; i++) {
            const folio_pathseg *g = &d->segs[i];
            static const folio_seg_kind kinds[] = {FOLIO_SEG_MOVE, FOLIO_SEG_LINE, FOLIO_SEG_CURVE,
                                                   FOLIO_SEG_CLOSE};
            seg_add(m, kinds[g->kind], g->v);
        }
        path_op(c, pg, b, m, d, true);
        break;
    case FOLIO_DRAW_TEXT: text_op(c, pg, b, m, d); break;
    }
}

void lay_canvas(lay_ctx *c, const folio_block *b)
{
    double w = b->u.canvas.width, h = b->u.canvas.height;
    if (!(w > 0) || !(h > 0))
        return;
    lay_style st = {LAY_SMALL_SIZE, LAY_SMALL_SIZE * 1.4, FOLIO_ITALIC, c->th->muted, FOLIO_ALIGN_CENTER};
    lay_para *cap = lay_para_make(c, &b->u.canvas.caption, &st, c->width);
    size_t lines = lay_para_lines(cap);
    double cap_h = lines ? CANVAS_CAPTION_GAP + lines * st.line_h : 0;

    /* Scaled down, never up: into the column, and into the page body with its caption. */
    double max_h = fmax(c->body_h - cap_h, c->body_h / 4);
    double s = fmin(1, fmin(c->width / w, max_h / h));
    canvas_map m = {c->x0 + (c->width - w * s) / 2, 0, s, NULL, 0, 0};

    lay_row *r = lay_row_add(&c->rows, b, h * s + cap_h);
    folio_op clip = {
        .kind = FOLIO_OP_CLIP, .x = m.x0, .y = -h * s, .w = w * s, .h = h * s, .dest_page = -1, .block = b};
    folio_page_add(&r->ops, &clip);
    for (size_t i = 0; i < b->u.canvas.n; i++)
        draw_op(c, &r->ops, b, &m, &b->u.canvas.draws[i]);
    folio_op unclip = {.kind = FOLIO_OP_UNCLIP, .dest_page = -1, .block = b};
    folio_page_add(&r->ops, &unclip);
    free(m.segs);

    double base = -h * s - CANVAS_CAPTION_GAP - lay_baseline(c, &st);
    size_t op0 = r->ops.n;
    for (size_t i = 0; i < lines; i++, base -= st.line_h)
        lay_para_emit(cap, i, &r->ops, c->x0, base, b);
    lay_ops_part(&r->ops, op0, 1);
    lay_para_free(cap);
}
