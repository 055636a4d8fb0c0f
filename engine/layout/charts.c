/* Charts drawn into ops across the column: vertical and horizontal bars (grouped when there are
 * several series), stacked bars (counts or 100%), diverging bars of an agreement scale, lines
 * and dot plots. Shared here: the data made ready (sorted, cumulated, labelled), nice axes,
 * wrapped category labels, value labels that never overlap, the legend. Each chart is one row,
 * never split, except a horizontal chart too long for a page, which is drawn in parts. Value
 * labels are text ops so that they can be read back from the PDF. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "layout/layout_int.h"

#define TITLE_GAP 8.0
#define DATA_TABLE_GAP 6.0 /* between a chart and its data table */
#define LABEL_SIZE 8.0   /* category labels, legend, value labels */
#define SMALL_LABEL 6.5  /* value labels on thin bars */
#define TICK_SIZE 7.5    /* value axis numbers */
#define BAR_PLOT_H 150.0 /* vertical charts: height of the plot area */
#define BAR_MAX_W 56.0   /* widest vertical bar */
#define HBAR_H 13.0      /* one horizontal bar (single series) */
#define HBAR_PITCH 20.0  /* distance between categories */
#define STACK_H 15.0     /* one stacked bar */
#define STACK_PITCH 22.0
#define DOT_PITCH 16.0
#define DOT_R 3.6         /* dot plot and line markers: radius */
#define HEADING_ROOM 40.0 /* a chart squeezed to fit a page leaves room for a heading above it */
#define MIN_PITCH 12.0    /* bars are squeezed down to this to fit a page, then split */
#define MAX_VBARS 24      /* more categories than this: drawn as horizontal bars */
#define MAX_LABEL_LINES 3 /* category labels wrap onto this many lines, then end with an ellipsis */
#define SWATCH 7.5        /* legend colour square */
#define NO_DATA_H 56.0
#define AXIS_H 14.0     /* horizontal value axis under the bars: tick labels */
#define MAX_PLACED 4096 /* value labels remembered for the overlap test */
#define GRID 0xdde3e9   /* gridlines */
#define GUIDE 0xc4ccd4  /* dot plot guide lines */
#define WHITE 0xffffff

/* How a chart is drawn (the block's kind with its options resolved). */
typedef enum draw_kind { D_VBAR, D_HBAR, D_HSTACK, D_VSTACK, D_DIVERGING, D_LINE, D_DOT } draw_kind;

/* A placed label, in row coordinates (y up, negative below the row's top). */
typedef struct box {
    double x0, y0, x1, y1;
    bool bar; /* a bar: only labels outside bars keep off it */
} box;

typedef struct chart {
    lay_ctx *c;
    const folio_block *b;
    lay_row *row; /* NULL while measuring */
    draw_kind kind;
    double x0, width;
    size_t ncats, nseries; /* categories drawn: cat0 .. cat0 + ncats - 1 */
    size_t cat0, stride;   /* first category drawn; all categories */
    double *v;             /* values in drawing order, v[s * stride + k]; NAN = missing */
    char **cats;           /* category labels in drawing order (with "(n = 23)"), owned */
    char **labs;           /* value labels, same shape as v, owned; NULL = none */
    size_t neutral;        /* diverging: 1-based neutral series, 0 = the centre falls between two */
    const char *title;
    char *note;     /* the block's note with "n = 23" first, owned */
    bool last_part; /* a chart too long for a page is drawn in parts; the note goes last */
    box *placed;    /* value labels drawn so far, for the overlap test */
    size_t nplaced, capplaced;
} chart;

static double val(const chart *ch, size_t s, size_t k)
{
    return ch->v[s * ch->stride + ch->cat0 + k];
}

static const char *lab(const chart *ch, size_t s, size_t k)
{
    const char *l = ch->labs[s * ch->stride + ch->cat0 + k];
    return l ? l : "";
}

static const char *category(const chart *ch, size_t k)
{
    return ch->cats[ch->cat0 + k];
}

/* Diverging colours: reds left of the centre, blues right, grey for the neutral answer. */
static uint32_t mix(uint32_t a, uint32_t b, double t)
{
    uint32_t r = 0;
    for (int sh = 0; sh <= 16; sh += 8) {
        double x = (double)(a >> sh & 0xff) * (1 - t) + (double)(b >> sh & 0xff) * t;
        r |= (uint32_t)lround(x) << sh;
    }
    return r;
}

static uint32_t series_colour(const chart *ch, size_t s)
{
    const folio_theme *th = ch->c->th;
    size_t ns = ch->nseries;
    if (ch->kind == D_DIVERGING) {
        if (ns == 5)
            return th->scale5[s];
        if (ch->neutral && s + 1 == ch->neutral)
            return th->scale5[2];
        double half = ch->neutral ? (double)(ch->neutral - 1) : (double)ns / 2;
        double left = half, right = (double)ns - half - (ch->neutral ? 1 : 0);
        if ((double)s < half) /* strongest at the far left */
            return mix(th->scale5[0], th->scale5[1], left > 1 ? (double)s / (left - 1) : 1);
        double i = (double)s - half - (ch->neutral ? 1 : 0);
        return mix(th->scale5[3], th->scale5[4], right > 1 ? i / (right - 1) : 1);
    }
    if (th->npalette == 0)
        return th->accent;
    return th->palette[s % th->npalette];
}

static double luma(uint32_t rgb)
{
    return 0.299 * (rgb >> 16 & 0xff) + 0.587 * (rgb >> 8 & 0xff) + 0.114 * (rgb & 0xff);
}

/* Text colour on a fill: dark on light fills, white on dark ones. */
static uint32_t on(const chart *ch, uint32_t fill)
{
    return luma(fill) > 150 ? ch->c->th->text : WHITE;
}

/* A number as printed: integers with thousands separators, else up to two decimals; never
 * the locale's. */
static void fmt_value(double v, char *out, size_t size)
{
    if (fabs(v - round(v)) < 1e-9 && fabs(v) < 1e15) {
        long long i = llround(v);
        char digits[32];
        snprintf(digits, sizeof digits, "%lld", i < 0 ? -i : i);
        size_t n = strlen(digits), o = 0;
        if (i < 0 && o + 1 < size)
            out[o++] = '-';
        for (size_t k = 0; k < n && o + 2 < size; k++) {
            out[o++] = digits[k];
            if ((n - k - 1) % 3 == 0 && k + 1 < n)
                out[o++] = ',';
        }
        out[o] = '\0';
        return;
    }
    folio_format_number(v, fabs(v) < 10 ? 2 : 1, out, size);
    char *dot = strchr(out, '.');
    if (dot) {
        char *e = out + strlen(out);
        while (e > dot + 1 && e[-1] == '0')
            *--e = '\0';
        if (e == dot + 1)
            *dot = '\0';
    }
}

/* A value label of the chart's format: its decimals (or automatic) and suffix. */
static void fmt_label(const folio_block *b, double v, char *out, size_t size)
{
    if (b->u.chart.fixed_decimals && b->u.chart.decimals > 0)
        folio_format_number(v, b->u.chart.decimals, out, size);
    else if (b->u.chart.fixed_decimals)
        fmt_value(round(v), out, size);
    else
        fmt_value(v, out, size);
    if (b->u.chart.suffix)
        snprintf(out + strlen(out), size - strlen(out), "%s", b->u.chart.suffix);
}

static void text(chart *ch, double x, double y, int face, double size, uint32_t colour, const char *s)
{
    if (!ch->row || !s || !*s)
        return;
    char *one = lay_fit_text(ch->c, face, size, s, 1e6); /* valid UTF-8, no line breaks */
    lay_op_text(&ch->row->ops, ch->b, x, y, face, size, colour, one);
    free(one);
}

static double twidth(const chart *ch, int face, double size, const char *s)
{
    return lay_text_width(ch->c, face, size, s);
}

