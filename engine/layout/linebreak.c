/* Total-fit line breaking (Knuth and Plass, "Breaking paragraphs into lines", 1981): every
 * feasible break is a node reached from an active node at the least total demerits; nodes
 * whose next line would be overfull are dropped from the active list, so the work stays linear
 * in the paragraph's length. The greedy first-fit breaker is kept for comparison. */
#include "layout/linebreak.h"

#include <math.h>
#include <stdlib.h>

#include "core/util.h"

#define FIT_EPSILON 1e-6

/* Costs, as TeX's plain format sets them. */
#define LINE_PENALTY 10       /* added to every line's badness: fewer lines are better */
#define DOUBLE_HYPHEN 10000.0 /* two hyphenated lines in a row */
#define FINAL_HYPHEN 5000.0   /* the last full line ends with a hyphen */
#define ADJ_DEMERITS 10000.0  /* a line's tightness differs by more than one class from the last */
#define BADNESS_MAX 10000.0   /* badness of a line that cannot be set within its glue */
#define BADNESS_LIMIT 1e7     /* the last pass's cap (a line with no glue at all) */
#define PASS1_TOLERANCE 100.0 /* no discretionary hyphens */
#define PASS2_TOLERANCE 200.0 /* with hyphens */

typedef struct lb_node {
    size_t pos;      /* the break item, or n for the paragraph's end; SIZE_MAX for the start */
    size_t next;     /* first item of the line after this break */
    int fitness;     /* 0 tight, 1 decent, 2 loose, 3 very loose */
    bool flagged;    /* ends at a hyphen */
    double demerits; /* total from the start */
    double ratio;    /* of the line ending here */
    size_t prev;     /* node index, SIZE_MAX for the start */
} lb_node;

typedef struct lb_run {
    const lb_item *items;
    size_t n;
    double width;
    const lb_opts *opts;
    double *w, *y, *z; /* prefix sums of width, stretch and shrink over items [0, i) */
    lb_node *nodes;
    size_t nnodes, capnodes;
    size_t *active;
    size_t nactive, capactive;
} lb_run;

static bool is_forced(const lb_item *it)
{
    return it->kind == LB_PENALTY && it->penalty <= LB_FORCED;
}

/* The first item of a line that starts at i: glue and ordinary penalties are dropped. */
static size_t skip_discardable(const lb_run *r, size_t i)
{
    while (i < r->n && r->items[i].kind != LB_BOX && !is_forced(&r->items[i]))
        i++;
    return i;
}

static size_t add_node(lb_run *r, lb_node nd)
{
    if (r->nnodes == r->capnodes) {
        r->capnodes = r->capnodes ? r->capnodes * 2 : 64;
        r->nodes = xrealloc(r->nodes, r->capnodes * sizeof *r->nodes);
    }
    r->nodes[r->nnodes] = nd;
    return r->nnodes++;
}

static void add_active(lb_run *r, size_t node)
{
    if (r->nactive == r->capactive) {
        r->capactive = r->capactive ? r->capactive * 2 : 32;
        r->active = xrealloc(r->active, r->capactive * sizeof *r->active);
    }
    r->active[r->nactive++] = node;
}

/* Whether item b may end a line in this pass. */
static bool legal_break(const lb_run *r, size_t b, int pass)
{
    if (b == r->n)
        return true;
    const lb_item *it = &r->items[b];
    if (it->kind == LB_GLUE)
        return b > 0 && r->items[b - 1].kind == LB_BOX && !(it->flags & LB_NOBREAK);
    if (it->kind != LB_PENALTY || it->penalty >= LB_NEVER)
        return false;
    if (it->penalty >= LB_EMERGENCY)
        return pass == 3;
    if ((it->flags & LB_FLAGGED) && it->width > 0)
        return pass >= 2; /* a discretionary hyphen */
    return true;
}

/* What every line ending at break b shares: the prefix sums there and the penalty's width. */
typedef struct lb_end {
    double w, y, z;
    bool penalty; /* b is a penalty: its width (a hyphen) is drawn when the line ends there */
    double pen_width;
    bool forced;
} lb_end;

static lb_end end_at(const lb_run *r, size_t b, bool forced)
{
    bool pen = b < r->n && r->items[b].kind == LB_PENALTY;
    return (lb_end){r->w[b], r->y[b], r->z[b], pen, pen ? r->items[b].width : 0, forced};
}

/* The adjustment ratio of the line from s to the break e: > 0 stretched, < 0 shrunk, < -1
 * overfull. Inline: it runs for every active break at every legal one. */
