/* Packing the saved PDF into object streams: libharu 2.3.0 writes every object plain, so
 * libqpdf rewrites the file with compressed object streams and a cross-reference stream
 * (PDF 1.5; PDF/A-2 and PDF/UA-1 allow both) before it goes into the atomic file. */
#include <qpdf/qpdf-c.h>
#include <stdio.h>

#include "pdf/pdf_internal.h"

/* Reports qpdf's error (or `what` when it has none) and aborts the atomic file. */
static bool failed(qpdf_data q, folio_atomic *a, const char *what, folio_diag *diag)
{
    const char *text = qpdf_has_error(q) ? qpdf_get_error_full_text(q, qpdf_get_error(q)) : NULL;
    folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0,
                   "cannot write %s: cannot pack the PDF into object streams (%s%s%s)", a->path, what,
                   text ? ": " : "", text ? text : "");
    folio_atomic_abort(a);
    return false;
}

bool folio_pdf_pack(const unsigned char *pdf, size_t n, folio_atomic *a, folio_diag *diag)
{
    qpdf_data q = qpdf_init();
    if (!q) {
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot write %s: out of memory", a->path);
        folio_atomic_abort(a);
        return false;
    }
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    bool good = false;
    if (qpdf_read_memory(q, "folio", (const char *)pdf, n, NULL) & QPDF_ERRORS) {
        good = failed(q, a, "reading libharu's output", diag);
    } else if (qpdf_more_warnings(q)) {
        /* a warning means qpdf repaired something libharu wrote: better a plain file than a guess */
        qpdf_error w = qpdf_next_warning(q);
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0,
                       "cannot write %s: cannot pack the PDF into object streams (qpdf: %s)", a->path,
                       qpdf_get_error_full_text(q, w));
        folio_atomic_abort(a);
    } else if (qpdf_init_write_memory(q) & QPDF_ERRORS) {
        good = failed(q, a, "starting the rewrite", diag);
    } else {
        /* Streams as libharu wrote them (content and fonts already deflated, the XMP plain);
         * only the object streams are deflated. The first /ID word stays the content digest
         * of pdfa.c, the second is an MD5 of the output: no clock, no randomness. */
        qpdf_set_object_stream_mode(q, qpdf_o_generate);
        qpdf_set_compress_streams(q, QPDF_TRUE);
        qpdf_set_decode_level(q, qpdf_dl_none);
        qpdf_set_preserve_unreferenced_objects(q, QPDF_FALSE);
        qpdf_set_newline_before_endstream(q, QPDF_TRUE); /* PDF/A-2 6.1.7.1 */
        qpdf_set_deterministic_ID(q, QPDF_TRUE);
        if (qpdf_write(q) & QPDF_ERRORS)
            good = failed(q, a, "writing", diag);
        else if (!qpdf_get_buffer(q) || qpdf_get_buffer_length(q) == 0)
            good = failed(q, a, "writing: no output", diag);
        else
            good = folio_atomic_write(a, qpdf_get_buffer(q), qpdf_get_buffer_length(q), diag);
    }
    qpdf_cleanup(&q);
    return good;
}
