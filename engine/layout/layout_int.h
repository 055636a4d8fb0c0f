/* Private to layout. Blocks are first turned into rows (a galley): slices of a block that are
 * placed whole, each with its height, the space before it and whether it must stay on the page
 * of the next row. Pagination then places rows on pages, and the things only known afterwards
 * (contents page numbers, "Page N of M", the running section title) are filled in last. */
#ifndef FOLIO_LAYOUT_INT_H
#define FOLIO_LAYOUT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "doc/doc.h"
#include "layout/display.h"
#include "layout/fonts.h"
#include "layout/hyphen.h"
#include "layout/layout.h"
#include "layout/linebreak.h"

#define LAY_FIT 0.01 /* points of tolerance when testing whether something fits */

/* Type sizes and spacing of the default look, in points (body size 10 and leading 1.45 scale
 * the text; the rest is fixed). */
#define LAY_H1_SIZE 18.0
#define LAY_H2_SIZE 12.5
#define LAY_H3_SIZE 10.5
#define LAY_LEAD_SIZE 11.5
#define LAY_SMALL_SIZE 8.5
#define LAY_TABLE_SIZE 9.0
#define LAY_FIGURE_SIZE 27.0
#define LAY_HEADER_SIZE 8.0

typedef enum lay_row_kind {
    ROW_FLOW,       /* ordinary content, placed at the current position */
    ROW_PAGE_BREAK, /* starts a new page unless the current one is empty */
    ROW_COVER       /* a page of its own; ops are in page coordinates */
} lay_row_kind;

/* A row: ops in row coordinates (x absolute, y from the row's top, negative downwards). */
typedef struct lay_row {
    lay_row_kind kind;
    folio_page ops;
    double h;             /* height */
    double space_before;  /* dropped at the top of a page */
    double need;          /* start a new page unless this much room is left (0 = no rule) */
    bool keep_with_next;  /* never the last row on a page when the next row follows */
    const folio_block *block;
    int outline_level;    /* first row of a heading: 1-3; else 0 */
    char *mark;           /* section title for the running header (owned), or NULL */
    int contents_entry;   /* contents line index, or -1 */
    int repeat;           /* table rows: header group repeated after a page break, or -1 */
    int deco;             /* decoration drawn around consecutive rows on a page, or -1 */
    bool front;           /* cover or contents: front matter */
} lay_row;

typedef struct lay_rows {
    lay_row *v;
    size_t n, cap;
} lay_rows;

/* A box or rule drawn behind the rows of one block, one per page the block touches. */
typedef enum lay_deco_kind { DECO_BOX, DECO_LEFT_RULE } lay_deco_kind;

typedef struct lay_deco {
    lay_deco_kind kind;
    double x, w;
    uint32_t fill, stroke;
    double line_width;
    const folio_block *block;
} lay_deco;

/* One line of the contents, completed after pagination. */
typedef struct lay_entry {
    const folio_block *target; /* the level-1 heading */
    double title_end;          /* x where the title's last line ends */
    double baseline;           /* of the last line, in row coordinates */
    double size;
    int page;                  /* where the entry row was placed, -1 before */
    double top;                /* of the entry row, page coordinates */
    double h;
    const folio_block *block;  /* the contents block */
} lay_entry;

/* Where a heading landed. */
typedef struct lay_placed {
    const folio_block *block;
    int page;
    double y;
} lay_placed;

/* The fallback fonts (fallback.c): files by face index - FOLIO_FACES, metrics read on first
 * need (a file that cannot be read is reported once and skipped). */
typedef struct lay_fallback {
    const char *const *files;
    size_t n;
    folio_font **font;
    bool *tried;
    folio_diag *diag;
} lay_fallback;

#define LAY_FAST_CHARS 256 /* characters below this have their advance per face in lay_ctx */

typedef struct lay_words lay_words;

typedef struct lay_ctx {
    const folio_doc *doc;
    const folio_theme *th;
    const folio_font *face[FOLIO_FACES];
    /* Advance + 1 (1/1000 em) of each character the face's own font draws, 0 for the others
     * (fallback.c: lay_advance_init); a context left zeroed measures the slow way. */
    int32_t advance[FOLIO_FACES][LAY_FAST_CHARS];
    lay_words *words;   /* widths of the words measured so far (text.c), or NULL */
    lay_fallback *fallback;
    folio_diag *diag;
    double x0, width;   /* the text column */
    double top, bottom; /* body area, page coordinates */
    double body_h;
    double line_h;      /* body line height */
    lay_rows rows;
    lay_rows *groups;   /* table header rows, repeated after page breaks */
    size_t ngroups;
    lay_deco *decos;
    size_t ndecos;
    lay_entry *entries;
    size_t nentries;
    lay_placed *placed;
    size_t nplaced;
    lay_hyph *hyph;     /* hyphenation patterns of doc->lang, or NULL (text.c) */
} lay_ctx;

/* ---- rows (layout.c) ---- */
/* Appends a flow row of height h for block b; the pointer is valid until the next append. */
lay_row *lay_row_add(lay_rows *rows, const folio_block *b, double h);
void lay_rows_free(lay_rows *rows);
void lay_op_text(folio_page *pg, const folio_block *b, double x, double y, int face, double size,
                 uint32_t colour, const char *text);
void lay_op_rect(folio_page *pg, const folio_block *b, double x, double y, double w, double h, bool filled,
                 uint32_t fill, double line_width, uint32_t stroke);
void lay_op_line(folio_page *pg, const folio_block *b, double x, double y, double dx, double dy,
                 double line_width, uint32_t colour);
