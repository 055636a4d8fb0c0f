/* Font subsetting before libharu sees a font: HarfBuzz's subsetter cuts a TrueType file down to
 * the glyphs of the characters drawn with it; libharu loads the result from memory (pdf.c). */
#include <errno.h>
#include <hb-subset.h>
#include <hb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "pdf/pdf_internal.h"

/* Tables libharu 2.3.0 never embeds (it copies the 13 tables of a TrueType program and drops the
 * rest): dropping them first spares the subsetter their closure. */
static const hb_tag_t dropped[] = {
    HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
    HB_TAG('k', 'e', 'r', 'n'), HB_TAG('D', 'S', 'I', 'G'), HB_TAG('g', 'a', 's', 'p'),
    HB_TAG('h', 'd', 'm', 'x'), HB_TAG('L', 'T', 'S', 'H'), HB_TAG('V', 'D', 'M', 'X'),
    HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
    HB_TAG('m', 'o', 'r', 'x'), HB_TAG('k', 'e', 'r', 'x'), HB_TAG('S', 'T', 'A', 'T'),
};

unsigned char *folio_pdf_subset_font(const char *path, const folio_cpset *used, size_t *n, char *why,
                                     size_t whylen)
{
    /* HarfBuzz answers an allocation failure with an inert object or a NULL result; the file has
     * been read and checked already, so a failure with errno ENOMEM is memory, and the run stops
     * as xmalloc stops it (a whole-font fallback would make a different PDF). */
    errno = 0;
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
    if (!blob) {
        if (errno == ENOMEM)
            folio_out_of_memory();
        snprintf(why, whylen, "cannot read the file");
        return NULL;
    }
    hb_face_t *face = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    hb_subset_input_t *input = hb_subset_input_create_or_fail();
    hb_face_t *sub = NULL;
    unsigned char *copy = NULL;
    if (!input)
        folio_out_of_memory();
    hb_set_t *unicodes = hb_subset_input_unicode_set(input);
    for (uint32_t b = 0; b < sizeof used->bits; b++)
        for (uint32_t k = 0; used->bits[b] && k < 8; k++)
            if (used->bits[b] >> k & 1)
                hb_set_add(unicodes, b * 8 + k);
    hb_set_t *tables = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++)
        hb_set_add(tables, dropped[i]);
    /* A character no font has draws as glyph 0, the box: keep its outline. */
    hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
    if (!hb_set_allocation_successful(unicodes) || !hb_set_allocation_successful(tables))
        folio_out_of_memory();
    sub = hb_subset_or_fail(face, input);
    if (errno == ENOMEM)
        folio_out_of_memory();
    if (!sub) {
        snprintf(why, whylen, "HarfBuzz cannot subset it");
        goto done;
    }
    hb_blob_t *out = hb_face_reference_blob(sub);
    unsigned len = 0;
    const char *data = hb_blob_get_data(out, &len);
    if (errno == ENOMEM) /* the subset's tables are put together here */
        folio_out_of_memory();
    if (len > 0) {
        copy = xmalloc(len);
        memcpy(copy, data, len);
        *n = len;
    } else {
        snprintf(why, whylen, "the subset is empty");
    }
    hb_blob_destroy(out);
done:
    hb_face_destroy(sub);
    hb_subset_input_destroy(input);
    hb_face_destroy(face);
    return copy;
}