static double cap_height(const chart *ch, double size)
{
    return folio_font_cap_height(ch->c->face[FOLIO_FACE_REGULAR]) * size / 1000.0;
}

static void rect(chart *ch, double x, double y, double w, double h, uint32_t fill)
{
    if (ch->row && w > 0 && h > 0)
        lay_op_rect(&ch->row->ops, ch->b, x, y, w, h, true, fill, 0, 0);
}

static void line(chart *ch, double x, double y, double dx, double dy, double lw, uint32_t colour)
{
    if (ch->row)
        lay_op_line(&ch->row->ops, ch->b, x, y, dx, dy, lw, colour);
}

/* A path op at (0, 0) of the row: segments in row coordinates. */
static void path(chart *ch, folio_seg *segs, size_t n, bool filled, uint32_t fill, double lw, uint32_t stroke,
                 double dash)
{
    if (!ch->row || n == 0)
        return;
    folio_op op = {0};
    op.kind = FOLIO_OP_PATH;
    op.segs = segs;
    op.nsegs = n;
    op.filled = filled;
    op.fill = fill;
    op.line_width = lw;
    op.stroke = stroke;
    op.dash = dash;
    op.dest_page = -1;
    op.block = ch->b;
    folio_page_add(&ch->row->ops, &op);
}

/* A circle of radius r centred on (x, y): four Bezier arcs. */
static void circle(chart *ch, double x, double y, double r, uint32_t fill, double lw, uint32_t stroke)
{
    const double k = 0.5523 * r;
    folio_seg s[6] = {
        {FOLIO_SEG_MOVE, x + r, y, 0, 0, 0, 0},
        {FOLIO_SEG_CURVE, x, y + r, x + r, y + k, x + k, y + r},
        {FOLIO_SEG_CURVE, x - r, y, x - k, y + r, x - r, y + k},
        {FOLIO_SEG_CURVE, x, y - r, x - r, y - k, x - k, y - r},
        {FOLIO_SEG_CURVE, x + r, y, x + k, y - r, x + r, y - k},
        {FOLIO_SEG_CLOSE, 0, 0, 0, 0, 0, 0},
    };
    path(ch, s, 6, true, fill, lw, stroke, 0);
}

/* Remembers a box for the overlap test (the first MAX_PLACED; the list grows as needed). */
static void add_placed(chart *ch, box bx)
{
    if (ch->nplaced >= MAX_PLACED)
        return;
    if (ch->nplaced == ch->capplaced) {
        ch->capplaced = ch->capplaced ? 2 * ch->capplaced : 64;
        ch->placed = xrealloc(ch->placed, ch->capplaced * sizeof *ch->placed);
    }
    ch->placed[ch->nplaced++] = bx;
}

/* Keeps value labels out of a box (e.g. the category labels under a plot). */
static void keep_out(chart *ch, double x0, double y0, double x1, double y1)
{
    add_placed(ch, (box){x0, y0, x1, y1, false});
}

/* Draws a value label unless it would overlap one already drawn (or leave the chart's width);
 * (x, y) is the start of its baseline. Returns whether it was drawn. */
static bool place_ex(chart *ch, double x, double y, double size, uint32_t colour, const char *s,
                     bool avoid_bars)
{
    if (!s || !*s)
        return false;
    double w = twidth(ch, FOLIO_FACE_REGULAR, size, s), capv = cap_height(ch, size);
    box bx = {x - 1, y - 1.5, x + w + 1, y + capv + 1.5, false};
    if (bx.x0 < ch->x0 - 1 - LAY_FIT || bx.x1 > ch->x0 + ch->width + 1 + LAY_FIT)
        return false;
    for (size_t i = 0; i < ch->nplaced; i++) {
        const box *o = &ch->placed[i];
        if (o->bar && !avoid_bars)
            continue;
        if (bx.x0 < o->x1 && o->x0 < bx.x1 && bx.y0 < o->y1 && o->y0 < bx.y1)
            return false;
    }
    add_placed(ch, bx);
    text(ch, x, y, FOLIO_FACE_REGULAR, size, colour, s);
    return true;
}

static bool place(chart *ch, double x, double y, double size, uint32_t colour, const char *s)
{
    return place_ex(ch, x, y, size, colour, s, false);
}

/* Wrapped text whose top is at depth d; returns its height. */
static double para(chart *ch, const char *s, const lay_style *st, double x, double width, double d)
{
    if (!s || !*s)
        return 0;
    lay_para *p = lay_para_plain(ch->c, s, st, width);
    size_t n = lay_para_lines(p);
    double base = lay_baseline(ch->c, st);
    for (size_t i = 0; ch->row && i < n; i++)
        lay_para_emit(p, i, &ch->row->ops, x, -(d + (double)i * st->line_h + base), ch->b);
    lay_para_free(p);
    return (double)n * st->line_h;
}

static lay_style small_style(double size, uint32_t colour, folio_align align)
{
    lay_style st = {size, size * 1.3, 0, colour, align};
    return st;
}

static size_t count_lines(chart *ch, const char *s, const lay_style *st, double width, double *maxw)
{
    lay_para *p = lay_para_plain(ch->c, s, st, width);
    size_t n = lay_para_lines(p);
    if (maxw)
        *maxw = lay_para_max_width(p);
    lay_para_free(p);
    return n;
}

/* A category label that wraps onto at most maxl lines of `width`: shortened with an ellipsis
 * when it would take more (malloc'ed). */
static char *fit_label(chart *ch, const char *s, const lay_style *st, double width, size_t maxl)
{
    double maxw;
    size_t n = count_lines(ch, s, st, width, &maxw);
    if (n <= maxl && maxw <= width + LAY_FIT)
        return xstrdup(s);
    if (maxl <= 1 || n <= maxl) /* one line, or a word wider than the width */
        return lay_fit_text(ch->c, FOLIO_FACE_REGULAR, st->size, s, width);
    size_t lo = 0, hi = strlen(s);
    char *best = xstrdup("\u2026");
    while (lo < hi) { /* the longest prefix that fits with its ellipsis */
        size_t mid = (lo + hi + 1) / 2;
        while (mid > 0 && ((unsigned char)s[mid] & 0xc0) == 0x80)
            mid--;
        if (mid <= lo) {
            break;
        }
        size_t e = mid;
        while (e > 0 && s[e - 1] == ' ')
            e--;
        char *cand = xasprintf("%.*s\u2026", (int)e, s);
        double w;
        if (count_lines(ch, cand, st, width, &w) <= maxl && w <= width + LAY_FIT) {
            free(best);
            best = cand;
            lo = mid;
        } else {
            free(cand);
            hi = mid - 1;
        }
    }
    return best;
}

/* Title at the top; returns the depth below it. */
static double draw_title(chart *ch)
{
    const char *t = ch->title;
    if (!t || !*t)
        return 0;
    lay_style st = {ch->c->th->font_size, ch->c->th->font_size * 1.3, FOLIO_BOLD, ch->c->th->text,
                    FOLIO_ALIGN_LEFT};
    return para(ch, t, &st, ch->x0, ch->width, 0) + TITLE_GAP;
}

static bool has_legend(const chart *ch)
{
    return ch->nseries > 1 || ch->kind == D_HSTACK || ch->kind == D_VSTACK || ch->kind == D_DIVERGING;
}

/* Lines of a line chart: solid, dashed, dotted ... so that they differ without colour. */
static double line_dash(size_t s)
{
    static const double dash[] = {0, 4, 1.5, 7};
    return dash[s % 4];
}

