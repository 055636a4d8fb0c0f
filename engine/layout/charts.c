/* Charts drawn into ops across the column: vertical bars with a value axis, horizontal bars
 * with labels on the left, and 100% stacked bars. Each chart is one row, never split. Value
 * labels are text ops so that they can be read back from the PDF. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "layout/layout_int.h"

#define TITLE_GAP 8.0
#define LABEL_SIZE 8.0      /* category labels, legend, value labels */
#define TICK_SIZE 7.5       /* value axis numbers */
#define BAR_PLOT_H 150.0    /* vertical bar chart: height of the plot area */
#define BAR_MAX_W 56.0      /* widest vertical bar */
#define HBAR_H 13.0         /* one horizontal bar (single series) */
#define HBAR_PITCH 20.0     /* distance between categories */
#define STACK_H 15.0        /* one stacked bar */
#define STACK_PITCH 22.0
#define MIN_PITCH 12.0      /* bars are squeezed down to this to fit a page, then split */
#define MAX_VBARS 24        /* more categories than this: drawn as horizontal bars */
#define SWATCH 7.5          /* legend colour square */
#define NO_DATA_H 56.0
#define GRID 0xdde3e9       /* gridlines */
#define WHITE 0xffffff

typedef struct chart {
    lay_ctx *c;
    const folio_block *b;
    lay_row *row;      /* NULL while measuring */
    folio_chart_kind kind;
    double x0, width;
    size_t ncats, nseries; /* categories drawn: cat0 .. cat0 + ncats - 1 */
    size_t cat0, stride;   /* first category drawn; all categories */
    double *v;             /* sanitised values, v[s * stride + k] */
    const char *title;
    bool last_part;        /* a chart too long for a page is drawn in parts; the note goes last */
} chart;

static double val(const chart *ch, size_t s, size_t k)
{
    return ch->v[s * ch->stride + ch->cat0 + k];
}

static uint32_t series_colour(const chart *ch, size_t s)
{
    const folio_theme *th = ch->c->th;
    if (ch->kind == FOLIO_CHART_STACKED && ch->nseries == 5)
        return th->scale5[s];
    size_t np = th->npalette ? th->npalette : 1;
    return th->npalette ? th->palette[s % np] : th->accent;
}

static double luma(uint32_t rgb)
{
    return 0.299 * (rgb >> 16 & 0xff) + 0.587 * (rgb >> 8 & 0xff) + 0.114 * (rgb & 0xff);
}

/* A value as printed: integers with thousands separators, else up to two decimals. */
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

/* The label of value i (s * stride + k): the plugin's, or the number; in buf or borrowed. */
static const char *value_label_at(const chart *ch, size_t i, char *buf, size_t size)
{
    char **vl = ch->b->u.chart.value_labels;
    if (vl && vl[i])
        return vl[i];
    fmt_value(ch->v[i], buf, size);
    return buf;
}

static const char *value_label(const chart *ch, size_t s, size_t k, char *buf, size_t size)
{
    return value_label_at(ch, s * ch->stride + ch->cat0 + k, buf, size);
}

/* Label of category k of the whole chart. */
static const char *category_at(const chart *ch, size_t k)
{
    char **cat = ch->b->u.chart.categories;
    return cat && cat[k] ? cat[k] : "";
}

static const char *category(const chart *ch, size_t k)
{
    return category_at(ch, ch->cat0 + k);
}

static void text(chart *ch, double x, double y, int face, double size, uint32_t colour, const char *s)
{
    if (!ch->row)
        return;
    char *one = lay_fit_text(ch->c, face, size, s, 1e6); /* valid UTF-8, no line breaks */
    lay_op_text(&ch->row->ops, ch->b, x, y, face, size, colour, one);
    free(one);
}

static double twidth(const chart *ch, int face, double size, const char *s)
{
    return lay_text_width(ch->c, face, size, s);
}