static inline double ratio_to(const lb_run *r, size_t s, const lb_end *e)
{
    if (isinf(r->width))
        return 0; /* measuring: one line per forced break */
    double len = e->w - r->w[s];
    if (e->penalty)
        len += e->pen_width;
    double stretch = r->opts->ragged ? r->opts->ragged_stretch : e->y - r->y[s];
    double shrink = r->opts->ragged ? 0 : e->z - r->z[s];
    bool forced = e->forced;
    if (len < r->width - FIT_EPSILON) {
        if (forced)
            return 0; /* the last line is filled by infinite glue */
        return stretch > 0 ? (r->width - len) / stretch : HUGE_VAL;
    }
    if (len > r->width + FIT_EPSILON)
        return shrink > 0 ? (r->width - len) / shrink : -HUGE_VAL;
    return 0;
}

/* The adjustment ratio of the line [s, b). */
static double line_ratio(const lb_run *r, size_t s, size_t b, bool forced)
{
    lb_end e = end_at(r, b, forced);
    return ratio_to(r, s, &e);
}

static int fitness_of(double ratio)
{
    return ratio < -0.5 ? 0 : ratio <= 0.5 ? 1 : ratio <= 1 ? 2 : 3;
}

/* One pass; false when the paragraph cannot be set within this pass's rules. */
static bool run_pass(lb_run *r, int pass)
{
    double tolerance = pass == 1 ? PASS1_TOLERANCE : pass == 2 ? PASS2_TOLERANCE : HUGE_VAL;
    r->nnodes = r->nactive = 0;
    add_active(r, add_node(r, (lb_node){SIZE_MAX, skip_discardable(r, 0), 1, false, 0, 0, SIZE_MAX}));
    for (size_t b = 0; b <= r->n && r->nactive; b++) {
        if (!legal_break(r, b, pass))
            continue;
        const lb_item *it = b < r->n ? &r->items[b] : NULL;
        bool forced = !it || is_forced(it);
        bool flagged = it && it->kind == LB_PENALTY && (it->flags & LB_FLAGGED);
        int penalty = it && it->kind == LB_PENALTY ? it->penalty : 0;
        lb_node best[4];
        bool have[4] = {false, false, false, false};
        size_t last_dropped = SIZE_MAX;
        size_t keep = 0;
        lb_end end = end_at(r, b, forced);
        for (size_t k = 0; k < r->nactive; k++) {
            size_t ai = r->active[k];
            const lb_node *a = &r->nodes[ai];
            size_t s = a->next;
            if (s > b || (s == b && !forced)) {
                r->active[keep++] = ai; /* no box since that break: no line yet */
                continue;
            }
            double ratio = ratio_to(r, s, &end);
            bool overfull = ratio < -1 - FIT_EPSILON;
            if (overfull || forced)
                last_dropped = ai;
            else
                r->active[keep++] = ai;
            if (overfull)
                continue;
            /* Past BADNESS_MAX (only in the last pass) badness keeps growing, so that of two
             * very loose settings the less loose one wins. */
            double cap = pass == 3 ? BADNESS_LIMIT : BADNESS_MAX, cube = 100 * ratio * ratio * ratio;
            double bad = ratio <= 0 ? 100 * fabs(ratio * ratio * ratio) : cube < cap ? cube : cap; /* fmin, inline */
            if (bad > tolerance)
                continue;
            double d = (LINE_PENALTY + bad) * (LINE_PENALTY + bad);
            if (penalty > 0)
                d += (double)penalty * penalty;
            else if (penalty > LB_FORCED)
                d -= (double)penalty * penalty;
            if (flagged && a->flagged)
                d += DOUBLE_HYPHEN;
            if (b == r->n && a->flagged)
                d += FINAL_HYPHEN;
            int fit = fitness_of(ratio);
            if (abs(fit - a->fitness) > 1 && a->pos != SIZE_MAX)
                d += ADJ_DEMERITS;
            d += a->demerits;
            if (!have[fit] || d < best[fit].demerits) {
                have[fit] = true;
                best[fit] = (lb_node){b, 0, fit, flagged, d, ratio, ai};
            }
        }
        r->nactive = keep;
        bool any = have[0] || have[1] || have[2] || have[3];
        /* Last resort: rather than lose every way on, accept an overfull line. */
        if (!any && pass == 3 && r->nactive == 0 && last_dropped != SIZE_MAX) {
            const lb_node *a = &r->nodes[last_dropped];
            have[1] = true;
            best[1] = (lb_node){b,
                                0,
                                1,
                                flagged,
                                a->demerits + BADNESS_MAX * BADNESS_MAX,
                                line_ratio(r, a->next, b, forced),
                                last_dropped};
        }
        size_t next = b < r->n ? skip_discardable(r, b + 1) : r->n;
        for (int f = 0; f < 4; f++) {
            if (!have[f])
                continue;
            best[f].next = next;
            add_active(r, add_node(r, best[f]));
        }
    }
    /* The best node at the end. */
    size_t end = SIZE_MAX;
    for (size_t k = 0; k < r->nactive; k++) {
        const lb_node *nd = &r->nodes[r->active[k]];
        if (nd->pos == r->n && (end == SIZE_MAX || nd->demerits < r->nodes[end].demerits))
            end = r->active[k];
    }
    r->nactive = 0;
    if (end == SIZE_MAX)
        return false;
    r->active[r->nactive++] = end;
    return true;
}

