/* Greedy first-fit line breaking: each line takes as many items as fit, ending at the last
 * ordinary break opportunity, or at an emergency one (inside an over-long word) when the line
 * has none. Always makes progress: a line holds at least one box. */
#include "layout/linebreak.h"

#include <stdlib.h>

#include "core/util.h"

#define FIT_EPSILON 1e-6

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

size_t folio_linebreak(const lb_item *items, size_t n, double width, lb_line **lines)
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
                if (k > start && items[k - 1].kind == LB_BOX)
                    brk = k + 1;
                w += it->width;
            } else if (it->penalty == LB_FORCED) {
                forced = true;
                break;
            } else if (it->penalty >= LB_EMERGENCY) {
                emerg = k + 1;
            } else {
                brk = k + 1;
            }
        }
        if (forced) {
            push(lines, &nl, &cap, (lb_line){start, k, true});
            i = k + 1;
            /* A forced break at the very end adds no empty line. */
            continue;
        }
        if (k >= n) {
            push(lines, &nl, &cap, (lb_line){start, n, true});
            break;
        }
        size_t end = brk ? brk - 1 : emerg ? emerg - 1 : k;
        push(lines, &nl, &cap, (lb_line){start, end, false});
        i = end;
    }
    return nl;
}