/* The legend: a swatch and a name per series, flowing in lines; returns its height. */
static double draw_legend(chart *ch, double d)
{
    double size = LABEL_SIZE, lh = size * 1.5, x = ch->x0, h = lh;
    double capv = cap_height(ch, size);
    double sw = ch->kind == D_LINE ? 18 : ch->kind == D_DOT ? 2 * DOT_R : SWATCH;
    for (size_t s = 0; s < ch->nseries; s++) {
        char fallback[32];
        const char *name =
            ch->b->u.chart.series && ch->b->u.chart.series[s] ? ch->b->u.chart.series[s] : NULL;
        if (!name) {
            snprintf(fallback, sizeof fallback, "Series %zu", s + 1);
            name = fallback;
        }
        double w = sw + 4 + fmin(twidth(ch, FOLIO_FACE_REGULAR, size, name), ch->width - sw - 4);
        if (x > ch->x0 && x + w > ch->x0 + ch->width) {
            x = ch->x0;
            d += lh;
            h += lh;
        }
        double base = d + lh / 2 + capv / 2, mid = base - capv / 2;
        uint32_t colour = series_colour(ch, s);
        if (ch->kind == D_LINE) {
            if (ch->row) {
                folio_seg seg[2] = {{FOLIO_SEG_MOVE, x, -mid, 0, 0, 0, 0},
                                    {FOLIO_SEG_LINE, x + sw, -mid, 0, 0, 0, 0}};
                path(ch, seg, 2, false, 0, 2, colour, line_dash(s));
            }
            circle(ch, x + sw / 2, -mid, DOT_R * 0.8, colour, 0.8, WHITE);
        } else if (ch->kind == D_DOT) {
            circle(ch, x + DOT_R, -mid, DOT_R, colour, 0.8, WHITE);
        } else {
            rect(ch, x, -mid - SWATCH / 2, SWATCH, SWATCH, colour);
        }
        if (ch->row) {
            char *one = lay_fit_text(ch->c, FOLIO_FACE_REGULAR, size, name, ch->width - sw - 4);
            lay_op_text(&ch->row->ops, ch->b, x + sw + 4, -base, FOLIO_FACE_REGULAR, size, ch->c->th->text,
                        one);
            free(one);
        }
        x += w + 14;
    }
    return h;
}

static double draw_note(chart *ch, double d)
{
    const char *n = ch->note;
    if (!n || !*n || !ch->last_part)
        return 0;
    lay_style st = small_style(LAY_SMALL_SIZE, ch->c->th->muted, FOLIO_ALIGN_LEFT);
    st.line_h = LAY_SMALL_SIZE * 1.4;
    return 5 + para(ch, n, &st, ch->x0, ch->width, d + 5);
}

static double no_data(chart *ch, double d)
{
    double h = NO_DATA_H;
    if (ch->row)
        lay_op_rect(&ch->row->ops, ch->b, ch->x0, -(d + h), ch->width, h, true, ch->c->th->light, 0.5,
                    ch->c->th->rule);
    const char *msg = "No data";
    double w = twidth(ch, FOLIO_FACE_ITALIC, 9, msg);
    text(ch, ch->x0 + (ch->width - w) / 2, -(d + h / 2 + 3), FOLIO_FACE_ITALIC, 9, ch->c->th->muted, msg);
    return h;
}

/* ---- axes ---- */

/* A value axis: from amin to amax in steps of 1, 2 or 5 times a power of ten, about 5 of them;
 * the block's min and max win over the data's range. */
typedef struct axis {
    double amin, amax, step;
    size_t nticks;
    bool percent;       /* tick labels as "40%", without sign (diverging bars) */
    const char *suffix; /* appended to tick labels, e.g. "%" */
} axis;

static double tick_value(const axis *a, size_t t)
{
    return ceil(a->amin / a->step - 1e-9) * a->step + a->step * (double)t;
}

static axis make_axis(const chart *ch, double lo, double hi, bool integers, bool user_bounds)
{
    axis a = {0};
    double umin = ch->b->u.chart.axis_min, umax = ch->b->u.chart.axis_max;
    bool has_min = user_bounds && isfinite(umin), has_max = user_bounds && isfinite(umax);
    if (has_min && has_max && !(umax > umin)) /* both 0 (not set) or inconsistent: automatic */
        has_min = has_max = false;
    if (has_min)
        lo = umin;
    if (has_max)
        hi = umax;
    if (!(hi > lo))
        hi = lo + 1;
    double raw = (hi - lo) / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    if (integers && step < 1)
        step = 1;
    a.step = step;
    a.suffix = ch->b->u.chart.suffix;
    a.amin = has_min ? lo : floor(lo / step + 1e-9) * step;
    a.amax = has_max ? hi : ceil(hi / step - 1e-9) * step;
    if (a.amax - a.amin < step * 0.5)
        a.amax = a.amin + step;
    a.nticks = (size_t)floor((a.amax - tick_value(&a, 0)) / step + 1e-9) + 1;
    if (a.nticks > 60)
        a.nticks = 60;
    return a;
}

static void tick_label(const axis *a, double v, char *buf, size_t size)
{
    fmt_value(a->percent ? fabs(v) : v, buf, size);
    if (a->percent)
        snprintf(buf + strlen(buf), size - strlen(buf), "%%");
    else if (a->suffix)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s", a->suffix);
}

/* The range of the values drawn (all parts), with 0 included, and whether all are integers. */
static void value_range(const chart *ch, double *lo, double *hi, bool *integers)
{
    *lo = 0;
    *hi = 0;
    *integers = true;
    for (size_t i = 0; i < ch->stride * ch->nseries; i++) {
        double v = ch->v[i];
        if (isnan(v))
            continue;
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
        *integers &= fabs(v - round(v)) < 1e-9;
    }
}

/* Vertical gridlines and tick labels under a horizontal plot from depth top to bottom. */
static void haxis(chart *ch, const axis *a, double xl, double scale, double top, double bottom)
{
    char buf[64];
    double capv = cap_height(ch, TICK_SIZE), last = -1e9;
    for (size_t t = 0; t < a->nticks; t++) {
        double v = tick_value(a, t);
        if (v > a->amax + a->step * 1e-6)
            break;
        double x = xl + (v - a->amin) * scale;
        if (fabs(v) > a->step * 1e-6)
            line(ch, x, -top, 0, -(bottom - top), 0.4, GRID);
        tick_label(a, v, buf, sizeof buf);
        double w = twidth(ch, FOLIO_FACE_REGULAR, TICK_SIZE, buf);
        if (x - w / 2 < last + 4)
            continue;
        text(ch, x - w / 2, -(bottom + 3 + capv), FOLIO_FACE_REGULAR, TICK_SIZE, ch->c->th->muted, buf);
        last = x + w / 2;
    }
}

/* ---- category labels down the side (horizontal kinds) ---- */

/* The label column: the block's share of the column, else as wide as the longest label of all
 * the parts, at most a third of the column. */
static double label_column(chart *ch)
{
    if (ch->b->u.chart.label_width > 0)
        return ch->width * ch->b->u.chart.label_width;
    lay_style st = small_style(LABEL_SIZE, ch->c->th->text, FOLIO_ALIGN_RIGHT);
    double w = 0;
    for (size_t k = 0; k < ch->stride; k++) {
        double nat, minw;
        folio_span sp = {ch->cats[k], 0, NULL};
        folio_text t = {&sp, 1};
        lay_text_measure(ch->c, &t, &st, &nat, &minw);
        w = fmax(w, nat);
    }
    return fmin(w, ch->width * 0.34);
}

/* Draws a category label centred on depth ymid, right-aligned in [x, x + w]. */
static void side_label(chart *ch, size_t k, double x, double w, double ymid, size_t maxlines)
{
    lay_style st = small_style(LABEL_SIZE, ch->c->th->text, FOLIO_ALIGN_RIGHT);
    char *s = fit_label(ch, category(ch, k), &st, w, maxlines);
    lay_para *p = lay_para_plain(ch->c, s, &st, w);
    size_t n = lay_para_lines(p);
    double top = ymid - (double)n * st.line_h / 2, base = lay_baseline(ch->c, &st);
    for (size_t i = 0; ch->row && i < n; i++)
        lay_para_emit(p, i, &ch->row->ops, x, -(top + (double)i * st.line_h + base), ch->b);
    lay_para_free(p);
    free(s);
}

