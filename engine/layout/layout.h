/* Layout: blocks -> measured, broken, paginated boxes on pages (a display list). */
#ifndef FOLIO_LAYOUT_H
#define FOLIO_LAYOUT_H

#include "core/diag.h"
#include "doc/doc.h"
#include "layout/display.h"
#include "layout/fonts.h"

typedef struct folio_theme {
    double page_w, page_h;                                        /* points; A4 = 595.276 x 841.89 */
    double margin_top, margin_bottom, margin_left, margin_right; /* points; >= 20 mm */
    double font_size;    /* body size in points (e.g. 10) */
    double leading;      /* body line height as a multiple of the size (e.g. 1.45) */
    uint32_t text, muted, accent, rule, light; /* colours 0xRRGGBB */
    uint32_t palette[8]; /* chart series colours, colour-blind safe, distinct in greyscale */
    size_t npalette;
    uint32_t scale5[5];  /* 1-5 agreement scale colours, strongly disagree .. strongly agree */
    bool ragged_right;   /* justified paragraphs are set ragged right instead (docs/typesetting.md) */
} folio_theme;

/* The default theme: A4, 20 mm side margins, Okabe-Ito based palette. */
void folio_theme_default(folio_theme *t);

/* Lays out a document. Running header (doc->header_text) and the footer "Page N of M" go on
 * every page but the cover. Returns NULL and adds an error to diag on failure. */
folio_layout *folio_layout_render(const folio_doc *doc, const folio_theme *theme,
                                  const folio_fontset *fonts, folio_diag *diag);

/* Starts making, on a thread of its own, what a render of a document in language `lang` needs
 * whatever its content (the hyphenation patterns), so that it overlaps loading the inputs and
 * running the plugins; folio_layout_render waits for it where it needs it. What is made is kept
 * for the life of the process. */
void folio_layout_prefetch(const char *lang);
/* Waits for folio_layout_prefetch's thread to end (no thread may run across a fork). */
void folio_layout_prefetch_wait(void);

#endif
