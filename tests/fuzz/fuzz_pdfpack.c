/* Fuzz target: the object-stream pass (engine/pdf/objstm.c) over any bytes. It reads only
 * libharu's own output in folio, but a bug there must still end in a message, never a crash,
 * a hang or a read past the input. What it accepts must come out as a whole file: the header,
 * a cross-reference stream, startxref pointing at it, and %%EOF. */
#define _GNU_SOURCE /* memmem */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "fuzz.h"
#include "pdf/pdf_internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a copy of exactly `size` bytes, so that ASan sees any read past the input */
    unsigned char *in = malloc(size ? size : 1);
    FUZZ_CHECK(in != NULL);
    memcpy(in, data, size);
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    unsigned char *out = NULL;
    size_t n = 0;
    bool good = folio_pdf_pack(in, size, NULL, "fuzz.pdf", &out, &n, &diag);
    if (good) {
        FUZZ_CHECK(out && n > 20 && memcmp(out, "%PDF-1.", 7) == 0);
        FUZZ_CHECK(memcmp(out + n - 6, "%%EOF\n", 6) == 0);
        FUZZ_CHECK(memmem(out, n, "/Type /XRef", 11) != NULL);
        FUZZ_CHECK(diag.errors == 0);
    } else {
        FUZZ_CHECK(out == NULL && diag.errors == 1);
        FUZZ_CHECK(strstr(diag.items[0].text, "cannot pack the PDF into object streams (") != NULL);
    }
    free(out);
    free(in);
    folio_diag_free(&diag);
    return 0;
}