/* Pitch per category: enough for the bars and the wrapped label, squeezed to fit a page. */
static double pitch_for(chart *ch, double base_pitch, double labw, double fixed, size_t *maxlines)
{
    lay_style st = small_style(LABEL_SIZE, ch->c->th->text, FOLIO_ALIGN_RIGHT);
    double lh = st.line_h, pitch = base_pitch;
    for (size_t k = 0; k < ch->ncats; k++) {
        size_t n = count_lines(ch, category(ch, k), &st, labw, NULL);
        pitch = fmax(pitch, (double)(n < MAX_LABEL_LINES ? n : MAX_LABEL_LINES) * lh + 5);
    }
    double room = ch->c->body_h - fixed - HEADING_ROOM;
    if (pitch * (double)ch->ncats > room)
        pitch = fmax(room / (double)ch->ncats, MIN_PITCH);
    *maxlines = (size_t)fmax(1, fmin(MAX_LABEL_LINES, floor((pitch - 2) / lh)));
    return pitch;
}

/* Category labels under a vertical plot, each centred in its band; returns their height. */
static double under_labels(chart *ch, double xl, double band, double d, bool thin)
{
    lay_style st = small_style(LABEL_SIZE, ch->c->th->text, FOLIO_ALIGN_CENTER);
    double h = 0, last = -1e9;
    for (size_t k = 0; k < ch->ncats; k++) {
        double x = xl + band * (double)k;
        if (thin) { /* a line over many points: one-line labels, those that would overlap left out */
            char *s =
                lay_fit_text(ch->c, FOLIO_FACE_REGULAR, LABEL_SIZE, category(ch, k), fmax(band * 3, 60));
            double w = twidth(ch, FOLIO_FACE_REGULAR, LABEL_SIZE, s), cx = x + band / 2;
            double left = fmax(ch->x0, fmin(cx - w / 2, ch->x0 + ch->width - w));
            if (left > last + 5) {
                text(ch, left, -(d + lay_baseline(ch->c, &st)), FOLIO_FACE_REGULAR, LABEL_SIZE,
                     ch->c->th->text, s);
                last = left + w;
            }
            free(s);
            h = st.line_h;
            continue;
        }
        char *s = fit_label(ch, category(ch, k), &st, band - 2, MAX_LABEL_LINES);
        h = fmax(h, para(ch, s, &st, x + 1, band - 2, d));
        free(s);
    }
    return h;
}

/* ---- vertical kinds: bars, stacked bars, lines ---- */

/* The value axis on the left with gridlines; returns the x where the plot starts. The plot
 * runs from depth top to bottom. */
static double vaxis(chart *ch, const axis *a, double top, double bottom, bool draw)
{
    char buf[64];
    double tickw = 0, scale = (bottom - top) / (a->amax - a->amin), capv = cap_height(ch, TICK_SIZE);
    for (size_t t = 0; t < a->nticks; t++) {
        tick_label(a, tick_value(a, t), buf, sizeof buf);
        tickw = fmax(tickw, twidth(ch, FOLIO_FACE_REGULAR, TICK_SIZE, buf));
    }
    double xl = ch->x0 + tickw + 6, pw = ch->x0 + ch->width - xl;
    for (size_t t = 0; draw && t < a->nticks; t++) {
        double v = tick_value(a, t), y = bottom - (v - a->amin) * scale;
        if (v > a->amax + a->step * 1e-6)
            break;
        if (fabs(v) > a->step * 1e-6)
            line(ch, xl, -y, pw, 0, 0.4, GRID);
        tick_label(a, v, buf, sizeof buf);
        text(ch, xl - 5 - twidth(ch, FOLIO_FACE_REGULAR, TICK_SIZE, buf), -(y - capv / 2), FOLIO_FACE_REGULAR,
             TICK_SIZE, ch->c->th->muted, buf);
    }
    return xl;
}

static double y_title(chart *ch, double d)
{
    const char *t = ch->b->u.chart.y_title;
    if (!t || !*t)
        return d;
    lay_style st = small_style(TICK_SIZE, ch->c->th->muted, FOLIO_ALIGN_LEFT);
    return d + para(ch, t, &st, ch->x0, ch->width, d) + 2;
}

static double x_title(chart *ch, double d, double xl, double pw)
{
    const char *t = ch->b->u.chart.x_title;
    if (!t || !*t)
        return d;
    lay_style st = small_style(TICK_SIZE, ch->c->th->muted, FOLIO_ALIGN_CENTER);
    return d + 3 + para(ch, t, &st, xl, pw, d + 3);
}

/* Vertical bars (side by side when there are several series), or stacked. */
static double draw_vbars(chart *ch, double d)
{
    const folio_theme *th = ch->c->th;
    bool stacked = ch->kind == D_VSTACK, percent = stacked && ch->b->u.chart.percent;
    double lo, hi;
    bool integers;
    value_range(ch, &lo, &hi, &integers);
    if (stacked) {
        lo = 0;
        hi = 0;
        for (size_t k = 0; k < ch->stride; k++) {
            double t = 0;
            for (size_t s = 0; s < ch->nseries; s++)
                t += isnan(ch->v[s * ch->stride + k]) ? 0 : fmax(0, ch->v[s * ch->stride + k]);
            hi = fmax(hi, t);
        }
        if (percent)
            hi = 100, integers = true;
    }
    axis a = make_axis(ch, lo, hi, integers, !percent);
    a.percent = percent;
    d = y_title(ch, d);
    double top = d + 12, bottom = top + BAR_PLOT_H; /* room for the value labels over the tallest bar */
    double scale = BAR_PLOT_H / (a.amax - a.amin);
    double xl = vaxis(ch, &a, top, bottom, true), pw = ch->x0 + ch->width - xl;
    double zero = bottom - (fmax(a.amin, fmin(0, a.amax)) - a.amin) * scale;
    keep_out(ch, ch->x0, -(bottom + 60), ch->x0 + ch->width, -(bottom + (lo < 0 ? 12 : 0) + 1));

    size_t nbars = stacked ? 1 : ch->nseries;
    double band = pw / (double)ch->ncats;
    double group = band * (nbars == 1 ? 0.62 : 0.8);
    double barw = fmin(group / (double)nbars, BAR_MAX_W);
    group = barw * (double)nbars;
    double vsize = barw < 16 ? SMALL_LABEL : LABEL_SIZE, capv = cap_height(ch, vsize);
    char buf[64];
    for (int pass = 0; pass < 2; pass++) /* bars, then the labels of side-by-side bars over them */
        for (size_t k = 0; k < ch->ncats; k++) {
            double gx = xl + band * (double)k + (band - group) / 2, total = 0, base = zero;
            if (stacked && pass == 1)
                break;
            for (size_t s = 0; stacked && s < ch->nseries; s++)
                total += isnan(val(ch, s, k)) ? 0 : fmax(0, val(ch, s, k));
            for (size_t s = 0; s < ch->nseries; s++) {
                double v = val(ch, s, k);
                if (isnan(v))
                    continue;
                uint32_t fill = series_colour(ch, s);
                const char *l = lab(ch, s, k);
                double lw = twidth(ch, FOLIO_FACE_REGULAR, vsize, l);
                if (stacked) {
                    double h = (percent ? (total > 0 ? fmax(0, v) / total * 100 : 0) : fmax(0, v)) * scale;
                    if (h <= 0)
                        continue;
                    rect(ch, gx, -base, barw, h, fill);
                    if (base < zero)
                        line(ch, gx, -base, barw, 0, 0.8, WHITE);
                    bool alone =
                        !percent && fabs(fmax(0, v) - total) < 1e-9; /* the total over the bar says it */
                    if (!alone && h >= capv + 4 && lw + 3 <= barw)
                        place(ch, gx + (barw - lw) / 2, -(base - h / 2 + capv / 2), vsize, on(ch, fill), l);
                    base -= h;
                    continue;
                }
                double vc = fmax(a.amin, fmin(v, a.amax)), y = bottom - (vc - a.amin) * scale;
                double bx = gx + barw * (double)s, h = fabs(y - zero), gap = nbars > 1 ? 0.4 : 0;
                if (pass == 0) {
                    rect(ch, bx + gap, -fmax(y, zero), barw - 2 * gap, h, fill);
                    add_placed(ch, (box){bx + gap, -fmax(y, zero), bx + barw - gap, -fmin(y, zero), true});
                    continue;
                }
                /* Inside the bar's end when it fits, else just beyond it. */
                bool inside = h >= capv + 8 && lw + 4 <= barw - 2 * gap;
                double ly;
                if (v >= 0)
                    ly = inside ? y + 4 + capv : y - 3;
                else
                    ly = inside ? y - 4 : y + 3 + capv;
                place_ex(ch, bx + (barw - lw) / 2, -ly, vsize, inside ? on(ch, fill) : th->text, l, !inside);
            }
            if (stacked && !percent) { /* the total over the bar */
                fmt_label(ch->b, total, buf, sizeof buf);
                double tw = twidth(ch, FOLIO_FACE_BOLD, vsize, buf);
                text(ch, gx + (barw - tw) / 2, -(base - 3), FOLIO_FACE_BOLD, vsize, th->text, buf);
            }
        }
    line(ch, xl, -zero, pw, 0, 0.8, th->muted);
    double bot = bottom + (lo < 0 ? 12 : 0); /* room for labels under negative bars */
    d = bot + 5 + under_labels(ch, xl, band, bot + 5, false);
    return x_title(ch, d, xl, pw);
}

