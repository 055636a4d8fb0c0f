/* Paragraph line breaking, private to layout: a list of boxes (unbreakable text), glue (spaces
 * that may stretch and shrink) and penalties (other break opportunities) in, the lines out.
 * Knows nothing of fonts or text. Total fit (Knuth and Plass): the breaks are chosen for the
 * whole paragraph at once, minimising the sum of each line's demerits. */
#ifndef FOLIO_LINEBREAK_H
#define FOLIO_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>

typedef enum lb_kind {
    LB_BOX,    /* text that is never broken; width in points */
    LB_GLUE,   /* a space: a break opportunity after a box, dropped at the start and end of a line */
    LB_PENALTY /* a break opportunity with a cost; its width is drawn only when the line ends there */
} lb_kind;

#define LB_FORCED (-10000) /* penalty: a forced line break ("\n") */
#define LB_NEVER 10000     /* penalty at or above this: never a break */
#define LB_EMERGENCY 5000  /* penalty at or above this: used only when a line has no other break */

/* Item flags. */
#define LB_FLAGGED 1u /* penalty: a hyphen break (two in a row cost extra demerits) */
#define LB_NOBREAK 2u /* glue: a no-break space, never a break */

typedef struct lb_item {
    lb_kind kind;
    double width;
    int penalty;            /* LB_PENALTY only */
    double stretch, shrink; /* LB_GLUE only: how much wider or narrower the space may be set */
    unsigned flags;
} lb_item;

/* A line is items [start, end); glue and penalties at its ends are not drawn (but a penalty
 * at `end` with a width, a hyphen, is). */
typedef struct lb_line {
    size_t start, end;
    bool last;    /* the paragraph's last line or one ended by a forced break: not justified */
    double ratio; /* how far its glue is stretched (> 0) or shrunk (< 0) to fill the width */
} lb_line;

typedef struct lb_opts {
    bool ragged;           /* ragged right: glue is set at its natural width, each line may fall
                              short by up to ragged_stretch at a normal cost, so lines are balanced */
    double ragged_stretch; /* points; used when ragged */
    int pass;              /* out: the pass that set the paragraph (1, 2 or 3) */
} lb_opts;

/* Breaks items into lines at most `width` wide. Passes: first without discretionary hyphens
 * (flagged penalties with a width), then with them, then a last resort that accepts any
 * underfull line and emergency breaks. A line exceeds the width only when a single box is
 * wider than it. Returns the number of lines and a malloc'ed array in *lines (NULL when 0).
 * opts may be NULL (justified). */
size_t folio_linebreak_opts(const lb_item *items, size_t n, double width, lb_opts *opts, lb_line **lines);
size_t folio_linebreak(const lb_item *items, size_t n, double width, lb_line **lines);
/* The greedy first-fit breaker, kept for comparison in tests. */
size_t folio_linebreak_greedy(const lb_item *items, size_t n, double width, lb_line **lines);

#endif
