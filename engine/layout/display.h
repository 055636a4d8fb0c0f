/* The display list: what layout places on each page, and all the PDF writer draws.
 * Coordinates are PDF points with the origin at the bottom-left of the page. */
#ifndef FOLIO_DISPLAY_H
#define FOLIO_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc/doc.h"

typedef enum folio_op_kind {
    FOLIO_OP_TEXT,  /* text at (x, y) = start of the baseline; one font, size and colour */
    FOLIO_OP_RECT,  /* rectangle x, y, w, h; filled and/or stroked */
    FOLIO_OP_LINE,  /* line from (x, y) to (x + w, y + h) */
    FOLIO_OP_LINK,  /* clickable area x, y, w, h: to a URI (text) or to a page (dest_page) */
    FOLIO_OP_IMAGE, /* image drawn into the box x, y, w, h (bottom-left corner, size) */
    FOLIO_OP_PATH,  /* segs, relative to (x, y): filled (fill, when filled) and/or stroked (stroke,
                     * line_width > 0, dash) */
    FOLIO_OP_CLIP,  /* until the matching UNCLIP, nothing is drawn outside the box x, y, w, h */
    FOLIO_OP_UNCLIP
} folio_op_kind;

typedef enum folio_seg_kind {
    FOLIO_SEG_MOVE,
    FOLIO_SEG_LINE,
    FOLIO_SEG_CURVE,
    FOLIO_SEG_CLOSE
} folio_seg_kind;

/* A path segment, relative to the op's (x, y). CURVE: a cubic Bezier through the control
 * points (x1, y1) and (x2, y2) to (x, y). CLOSE: back to the subpath's start. */
typedef struct folio_seg {
    folio_seg_kind kind;
    double x, y, x1, y1, x2, y2;
} folio_seg;

typedef struct folio_op {
    folio_op_kind kind;
    double x, y, w, h;
    int face;          /* TEXT: FOLIO_FACE_*, or FOLIO_FACES + i: fallback font i */
    double size;       /* TEXT: font size in points */
    uint32_t fill;     /* 0xRRGGBB: text colour, rectangle fill */
    uint32_t stroke;   /* 0xRRGGBB: line and rectangle outline */
    double line_width; /* LINE, RECT and PATH outline; 0 = no outline for RECT and PATH */
    bool filled;       /* RECT, PATH */
    double dash;       /* LINE, PATH: dash length, 0 = solid */
    folio_seg *segs;   /* PATH: its segments (owned, copied by folio_page_add) */
    size_t nsegs;
    char *text;               /* TEXT: UTF-8; LINK: URI when dest_page < 0 */
    int dest_page;            /* LINK: 0-based target page, or -1 */
    double dest_y;            /* LINK: top of the target on that page */
    const folio_block *block; /* the block this op came from (NULL for running header/footer) */
    const folio_image *image; /* IMAGE: the picture, owned by the document */
    bool artifact;            /* running header, footer, decoration: not content */
    int part;                 /* which piece of its block's structure the op belongs to (the tagged
                               * PDF's structure element, engine/pdf/tags.c); by block kind:
                               * LIST 2i the label of item i, 2i+1 its text; TABLE 0 the caption,
                               * 1 + r * ncols + c a cell; KEY_FIGURES i figure i; QUOTE 0 the text,
                               * 1 the attribution; CHART 0 the graphic, 1 the title, 2 the note;
                               * IMAGE, CANVAS 0 the picture, 1 the caption; CONTENTS 0 the title,
                               * 1 + i entry i; COVER 0 title, 1 subtitle, 2 publisher, 3 date,
                               * 4 colophon; any other kind 0 */
    bool linked;              /* TEXT: the text of a link (the LINK op that follows in its part) */
    bool space_after;         /* TEXT: a word space follows that layout does not draw (justified or at
                               * a line end): the writer shows it after the text, invisibly, so the
                               * text read back from the PDF or its structure has its spaces */
} folio_op;

typedef struct folio_page {
    folio_op *ops;
    size_t n, cap;
} folio_page;

typedef struct folio_outline_entry {
    char *title;
    int level; /* 1-3 */
    int page;  /* 0-based */
    double y;  /* top of the heading on its page */
} folio_outline_entry;

/* A character no font of the chain can print (or one above U+FFFF, which libharu cannot draw):
 * drawn as a visible replacement, counted, with the block it first appeared in. */
typedef struct folio_unprintable {
    uint32_t cp;
    size_t count;
    const folio_block *block; /* NULL: running header or footer */
} folio_unprintable;

typedef struct folio_layout {
    double page_w, page_h;
    folio_page *pages;
    size_t npages;
    folio_outline_entry *outline;
    size_t noutline;
    int body_start; /* index of the first page after the front matter (cover, contents); for page labels */
    folio_unprintable *unprintable; /* in order of first appearance */
    size_t nunprintable;
} folio_layout;

void folio_layout_free(folio_layout *l);
/* Adds an op to a page; op->text and op->segs are copied. Returns the stored op. */
folio_op *folio_page_add(folio_page *p, const folio_op *op);
/* Adds an op to a page, taking what it owns instead of copying it: op->text and op->segs pass
 * to the stored op and are set to NULL in *op (segs only when it has segments; otherwise they
 * stay with *op, as folio_page_add leaves them). Returns the stored op. */
folio_op *folio_page_take(folio_page *p, folio_op *op);
/* Frees what an op owns (its text and segments). */
void folio_op_free(folio_op *op);

#endif