/* Lines over the categories, a marker on each point, value labels where they do not collide. */
static double draw_line(chart *ch, double d)
{
    const folio_theme *th = ch->c->th;
    double lo, hi;
    bool integers;
    value_range(ch, &lo, &hi, &integers);
    bool all_positive = lo >= 0;
    axis a = make_axis(ch, all_positive ? 0 : lo, hi, integers, true);
    d = y_title(ch, d);
    double top = d + 12, bottom = top + BAR_PLOT_H;
    double scale = BAR_PLOT_H / (a.amax - a.amin);
    double xl = vaxis(ch, &a, top, bottom, true), pw = ch->x0 + ch->width - xl;
    double band = pw / (double)(ch->ncats ? ch->ncats : 1);
    double zero = bottom - (fmax(a.amin, fmin(0, a.amax)) - a.amin) * scale;
    line(ch, xl, -zero, pw, 0, 0.8, th->muted);
    keep_out(ch, ch->x0, -(bottom + 40), ch->x0 + ch->width, -(bottom + 0.5));
    size_t n = ch->ncats;
    folio_seg *segs = xcalloc(n + 1, sizeof *segs);
    for (size_t s = 0; s < ch->nseries; s++) { /* lines first, then markers and labels over them */
        size_t m = 0;
        for (size_t k = 0; k < n; k++) {
            double v = val(ch, s, k);
            if (isnan(v)) { /* a missing point breaks the line */
                if (m > 1)
                    path(ch, segs, m, false, 0, 1.8, series_colour(ch, s), line_dash(s));
                m = 0;
                continue;
            }
            double x = xl + band * ((double)k + 0.5),
                   y = bottom - (fmax(a.amin, fmin(v, a.amax)) - a.amin) * scale;
            segs[m] = (folio_seg){m ? FOLIO_SEG_LINE : FOLIO_SEG_MOVE, x, -y, 0, 0, 0, 0};
            m++;
        }
        if (m > 1)
            path(ch, segs, m, false, 0, 1.8, series_colour(ch, s), line_dash(s));
    }
    free(segs);
    double r = n > 30 ? DOT_R * 0.6 : DOT_R * 0.85, capv = cap_height(ch, LABEL_SIZE);
    for (size_t s = 0; s < ch->nseries; s++)
        for (size_t k = 0; k < n; k++) {
            double v = val(ch, s, k);
            if (isnan(v))
                continue;
            double x = xl + band * ((double)k + 0.5),
                   y = bottom - (fmax(a.amin, fmin(v, a.amax)) - a.amin) * scale;
            circle(ch, x, -y, r, series_colour(ch, s), 0.8, WHITE);
            /* Remember the marker so that no label covers it. */
            add_placed(ch, (box){x - r, -y - r, x + r, -y + r, false});
        }
    double vsize = band < 18 ? SMALL_LABEL : LABEL_SIZE;
    capv = cap_height(ch, vsize);
    for (size_t s = 0; s < ch->nseries; s++)
        for (size_t k = 0; k < n; k++) {
            double v = val(ch, s, k);
            if (isnan(v))
                continue;
            const char *l = lab(ch, s, k);
            double x = xl + band * ((double)k + 0.5),
                   y = bottom - (fmax(a.amin, fmin(v, a.amax)) - a.amin) * scale;
            double lw = twidth(ch, FOLIO_FACE_REGULAR, vsize, l);
            if (!place(ch, x - lw / 2, -(y - r - 3), vsize, th->text, l)) /* above, else below */
                place(ch, x - lw / 2, -(y + r + 3 + capv), vsize, th->text, l);
        }
    d = bottom + 5;
    d += under_labels(ch, xl, band, d, true);
    return x_title(ch, d, xl, pw);
}

/* ---- horizontal kinds ---- */

/* Horizontal bars, side by side within a category when there are several series. */
static double draw_hbar(chart *ch, double d, double fixed)
{
    const folio_theme *th = ch->c->th;
    double labw = label_column(ch);
    size_t maxlines;
    double barh = ch->nseries == 1 ? HBAR_H : fmax(5, fmin(11, 24.0 / (double)ch->nseries));
    double groupw = barh * (double)ch->nseries;
    double pitch = pitch_for(ch, fmax(HBAR_PITCH, groupw + 8), labw, fixed, &maxlines);
    if (groupw > pitch - 3) {
        barh = fmax(1, (pitch - 3) / (double)ch->nseries);
        groupw = barh * (double)ch->nseries;
    }
    double vsize = barh < 8 ? SMALL_LABEL : LABEL_SIZE;
    double xl = ch->x0 + labw + 8, xr = ch->x0 + ch->width;

    /* Scale (the same in every part): leave room right of the longest bar for its label. */
    double lo, hi, labmax = 0;
    bool integers;
    value_range(ch, &lo, &hi, &integers);
    for (size_t i = 0; i < ch->stride * ch->nseries; i++)
        if (ch->labs[i])
            labmax = fmax(labmax, twidth(ch, FOLIO_FACE_REGULAR, vsize, ch->labs[i]));
    axis a = make_axis(ch, lo, hi, integers, true);
    double reserve = fmin(labmax + 6, (xr - xl) * 0.3);
    double left_reserve = a.amin < 0 ? reserve : 0;
    double pw = xr - xl - reserve - left_reserve;
    double scale = pw / (a.amax - a.amin);
    double px = xl + left_reserve; /* where amin is */
    double zero = px + (fmax(a.amin, fmin(0, a.amax)) - a.amin) * scale;
    double capv = cap_height(ch, vsize);
    double h = pitch * (double)ch->ncats;
    haxis(ch, &a, px, scale, d, d + h);

    for (size_t k = 0; k < ch->ncats; k++) {
        double mid = d + pitch * ((double)k + 0.5);
        side_label(ch, k, ch->x0, labw, mid, maxlines);
        double gy = mid - groupw / 2;
        for (size_t s = 0; s < ch->nseries; s++) {
            double v = val(ch, s, k), y = gy + barh * (double)s;
            if (isnan(v))
                continue;
            double end = px + (fmax(a.amin, fmin(v, a.amax)) - a.amin) * scale, w = fabs(end - zero);
            double gap = ch->nseries > 1 ? 0.5 : 0;
            uint32_t fill = series_colour(ch, s);
            rect(ch, fmin(zero, end), -(y + barh - gap), w, barh - 2 * gap, fill);
            const char *l = lab(ch, s, k);
            double lw = twidth(ch, FOLIO_FACE_REGULAR, vsize, l), by = -(y + barh / 2 + capv / 2);
            bool inside = lw + 8 <= w && barh - 2 * gap >= capv + 3;
            if (v >= 0) {
                if (inside || end + 3 + lw > xr + LAY_FIT)
                    place(ch, end - 4 - lw, by, vsize, on(ch, fill), l);
                else
                    place(ch, end + 3, by, vsize, th->text, l);
            } else {
                if (inside || end - 3 - lw < xl - LAY_FIT)
                    place(ch, end + 4, by, vsize, on(ch, fill), l);
                else
                    place(ch, end - 3 - lw, by, vsize, th->text, l);
            }
        }
    }
    line(ch, zero, -d, 0, -h, 0.8, th->muted);
    d += h + AXIS_H;
    return x_title(ch, d, px, pw);
}

