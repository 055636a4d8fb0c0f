// The libqpdf calls of the object-stream pass (objstm.c), in C++ only so that an exception
// libqpdf's C API lets through (std::bad_alloc while it reports an error, say) is caught here
// instead of ending the process in std::terminate on its way through C frames.
#include <qpdf/qpdf-c.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>

extern "C" {
#include "core/util.h"
}
#include "pdf/objstm_qpdf.h"

/* libqpdf can throw from a destructor while it writes (Pl_Buffer::getBuffer out of memory, found
 * by the allocation-failure sweep), which no catch can stop: std::terminate runs. While the pass
 * runs, terminate ends the process as folio's own out-of-memory does (exit 1, the temporary file
 * removed at exit), not with SIGABRT. */
[[noreturn]] static void on_terminate()
{
    bool no_memory = false;
    if (std::exception_ptr e = std::current_exception()) {
        try {
            std::rethrow_exception(e);
        } catch (const std::bad_alloc &) {
            no_memory = true;
        } catch (...) {
        }
    }
    if (no_memory)
        folio_out_of_memory();
    std::fputs("folio: libqpdf failed while packing the PDF into object streams\n", stderr);
    std::exit(1);
}

// The text of qpdf's error, or of its first warning; "" when there is none.
static const char *error_text(qpdf_data q, bool warning)
{
    if (warning)
        return qpdf_more_warnings(q) ? qpdf_get_error_full_text(q, qpdf_next_warning(q)) : "";
    return qpdf_has_error(q) ? qpdf_get_error_full_text(q, qpdf_get_error(q)) : "";
}

static folio_qpdf_status report(qpdf_data q, bool warning, const char *what, char *why, size_t whylen)
{
    const char *text = error_text(q, warning);
    if (std::strstr(text, "bad_alloc"))
        return FOLIO_QPDF_NO_MEMORY;
    std::snprintf(why, whylen, "%s%s%s", what, *text ? ": " : "", text);
    return FOLIO_QPDF_FAILED;
}

static folio_qpdf_status pack(qpdf_data q, const unsigned char *pdf, size_t n, unsigned char **out,
                              size_t *outn, char *why, size_t whylen)
{
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    if (qpdf_read_memory(q, "folio", reinterpret_cast<const char *>(pdf), n, nullptr) & QPDF_ERRORS)
        return report(q, false, "reading libharu's output", why, whylen);
    // a warning means qpdf repaired what libharu wrote: an error rather than a guess
    if (qpdf_more_warnings(q))
        return report(q, true, "reading libharu's output", why, whylen);
    if (qpdf_init_write_memory(q) & QPDF_ERRORS)
        return report(q, false, "starting the rewrite", why, whylen);
    // Streams as libharu wrote them (content and fonts already deflated, the XMP plain; qpdf
    // never compresses a /Type /Metadata stream); only the object streams are deflated. The
    // first /ID word stays pdfa.c's content digest, the second is an MD5 of the output.
    qpdf_set_object_stream_mode(q, qpdf_o_generate);
    qpdf_set_compress_streams(q, QPDF_TRUE);
    qpdf_set_decode_level(q, qpdf_dl_none);
    qpdf_set_preserve_unreferenced_objects(q, QPDF_FALSE);
    qpdf_set_newline_before_endstream(q, QPDF_TRUE); // PDF/A-2 6.1.7.1
    qpdf_set_deterministic_ID(q, QPDF_TRUE);
    if (qpdf_write(q) & QPDF_ERRORS)
        return report(q, false, "writing", why, whylen);
    // qpdf turns an object it fails to read while writing (out of memory, say) into null with
    // a warning: any warning means the output is not the input
    if (qpdf_more_warnings(q))
        return report(q, true, "writing", why, whylen);
    const unsigned char *data = qpdf_get_buffer(q);
    size_t len = qpdf_get_buffer_length(q);
    if (!data || len == 0) {
        std::snprintf(why, whylen, "writing: no output");
        return FOLIO_QPDF_FAILED;
    }
    *out = static_cast<unsigned char *>(std::malloc(len));
    if (!*out)
        return FOLIO_QPDF_NO_MEMORY;
    std::memcpy(*out, data, len);
    *outn = len;
    return FOLIO_QPDF_OK;
}

folio_qpdf_status folio_qpdf_pack(const unsigned char *pdf, size_t n, unsigned char **out, size_t *outn,
                                  char *why, size_t whylen)
{
    *out = nullptr;
    *outn = 0;
    why[0] = '\0';
    qpdf_data q = nullptr;
    std::terminate_handler saved = std::set_terminate(on_terminate);
    folio_qpdf_status st = FOLIO_QPDF_NO_MEMORY;
    try {
        q = qpdf_init();
        st = pack(q, pdf, n, out, outn, why, whylen);
        qpdf_cleanup(&q);
    } catch (const std::bad_alloc &) {
        // out of memory: the caller ends the process, so q is not freed (that could throw again)
        st = FOLIO_QPDF_NO_MEMORY;
    } catch (...) {
        std::snprintf(why, whylen, "an unexpected exception in libqpdf");
        st = FOLIO_QPDF_FAILED;
        try {
            qpdf_cleanup(&q);
        } catch (...) {
        }
    }
    std::set_terminate(saved);
    if (st != FOLIO_QPDF_OK) {
        std::free(*out);
        *out = nullptr;
    }
    return st;
}