size_t folio_linebreak_opts(const lb_item *items, size_t n, double width, lb_opts *opts, lb_line **lines)
{
    static const lb_opts justified = {false, 0, 0};
    *lines = NULL;
    if (opts)
        opts->pass = 1;
    /* A forced break at the very end adds no empty line. */
    if (n && is_forced(&items[n - 1]))
        n--;
    if (n == 0)
        return 0;
    lb_run r = {items, n, width, opts ? opts : &justified, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0};
    r.w = xcalloc(3 * (n + 1), sizeof *r.w); /* one block for the three sums */
    r.y = r.w + (n + 1);
    r.z = r.y + (n + 1);
    for (size_t i = 0; i < n; i++) {
        const lb_item *it = &items[i];
        r.w[i + 1] = r.w[i] + (it->kind == LB_PENALTY ? 0 : it->width);
        r.y[i + 1] = r.y[i] + (it->kind == LB_GLUE ? it->stretch : 0);
        r.z[i + 1] = r.z[i] + (it->kind == LB_GLUE ? it->shrink : 0);
    }
    bool ok = false;
    int pass = 1;
    for (; pass <= 3 && !(ok = run_pass(&r, pass)); pass++)
        ;
    if (opts)
        opts->pass = pass;
    size_t nl = 0;
    if (ok) {
        for (size_t k = r.active[0]; r.nodes[k].prev != SIZE_MAX; k = r.nodes[k].prev)
            nl++;
        *lines = xcalloc(nl, sizeof **lines);
        size_t i = nl;
        for (size_t k = r.active[0]; r.nodes[k].prev != SIZE_MAX; k = r.nodes[k].prev) {
            const lb_node *nd = &r.nodes[k], *pv = &r.nodes[nd->prev];
            bool forced = nd->pos == n || is_forced(&items[nd->pos]);
            (*lines)[--i] = (lb_line){pv->next, nd->pos, forced, forced ? 0 : nd->ratio};
        }
    }
    free(r.w);
    free(r.nodes);
    free(r.active);
    if (!ok) /* cannot happen: pass 3 always reaches the end; keep a safe answer anyway */
        return folio_linebreak_greedy(items, n, width, lines);
    return nl;
}

size_t folio_linebreak(const lb_item *items, size_t n, double width, lb_line **lines)
{
    return folio_linebreak_opts(items, n, width, NULL, lines);
}

/* ---- greedy first fit ---- */

static bool discardable(const lb_item *it)
{
    return it->kind == LB_GLUE || (it->kind == LB_PENALTY && it->penalty != LB_FORCED);
}

static void push(lb_line **lines, size_t *n, size_t *cap, lb_line l)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *lines = xrealloc(*lines, *cap * sizeof **lines);
    }
    (*lines)[(*n)++] = l;
}

size_t folio_linebreak_greedy(const lb_item *items, size_t n, double width, lb_line **lines)
{
    size_t nl = 0, cap = 0;
    *lines = NULL;
    size_t i = 0;
    for (;;) {
        while (i < n && discardable(&items[i]))
            i++;
        if (i >= n)
            break;
        size_t start = i, k = i;
        size_t brk = 0, emerg = 0; /* index + 1 of the best break item, 0 = none */
        double w = 0;
        bool forced = false;
        for (; k < n; k++) {
            const lb_item *it = &items[k];
            if (it->kind == LB_BOX) {
                if (w + it->width > width + FIT_EPSILON && k > start)
                    break;
                w += it->width;
            } else if (it->kind == LB_GLUE) {
                if (k > start && items[k - 1].kind == LB_BOX && !(it->flags & LB_NOBREAK))
                    brk = k + 1;
                w += it->width;
            } else if (it->penalty == LB_FORCED) {
                forced = true;
                break;
            } else if (it->penalty >= LB_NEVER) {
                continue;
            } else if (it->penalty >= LB_EMERGENCY) {
                emerg = k + 1;
            } else {
                brk = k + 1;
            }
        }
        if (forced) {
            push(lines, &nl, &cap, (lb_line){start, k, true, 0});
            i = k + 1;
            continue;
        }
        if (k >= n) {
            push(lines, &nl, &cap, (lb_line){start, n, true, 0});
            break;
        }
        size_t end = brk ? brk - 1 : emerg ? emerg - 1 : k;
        push(lines, &nl, &cap, (lb_line){start, end, false, 0});
        i = end;
    }
    return nl;
}