static void rect(chart *ch, double x, double y, double w, double h, uint32_t fill)
{
    if (ch->row)
        lay_op_rect(&ch->row->ops, ch->b, x, y, w, h, true, fill, 0, 0);
}

static void line(chart *ch, double x, double y, double dx, double dy, double lw, uint32_t colour)
{
    if (ch->row)
        lay_op_line(&ch->row->ops, ch->b, x, y, dx, dy, lw, colour);
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

/* Title at the top; returns the depth below it. */
static double draw_title(chart *ch)
{
    const char *t = ch->title;
    if (!t || !*t)
        return 0;
    lay_style st = {ch->c->th->font_size, ch->c->th->font_size * 1.3, FOLIO_BOLD, ch->c->th->text, FOLIO_ALIGN_LEFT};
    return para(ch, t, &st, ch->x0, ch->width, 0) + TITLE_GAP;
}

/* The legend: a swatch and a name per series, flowing in lines; returns its height. */
static double draw_legend(chart *ch, double d)
{
    if (ch->nseries < 2 && ch->kind != FOLIO_CHART_STACKED)
        return 0;
    double size = LABEL_SIZE, lh = size * 1.5, x = ch->x0, h = lh;
    const folio_font *f = ch->c->face[FOLIO_FACE_REGULAR];
    double cap = folio_font_cap_height(f) * size / 1000.0;
    for (size_t s = 0; s < ch->nseries; s++) {
        char fallback[32];
        const char *name = ch->b->u.chart.series && ch->b->u.chart.series[s] ? ch->b->u.chart.series[s] : NULL;
        if (!name) {
            snprintf(fallback, sizeof fallback, "Series %zu", s + 1);
            name = fallback;
        }
        double w = SWATCH + 4 + fmin(twidth(ch, FOLIO_FACE_REGULAR, size, name), ch->width - SWATCH - 4);
        if (x > ch->x0 && x + w > ch->x0 + ch->width) {
            x = ch->x0;
            d += lh;
            h += lh;
        }
        double base = d + lh / 2 + cap / 2;
        rect(ch, x, -base - 0.5, SWATCH, SWATCH, series_colour(ch, s));
        if (ch->row) {
            char *one = lay_fit_text(ch->c, FOLIO_FACE_REGULAR, size, name, ch->width - SWATCH - 4);
            lay_op_text(&ch->row->ops, ch->b, x + SWATCH + 4, -base, FOLIO_FACE_REGULAR, size, ch->c->th->text, one);
            free(one);
        }
        x += w + 14;
    }
    return h;
}

static double draw_note(chart *ch, double d)
{
    const char *n = ch->b->u.chart.note;
    if (!n || !*n || !ch->last_part)
        return 0;
    lay_style st = small_style(LAY_SMALL_SIZE, ch->c->th->muted, FOLIO_ALIGN_LEFT);
    st.line_h = LAY_SMALL_SIZE * 1.4;
    return 5 + para(ch, n, &st, ch->x0, ch->width, d + 5);
}

static double nice_step(double range, bool integers)
{
    if (!(range > 0))
        return 1;
    double raw = range / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    return integers && step < 1 ? 1 : step;
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

/* Vertical bars: a value axis with gridlines at nice steps, category labels under the bars. */
static double draw_bar(chart *ch, double d)
{
    const folio_theme *th = ch->c->th;
    double lo = 0, hi = 0;
    bool integers = true;
    for (size_t i = 0; i < ch->stride * ch->nseries; i++) {
        lo = fmin(lo, ch->v[i]);
        hi = fmax(hi, ch->v[i]);
        integers &= fabs(ch->v[i] - round(ch->v[i])) < 1e-9;
    }
    double step = nice_step(hi - lo, integers);
    double amin = floor(lo / step + 1e-9) * step, amax = ceil(hi / step - 1e-9) * step;
    if (amax - amin < step)
        amax = amin + step;
    size_t nticks = (size_t)llround((amax - amin) / step) + 1;

    /* Tick labels set the width of the axis column. */
    char buf[64];
    double tickw = 0;
    for (size_t t = 0; t < nticks; t++) {
        fmt_value(amin + step * (double)t, buf, sizeof buf);
        tickw = fmax(tickw, twidth(ch, FOLIO_FACE_REGULAR, TICK_SIZE, buf));
    }
    const char *ytitle = ch->b->u.chart.y_title, *xtitle = ch->b->u.chart.x_title;
    if (ytitle && *ytitle) {
        lay_style st = small_style(TICK_SIZE, th->muted, FOLIO_ALIGN_LEFT);
        d += para(ch, ytitle, &st, ch->x0, ch->width, d) + 2;
    }
    double xl = ch->x0 + tickw + 6, xr = ch->x0 + ch->width, pw = xr - xl;
    double top = d + 12; /* room for the value labels over the tallest bar */
    double bottom = top + BAR_PLOT_H;
    double scale = BAR_PLOT_H / (amax - amin);
    double zero = bottom - (0 - amin) * scale;
    double tcap = folio_font_cap_height(ch->c->face[FOLIO_FACE_REGULAR]) * TICK_SIZE / 1000.0;

    for (size_t t = 0; t < nticks; t++) {
        double v = amin + step * (double)t, y = bottom - (v - amin) * scale;
        if (fabs(v) > step * 1e-6)
            line(ch, xl, -y, pw, 0, 0.4, GRID);
        fmt_value(v, buf, sizeof buf);
        text(ch, xl - 5 - twidth(ch, FOLIO_FACE_REGULAR, TICK_SIZE, buf), -(y - tcap / 2), FOLIO_FACE_REGULAR,
             TICK_SIZE, th->muted, buf);
    }

    double band = pw / (double)ch->ncats;
    double group = band * (ch->nseries == 1 ? 0.62 : 0.8);
    double barw = fmin(group / (double)ch->nseries, BAR_MAX_W);
    group = barw * (double)ch->nseries;
    double vsize = barw < 16 ? 6.5 : LABEL_SIZE;
    for (size_t k = 0; k < ch->ncats; k++) {
        double gx = xl + band * (double)k + (band - group) / 2;
        for (size_t s = 0; s < ch->nseries; s++) {
            double v = val(ch, s, k), y = bottom - (v - amin) * scale;
            double bx = gx + barw * (double)s;
            double h = fabs(y - zero);
            if (h > 0)
                rect(ch, bx + (ch->nseries > 1 ? 0.4 : 0), -fmax(y, zero), barw - (ch->nseries > 1 ? 0.8 : 0), h,
                     series_colour(ch, s));
            const char *lab = value_label(ch, s, k, buf, sizeof buf);
            double lw = twidth(ch, FOLIO_FACE_REGULAR, vsize, lab);
            double ly = v >= 0 ? fmin(y, zero) - 3 : fmax(y, zero) + vsize + 1;
            text(ch, bx + (barw - lw) / 2, -ly, FOLIO_FACE_REGULAR, vsize, th->text, lab);
        }
    }
    line(ch, xl, -zero, pw, 0, 0.8, th->muted);

    /* Category labels under the axis, wrapped to the band. */
    lay_style st = small_style(LABEL_SIZE, th->text, FOLIO_ALIGN_CENTER);
    double labh = 0;
    for (size_t k = 0; k < ch->ncats; k++)
        labh = fmax(labh, para(ch, category(ch, k), &st, xl + band * (double)k + 1, band - 2, bottom + 5));
    d = bottom + 5 + labh;
    if (xtitle && *xtitle) {
        lay_style xt = small_style(TICK_SIZE, th->muted, FOLIO_ALIGN_CENTER);
        d += 3 + para(ch, xtitle, &xt, xl, pw, d + 3);
    }
    return d;
}

/* The label column of horizontal charts: as wide as the longest label of all the parts. */
static double label_column(chart *ch, double maxw)
{
    lay_style st = small_style(LABEL_SIZE, ch->c->th->text, FOLIO_ALIGN_RIGHT);
    double w = 0;
    for (size_t k = 0; k < ch->stride; k++) {
        double nat, minw;
        folio_span sp = {(char *)category_at(ch, k), 0, NULL};
        folio_text t = {&sp, 1};
        lay_text_measure(ch->c, &t, &st, &nat, &minw);
        w = fmax(w, nat);
    }
    return fmin(w, maxw);
}

static size_t label_lines(chart *ch, size_t k, double w)
{
    lay_style st = small_style(LABEL_SIZE, ch->c->th->text, FOLIO_ALIGN_RIGHT);
    lay_para *p = lay_para_plain(ch->c, category(ch, k), &st, w);
    size_t n = lay_para_lines(p);
    lay_para_free(p);
    return n;
}

/* Draws a category label centred on y (depth), right-aligned in [x, x + w]. */
static void side_label(chart *ch, size_t k, double x, double w, double ymid, size_t maxlines)
{
    lay_style st = small_style(LABEL_SIZE, ch->c->th->text, FOLIO_ALIGN_RIGHT);
    lay_para *p = lay_para_plain(ch->c, category(ch, k), &st, w);
    size_t n = lay_para_lines(p);
    if (n > maxlines)
        n = maxlines;
    double top = ymid - (double)n * st.line_h / 2, base = lay_baseline(ch->c, &st);
    for (size_t i = 0; ch->row && i < n; i++)
        lay_para_emit(p, i, &ch->row->ops, x, -(top + (double)i * st.line_h + base), ch->b);
    lay_para_free(p);
}

/* Pitch per category: enough for the bars and the wrapped label, squeezed to fit a page. */
static double pitch_for(chart *ch, double base_pitch, double labw, double fixed, size_t *maxlines)
{
    double lh = LABEL_SIZE * 1.3, pitch = base_pitch;
    for (size_t k = 0; k < ch->ncats; k++)
        pitch = fmax(pitch, (double)label_lines(ch, k, labw) * lh + 5);
    double room = ch->c->body_h - fixed - 4;
    if (pitch * (double)ch->ncats > room)
        pitch = fmax(room / (double)ch->ncats, MIN_PITCH);
    *maxlines = (size_t)fmax(1, floor((pitch - 2) / lh));
    return pitch;
}

static double draw_hbar(chart *ch, double d, double fixed)
{
    const folio_theme *th = ch->c->th;
    double labw = label_column(ch, ch->width * 0.34);
    size_t maxlines;
    double barh = ch->nseries == 1 ? HBAR_H : fmax(5, fmin(11, 24.0 / (double)ch->nseries));
    double groupw = barh * (double)ch->nseries;
    double pitch = pitch_for(ch, fmax(HBAR_PITCH, groupw + 8), labw, fixed, &maxlines);
    if (groupw > pitch - 3) {
        barh = fmax(1, (pitch - 3) / (double)ch->nseries);
        groupw = barh * (double)ch->nseries;
    }
    double vsize = barh < 8 ? 6.5 : LABEL_SIZE;
    double xl = ch->x0 + labw + 8, xr = ch->x0 + ch->width;

    /* Scale (the same in every part): leave room right of the longest bar for its label. */
    char buf[64];
    double lo = 0, hi = 0, labmax = 0;
    for (size_t i = 0; i < ch->stride * ch->nseries; i++) {
        lo = fmin(lo, ch->v[i]);
        hi = fmax(hi, ch->v[i]);
        labmax = fmax(labmax, twidth(ch, FOLIO_FACE_REGULAR, vsize, value_label_at(ch, i, buf, sizeof buf)));
    }
    double reserve = fmin(labmax + 6, (xr - xl) * 0.3);
    double left_reserve = lo < 0 ? reserve : 0;
    double scale = (xr - xl - reserve - left_reserve) / (hi - lo > 0 ? hi - lo : 1);
    double zero = xl + left_reserve + (0 - lo) * scale;
    double vcap = folio_font_cap_height(ch->c->face[FOLIO_FACE_REGULAR]) * vsize / 1000.0;

    for (size_t k = 0; k < ch->ncats; k++) {
        double mid = d + pitch * ((double)k + 0.5);
        side_label(ch, k, ch->x0, labw, mid, maxlines);
        double gy = mid - groupw / 2;
        for (size_t s = 0; s < ch->nseries; s++) {
            double v = val(ch, s, k), w = fabs(v) * scale, y = gy + barh * (double)s;
            double bx = v >= 0 ? zero : zero - w;
            uint32_t fill = series_colour(ch, s);
            rect(ch, bx, -(y + barh - (ch->nseries > 1 ? 0.5 : 0)), w, barh - (ch->nseries > 1 ? 1 : 0), fill);
            const char *lab = value_label(ch, s, k, buf, sizeof buf);
            double lw = twidth(ch, FOLIO_FACE_REGULAR, vsize, lab), by = -(y + barh / 2 + vcap / 2);
            if (v >= 0) {
                if (zero + w + 3 + lw <= xr + LAY_FIT)
                    text(ch, zero + w + 3, by, FOLIO_FACE_REGULAR, vsize, th->text, lab);
                else
                    text(ch, zero + w - 3 - lw, by, FOLIO_FACE_REGULAR, vsize, luma(fill) > 150 ? th->text : WHITE,
                         lab);
            } else {
                if (zero - w - 3 - lw >= xl - LAY_FIT)
                    text(ch, zero - w - 3 - lw, by, FOLIO_FACE_REGULAR, vsize, th->text, lab);
                else
                    text(ch, zero - w + 3, by, FOLIO_FACE_REGULAR, vsize, luma(fill) > 150 ? th->text : WHITE,
                         lab);
            }
        }
    }
    double h = pitch * (double)ch->ncats;
    line(ch, zero, -d, 0, -h, 0.8, th->muted);
    return d + h;
}

static double draw_stacked(chart *ch, double d, double fixed)
{
    const folio_theme *th = ch->c->th;
    double labw = label_column(ch, ch->width * 0.3);
    size_t maxlines;
    double pitch = pitch_for(ch, STACK_PITCH, labw, fixed, &maxlines);
    double barh = fmin(STACK_H, pitch - 4);
    double vsize = barh < 10 ? 6.5 : LABEL_SIZE;
    double xl = ch->x0 + labw + 8, xr = ch->x0 + ch->width, bw = xr - xl;
    double vcap = folio_font_cap_height(ch->c->face[FOLIO_FACE_REGULAR]) * vsize / 1000.0;
    char buf[64];
    for (size_t k = 0; k < ch->ncats; k++) {
        double mid = d + pitch * ((double)k + 0.5), y = mid - barh / 2;
        side_label(ch, k, ch->x0, labw, mid, maxlines);
        double total = 0;
        for (size_t s = 0; s < ch->nseries; s++)
            total += fmax(0, val(ch, s, k));
        if (total <= 0) {
            if (ch->row)
                lay_op_rect(&ch->row->ops, ch->b, xl, -(y + barh), bw, barh, false, 0, 0.4, th->rule);
            text(ch, xl + 4, -(mid + vcap / 2), FOLIO_FACE_ITALIC, vsize, th->muted, "No data");
            continue;
        }
        double x = xl;
        for (size_t s = 0; s < ch->nseries; s++) {
            double v = fmax(0, val(ch, s, k)), w = v / total * bw;
            if (w <= 0)
                continue;
            uint32_t fill = series_colour(ch, s);
            rect(ch, x, -(y + barh), w, barh, fill);
            if (x > xl)
                line(ch, x, -y, 0, -barh, 0.8, WHITE);
            const char *lab = value_label(ch, s, k, buf, sizeof buf);
            double lw = twidth(ch, FOLIO_FACE_REGULAR, vsize, lab);
            if (lw + 4 <= w)
                text(ch, x + (w - lw) / 2, -(mid + vcap / 2), FOLIO_FACE_REGULAR, vsize,
                     luma(fill) > 150 ? th->text : WHITE, lab);
            x += w;
        }
    }
    return d + pitch * (double)ch->ncats;
}

/* Height of what is not bars: title, legend and note. */
static double fixed_height(chart *ch)
{
    lay_row *saved = ch->row;
    ch->row = NULL;
    double h = draw_title(ch) + draw_note(ch, 0);
    if (ch->nseries > 1 || ch->kind == FOLIO_CHART_STACKED)
        h += 8 + draw_legend(ch, 0);
    ch->row = saved;
    return h;
}

/* Lays the chart out at depth 0; with ch->row NULL only measures. Returns its height. */
static double draw(chart *ch)
{
    double fixed = fixed_height(ch);
    double d = draw_title(ch);
    bool empty = ch->stride == 0 || ch->nseries == 0;
    if (!empty) {
        empty = true;
        for (size_t i = 0; i < ch->stride * ch->nseries; i++)
            empty &= ch->v[i] == 0;
    }
    if (empty) {
        d += no_data(ch, d);
    } else {
        switch (ch->kind) {
        case FOLIO_CHART_HBAR:
            d = draw_hbar(ch, d, fixed);
            break;
        case FOLIO_CHART_STACKED:
            d = draw_stacked(ch, d, fixed);
            break;
        default:
            d = draw_bar(ch, d);
            break;
        }
        if (ch->nseries > 1 || ch->kind == FOLIO_CHART_STACKED)
            d += 8 + draw_legend(ch, d + 8);
    }
    d += draw_note(ch, d);
    return d;
}

void lay_chart(lay_ctx *c, const folio_block *b)
{
    chart ch = {0};
    ch.c = c;
    ch.b = b;
    ch.kind = b->u.chart.kind;
    ch.x0 = c->x0;
    ch.width = c->width;
    ch.ncats = ch.stride = b->u.chart.values ? b->u.chart.ncats : 0;
    ch.nseries = b->u.chart.values ? b->u.chart.nseries : 0;
    ch.title = b->u.chart.title;
    ch.last_part = true;
    if (ch.ncats && ch.nseries && ch.ncats > SIZE_MAX / 2 / sizeof(double) / ch.nseries)
        ch.ncats = ch.stride = ch.nseries = 0;
    ch.v = xcalloc(ch.ncats * ch.nseries + 1, sizeof *ch.v);
    for (size_t i = 0; i < ch.ncats * ch.nseries; i++)
        ch.v[i] = isfinite(b->u.chart.values[i]) ? b->u.chart.values[i] : 0;
    if (ch.kind == FOLIO_CHART_BAR && ch.ncats > MAX_VBARS)
        ch.kind = FOLIO_CHART_HBAR;
    if (ch.kind != FOLIO_CHART_HBAR && ch.kind != FOLIO_CHART_STACKED)
        ch.kind = FOLIO_CHART_BAR;

    /* Horizontal bars too many for a page even when squeezed: parts of as many as fit. */
    size_t per = ch.stride;
    if (ch.kind != FOLIO_CHART_BAR && ch.stride > 1) {
        double fixed = fixed_height(&ch);
        double room = c->body_h - fixed - 4;
        if ((double)ch.stride * MIN_PITCH > room) {
            double pitch = ch.kind == FOLIO_CHART_STACKED ? STACK_PITCH : HBAR_PITCH;
            if (ch.kind == FOLIO_CHART_HBAR && ch.nseries > 1)
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
        /* Measure, then draw into a row of that height. */
        ch.row = NULL;
        double h = draw(&ch);
        ch.row = lay_row_add(&c->rows, b, h);
        draw(&ch);
        if (per == 0)
            break;
    }
    free(cont);
    free(ch.v);
}