/* Horizontal stacked bars (counts, or 100%) and diverging bars centred on the neutral answer. */
static double draw_hstack(chart *ch, double d, double fixed)
{
    const folio_theme *th = ch->c->th;
    bool diverging = ch->kind == D_DIVERGING;
    bool percent = diverging || ch->b->u.chart.percent;
    double labw = label_column(ch);
    size_t maxlines;
    double pitch = pitch_for(ch, STACK_PITCH, labw, fixed, &maxlines);
    double barh = fmin(STACK_H, pitch - 4);
    double vsize = barh < 10 ? SMALL_LABEL : LABEL_SIZE, capv = cap_height(ch, vsize);
    double xl = ch->x0 + labw + 8, xr = ch->x0 + ch->width;
    char buf[64];

    /* Each category: its total, and (diverging) how far it reaches left and right of the centre,
     * in percent of its total; the axis covers the widest of all parts. */
    size_t ns = ch->nseries, nu = ch->neutral;
    double half = nu ? (double)(nu - 1) : (double)ns / 2; /* series before the centre */
    double maxl = 0, maxr = 0, maxt = 0;
    for (size_t k = 0; k < ch->stride; k++) {
        double t = 0, l = 0, r = 0;
        for (size_t s = 0; s < ns; s++) {
            double v = ch->v[s * ch->stride + k];
            v = isnan(v) ? 0 : fmax(0, v);
            t += v;
            if (nu && s + 1 == nu)
                l += v / 2, r += v / 2;
            else if ((double)s < half)
                l += v;
            else
                r += v;
        }
        maxt = fmax(maxt, t);
        if (t > 0)
            maxl = fmax(maxl, l / t * 100), maxr = fmax(maxr, r / t * 100);
    }
    axis a;
    if (diverging) {
        a = make_axis(ch, -maxl, maxr, true, false);
        a.percent = true;
    } else {
        a = make_axis(ch, 0, percent ? 100 : maxt, true, !percent);
        a.percent = percent;
    }
    double sumw = 0; /* diverging: room either side for the shares that disagree and agree */
    if (diverging)
        sumw = twidth(ch, FOLIO_FACE_BOLD, vsize, "100%") + 6;
    double reserve = !percent ? twidth(ch, FOLIO_FACE_BOLD, vsize, "00,000") + 6 : 0;
    double px = xl + sumw, pw = xr - px - sumw - reserve;
    double scale = pw / (a.amax - a.amin), centre = px + (0 - a.amin) * scale;
    double h = pitch * (double)ch->ncats;
    haxis(ch, &a, px, scale, d, d + h);
    if (diverging) /* the centre, under the bars: it shows between them */
        line(ch, centre, -(d - 2), 0, -(h + 4), 0.8, th->text);

    for (size_t k = 0; k < ch->ncats; k++) {
        double mid = d + pitch * ((double)k + 0.5), y = mid - barh / 2;
        side_label(ch, k, ch->x0, labw, mid, maxlines);
        double total = 0, left = 0, neg = 0, pos = 0;
        for (size_t s = 0; s < ns; s++) {
            double v = val(ch, s, k);
            v = isnan(v) ? 0 : fmax(0, v);
            total += v;
            if (nu && s + 1 == nu)
                left += v / 2;
            else if ((double)s < half)
                left += v, neg += v;
            else
                pos += v;
        }
        if (total <= 0) {
            if (ch->row)
                lay_op_rect(&ch->row->ops, ch->b, px, -(y + barh), pw, barh, false, 0, 0.4, th->rule);
            text(ch, px + 4, -(mid + capv / 2), FOLIO_FACE_ITALIC, vsize, th->muted, "No data");
            continue;
        }
        double unit = (percent ? 100 / total : 1) * scale; /* points per answer */
        double x = diverging ? centre - left * unit : px, x_start = x;
        for (size_t s = 0; s < ns; s++) {
            double v = val(ch, s, k);
            v = isnan(v) ? 0 : fmax(0, v);
            double w = v * unit;
            if (w <= 0)
                continue;
            uint32_t fill = series_colour(ch, s);
            rect(ch, x, -(y + barh), w, barh, fill);
            if (x > x_start + 0.01) /* thin white separators between segments */
                line(ch, x, -y, 0, -barh, 0.8, WHITE);
            const char *l = lab(ch, s, k);
            double lw = twidth(ch, FOLIO_FACE_REGULAR, vsize, l);
            if (lw + 4 <= w)
                place(ch, x + (w - lw) / 2, -(mid + capv / 2), vsize, on(ch, fill), l);
            x += w;
        }
        if (diverging) { /* the shares either side of the centre, in bold at the bar's ends */
            folio_format_number(neg / total * 100, 0, buf, sizeof buf);
            strcat(buf, "%");
            double bw = twidth(ch, FOLIO_FACE_BOLD, vsize, buf);
            text(ch, x_start - 4 - bw, -(mid + capv / 2), FOLIO_FACE_BOLD, vsize, th->text, buf);
            folio_format_number(pos / total * 100, 0, buf, sizeof buf);
            strcat(buf, "%");
            text(ch, x + 4, -(mid + capv / 2), FOLIO_FACE_BOLD, vsize, th->text, buf);
        } else if (!percent) {
            fmt_label(ch->b, total, buf, sizeof buf);
            text(ch, x + 4, -(mid + capv / 2), FOLIO_FACE_BOLD, vsize, th->text, buf);
        }
    }
    d += h + AXIS_H;
    return x_title(ch, d, px, pw);
}

