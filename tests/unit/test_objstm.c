/* The object-stream pass (engine/pdf/objstm.c): PDFs written the way libharu writes them are
 * packed into object streams that qpdf reads back clean, with every object's text and stream
 * data as it was; strings that look like PDF keywords or references fool nothing; what the
 * trailer does not reach is left out; the bytes are the same twice; and every kind of broken
 * input ends in a message naming what is wrong, with no file at the target.
 *
 * FOLIO_OBJSTM_SEEDS=DIR writes the inputs into DIR (the fuzz corpus, tests/fuzz/corpus/pdfpack). */
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

/* A PDF of the given objects (numbered from 1; NULL leaves a free entry), with correct
 * cross-reference offsets, CRLF-ended entries as libharu writes them, and `trailer` as the
 * trailer's extra entries. */
static char *make_pdf(const char *const *objs, int n, const char *trailer, size_t *len)
{
    folio_buf b = {0};
    folio_buf_puts(&b, "%PDF-1.7\n%\xB7\xBE\xAD\xAA\n");
    size_t *off = xcalloc((size_t)n, sizeof *off);
    for (int i = 0; i < n; i++) {
        if (!objs[i])
            continue;
        off[i] = b.len;
        folio_buf_printf(&b, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = b.len;
    folio_buf_printf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", n + 1);
    for (int i = 0; i < n; i++)
        folio_buf_printf(&b, objs[i] ? "%010zu 00000 n\r\n" : "0000000000 00000 f\r\n", off[i]);
    folio_buf_printf(&b, "trailer\n<<\n%s\n/Size %d\n>>\nstartxref\n%zu\n%%%%EOF\n", trailer, n + 1, xref);
    free(off);
    *len = b.len;
    return b.data;
}

static const char *TRAILER = "/Root 1 0 R\n/ID [ <00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF> ]";

/* One empty page, a catalog and a /ID. */
static char *tiny_pdf(size_t *n)
{
    const char *objs[] = {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                          "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>"};
    return make_pdf(objs, 3, TRAILER, n);
}

/* Keywords in strings, a stream whose /Length comes after it, one with a direct /Length and no
 * end of line before endstream, an object nobody refers to, a reference to a missing object,
 * the Info dictionary, nested dictionaries and arrays, a comment. */
static char *tricky_pdf(size_t *n)
{
    const char *objs[] = {
        /* 1 */ "<<\n/Type /Catalog\n/Pages 2 0 R\n/Extra (endobj stream 6 0 R \\) and (nested) endstream)\n"
                "/Hex <656E646F626A>\n/Deep << /A [ 1 [ 2 [ 3 0 R ] ] ] /B null >>\n>>",
        /* 2 */ "<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>",
        /* 3 */ "<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 100 100.5 ] /Contents 4 0 R "
                "/Missing 40 0 R /Other 8 0 R /Meta 10 0 R /Hexed 11 0 R % a comment 6 0 R\n>>",
        /* 4 */ "<<\n/Length 5 0 R\n>>\nstream\r\nBT (endstream endobj) Tj ET\nendstream",
        /* 5 */ "27",
        /* 6 */ "<< /Unused true /Points 9 0 R >>",
        /* 7 */ "<< /Title (A title) /Producer (folio) >>",
        /* 8 */ "<< /Length 10 >>\nstream\n0123456789endstream",
        /* 9 */ "(only the unused object points here)",
        /* 10 */ "<< /Type /Metadata /Subtype /XML /Length 12 >>\nstream\n<x:xmpmeta/>\nendstream",
        /* 11 */ "<< /Length 7 /Filter /ASCIIHexDecode >>\nstream\n414243>\nendstream",
    };
    return make_pdf(objs, 11, "/Root 1 0 R\n/Info 7 0 R\n/ID [ <AB> <AB> ]", n);
}

/* Packs `pdf` into `path` with the streams deflated `ahead` (may be NULL); the file's bytes
 * (owned) or NULL, with the diagnostics in diag. */
static char *pack_ahead(const char *pdf, size_t n, folio_pdf_ahead *ahead, const char *path, folio_diag *diag,
                        size_t *outn)
{
    unsigned char *packed;
    size_t npacked;
    if (!folio_pdf_pack((const unsigned char *)pdf, n, ahead, path, &packed, &npacked, diag))
        return NULL;
    folio_atomic a;
    bool good = folio_atomic_open(&a, path, diag) && folio_atomic_write(&a, packed, npacked, diag) &&
                folio_atomic_commit(&a, diag);
    free(packed);
    if (!good)
        return NULL;
    size_t len;
    char *data = folio_read_file(path, &len);
    *outn = data ? len : 0;
    return data;
}

static char *pack(const char *pdf, size_t n, const char *path, folio_diag *diag, size_t *outn)
{
    return pack_ahead(pdf, n, NULL, path, diag, outn);
}

/* The output of a shell command (owned), "" on failure. */
static char *run(const char *fmt, const char *path)
{
    char *cmd = xasprintf(fmt, path);
    FILE *f = popen(cmd, "r");
    free(cmd);
    folio_buf b = {0};
    folio_buf_puts(&b, "");
    if (!f)
        return b.data;
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        folio_buf_append(&b, chunk, got);
    pclose(f);
    return b.data;
}

static bool has(const char *text, const char *what)
{
    return text && strstr(text, what) != NULL;
}

/* Whether the output of the command (fmt with the path) contains `what`. */
static bool says(const char *fmt, const char *path, const char *what)
{
    char *out = run(fmt, path);
    bool found = has(out, what);
    free(out);
    return found;
}

/* Whether the command's output is exactly `what` (printed when it is not). */
static bool prints(const char *fmt, const char *path, const char *what)
{
    char *out = run(fmt, path);
    bool same = strcmp(out, what) == 0;
    if (!same)
        fprintf(stderr, "expected \"%s\", got \"%s\"\n", what, out);
    free(out);
    return same;
}

static void seed(const char *name, const char *pdf, size_t n)
{
    const char *dir = getenv("FOLIO_OBJSTM_SEEDS");
    if (!dir || !*dir)
        return;
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(pdf, 1, n, f);
        fclose(f);
    }
    free(path);
}

static void test_tiny(void)
{
    size_t n, n1 = 0, n2 = 0;
    char *pdf = tiny_pdf(&n);
    seed("tiny", pdf, n); /* no .pdf: .gitignore leaves out *.pdf */
    folio_diag diag;
    folio_diag_init(&diag);
    char *p1 = xasprintf("%s/one.pdf", tmpdir), *p2 = xasprintf("%s/two.pdf", tmpdir);
    char *a = pack(pdf, n, p1, &diag, &n1), *b = pack(pdf, n, p2, &diag, &n2);
    CHECK(a && b);
    CHECK_INT(diag.errors, 0);
    CHECK(a && b && n1 == n2 && memcmp(a, b, n1) == 0);
    CHECK(a && memmem(a, n1, "/Type /XRef", 11) != NULL);
    CHECK(a && memmem(a, n1, "<00112233445566778899AABBCCDDEEFF>", 34) != NULL);
    CHECK(a && n1 > 8 && memcmp(a, "%PDF-1.7\n", 9) == 0);
    CHECK(says("qpdf --check %s 2>&1", p1, "No syntax or stream encoding errors found"));
    CHECK(says("qpdf --show-xref %s 2>&1", p1, "1/0: compressed; stream = 4, index = 0"));
    CHECK(says("qpdf --show-xref %s 2>&1", p1, "3/0: compressed; stream = 4, index = 2"));
    free(a), free(b), free(p1), free(p2), free(pdf);
    folio_diag_free(&diag);
}

static void test_tricky(void)
{
    size_t n, nout = 0;
    char *pdf = tricky_pdf(&n);
    seed("tricky", pdf, n);
    folio_diag diag;
    folio_diag_init(&diag);
    char *path = xasprintf("%s/tricky.pdf", tmpdir);
    char *out = pack(pdf, n, path, &diag, &nout);
    CHECK(out != NULL);
    CHECK_INT(diag.errors, 0);
    CHECK(says("qpdf --check %s 2>&1", path, "No syntax or stream encoding errors found"));
    /* the catalog's strings and nesting are as they were; the string's "6 0 R" kept nothing */
    CHECK(says("qpdf --show-object=1 %s 2>&1", path, "(endobj stream 6 0 R \\) and \\(nested\\) endstream)"));
    CHECK(says("qpdf --show-object=1 %s 2>&1", path, "/A [ 1 [ 2 [ 3 0 R ] ] ]"));
    char *xref = run("qpdf --show-xref %s 2>&1", path);
    CHECK(!has(xref, "\n5/0:")); /* the length object: written into the stream's dictionary */
    CHECK(!has(xref, "\n6/0:")); /* nobody refers to it */
    CHECK(!has(xref, "\n9/0:")); /* only the unreferenced object does */
    CHECK(has(xref, "\n3/0: compressed"));
    CHECK(has(xref, "7/0: compressed")); /* the Info dictionary */
    CHECK(has(xref, "4/0: uncompressed")); /* streams stay objects of their own */
    CHECK(has(xref, "8/0: uncompressed"));
    free(xref);
    /* stream data byte for byte once decoded: unfiltered streams are deflated, lengths direct */
    CHECK(prints("qpdf --show-object=4 --filtered-stream-data %s 2>&1", path, "BT (endstream endobj) Tj ET"));
    CHECK(says("qpdf --show-object=4 %s 2>&1", path, "/Filter /FlateDecode"));
    CHECK(!says("qpdf --show-object=4 %s 2>&1", path, "/Length 5 0 R"));
    CHECK(prints("qpdf --show-object=8 --filtered-stream-data %s 2>&1", path, "0123456789"));
    /* the XMP metadata stays as it was (PDF/A), a stream with a filter is not filtered twice */
    CHECK(prints("qpdf --show-object=10 --raw-stream-data %s 2>&1", path, "<x:xmpmeta/>"));
    CHECK(!says("qpdf --show-object=10 %s 2>&1", path, "/Filter"));
    CHECK(prints("qpdf --show-object=11 --raw-stream-data %s 2>&1", path, "414243>"));
    CHECK(says("pdfinfo %s 2>&1", path, "A title"));
    /* every "endstream" keyword has an end of line before it (PDF/A-2 6.1.7.1) */
    bool eol = true;
    int streams = 0;
    for (const char *p = out; p && (p = memmem(p, nout - (size_t)(p - out), "endstream\nendobj", 16)) != NULL; p += 9)
        eol = eol && p > out && p[-1] == '\n', streams++;
    CHECK(eol);
    CHECK_INT(streams, 6); /* four streams, one object stream, the cross-reference stream */
    free(out), free(path), free(pdf);
    folio_diag_free(&diag);
}

enum { STREAMS = 40, FONTS = 4 }; /* many_streams_pdf's */

/* The data of many_streams_pdf's i-th content stream and of its i-th font program. */
static folio_buf stream_text(int i)
{
    folio_buf data = {0};
    for (int k = 0; k < 200 + 7 * i; k++)
        folio_buf_printf(&data, "%d %d m %d %d l S\n", k, i * k % 97, k * 3 % 101, i + k);
    return data;
}

static folio_buf font_data(int i)
{
    folio_buf data = {0};
    for (int k = 0; k < 3000; k++)
        folio_buf_printf(&data, "%c", (char)('A' + (k * (i + 3) + k / 7) % 26));
    return data;
}

/* Many streams (page content, and font programs deflated at the binary level) and enough
 * dictionaries for two object streams: more than FOLIO_PDF_THREAD_MIN_BYTES to deflate. */
static char *many_streams_pdf(size_t *n)
{
    enum { DICTS = 150, OBJS = 3 + STREAMS + FONTS + DICTS };
    char **objs = xcalloc(OBJS, sizeof *objs);
    folio_buf kids = {0}, contents = {0};
    for (int i = 0; i < STREAMS; i++) {
        folio_buf data = stream_text(i);
        objs[3 + i] = xasprintf("<< /Length %zu >>\nstream\n%sendstream", data.len, data.data);
        folio_buf_printf(&contents, " %d 0 R", 4 + i);
        folio_buf_free(&data);
    }
    for (int i = 0; i < FONTS; i++) {
        folio_buf data = font_data(i);
        objs[3 + STREAMS + i] =
            xasprintf("<< /Length %zu /Length1 %zu >>\nstream\n%s\nendstream", data.len, data.len, data.data);
        folio_buf_free(&data);
    }
    for (int i = 0; i < DICTS; i++) {
        objs[3 + STREAMS + FONTS + i] = xasprintf("<< /Index %d /Name (dictionary %d) >>", i, i);
        folio_buf_printf(&kids, " %d 0 R", 4 + STREAMS + FONTS + i);
    }
    folio_buf fonts = {0};
    for (int i = 0; i < FONTS; i++)
        folio_buf_printf(&fonts, " %d 0 R", 4 + STREAMS + i);
    objs[0] = xasprintf("<< /Type /Catalog /Pages 2 0 R /Fonts [%s ] /Dicts [%s ] >>", fonts.data, kids.data);
    objs[1] = xasprintf("<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>");
    objs[2] = xasprintf("<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 200 200 ] /Contents [%s ] >>", contents.data);
    char *pdf = make_pdf((const char *const *)objs, OBJS, TRAILER, n);
    for (int i = 0; i < OBJS; i++)
        free(objs[i]);
    free(objs);
    folio_buf_free(&kids), folio_buf_free(&contents), folio_buf_free(&fonts);
    return pdf;
}

/* The deflates shared with a worker thread give the same bytes as on the calling thread alone
 * (as when no thread can be created), and the file reads back. */
static void test_threads(void)
{
    size_t n, n1 = 0, n2 = 0;
    char *pdf = many_streams_pdf(&n);
    seed("many-streams", pdf, n);
    folio_diag diag;
    folio_diag_init(&diag);
    char *p1 = xasprintf("%s/threaded.pdf", tmpdir), *p2 = xasprintf("%s/alone.pdf", tmpdir);
    unsigned long workers = folio_pdf_pack_workers;
    char *a = pack(pdf, n, p1, &diag, &n1);
    CHECK_INT(folio_pdf_pack_workers, workers + 1);
    folio_pdf_pack_threaded = false;
    char *b = pack(pdf, n, p2, &diag, &n2);
    folio_pdf_pack_threaded = true;
    CHECK_INT(folio_pdf_pack_workers, workers + 1);
    CHECK_INT(diag.errors, 0);
    CHECK(a && b && n1 == n2 && memcmp(a, b, n1) == 0);
    CHECK(says("qpdf --check %s 2>&1", p2, "No syntax or stream encoding errors found"));
    CHECK(says("qpdf --show-xref %s 2>&1", p2, "197/0: compressed; stream = 199, index = 52"));
    CHECK(prints("qpdf --show-object=4 --filtered-stream-data %s 2>&1 | head -c 27", p2, "0 0 m 0 0 l S\n1 0 m 3 1 l S"));
    CHECK(says("qpdf --show-object=44 --filtered-stream-data %s 2>&1", p2, "ADGJMPSWZ"));
    /* streams deflated ahead: the same bytes. The ahead has the content streams out of order, one
     * twice, and bytes that match no stream; a font program's bytes in it are not used (fonts are
     * deflated at another level), nor is a stream left out of it */
    folio_buf *in = xcalloc(STREAMS + 2, sizeof *in);
    for (int i = 0; i < STREAMS - 1; i++)
        in[i] = stream_text((i * 7) % (STREAMS - 1));
    in[STREAMS - 1] = font_data(0);
    folio_buf_puts(&in[STREAMS], "no stream has these bytes");
    in[STREAMS + 1] = stream_text(3);
    unsigned long before = folio_pdf_pack_workers;
    folio_pdf_ahead *ahead = folio_pdf_ahead_start(in, STREAMS + 2);
    CHECK(ahead != NULL);
    size_t n4 = 0;
    char *p4 = xasprintf("%s/ahead.pdf", tmpdir);
    char *d = pack_ahead(pdf, n, ahead, p4, &diag, &n4);
    folio_pdf_ahead_free(ahead);
    CHECK(d && n4 == n2 && memcmp(d, b, n2) == 0);
    /* what is left is too little to share: no worker unless the ahead went unused */
    CHECK_INT(folio_pdf_pack_workers, before);
    /* without a thread the ahead is NULL and the pack does it all */
    folio_pdf_pack_threaded = false;
    in = xcalloc(1, sizeof *in);
    in[0] = stream_text(0);
    CHECK(folio_pdf_ahead_start(in, 1) == NULL);
    folio_pdf_pack_threaded = true;
    free(d), free(p4);
    /* a small pass stays on the calling thread */
    size_t nt, n3 = 0;
    char *tiny = tiny_pdf(&nt);
    char *p3 = xasprintf("%s/tiny-alone.pdf", tmpdir);
    char *c = pack(tiny, nt, p3, &diag, &n3);
    CHECK(c != NULL);
    CHECK_INT(folio_pdf_pack_workers, workers + 1);
    free(a), free(b), free(c), free(p1), free(p2), free(p3), free(pdf), free(tiny);
    folio_diag_free(&diag);
}

/* A broken input: an error naming the target, the pass and `reason`, and nothing written. */
static void broken(const char *name, const char *pdf, size_t n, const char *reason)
{
    seed(name, pdf, n);
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    char *path = xasprintf("%s/%s", tmpdir, name);
    size_t nout = 0;
    char *out = pack(pdf, n, path, &diag, &nout);
    CHECK(out == NULL);
    CHECK(access(path, F_OK) != 0);
    const char *text = diag.n > 0 ? diag.items[diag.n - 1].text : "";
    bool good = strstr(text, "cannot pack the PDF into object streams") && strstr(text, path) && strstr(text, reason);
    if (!good)
        fprintf(stderr, "%s: expected \"%s\" in \"%s\"\n", name, reason, text);
    CHECK(good);
    free(out), free(path);
    folio_diag_free(&diag);
}

/* Replaces the first `from` in pdf by `to` of the same length (offsets stay right). */
static char *patched(const char *pdf, size_t n, const char *from, const char *to)
{
    char *copy = xmalloc(n + 1);
    memcpy(copy, pdf, n + 1);
    char *at = memmem(copy, n, from, strlen(from));
    if (at && strlen(to) == strlen(from))
        memcpy(at, to, strlen(to));
    else
        fprintf(stderr, "patched: '%s' not found or lengths differ\n", from);
    return copy;
}

static void test_broken(void)
{
    size_t n;
    char *pdf = tricky_pdf(&n);
    broken("not-a-pdf", "this is not a PDF at all, not even close", 40, "not a PDF");
    broken("truncated", pdf, n / 2, "no startxref at the end");
    char *p;
    /* startxref off by one */
    const char *sx = memmem(pdf, n, "startxref\n", 10);
    size_t xref_at = (size_t)strtoul(sx + 10, NULL, 10);
    char *from = xasprintf("startxref\n%zu", xref_at), *to = xasprintf("startxref\n%zu", xref_at - 1);
    broken("startxref", p = patched(pdf, n, from, to), n, "no cross-reference table at byte");
    free(p), free(from), free(to);
    /* an object's offset pointing one byte late */
    const char *obj2 = memmem(pdf, n, "2 0 obj", 7);
    from = xasprintf("%010zu 00000 n", (size_t)(obj2 - pdf));
    to = xasprintf("%010zu 00000 n", (size_t)(obj2 - pdf) + 1);
    broken("offset", p = patched(pdf, n, from, to), n, "object 2: the table points at byte");
    free(p), free(from), free(to);
    /* one same-length change each */
    static const struct {
        const char *name, *from, *to, *reason;
    } cases[] = {
        {"length-long", "\n27\n", "\n99\n", "object 4: its /Length 99 runs past the object"},
        {"length-short", "\n27\n", "\n20\n", "object 4: no 'endstream' where its /Length 20 ends"},
        {"length-name", "/Length 5 0 R", "/Length /Five", "object 4: its /Length is not a number"},
        {"string", "(A title)", "(A title ", "an unterminated string at byte"},
        {"hex", "<656E646F626A>", "<656E646F626A ", ""},
        {"endobj", "(folio) >>\nendobj", "(folio) >>\nendobx", "object 7:"},
        {"generation", "/Pages 2 0 R", "/Pages 2 1 R", "only generation 0 is written"},
        {"prev", "/Info 7 0 R", "/Prev 7    ", "an updated or encrypted file (the trailer has /Prev)"},
        {"no-root", "/Root 1 0 R", "/Rook 1 0 R", "the trailer has no /Root reference"},
        {"no-length", "<< /Length 10 >>", "<< /Lenxth 10 >>", "object 8: a stream without /Length"},
        {"stream-eol", "stream\n0123456789", "stream 0123456789", "object 8: no end of line after 'stream'"},
        {"stream-endobj", "0123456789endstream\nendobj", "0123456789endstream\nendobx",
         "object 8: no 'endobj' after its stream"},
        {"xref-entry", "0000000000 65535 f\r\n", "0000000000 65535 x\r\n", "a bad cross-reference entry at byte"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        broken(cases[i].name, p = patched(pdf, n, cases[i].from, cases[i].to), n, cases[i].reason);
        free(p);
    }
    free(pdf);

    /* nesting deeper than the parser follows */
    folio_buf deep = {0};
    for (int i = 0; i < 100; i++)
        folio_buf_puts(&deep, "[ ");
    for (int i = 0; i < 100; i++)
        folio_buf_puts(&deep, "] ");
    const char *objs[] = {"<< /Type /Catalog /Pages 2 0 R >>", deep.data};
    pdf = make_pdf(objs, 2, TRAILER, &n);
    broken("deep", pdf, n, "values nested more than 64 deep");
    free(pdf);
    folio_buf_free(&deep);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/folio-objstm-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    test_tiny();
    test_tricky();
    test_threads();
    test_broken();
    char *rm = xasprintf("rm -rf %s", tmpdir);
    if (system(rm) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    free(rm);
    return harness_summary();
}
