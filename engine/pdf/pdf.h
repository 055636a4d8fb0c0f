/* The PDF writer: a display list -> a PDF file with libharu. */
#ifndef FOLIO_PDF_H
#define FOLIO_PDF_H

#include <stdbool.h>

#include "core/diag.h"
#include "doc/doc.h"
#include "layout/display.h"
#include "pdf/pdfa.h"

typedef struct folio_pdf_options {
    const char *font_files[4]; /* FOLIO_FACE_* order: regular, bold, italic, bold italic */
    const char *const *fallback_files; /* face 4 + i: fallback_files[i]; loaded only when drawn with */
    size_t nfallback_files;
    const char *creation_date; /* "YYYY-MM-DD" or NULL for none; never the clock unless the caller passes it */
    const folio_pdf_info *info; /* custom Info entries (the inputs' SHA-256), mirrored in the XMP (pdf/pdfa.h) */
    size_t ninfo;
    bool untagged;             /* true: no structure tree or marked content; tagged PDF is the default
                                  (docs/accessibility.md) */
    unsigned standards;     /* FOLIO_PDF_A2B | ... (pdf/pdfa.h): what the file claims and is made to meet */
    bool standards_default; /* standards is folio's default, not asked for: a document that cannot
                               meet it is written claiming none instead of failing */
} folio_pdf_options;

/* Writes the layout to `path` atomically: a temporary file in the same directory, renamed into
 * place only when complete. On failure adds an error to diag, removes the temporary file and
 * leaves any existing file at `path` untouched. Metadata (title, author, subject) from doc. */
bool folio_pdf_write(const folio_layout *layout, const folio_doc *doc, const folio_pdf_options *opt,
                     const char *path, folio_diag *diag);

#endif