/* A Cleveland dot plot: a guide line per category, a dot per series, labels beside the dots. */
static double draw_dot(chart *ch, double d, double fixed)
{
    const folio_theme *th = ch->c->th;
    double labw = label_column(ch);
    size_t maxlines;
    double pitch = pitch_for(ch, DOT_PITCH, labw, fixed, &maxlines);
    double lo, hi, labmax = 0;
    bool integers;
    value_range(ch, &lo, &hi, &integers);
    for (size_t i = 0; i < ch->stride * ch->nseries; i++)
        if (ch->labs[i])
            labmax = fmax(labmax, twidth(ch, FOLIO_FACE_REGULAR, LABEL_SIZE, ch->labs[i]));
    axis a = make_axis(ch, lo, hi, integers, true);
    double xl = ch->x0 + labw + 8 + DOT_R, xr = ch->x0 + ch->width;
    double pw = xr - xl - fmin(labmax + 6 + DOT_R, (xr - xl) * 0.3);
    double scale = pw / (a.amax - a.amin), capv = cap_height(ch, LABEL_SIZE);
    double h = pitch * (double)ch->ncats;
    haxis(ch, &a, xl, scale, d, d + h);
    for (size_t k = 0; k < ch->ncats; k++) {
        double mid = d + pitch * ((double)k + 0.5), xmin = 1e9, xmax = -1e9;
        side_label(ch, k, ch->x0, labw, mid, maxlines);
        line(ch, xl, -mid, pw, 0, 0.5, GUIDE);
        for (size_t s = 0; s < ch->nseries; s++) {
            double v = val(ch, s, k);
            if (isnan(v))
                continue;
            double x = xl + (fmax(a.amin, fmin(v, a.amax)) - a.amin) * scale;
            xmin = fmin(xmin, x);
            xmax = fmax(xmax, x);
        }
        if (xmax > xmin) /* the gap between the series */
            line(ch, xmin, -mid, xmax - xmin, 0, 2.2, GRID);
        for (size_t s = 0; s < ch->nseries; s++) {
            double v = val(ch, s, k);
            if (isnan(v))
                continue;
            double x = xl + (fmax(a.amin, fmin(v, a.amax)) - a.amin) * scale;
            circle(ch, x, -mid, DOT_R, series_colour(ch, s), 0.8, WHITE);
            add_placed(ch, (box){x - DOT_R, -mid - DOT_R, x + DOT_R, -mid + DOT_R, false});
        }
        for (size_t s = 0; s < ch->nseries; s++) {
            double v = val(ch, s, k);
            if (isnan(v))
                continue;
            double x = xl + (fmax(a.amin, fmin(v, a.amax)) - a.amin) * scale;
            const char *l = lab(ch, s, k);
            double lw = twidth(ch, FOLIO_FACE_REGULAR, LABEL_SIZE, l);
            bool leftmost = ch->nseries > 1 && x <= xmin + 0.01 && xmax > xmin;
            if (leftmost || !place(ch, x + DOT_R + 3, -(mid + capv / 2), LABEL_SIZE, th->text, l))
                place(ch, x - DOT_R - 3 - lw, -(mid + capv / 2), LABEL_SIZE, th->text, l);
        }
    }
    d += h + AXIS_H;
    return x_title(ch, d, xl, pw);
}

/* Height of what is not bars: title, legend and note. */
static double fixed_height(chart *ch)
{
    lay_row *saved = ch->row;
    ch->row = NULL;
    double h = draw_title(ch) + draw_note(ch, 0) + AXIS_H + 12;
    if (has_legend(ch))
        h += 8 + draw_legend(ch, 0);
    ch->row = saved;
    return h;
}

/* Lays the chart out at depth 0; with ch->row NULL only measures. Returns its height. */
static double draw(chart *ch)
{
    double fixed = fixed_height(ch);
    ch->nplaced = 0;
    size_t op0 = ch->row ? ch->row->ops.n : 0;
    double d = draw_title(ch);
    if (ch->row) { /* the title is read before the graphic; "... (continued)" is page furniture */
        lay_ops_part(&ch->row->ops, op0, 1);
        if (ch->cat0 > 0)
            lay_ops_artifact(&ch->row->ops, op0);
    }
    bool empty = true;
    for (size_t i = 0; i < ch->stride * ch->nseries; i++)
        empty &= isnan(ch->v[i]) || ch->v[i] == 0;
    if (empty) {
        d += no_data(ch, d);
    } else {
        switch (ch->kind) {
        case D_HBAR: d = draw_hbar(ch, d, fixed); break;
        case D_HSTACK:
        case D_DIVERGING: d = draw_hstack(ch, d, fixed); break;
        case D_DOT: d = draw_dot(ch, d, fixed); break;
        case D_LINE: d = draw_line(ch, d); break;
        case D_VBAR:
        case D_VSTACK: d = draw_vbars(ch, d); break;
        }
        if (has_legend(ch))
            d += 8 + draw_legend(ch, d + 8);
    }
    op0 = ch->row ? ch->row->ops.n : 0;
    d += draw_note(ch, d);
    if (ch->row)
        lay_ops_part(&ch->row->ops, op0, 2);
    return d;
}

/* ---- the data made ready ---- */

typedef struct sort_item {
    double key;
    size_t index;
} sort_item;

