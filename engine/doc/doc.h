/* The document model: what plugins return, as plain C data. The document owns every block,
 * span and string created against it; folio_doc_free frees the tree. Layout reads it. */
#ifndef FOLIO_DOC_H
#define FOLIO_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Inline styles of a span. */
enum { FOLIO_BOLD = 1, FOLIO_ITALIC = 2, FOLIO_CODE_STYLE = 4 };

/* A run of text with one style; `link` is a URL (or NULL). Text is UTF-8. */
typedef struct folio_span {
    char *text;
    unsigned style;
    char *link;
} folio_span;

/* Rich text: a sequence of spans. "\n" inside a span is a forced line break. */
typedef struct folio_text {
    folio_span *spans;
    size_t n;
} folio_text;

typedef enum folio_block_kind {
    FOLIO_BLOCK_HEADING,     /* level 1-3; level 1 starts a section: bookmark + contents entry */
    FOLIO_BLOCK_PARAGRAPH,   /* justified body text unless align says otherwise */
    FOLIO_BLOCK_LIST,        /* bullet or numbered items */
    FOLIO_BLOCK_TABLE,       /* header row(s) + body rows; splits across pages, header repeated */
    FOLIO_BLOCK_KEY_FIGURES, /* a row (or rows) of large figures with short labels */
    FOLIO_BLOCK_QUOTE,       /* a quotation with an attribution line */
    FOLIO_BLOCK_CHART,       /* bar charts: vertical, horizontal, stacked */
    FOLIO_BLOCK_PAGE_BREAK,
    FOLIO_BLOCK_CONTENTS,    /* the contents list: filled by layout with every level-1 heading */
    FOLIO_BLOCK_COVER,       /* a cover page: title, subtitle, publisher, date */
    FOLIO_BLOCK_NOTE,        /* a boxed note (e.g. a failed section under --keep-going) */
    FOLIO_BLOCK_IMAGE,       /* a PNG or JPEG picture scaled to the column, with alt text and a caption */
    FOLIO_BLOCK_CANVAS       /* a plugin's vector drawing in a box of its own size (docs/canvas.md) */
} folio_block_kind;

typedef enum folio_align { FOLIO_ALIGN_JUSTIFY, FOLIO_ALIGN_LEFT, FOLIO_ALIGN_CENTER, FOLIO_ALIGN_RIGHT } folio_align;

typedef enum folio_para_style {
    FOLIO_PARA_BODY,   /* body text */
    FOLIO_PARA_LEAD,   /* a larger introductory paragraph */
    FOLIO_PARA_SMALL,  /* notes, captions, sources */
} folio_para_style;

typedef enum folio_chart_kind {
    FOLIO_CHART_BAR,        /* vertical bars, one series (or grouped series) */
    FOLIO_CHART_HBAR,       /* horizontal bars: categories down the side, good for long labels */
    FOLIO_CHART_STACKED,    /* stacked bars, one bar per category, one segment per series (counts or 100%) */
    FOLIO_CHART_GROUPED,    /* bars side by side, one per series (vertical, or horizontal) */
    FOLIO_CHART_DIVERGING,  /* horizontal stacked bars of an ordered scale centred on its neutral answer */
    FOLIO_CHART_LINE,       /* a line per series over the categories (e.g. years) */
    FOLIO_CHART_DOT,        /* Cleveland dot plot: a dot per series on a line per category */
} folio_chart_kind;

typedef enum folio_chart_sort {
    FOLIO_SORT_GIVEN,       /* categories in the order given */
    FOLIO_SORT_VALUE,       /* largest total first */
} folio_chart_sort;

typedef struct folio_table_cell {
    folio_text text;
    bool bold;
} folio_table_cell;

#define FOLIO_LIST_DEPTH 4 /* levels of nested lists */

/* A decoded image file (doc/image.c), owned by the document; one per file however often it
 * is used, so the PDF embeds it once. */
typedef enum folio_image_format { FOLIO_IMAGE_PNG, FOLIO_IMAGE_JPEG } folio_image_format;
typedef struct folio_image {
    char *display;            /* how messages name it, e.g. "reports/x/images/logo.png" */
    char *real;               /* its resolved path: the identity used to share it */
    folio_image_format format;
    int width, height;        /* pixels */
    int components;           /* 1 grey, 3 RGB, 4 CMYK (JPEG only) */
    bool inverted;            /* JPEG CMYK written by Adobe software: stored inverted */
    unsigned char *data;      /* PNG: width * height * components 8-bit samples; JPEG: the file */
    size_t size;              /* bytes in data */
    unsigned char *alpha;     /* PNG with transparency: width * height 8-bit alpha, else NULL */
    size_t index;             /* position in folio_doc.images */
} folio_image;