int lay_deco_add(lay_ctx *c, lay_deco d);
/* Structure parts (folio_op.part): sets the part of ops [from, n) of a page, of every op of the
 * rows [first, n) of c->rows, or marks ops [from, n) as artifacts. */
void lay_ops_part(folio_page *pg, size_t from, int part);
void lay_rows_part(lay_ctx *c, size_t first, int part);
void lay_ops_artifact(folio_page *pg, size_t from);
/* An image op drawing `im` into the box x, y (bottom-left), w, h (image.c). */
void lay_op_image(folio_page *pg, const folio_block *b, const folio_image *im, double x, double y, double w,
                  double h);

/* ---- text setting (text.c) ---- */
typedef struct lay_style {
    double size;     /* points */
    double line_h;   /* line height in points */
    unsigned style;  /* FOLIO_BOLD | FOLIO_ITALIC added to every span */
    uint32_t colour;
    folio_align align;
} lay_style;
#define LAY_HYPHENATE 0x100u /* in lay_style.style: body text, whose words may be hyphenated */

typedef struct lay_para lay_para;

/* Breaks rich text into lines `width` wide. Never NULL; an empty text has 0 lines. */
lay_para *lay_para_make(const lay_ctx *c, const folio_text *t, const lay_style *st, double width);
lay_para *lay_para_plain(const lay_ctx *c, const char *s, const lay_style *st, double width);
void lay_para_free(lay_para *p);
size_t lay_para_lines(const lay_para *p);
/* Natural width of a line (without justification). */
double lay_para_line_width(const lay_para *p, size_t line);
double lay_para_max_width(const lay_para *p);
/* Draws a line into pg with its left edge at x (alignment applies within the width). */
void lay_para_emit(const lay_para *p, size_t line, folio_page *pg, double x, double baseline,
                   const folio_block *b);
/* Distance from the top of a line box to its baseline. */
double lay_baseline(const lay_ctx *c, const lay_style *st);
/* The cache of word widths measured with c's faces: created empty, freed with its words. */
lay_words *lay_words_create(void);
void lay_words_free(lay_words *w);
/* Widths of a text set on one line per forced break (natural) and of its widest unbreakable
 * word (min). */
void lay_text_measure(const lay_ctx *c, const folio_text *t, const lay_style *st, double *natural,
                      double *minw);
double lay_text_width(const lay_ctx *c, int face, double size, const char *s);
/* Face index of a span style (FOLIO_BOLD, FOLIO_ITALIC bits). */
int lay_face(unsigned style);
/* The plain text of a title on one line: valid UTF-8, line breaks and controls as spaces,
 * spaces collapsed and trimmed (malloc'ed). */
char *lay_title_text(const folio_text *t);
/* Shortens s with an ellipsis to fit width (malloc'ed). */
char *lay_fit_text(const lay_ctx *c, int face, double size, const char *s, double width);

/* Rows of lines of a paragraph-like text: one row per line, keeping at least 2 lines together
 * at each end (no widows or orphans); keep_all keeps every line together. Returns the index
 * of the first row added. */
size_t lay_lines_rows(lay_ctx *c, const lay_para *p, const lay_style *st, double x, const folio_block *b,
                      bool keep_all, int deco);

/* ---- fonts per character (fallback.c) ---- */
/* The face that draws cp for a text in `face`: face itself when its font has the glyph, else the
 * first fallback font (same style) that has it, else face (a .notdef box). Characters above
 * U+FFFF are looked up as U+FFFD, which is what is drawn for them. */
int lay_face_for(const lay_ctx *c, int face, uint32_t cp);
/* Advance of cp in 1/1000 em, measured with the font that draws it. */
int lay_char_advance(const lay_ctx *c, int face, uint32_t cp);
/* Fills c->advance from c->face (call once the faces are set). */
void lay_advance_init(lay_ctx *c);
void lay_fallback_init(lay_fallback *fb, const folio_fontset *fonts, folio_diag *diag);
void lay_fallback_free(lay_fallback *fb);
/* After layout: splits every text op into runs of one font each and records the characters
 * no font can print in l->unprintable. */
void lay_fallback_apply(const lay_ctx *c, folio_layout *l);

/* ---- block builders ---- */
void lay_heading(lay_ctx *c, const folio_block *b);
void lay_paragraph(lay_ctx *c, const folio_block *b);
void lay_list(lay_ctx *c, const folio_block *b);
void lay_quote(lay_ctx *c, const folio_block *b);
void lay_note(lay_ctx *c, const folio_block *b);
void lay_figures(lay_ctx *c, const folio_block *b);
void lay_table(lay_ctx *c, const folio_block *b);
void lay_chart(lay_ctx *c, const folio_block *b);
void lay_image(lay_ctx *c, const folio_block *b);
void lay_canvas(lay_ctx *c, const folio_block *b);
void lay_cover(lay_ctx *c, const folio_block *b);
void lay_contents(lay_ctx *c, const folio_block *b, size_t index);

/* ---- after pagination (frontmatter.c) ---- */
/* The label of page p (0-based) as the PDF's page labels give it: front matter (before
 * l->body_start) in lower-case roman from i, the body in arabic from 1. */
void lay_page_label(const folio_layout *l, size_t p, char *buf, size_t size);
void lay_contents_fill(lay_ctx *c, folio_layout *l);
/* Header and footer on every page but the cover; the section named in the header is the one
 * whose heading starts the page, else the one in force at the end of the previous page. */
void lay_running(lay_ctx *c, folio_layout *l, const bool *cover, char *const *top_mark, char *const *last_mark);

/* Space before and after a block (collapsed: the larger of the two applies). */
double lay_space_before(const lay_ctx *c, const folio_block *b);
double lay_space_after(const lay_ctx *c, const folio_block *b);

#endif
