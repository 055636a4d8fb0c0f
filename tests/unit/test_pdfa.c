/* Tests of the PDF standards (pdf/pdfa.c): the names --pdf-standard and report.lua take, and
 * small PDFs written with a claim, read back with tests/tools/pdfcheck.py and pdfinfo: XMP
 * escaping, extra Info keys mirrored as folio:KEY, and the claims folio must refuse.
 * Run from the repository root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/diag.h"
#include "core/util.h"
#include "doc/doc.h"
#include "harness.h"
#include "layout/display.h"
#include "pdf/pdf.h"

static char tmpdir[64];

static void parse_ok(const char *s, unsigned want, const char *formatted)
{
    unsigned set = 99;
    char why[160] = "", back[64];
    CHECK(folio_pdf_standard_parse(s, &set, why, sizeof why));
    CHECK_INT(set, want);
    folio_pdf_standard_format(set, back, sizeof back);
    CHECK_STR(back, formatted);
}

static void parse_bad(const char *s, const char *reason)
{
    unsigned set = 99;
    char why[160] = "";
    CHECK(!folio_pdf_standard_parse(s, &set, why, sizeof why));
    CHECK_INT(set, 99);
    if (!strstr(why, reason))
        fprintf(stderr, "parse \"%s\": \"%s\" lacks \"%s\"\n", s, why, reason);
    CHECK(strstr(why, reason) != NULL);
}

static void test_names(void)
{
    parse_ok("a-2b", FOLIO_PDF_A2B, "a-2b");
    parse_ok("A-2A", FOLIO_PDF_A2A, "a-2a");
    parse_ok("ua-1", FOLIO_PDF_UA1, "ua-1");
    parse_ok(" ua-1 , a-2a ", FOLIO_PDF_UA1 | FOLIO_PDF_A2A, "a-2a,ua-1");
    parse_ok("a-2b,ua-1,a-2b", FOLIO_PDF_A2B | FOLIO_PDF_UA1, "a-2b,ua-1");
    parse_ok("none", 0, "none");
    parse_bad("", "empty name");
    parse_bad("ua-1,", "empty name");
    parse_bad("a-3b", "\"a-3b\" is not a standard");
    parse_bad("pdf/a-2b", "\"pdf/a-2b\" is not a standard");
    parse_bad("a-2a,a-2b", "two levels");
    parse_bad("none,ua-1", "\"none\" cannot be combined");
}

/* ---- writing ---- */