/* ---- canvas drawings (docs/canvas.md) ---- */

/* A canvas colour: 0xRRGGBB, a theme colour (FOLIO_COLOUR_THEME + a folio_theme_colour), or
 * FOLIO_COLOUR_NONE (not filled, not stroked). Theme colours are resolved by layout. */
#define FOLIO_COLOUR_NONE 0xFFFFFFFFu
#define FOLIO_COLOUR_THEME 0x80000000u
typedef enum folio_theme_colour {
    FOLIO_TC_TEXT, FOLIO_TC_MUTED, FOLIO_TC_ACCENT, FOLIO_TC_RULE, FOLIO_TC_LIGHT,
    FOLIO_TC_PALETTE /* + 0..7: the chart palette */
} folio_theme_colour;

/* One drawing command. Coordinates are the canvas's own: points from its top-left corner, y
 * down; angles in degrees clockwise from 3 o'clock. */
typedef enum folio_draw_kind {
    FOLIO_DRAW_LINE,   /* v: x1 y1 x2 y2 */
    FOLIO_DRAW_RECT,   /* v: x y w h (top-left corner and size) */
    FOLIO_DRAW_CIRCLE, /* v: cx cy r */
    FOLIO_DRAW_ARC,    /* v: cx cy r from to: the circle's outline from `from` to `to` degrees */
    FOLIO_DRAW_WEDGE,  /* v: as ARC, closed through the centre (a pie slice) */
    FOLIO_DRAW_PATH,   /* segs */
    FOLIO_DRAW_TEXT    /* v: x y (the baseline's left end, centre or right end by align); text */
} folio_draw_kind;

typedef enum folio_pathseg_kind { FOLIO_PATH_MOVE, FOLIO_PATH_LINE, FOLIO_PATH_CURVE, FOLIO_PATH_CLOSE } folio_pathseg_kind;
/* v: MOVE, LINE: x y; CURVE: x1 y1 x2 y2 x y (a cubic Bezier); CLOSE: nothing. */
typedef struct folio_pathseg {
    folio_pathseg_kind kind;
    double v[6];
} folio_pathseg;

typedef struct folio_draw {
    folio_draw_kind kind;
    double v[5];
    folio_pathseg *segs; /* PATH */
    size_t nsegs;
    char *text;          /* TEXT, UTF-8 */
    uint32_t fill;       /* shapes: inside; TEXT: the text's colour; FOLIO_COLOUR_NONE: none */
    uint32_t stroke;     /* outline (LINE, ARC: the line); FOLIO_COLOUR_NONE: none */
    double width;        /* outline width (canvas units) */
    double dash;         /* dash length (canvas units); 0 = solid */
    double size;         /* TEXT: font size (canvas units); 0 = the body size */
    unsigned style;      /* TEXT: FOLIO_BOLD | FOLIO_ITALIC */
    folio_align align;   /* TEXT: LEFT, CENTER or RIGHT */
} folio_draw;

typedef struct folio_block folio_block;

