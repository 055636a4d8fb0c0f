/* Packing the saved PDF into object streams: libharu 2.3.0 writes every object plain, so
 * libqpdf rewrites the file with compressed object streams and a cross-reference stream
 * (PDF 1.5; PDF/A-2 and PDF/UA-1 allow both) before the atomic file is even created. */
#include <stdlib.h>

#include "core/util.h"
#include "pdf/objstm_qpdf.h"
#include "pdf/pdf_internal.h"

bool folio_pdf_pack(const unsigned char *pdf, size_t n, const char *path, unsigned char **out, size_t *outn,
                    folio_diag *diag)
{
    char why[FOLIO_PDF_MAX_PACK_ERROR];
    folio_qpdf_status st = folio_qpdf_pack(pdf, n, out, outn, why, sizeof why);
    if (st == FOLIO_QPDF_NO_MEMORY)
        folio_out_of_memory(); /* exits 1, as xmalloc does */
    if (st != FOLIO_QPDF_OK) {
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0,
                       "cannot write %s: cannot pack the PDF into object streams (%s)", path, why);
        return false;
    }
    return true;
}
