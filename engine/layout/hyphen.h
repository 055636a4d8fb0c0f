/* Hyphenation patterns (libhyphen) for a report's language, private to layout. */
#ifndef FOLIO_HYPHEN_H
#define FOLIO_HYPHEN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"

#define HYPH_DIR "/usr/share/hyphen" /* Debian's hyphen-* packages */
#define HYPH_LEFT_MIN 2              /* letters before a hyphen, at least */
#define HYPH_RIGHT_MIN 3             /* letters after it */
#define HYPH_MAX_WORD 64             /* longer words (bytes) are not hyphenated */

typedef struct lay_hyph lay_hyph;

/* Loads the patterns of a BCP 47 language ("en-GB" -> hyph_en_GB.dic, "de" -> the first
 * hyph_de_*.dic) from dir (NULL: HYPH_DIR). NULL and one warning in diag when there are none.
 * The file is read on the first lay_hyph_word. */
lay_hyph *lay_hyph_load(const char *lang, const char *dir, folio_diag *diag);
void lay_hyph_free(lay_hyph *h);
/* Starts building the pattern table of lang's file on a thread of its own, so that it is ready
 * when a render's first word needs it (it takes ~3.5 M instructions, and overlaps loading the
 * inputs and running the plugins). Nothing happens when the language has no file, its table is
 * built already, a build is under way, or no thread can be made: the first word then builds it.
 * Tables are kept for the life of the process, one per file. */
void lay_hyph_prefetch(const char *lang);
/* Waits for a lay_hyph_prefetch to end (no thread may run across a fork). */
void lay_hyph_prefetch_wait(void);
/* Hyphen points of a word of letters (UTF-8): after[i] is set when a hyphen may follow byte i
 * (only at character ends, with the minimums above). Returns the number of points. */
size_t lay_hyph_word(lay_hyph *h, const char *word, size_t len, bool *after);
/* The same through libhyphen alone, for every word: the reference lay_hyph_word's pattern table
 * is tested against. */
size_t lay_hyph_word_reference(lay_hyph *h, const char *word, size_t len, bool *after);

#endif
