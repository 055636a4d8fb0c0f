/* The libqpdf side of the object-stream pass: a C interface to engine/pdf/objstm_qpdf.cpp. */
#ifndef FOLIO_OBJSTM_QPDF_H
#define FOLIO_OBJSTM_QPDF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum folio_qpdf_status {
    FOLIO_QPDF_OK,       /* *out holds the packed file (malloc'd, the caller frees it) */
    FOLIO_QPDF_FAILED,   /* why holds what went wrong */
    FOLIO_QPDF_NO_MEMORY /* out of memory, in libqpdf or here */
} folio_qpdf_status;

/* Rewrites the n bytes of the PDF at pdf with compressed object streams and a cross-reference
 * stream, stream data as it is, the first /ID word kept and the second deterministic. Never
 * lets an exception out. */
folio_qpdf_status folio_qpdf_pack(const unsigned char *pdf, size_t n, unsigned char **out, size_t *outn,
                                  char *why, size_t whylen);

#ifdef __cplusplus
}
#endif

#endif
