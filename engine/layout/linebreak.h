/* Paragraph line breaking, private to layout: a list of boxes (unbreakable text), glue (spaces)
 * and penalties (other break opportunities) in, the lines out. Knows nothing of fonts or text,
 * so a total-fit breaker can replace the greedy one behind the same call. */
#ifndef FOLIO_LINEBREAK_H
#define FOLIO_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>

typedef enum lb_kind {
    LB_BOX,    /* text that is never broken; width in points */
    LB_GLUE,   /* a space: a break opportunity, dropped at the start and end of a line */
    LB_PENALTY /* a break opportunity of no width, with a cost */
} lb_kind;

#define LB_FORCED (-10000)   /* penalty: a forced line break ("\n") */
#define LB_EMERGENCY 5000    /* penalty at or above this: used only when a line has no other break */

typedef struct lb_item {
    lb_kind kind;
    double width;
    int penalty; /* LB_PENALTY only */
} lb_item;

/* A line is items [start, end); glue and penalties at its ends are not drawn. */
typedef struct lb_line {
    size_t start, end;
    bool last;   /* the paragraph's last line or one ended by a forced break: not justified */
} lb_line;

/* Breaks items into lines at most `width` wide (a box wider than a line gets a line of its own
 * and overflows). Returns the number of lines and a malloc'ed array in *lines (NULL when 0). */
size_t folio_linebreak(const lb_item *items, size_t n, double width, lb_line **lines);

#endif
