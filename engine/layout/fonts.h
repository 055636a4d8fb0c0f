/* Font metrics read straight from TrueType files (cmap, hmtx, head, hhea, OS/2), so that
 * layout measures text without the PDF backend. Widths are in 1/1000 em, truncated to an
 * integer as libharu writes them into /W, so what we measure is what viewers place. */
#ifndef FOLIO_FONTS_H
#define FOLIO_FONTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct folio_font folio_font;

/* Loads a TrueType (glyf) font; NULL and a message in err when it cannot be read. */
folio_font *folio_font_load(const char *path, char *err, size_t errlen);
void folio_font_free(folio_font *f);
const char *folio_font_path(const folio_font *f);
bool folio_font_has_glyph(const folio_font *f, uint32_t cp);
int folio_font_advance(const folio_font *f, uint32_t cp); /* 1/1000 em; missing glyph: the .notdef width */
int folio_font_ascent(const folio_font *f);               /* 1/1000 em, positive */
int folio_font_descent(const folio_font *f);              /* 1/1000 em, negative */
int folio_font_cap_height(const folio_font *f);           /* 1/1000 em */
/* Pair kerning from the font's kern table or GPOS (through HarfBuzz), in 1/1000 em: negative
 * brings the two characters closer. 0 when there is none. Caches pairs in the font, so a font
 * must not be used by two threads at once. */
double folio_font_kern(const folio_font *f, uint32_t left, uint32_t right);
/* Width in points of UTF-8 text at a size (invalid UTF-8 counts as U+FFFD). */
double folio_font_text_width(const folio_font *f, const char *s, size_t n, double size);

/* The four faces of a family. */
enum { FOLIO_FACE_REGULAR, FOLIO_FACE_BOLD, FOLIO_FACE_ITALIC, FOLIO_FACE_BOLD_ITALIC, FOLIO_FACES };

typedef struct folio_fontset {
    folio_font *face[FOLIO_FACES];
    /* The fallback chain: face FOLIO_FACES + i draws with fallback_files[i] (FOLIO_FACES files
     * per family, in chain order); layout reads them only when a character needs them. */
    const char *const *fallback_files;
    size_t nfallback_files;
} folio_fontset;

/* Decodes one UTF-8 code point at s[*i], advancing *i; invalid bytes give U+FFFD. */
uint32_t folio_utf8_next(const char *s, size_t n, size_t *i);

#endif
