/* The font registry: (family, weight, style) -> a TrueType file. The bundled family is
 * registered from fonts/; any other family a report names is found through fontconfig. */
#ifndef FOLIO_FONTREG_H
#define FOLIO_FONTREG_H

#include <stdbool.h>
#include <stddef.h>

#define FOLIO_BUNDLED_FAMILY "Open Sans"
/* The fallback chain used when report.lua sets no theme.fallback (families missing on the
 * machine are skipped quietly). */
#define FOLIO_DEFAULT_FALLBACK "DejaVu Sans"

typedef struct folio_fontreg folio_fontreg;

folio_fontreg *folio_fontreg_create(void);
void folio_fontreg_free(folio_fontreg *r);
/* Registers `path` as a family's face (FOLIO_FACE_*: regular, bold, italic, bold italic).
 * Family names compare case-insensitively. */
void folio_fontreg_add(folio_fontreg *r, const char *family, int face, const char *path);
/* Registers the bundled family (Open Sans, four files) from fonts_dir. */
void folio_fontreg_add_bundled(folio_fontreg *r, const char *fonts_dir);
/* Registers the default fallback family (DejaVu Sans) from Debian's fonts-dejavu-core folder
 * when its four files are there, so that the default chain costs no fontconfig start-up (about
 * a megabyte and thousands of allocations) in a report that never needs it. */
void folio_fontreg_add_default_fallback(folio_fontreg *r);
/* The file of a family's face: a registered family first, else fontconfig (FcFontMatch on
 * family, weight and slant; the nearest weight and slant the family has). A family fontconfig
 * does not have (it would silently substitute another) is refused, as is a file libharu cannot
 * embed. Returns a path owned by the registry, or NULL with a message in err that lists close
 * matches. */
const char *folio_fontreg_find(folio_fontreg *r, const char *family, int face, char *err, size_t errlen);
/* Whether a file is a font libharu can embed: TrueType outlines (glyf). A CFF OpenType (.otf),
 * a collection (.ttc) or anything else gives false and why. */
bool folio_fontreg_check_file(const char *path, char *err, size_t errlen);

#endif
