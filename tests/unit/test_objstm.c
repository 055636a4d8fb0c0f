/* The object-stream pass (engine/pdf/objstm.c): a small PDF is packed, its bytes are the same
 * twice, and input qpdf cannot read ends in a clear error with no file at the target. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/diag.h"
#include "core/util.h"
#include "harness.h"
#include "pdf/pdf_internal.h"

static char tmpdir[64];

/* One empty page, a catalog and a /ID, with correct xref offsets. */
static char *tiny_pdf(size_t *n)
{
    const char *objs[] = {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                          "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>"};
    folio_buf b = {0};
    folio_buf_puts(&b, "%PDF-1.7\n");
    size_t off[3];
    for (int i = 0; i < 3; i++) {
        off[i] = b.len;
        folio_buf_printf(&b, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = b.len;
    folio_buf_puts(&b, "xref\n0 4\n0000000000 65535 f \n");
    for (int i = 0; i < 3; i++)
        folio_buf_printf(&b, "%010zu 00000 n \n", off[i]);
    folio_buf_printf(&b,
                     "trailer\n<< /Size 4 /Root 1 0 R /ID [<00112233445566778899aabbccddeeff> "
                     "<00112233445566778899aabbccddeeff>] >>\nstartxref\n%zu\n%%%%EOF\n",
                     xref);
    *n = b.len;
    return b.data;
}

/* Packs `pdf` into `path`; the file's bytes (owned) or NULL, with the diagnostics in diag. */
static char *pack(const char *pdf, size_t n, const char *path, folio_diag *diag, size_t *outn)
{
    unsigned char *packed;
    size_t npacked;
    if (!folio_pdf_pack((const unsigned char *)pdf, n, path, &packed, &npacked, diag))
        return NULL;
    folio_atomic a;
    bool good = folio_atomic_open(&a, path, diag) && folio_atomic_write(&a, packed, npacked, diag) &&
                folio_atomic_commit(&a, diag);
    free(packed);
    if (!good)
        return NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = xmalloc(1 << 16);
    *outn = fread(data, 1, 1 << 16, f);
    fclose(f);
    return data;
}

static void test_pack(void)
{
    size_t n, n1 = 0, n2 = 0;
    char *pdf = tiny_pdf(&n);
    folio_diag diag;
    folio_diag_init(&diag);
    char *p1 = xasprintf("%s/one.pdf", tmpdir), *p2 = xasprintf("%s/two.pdf", tmpdir);
    char *a = pack(pdf, n, p1, &diag, &n1), *b = pack(pdf, n, p2, &diag, &n2);
    CHECK(a && b);
    CHECK_INT(diag.errors, 0);
    CHECK(a && b && n1 == n2 && memcmp(a, b, n1) == 0);
    /* a cross-reference stream, and the first /ID word kept */
    CHECK(a && memmem(a, n1, "/Type /XRef", 11) != NULL);
    CHECK(a && memmem(a, n1, "<00112233445566778899aabbccddeeff>", 34) != NULL);
    free(a), free(b);

    /* Not a PDF: an error naming the target and the pass, and nothing written. */
    char *bad = xasprintf("%s/bad.pdf", tmpdir);
    diag.quiet = true;
    size_t nb = 0;
    CHECK(pack("this is not a PDF", 17, bad, &diag, &nb) == NULL);
    CHECK(access(bad, F_OK) != 0);
    CHECK(diag.n > 0 && strstr(diag.items[diag.n - 1].text, "cannot pack the PDF into object streams"));
    CHECK(diag.n > 0 && strstr(diag.items[diag.n - 1].text, bad));
    free(bad), free(p1), free(p2), free(pdf);
    folio_diag_free(&diag);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/folio-objstm-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    test_pack();
    char *rm = xasprintf("rm -rf %s", tmpdir);
    if (system(rm) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    free(rm);
    return harness_summary();
}