struct folio_block {
    folio_block_kind kind;
    const char *source; /* the plugin that made it, e.g. "plugins/usage-reach.lua" (owned by the doc) */
    int source_line;    /* Lua line of the constructor call, 0 if unknown */
    union {
        struct { int level; folio_text text; char *id; } heading;          /* id: anchor, may be NULL */
        struct { folio_text text; folio_align align; folio_para_style style; } paragraph;
        struct {
            folio_text *items;      /* every item in reading order, nested ones included */
            size_t n;
            bool ordered;
            unsigned char *levels;  /* nesting depth of each item, 0..FOLIO_LIST_DEPTH-1; NULL = all 0 */
            bool *numbered;         /* whether each item's own list is ordered; NULL = `ordered` */
        } list;
        struct {
            size_t ncols, nrows, header_rows;   /* rows include the header rows first */
            folio_table_cell *cells;            /* nrows * ncols, row-major */
            folio_align *align;                 /* per column; numbers are usually RIGHT */
            double *widths;                     /* per column relative weights, or NULL = from content */
            folio_text caption;                 /* above the table; may be empty */
            char *continued;                    /* above the header repeated on later pages, or NULL;
                                                   "" = the report language's "(continued)" */
        } table;
        struct { char **values; char **labels; size_t n; } figures;       /* "29" / "survey responses" */
        struct { folio_text text; char *attribution; } quote;
        struct {
            folio_chart_kind kind;
            char *title;            /* may be NULL */
            char *alt;              /* text alternative; never NULL after validation */
            size_t ncats, nseries;
            char **categories;      /* ncats labels */
            char **series;          /* nseries names (legend), may be NULL when nseries == 1 */
            double *values;         /* values[s * ncats + c]; NAN = missing */
            char **value_labels;    /* optional, same shape as values; NULL = the number itself */
            char *x_title, *y_title;/* axis titles, may be NULL */
            char *note;             /* a line under the chart (e.g. "n = 23; 6 not applicable"), may be NULL */
            bool horizontal;        /* GROUPED, STACKED: bars across (STACKED: default true) */
            bool percent;           /* STACKED: each bar 100% */
            bool cumulative;        /* LINE: running totals */
            size_t neutral;         /* DIVERGING: 1-based series of the neutral answer, 0 = none */
            double *n;              /* ncats bases ("n = 23" per category), NAN = none; or NULL */
            double n_all;           /* one base for the whole chart, shown when > 0 */
            folio_chart_sort sort;
            bool fixed_decimals;    /* value labels: `decimals` digits after the point, else automatic */
            int decimals;
            char *suffix;           /* value labels: appended, e.g. "%"; may be NULL */
            double axis_min, axis_max; /* value axis bounds, NAN = automatic (both 0: automatic) */
            double label_width;     /* horizontal kinds: share of the column for labels, 0 = automatic */
            bool data_table;        /* a table of the categories and values is set under the chart */
        } chart;
        struct { char *title; } contents;
        struct { char *title, *subtitle, *publisher, *date, *logo; folio_image *logo_image; } cover;
        struct { folio_text text; bool error; } note;
        struct {
            char *file;             /* as the plugin named it, relative to the report folder */
            folio_image *image;     /* decoded by folio_doc_load_images; NULL before */
            char *alt;              /* text alternative; never NULL or empty after validation */
            folio_text caption;     /* under the image; may be empty */
            double width;           /* 0 = the column; <= 1 a fraction of the column; > 1 points */
            folio_align align;      /* LEFT, CENTER (default) or RIGHT */
        } image;
        struct {
            double width, height;   /* the box in points (scaled down to fit the column) */
            char *alt;              /* text alternative; never NULL or empty after validation */
            folio_text caption;     /* under the drawing; may be empty */
            folio_draw *draws;      /* in drawing order */
            size_t n;
        } canvas;
    } u;
};

typedef struct folio_doc {
    folio_block **blocks; /* in reading order */
    size_t n, cap;
    void **owned;         /* every allocation made against the document */
    size_t nowned, capowned;
    /* metadata */
    char *title, *subtitle, *author, *subject, *keywords, *creator;
    char *header_text; /* running header, normally the title */
    char *lang;        /* e.g. "en-GB" */
    folio_image **images; /* every image file used, once each (doc/image.c) */
    size_t nimages;
} folio_doc;

folio_doc *folio_doc_create(void);
void folio_doc_free(folio_doc *d);
/* Appends a zeroed block of a kind; the doc owns it. */
folio_block *folio_doc_add_block(folio_doc *d, folio_block_kind kind);
/* Zeroed memory owned by the document (every array inside a block comes from here). */
void *folio_doc_alloc(folio_doc *d, size_t n);
/* Duplicates a string into memory the document owns; NULL stays NULL. */
char *folio_doc_strdup(folio_doc *d, const char *s);
/* Builds a one-span text of a plain string. */
folio_text folio_text_plain(folio_doc *d, const char *s);
/* Appends a span to a rich text. */
void folio_text_add(folio_doc *d, folio_text *t, const char *s, unsigned style, const char *link);
/* Concatenated plain text of a rich text, malloc'ed by the caller's free(). */
char *folio_text_flatten(const folio_text *t);
void folio_doc_set_meta(folio_doc *d, const char *title, const char *subtitle, const char *author,
                        const char *lang);

/* ---- images (doc/image.c) ---- */

struct folio_diag;

/* Loads the image file of every image block and cover logo in blocks[from..] that has none
 * yet: `name` is resolved inside the report folder `dir` (no absolute path, no "..", no
 * symbolic link leading out), checked (size, pixel count) and decoded (PNG with libpng, to 8-bit
 * grey or RGB plus an alpha plane; JPEG checked with libjpeg and kept as it is). A file used
 * again is shared. Each problem is an error in diag against `source` (the plugin) naming the
 * image as `dir_display`/name; false if any. */
bool folio_doc_load_images(folio_doc *d, size_t from, const char *dir, const char *dir_display,
                           const char *source, struct folio_diag *diag);
/* True when `name` is a relative path that stays inside its folder as written (not empty, not
 * absolute, no ".." component); the resolved file is checked again when loading. */
bool folio_image_name_ok(const char *name);

#endif