/* Largest key first; equal keys in the order given. */
static int by_key(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Order (sort = "value": largest first; for diverging bars the share right of the centre),
 * cumulated lines, labels of the chart's format, "n = " annotations. */
static void prepare(chart *ch)
{
    const folio_block *b = ch->b;
    size_t nc = ch->stride, ns = ch->nseries;
    size_t *order = xcalloc(nc + 1, sizeof *order);
    for (size_t k = 0; k < nc; k++)
        order[k] = k;
    if (b->u.chart.sort == FOLIO_SORT_VALUE && nc > 1) {
        sort_item *items = xcalloc(nc, sizeof *items);
        for (size_t k = 0; k < nc; k++) {
            double t = 0, right = 0;
            for (size_t s = 0; s < ns; s++) {
                double v = b->u.chart.values[s * nc + k];
                if (isnan(v))
                    continue;
                t += v;
                if (ch->kind == D_DIVERGING &&
                    (double)s >= (ch->neutral ? (double)ch->neutral : (double)ns / 2))
                    right += v;
            }
            items[k] = (sort_item){ch->kind == D_DIVERGING ? (t > 0 ? right / t : -1) : t, k};
        }
        qsort(items, nc, sizeof *items, by_key);
        for (size_t k = 0; k < nc; k++)
            order[k] = items[k].index;
        free(items);
    }
    ch->v = xcalloc(nc * ns + 1, sizeof *ch->v);
    ch->labs = xcalloc(nc * ns + 1, sizeof *ch->labs);
    ch->cats = xcalloc(nc + 1, sizeof *ch->cats);
    for (size_t s = 0; s < ns; s++) {
        double run = 0;
        for (size_t k = 0; k < nc; k++) {
            size_t from = s * nc + order[k];
            double v = b->u.chart.values[from];
            v = isfinite(v) ? v : NAN;
            if (b->u.chart.cumulative && ch->kind == D_LINE && !isnan(v))
                v = run += v;
            ch->v[s * nc + k] = v;
        }
    }
    for (size_t k = 0; k < nc; k++) {
        double total = 0;
        for (size_t s = 0; s < ns; s++)
            total += isnan(ch->v[s * nc + k]) ? 0 : fmax(0, ch->v[s * nc + k]);
        for (size_t s = 0; s < ns; s++) {
            size_t i = s * nc + k;
            const char *given = b->u.chart.value_labels && !b->u.chart.cumulative
                                    ? b->u.chart.value_labels[s * nc + order[k]]
                                    : NULL;
            char buf[64];
            if (isnan(ch->v[i]))
                continue;
            if (given) {
                ch->labs[i] = xstrdup(given);
            } else if (ch->kind == D_HSTACK && b->u.chart.percent && total > 0 && !b->u.chart.suffix) {
                folio_format_number(ch->v[i] / total * 100,
                                    b->u.chart.fixed_decimals ? b->u.chart.decimals : 0, buf, sizeof buf);
                ch->labs[i] = xasprintf("%s%%", buf);
            } else {
                fmt_label(b, ch->v[i], buf, sizeof buf);
                ch->labs[i] = xstrdup(buf);
            }
        }
        /* The category's base: the block's n, or for 100% and diverging bars the answers counted. */
        const char *name =
            b->u.chart.categories && b->u.chart.categories[order[k]] ? b->u.chart.categories[order[k]] : "";
        double n = b->u.chart.n ? b->u.chart.n[order[k]] : NAN;
        bool shares = ch->kind == D_DIVERGING || (ch->kind == D_HSTACK && b->u.chart.percent);
        if (isnan(n) && shares && !b->u.chart.n)
            n = total;
        char nb[64];
        fmt_value(n, nb, sizeof nb);
        ch->cats[k] = isfinite(n) ? xasprintf("%s (n = %s)", name, nb) : xstrdup(name);
    }
    free(order);
    const char *note = b->u.chart.note;
    if (b->u.chart.n_all > 0) {
        char nb[64];
        fmt_value(b->u.chart.n_all, nb, sizeof nb);
        ch->note = note && *note ? xasprintf("n = %s. %s", nb, note) : xasprintf("n = %s.", nb);
    } else if (note) {
        ch->note = xstrdup(note);
    }
}

static draw_kind draw_kind_of(const folio_block *b, size_t ncats)
{
    switch (b->u.chart.kind) {
    case FOLIO_CHART_HBAR: return D_HBAR;
    case FOLIO_CHART_STACKED: return b->u.chart.horizontal ? D_HSTACK : D_VSTACK;
    case FOLIO_CHART_GROUPED: return b->u.chart.horizontal || ncats > MAX_VBARS ? D_HBAR : D_VBAR;
    case FOLIO_CHART_DIVERGING: return D_DIVERGING;
    case FOLIO_CHART_LINE: return D_LINE;
    case FOLIO_CHART_DOT: return D_DOT;
    case FOLIO_CHART_BAR:
    default: return ncats > MAX_VBARS ? D_HBAR : D_VBAR;
    }
}

/* data_table = true: the chart's data as a table under it, in the order drawn: a row per
 * category, a column per series, each value as the chart labels it. Laid out by lay_table from a
 * block made here; its rows and ops then belong to the chart, as parts 3 + the table's part, so
 * the structure has the chart's title, Figure, note, then a Table. */
static void data_table(chart *ch)
{
    lay_ctx *c = ch->c;
    const folio_block *b = ch->b;
    size_t nc = ch->stride, ns = ch->nseries, cols = ns + 1, rows = nc + 1;
    if (!nc || !ns)
        return;
    folio_block t = {0};
    t.kind = FOLIO_BLOCK_TABLE;
    t.source = b->source;
    t.source_line = b->source_line;
    t.u.table.ncols = cols;
    t.u.table.nrows = rows;
    t.u.table.header_rows = 1;
    t.u.table.cells = xcalloc(rows * cols, sizeof *t.u.table.cells);
    folio_span *spans = xcalloc(rows * cols, sizeof *spans);
    t.u.table.align = xcalloc(cols, sizeof *t.u.table.align);
    for (size_t k = 1; k < cols; k++)
        t.u.table.align[k] = FOLIO_ALIGN_RIGHT;
    t.u.table.align[0] = FOLIO_ALIGN_LEFT;
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < cols; k++) {
            char buf[96];
            const char *s = "";
            if (r == 0 && k == 0)
                s = b->u.chart.x_title ? b->u.chart.x_title : "Category";
            else if (r == 0) {
                s = b->u.chart.series && b->u.chart.series[k - 1] ? b->u.chart.series[k - 1] : NULL;
                if (!s && ns == 1)
                    s = b->u.chart.y_title ? b->u.chart.y_title : "Value";
                else if (!s)
                    snprintf(buf, sizeof buf, "Series %zu", k), s = buf;
            } else if (k == 0) {
                s = category(ch, r - 1);
            } else {
                double v = val(ch, k - 1, r - 1);
                s = lab(ch, k - 1, r - 1);
                if (isnan(v) && !*s)
                    s = "\xE2\x80\x93"; /* an en dash: no value */
                else if (!*s)
                    fmt_label(b, v, buf, sizeof buf), s = buf;
            }
            spans[r * cols + k].text = xstrdup(s ? s : "");
            t.u.table.cells[r * cols + k].text = (folio_text){&spans[r * cols + k], 1};
        }
    size_t first = c->rows.n, g0 = c->ngroups;
    lay_table(c, &t);
    if (c->rows.n > first)
        c->rows.v[first].space_before = DATA_TABLE_GAP;
    for (size_t i = first; i < c->rows.n; i++) {
        lay_row *r = &c->rows.v[i];
        r->block = b;
        for (size_t k = 0; k < r->ops.n; k++) {
            r->ops.ops[k].block = b;
            r->ops.ops[k].part += 3;
        }
    }
    for (size_t g = g0; g < c->ngroups; g++)
        for (size_t i = 0; i < c->groups[g].n; i++) {
            lay_row *r = &c->groups[g].v[i];
            r->block = b;
            for (size_t k = 0; k < r->ops.n; k++) {
                r->ops.ops[k].block = b;
                r->ops.ops[k].part += 3;
            }
        }
    for (size_t i = 0; i < rows * cols; i++)
        free(spans[i].text);
    free(spans);
    free(t.u.table.cells);
    free(t.u.table.align);
}

void lay_chart(lay_ctx *c, const folio_block *b)
{
    chart ch = {0};
    ch.c = c;
    ch.b = b;
    ch.x0 = c->x0;
    ch.width = c->width;
    ch.ncats = ch.stride = b->u.chart.values ? b->u.chart.ncats : 0;
    ch.nseries = b->u.chart.values ? b->u.chart.nseries : 0;
    ch.title = b->u.chart.title;
    ch.last_part = true;
    if (ch.ncats && ch.nseries && ch.ncats > SIZE_MAX / 2 / sizeof(double) / ch.nseries)
        ch.ncats = ch.stride = ch.nseries = 0;
    ch.kind = draw_kind_of(b, ch.ncats);
    if (ch.kind == D_VSTACK && ch.ncats > MAX_VBARS)
        ch.kind = D_HSTACK;
    ch.neutral = b->u.chart.neutral <= ch.nseries ? b->u.chart.neutral : 0;
    if (ch.kind == D_DIVERGING && ch.neutral == 0 && ch.nseries % 2 == 1)
        ch.neutral = ch.nseries / 2 + 1;
    prepare(&ch);

    /* Horizontal charts too long for a page even when squeezed: parts of as many as fit. */
    size_t per = ch.stride;
    bool horizontal = ch.kind == D_HBAR || ch.kind == D_HSTACK || ch.kind == D_DIVERGING || ch.kind == D_DOT;
    if (horizontal && ch.stride > 1) {
        double fixed = fixed_height(&ch);
        double room = c->body_h - fixed - HEADING_ROOM;
        if ((double)ch.stride * MIN_PITCH > room) {
            double pitch = ch.kind == D_HBAR ? HBAR_PITCH : ch.kind == D_DOT ? DOT_PITCH : STACK_PITCH;
            if (ch.kind == D_HBAR && ch.nseries > 1)
                pitch = fmax(pitch, fmax(5, fmin(11, 24.0 / (double)ch.nseries)) * (double)ch.nseries + 8);
            per = room > pitch ? (size_t)(room / pitch) : 1;
        }
    }
    char *cont = ch.title && *ch.title ? xasprintf("%s (continued)", ch.title) : NULL;
    for (size_t from = 0; from < ch.stride || from == 0; from += per) {
        ch.cat0 = from;
        ch.ncats = ch.stride - from < per ? ch.stride - from : per;
        ch.last_part = from + per >= ch.stride;
        ch.title = from ? cont : b->u.chart.title;
        /* Drawn once, into a row that then takes the height the drawing took: its operations
         * are placed from the row's top down, whatever its height. */
        ch.row = lay_row_add(&c->rows, b, 0);
        double h = draw(&ch);
        ch.row->h = h > 0 ? h : 0;
        if (per == 0)
            break;
    }
    free(cont);
    if (b->u.chart.data_table) {
        ch.cat0 = 0;
        data_table(&ch);
    }
    for (size_t i = 0; i < ch.stride * ch.nseries; i++)
        free(ch.labs[i]);
    for (size_t k = 0; k < ch.stride; k++)
        free(ch.cats[k]);
    free(ch.labs);
    free(ch.cats);
    free(ch.note);
    free(ch.placed);
    free(ch.v);
}