static int run(const char *cmd, char **out)
{
    char *full = xasprintf("(%s) >%s/.out 2>&1", cmd, tmpdir);
    int st = system(full);
    free(full);
    char *o = xasprintf("%s/.out", tmpdir);
    size_t n;
    *out = folio_read_file(o, &n);
    unlink(o);
    free(o);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* One page: a line of text and a link to a web page. Freed with folio_layout_free. */
static folio_layout *one_page(void)
{
    folio_layout *l = xcalloc(1, sizeof *l);
    *l = (folio_layout){.page_w = 595.276, .page_h = 841.89, .npages = 1};
    l->pages = xcalloc(1, sizeof *l->pages);
    folio_page_add(&l->pages[0], &(folio_op){.kind = FOLIO_OP_TEXT,
                                             .x = 72,
                                             .y = 700,
                                             .face = 0,
                                             .size = 12,
                                             .text = "Größe & <Q3> Ωμέγα",
                                             .dest_page = -1});
    folio_page_add(&l->pages[0], &(folio_op){.kind = FOLIO_OP_LINK,
                                             .x = 72,
                                             .y = 690,
                                             .w = 100,
                                             .h = 14,
                                             .text = "https://example.org/",
                                             .dest_page = -1});
    return l;
}

static folio_pdf_options options(unsigned standards)
{
    static const folio_pdf_info extra[] = {{"InputSHA256", "e3b0c44298fc1c149afbf4c8996fb924"}};
    folio_pdf_options o = {.creation_date = "2025-03-05", .standards = standards, .info = extra, .ninfo = 1};
    for (int i = 0; i < 4; i++)
        o.font_files[i] = "fonts/OpenSans-Regular.ttf";
    return o;
}

static folio_doc sample_doc(void)
{
    folio_doc d = {0};
    d.title = (char *)"Quarterly <Q3> & \x01more: Größe";
    d.author = (char *)"Jürgen Müller";
    d.subject = (char *)"Reality \"and\" impact";
    d.keywords = (char *)"survey, impact";
    d.creator = (char *)"folio test";
    d.lang = (char *)"en-GB";
    return d;
}

static void test_write_a2b(void)
{
    folio_layout *l = one_page();
    folio_doc d = sample_doc();
    folio_pdf_options o = options(FOLIO_PDF_A2B);
    folio_diag diag;
    folio_diag_init(&diag);
    char *pdf = xasprintf("%s/a2b.pdf", tmpdir), *cmd, *out;
    CHECK(folio_pdf_write(l, &d, &o, pdf, &diag));
    CHECK_INT(diag.errors, 0);

    cmd = xasprintf("python3 tests/tools/pdfcheck.py --expect a-2b %s", pdf);
    CHECK_INT(run(cmd, &out), 0);
    if (!strstr(out, ": ok ("))
        fputs(out, stderr);
    free(cmd), free(out);

    cmd = xasprintf("pdfinfo -meta %s", pdf);
    CHECK_INT(run(cmd, &out), 0);
    CHECK(strstr(out, "<folio:InputSHA256>e3b0c44298fc1c149afbf4c8996fb924</folio:InputSHA256>") != NULL);
    CHECK(strstr(out, "<pdfaProperty:name>InputSHA256</pdfaProperty:name>") != NULL);
    CHECK(strstr(out, "Quarterly &lt;Q3&gt; &amp; more: Größe") != NULL);
    CHECK(strstr(out, "Reality &quot;and&quot; impact") != NULL);
    CHECK(strstr(out, "<xmp:CreateDate>2025-03-05T00:00:00+00:00</xmp:CreateDate>") != NULL);
    CHECK(strstr(out, "pdfuaid") == NULL);
    free(cmd), free(out);

    /* The control character XML cannot hold left Info too, so the two agree. */
    cmd = xasprintf("pdfinfo %s", pdf);
    CHECK_INT(run(cmd, &out), 0);
    CHECK(strstr(out, "Title:           Quarterly <Q3> & more: Größe\n") != NULL);
    CHECK(strstr(out, "PDF version:     1.7") != NULL);
    free(cmd), free(out);

    /* Without a claim the same extra key is in Info, and nothing of PDF/A is added. */
    o.standards = 0;
    CHECK(folio_pdf_write(l, &d, &o, pdf, &diag));
    cmd = xasprintf("python3 tests/tools/pdfcheck.py --expect none %s && pdfinfo -custom %s && pdfinfo %s",
                    pdf, pdf, pdf);
    CHECK_INT(run(cmd, &out), 0);
    CHECK(strstr(out, "InputSHA256:") != NULL);
    CHECK(strstr(out, "Metadata Stream: no") != NULL);
    free(cmd), free(out);

    folio_diag_free(&diag);
    folio_layout_free(l);
    free(pdf);
}

/* The claims that must fail, each with its message, and no file written. */
static void refuse(const char *what, folio_doc *d, folio_pdf_options o, const char *message)
{
    folio_layout *l = one_page();
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    char *pdf = xasprintf("%s/refused.pdf", tmpdir);
    unlink(pdf);
    CHECK(!folio_pdf_write(l, d, &o, pdf, &diag));
    CHECK(access(pdf, F_OK) != 0);
    bool found = false;
    for (size_t i = 0; i < diag.n; i++)
        found = found || strstr(diag.items[i].text, message);
    if (!found)
        fprintf(stderr, "%s: no message with \"%s\"\n", what, message);
    CHECK(found);
    folio_diag_free(&diag);
    folio_layout_free(l);
    free(pdf);
}

/* A character no font has (drawn as .notdef) is refused under a claim; one above U+FFFF (drawn
 * as U+FFFD) is not. */
static void refuse_notdef(folio_doc *d)
{
    folio_layout *l = one_page();
    l->unprintable = xcalloc(2, sizeof *l->unprintable);
    l->unprintable[0] = (folio_unprintable){.cp = 0x1F600, .count = 1};
    l->nunprintable = 1;
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    char *pdf = xasprintf("%s/notdef.pdf", tmpdir);
    folio_pdf_options o = options(FOLIO_PDF_A2B);
    CHECK(folio_pdf_write(l, d, &o, pdf, &diag));
    l->unprintable[1] = (folio_unprintable){.cp = 0xE000, .count = 1};
    l->nunprintable = 2;
    unlink(pdf);
    CHECK(!folio_pdf_write(l, d, &o, pdf, &diag));
    CHECK(access(pdf, F_OK) != 0);
    CHECK(diag.n > 0 && strstr(diag.items[diag.n - 1].text, "character U+E000 is drawn as an empty box"));
    o.standards_default = true;
    CHECK(folio_pdf_write(l, d, &o, pdf, &diag));
    free(pdf);
    folio_diag_free(&diag);
    folio_layout_free(l);
}

static void test_refusals(void)
{
    folio_doc d = sample_doc();
    folio_pdf_options untagged = options(FOLIO_PDF_UA1);
    untagged.untagged = true; /* tagged is the default */
    refuse("ua-1 untagged", &d, untagged, "--pdf-standard ua-1 needs a tagged PDF");
    untagged.standards = FOLIO_PDF_A2A | FOLIO_PDF_UA1;
    refuse("a-2a untagged", &d, untagged, "--pdf-standard a-2a,ua-1 needs a tagged");

    folio_pdf_options o = options(FOLIO_PDF_A2B);
    folio_pdf_info bad[] = {{"Title", "x"}};
    o.info = bad;
    refuse("standard key", &d, o, "document information key \"Title\"");
    bad[0].key = "has space";
    refuse("bad key", &d, o, "document information key \"has space\"");

    /* A CMYK image: refused when a-2b is asked, silently not claimed when it is the default. */
    folio_image cmyk = {.display = "images/cmyk.jpg", .format = FOLIO_IMAGE_JPEG, .components = 4};
    folio_image *images[] = {&cmyk};
    d.images = images;
    d.nimages = 1;
    refuse("cmyk", &d, options(FOLIO_PDF_A2B), "a CMYK JPEG cannot go into a PDF/A file (a-2b)");
    d.nimages = 0;
    refuse_notdef(&d);
    d.nimages = 1;

    folio_layout *l = one_page();
    folio_diag diag;
    folio_diag_init(&diag);
    o = options(FOLIO_PDF_A2B);
    o.standards_default = true;
    char *pdf = xasprintf("%s/default.pdf", tmpdir), *out;
    CHECK(folio_pdf_write(l, &d, &o, pdf, &diag));
    CHECK_INT(diag.errors + diag.warnings, 0);
    char *cmd = xasprintf("python3 tests/tools/pdfcheck.py --expect none %s && pdfinfo %s", pdf, pdf);
    CHECK_INT(run(cmd, &out), 0);
    CHECK(strstr(out, "Metadata Stream: no") != NULL);
    free(cmd), free(out), free(pdf);
    folio_diag_free(&diag);
    folio_layout_free(l);
}

/* A default that asks for tagging (a-2a, ua-1) falls back to a-2b in an untagged document. */
static void test_default_untagged(void)
{
    folio_layout *l = one_page();
    folio_doc d = sample_doc();
    folio_diag diag;
    folio_diag_init(&diag);
    folio_pdf_options o = options(FOLIO_PDF_A2A | FOLIO_PDF_UA1);
    o.standards_default = true;
    o.untagged = true; /* tagged is the default */
    char *pdf = xasprintf("%s/untagged.pdf", tmpdir), *out;
    CHECK(folio_pdf_write(l, &d, &o, pdf, &diag));
    CHECK_INT(diag.errors + diag.warnings, 0);
    char *cmd = xasprintf("python3 tests/tools/pdfcheck.py --expect a-2b %s", pdf);
    CHECK_INT(run(cmd, &out), 0);
    free(cmd), free(out), free(pdf);
    folio_diag_free(&diag);
    folio_layout_free(l);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/folio-pdfa-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    test_names();
    test_write_a2b();
    test_refusals();
    test_default_untagged();
    char *rm = xasprintf("rm -rf %s", tmpdir);
    if (system(rm) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    free(rm);
    printf("%d passed, %d failed\n", harness_passed, harness_failed);
    return harness_failed ? 1 : 0;
}
