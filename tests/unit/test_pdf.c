/* Tests of the PDF writer: a hand-built display list written to a temporary directory and read
 * back with qpdf, pdftotext, pdfinfo and pdffonts; then the ways a write must fail cleanly.
 * Run from the repository root (fonts/ is read from there). */
#include <dirent.h>
#include <hpdf.h>
#include <hpdf_encoder.h>
#include <hpdf_font.h>
#include <hpdf_utils.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/diag.h"
#include "core/util.h"
#include "doc/doc.h"
#include "harness.h"
#include "layout/display.h"
#include "layout/fonts.h"
#include "pdf/pdf.h"
#include "pdf/pdf_internal.h"

#define A4_W 595.276
#define A4_H 841.89
#define DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

static const char *const open_sans[4] = {"fonts/OpenSans-Regular.ttf", "fonts/OpenSans-Bold.ttf",
                                         "fonts/OpenSans-Italic.ttf", "fonts/OpenSans-BoldItalic.ttf"};

/* What each face draws, and what pdftotext must give back. */
static const char *const s_regular = "“Curly” quotes – dashes — café Ωμέγα Привет";
static const char *const s_bold = "Bold heading Größe";
static const char *const s_italic = "Italic émphasis ñandú";
static const char *const s_bold_italic = "Bold italic Ελληνικά Кириллица";
static const char *const s_astral = "smile 😀 end";
static const char *const s_astral_out = "smile \xEF\xBF\xBD end"; /* U+FFFD */
static const char *const s_bad_utf8 = "bad \xC3 byte";
static const char *const s_bad_utf8_out = "bad \xEF\xBF\xBD byte";
/* Enough distinct characters in one face for more than one beginbfchar block of 100. */
static const char *const s_latin1 =
    "¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ";
static const char *const s_greek_cyrillic = "αβγδεζηθικλμνξοπρςστυφχψω абвгдежзийклмнопрстуфхцчшщъыьэюя";
static const char *const s_title = "Größe & “Impact” Ωμέγα";

/* ---- building a display list by hand (independent of layout/display.c) ---- */

static folio_op *push(folio_page *p, folio_op op)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->ops = xrealloc(p->ops, p->cap * sizeof *p->ops);
    }
    if (op.text)
        op.text = xstrdup(op.text);
    p->ops[p->n] = op;
    return &p->ops[p->n++];
}

static void text(folio_page *p, double x, double y, int face, double size, uint32_t colour, const char *s)
{
    push(p, (folio_op){.kind = FOLIO_OP_TEXT,
                       .x = x,
                       .y = y,
                       .face = face,
                       .size = size,
                       .fill = colour,
                       .text = (char *)s,
                       .dest_page = -1});
}

static void rect(folio_page *p, double x, double y, double w, double h, uint32_t fill, bool filled,
                 uint32_t stroke, double lw)
{
    push(p, (folio_op){.kind = FOLIO_OP_RECT,
                       .x = x,
                       .y = y,
                       .w = w,
                       .h = h,
                       .fill = fill,
                       .filled = filled,
                       .stroke = stroke,
                       .line_width = lw,
                       .dest_page = -1});
}

static void line(folio_page *p, double x, double y, double w, double h, uint32_t colour, double lw,
                 double dash)
{
    push(p, (folio_op){.kind = FOLIO_OP_LINE,
                       .x = x,
                       .y = y,
                       .w = w,
                       .h = h,
                       .stroke = colour,
                       .line_width = lw,
                       .dash = dash,
                       .dest_page = -1});
}

static void link_to(folio_page *p, double x, double y, double w, double h, int page, double top)
{
    push(p,
         (folio_op){.kind = FOLIO_OP_LINK, .x = x, .y = y, .w = w, .h = h, .dest_page = page, .dest_y = top});
}

static void link_uri(folio_page *p, double x, double y, double w, double h, const char *uri)
{
    push(p, (folio_op){
                .kind = FOLIO_OP_LINK, .x = x, .y = y, .w = w, .h = h, .text = (char *)uri, .dest_page = -1});
}

static void layout_init(folio_layout *l, size_t npages)
{
    *l = (folio_layout){.page_w = A4_W, .page_h = A4_H, .npages = npages, .body_start = 1};
    l->pages = xcalloc(npages, sizeof *l->pages);
}

static void outline(folio_layout *l, const char *title, int level, int page, double y)
{
    l->outline = xrealloc(l->outline, (l->noutline + 1) * sizeof *l->outline);
    l->outline[l->noutline++] = (folio_outline_entry){xstrdup(title), level, page, y};
}

static void layout_clear(folio_layout *l)
{
    for (size_t i = 0; i < l->npages; i++) {
        for (size_t k = 0; k < l->pages[i].n; k++)
            folio_op_free(&l->pages[i].ops[k]);
        free(l->pages[i].ops);
    }
    for (size_t i = 0; i < l->noutline; i++)
        free(l->outline[i].title);
    free(l->pages);
    free(l->outline);
    *l = (folio_layout){0};
}

/* The full test document: three pages, all four faces, shapes, both kinds of link, two
 * outline levels. */
static void build_sample(folio_layout *l)
{
    layout_init(l, 3);
    folio_page *p = &l->pages[0];
    rect(p, 0, A4_H - 120, A4_W, 120, 0x1F3A5F, true, 0, 0);
    text(p, 56, A4_H - 80, FOLIO_FACE_BOLD, 28, 0xFFFFFF, s_bold);
    text(p, 56, 640, FOLIO_FACE_REGULAR, 12, 0x222222, s_regular);
    text(p, 56, 610, FOLIO_FACE_ITALIC, 12, 0x222222, s_italic);
    text(p, 56, 580, FOLIO_FACE_BOLD_ITALIC, 12, 0xAA3300, s_bold_italic);
    text(p, 56, 550, FOLIO_FACE_REGULAR, 12, 0x222222, s_astral);
    text(p, 56, 520, FOLIO_FACE_REGULAR, 12, 0x0645AD, "Go to the details");
    link_to(p, 56, 516, 110, 16, 2, 780);
    text(p, 56, 490, FOLIO_FACE_REGULAR, 12, 0x0645AD, "Visit the café site");
    link_uri(p, 56, 486, 120, 16, "https://example.org/café?q=a b&r=%41");
    /* a small table: cell fills in a batch, outlines in a batch, a filled-and-stroked box */
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            rect(p, 56 + c * 100, 380 - r * 24, 100, 24, r == 0 ? 0xDDE6F0 : 0xFFFFFF, true, 0, 0);
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            rect(p, 56 + c * 100, 380 - r * 24, 100, 24, 0, false, 0x888888, 0.5);
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) {
            char cell[32];
            snprintf(cell, sizeof cell, "R%dC%d", r + 1, c + 1);
            text(p, 62 + c * 100, 388 - r * 24, r == 0 ? FOLIO_FACE_BOLD : FOLIO_FACE_REGULAR, 10, 0x111111,
                 cell);
        }
    rect(p, 400, 300, 120, -60, 0xF5D76E, true, 0x7A5C00, 2); /* negative height: normalised */
    line(p, 56, 260, 480, 0, 0x333333, 1, 0);
    line(p, 56, 250, 480, 0, 0x333333, 1, 0);
    line(p, 56, 240, 480, 0, 0xCC0000, 0.75, 3);
    line(p, 56, 230, 480, 0, 0xCC0000, 0.75, 3);
    text(p, 56, 40, FOLIO_FACE_REGULAR, 9, 0x666666, "Page 1 of 3");

    p = &l->pages[1];
    text(p, 56, 780, FOLIO_FACE_BOLD, 18, 0x1F3A5F, "Introduction Введение");
    text(p, 56, 750, FOLIO_FACE_REGULAR, 11, 0x222222, "Body text on the second page.");
    text(p, 56, 730, FOLIO_FACE_REGULAR, 11, 0x222222, s_bad_utf8);
    text(p, 56, 700, FOLIO_FACE_BOLD, 14, 0x1F3A5F, "Background");
    line(p, 56, 690, 300, 0, 0x1F3A5F, 0.5, 0);
    text(p, 56, 40, FOLIO_FACE_REGULAR, 9, 0x666666, "Page 2 of 3");

    p = &l->pages[2];
    text(p, 56, 780, FOLIO_FACE_BOLD, 18, 0x1F3A5F, "Détails Ωμέγα");
    text(p, 56, 700, FOLIO_FACE_BOLD, 14, 0x1F3A5F, "Method");
    text(p, 56, 670, FOLIO_FACE_REGULAR, 8, 0x222222, s_latin1);
    text(p, 56, 655, FOLIO_FACE_REGULAR, 8, 0x222222, s_greek_cyrillic);
    text(p, 56, 40, FOLIO_FACE_REGULAR, 9, 0x666666, "Page 3 of 3");

    outline(l, "Introduction Введение", 1, 1, 800);
    outline(l, "Background", 2, 1, 718);
    outline(l, "Détails Ωμέγα", 1, 2, 800);
    outline(l, "Method", 2, 2, 718);
}

static folio_doc sample_doc(void)
{
    folio_doc d = {0};
    d.title = (char *)s_title;
    d.subtitle = (char *)"A subtitle";
    d.author = (char *)"Jürgen Müller";
    d.subject = (char *)"Reality and impact";
    d.keywords = (char *)"survey, impact";
    d.creator = (char *)"folio 0.1.0";
    d.lang = (char *)"en-GB";
    return d;
}

static folio_pdf_options sample_options(void)
{
    folio_pdf_options o = {.creation_date = "2025-03-05"};
    for (int i = 0; i < 4; i++)
        o.font_files[i] = open_sans[i];
    return o;
}

/* ---- running tools ---- */

static char tmpdir[64];

/* Runs a shell command with stdout and stderr captured; returns its exit status. */
static int run(const char *cmd, char **out, char **err)
{
    char *full = xasprintf("%s >%s/.out 2>%s/.err", cmd, tmpdir, tmpdir);
    int st = system(full);
    free(full);
    char *o = xasprintf("%s/.out", tmpdir), *e = xasprintf("%s/.err", tmpdir);
    size_t n;
    if (out)
        *out = folio_read_file(o, &n);
    if (err)
        *err = folio_read_file(e, &n);
    unlink(o);
    unlink(e);
    free(o);
    free(e);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool has(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle);
}

static bool empty(const char *s)
{
    return s && *s == '\0';
}

static bool same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = folio_read_file(a, &na), *y = folio_read_file(b, &nb);
    bool same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Number of entries in the directory whose name starts with '.', other than . and .. */
static int hidden_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    if (d)
        closedir(d);
    return n;
}

static bool diag_mentions(const folio_diag *d, const char *s)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].severity == FOLIO_ERROR && strstr(d->items[i].text, s))
            return true;
    return false;
}

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    fputs(s, f);
    fclose(f);
}

/* ---- tests ---- */

static void test_round_trip(void)
{
    folio_layout l;
    build_sample(&l);
    folio_doc doc = sample_doc();
    folio_pdf_options opt = sample_options();
    folio_diag diag;
    folio_diag_init(&diag);
    char *a = xasprintf("%s/a.pdf", tmpdir), *b = xasprintf("%s/b.pdf", tmpdir);

    unsigned long fast = folio_hpdf_fast_calls;
    CHECK(folio_pdf_write(&l, &doc, &opt, a, &diag));
    CHECK_INT(diag.errors, 0);
    CHECK(file_size(a) > 0);
    /* libharu's own byte copies and fills arrive at folio's HPDF_MemCpy and HPDF_MemSet */
    CHECK(folio_hpdf_fast_calls > fast + 100);
    printf("sample PDF: %ld bytes\n", file_size(a));

    /* Mode 0644 less the umask. */
    mode_t mask = umask(022);
    umask(mask);
    struct stat st;
    CHECK(stat(a, &st) == 0 && (st.st_mode & 0777) == (0644 & ~mask));

    /* Reproducible: a second document and an overwrite of the first are byte-identical. */
    CHECK(folio_pdf_write(&l, &doc, &opt, b, &diag));
    CHECK(same_file(a, b));
    CHECK(folio_pdf_write(&l, &doc, &opt, a, &diag));
    CHECK(same_file(a, b));
    CHECK_INT(hidden_files(tmpdir), 0);

    char *out, *err, *cmd;
    cmd = xasprintf("qpdf --check %s", a);
    CHECK_INT(run(cmd, &out, &err), 0);
    CHECK(has(out, "No syntax or stream encoding errors found"));
    CHECK(empty(err));
    free(cmd), free(out), free(err);

    cmd = xasprintf("pdftotext -enc UTF-8 %s -", a);
    CHECK_INT(run(cmd, &out, &err), 0);
    const char *expect[] = {s_regular,    s_bold,         s_italic,       s_bold_italic,
                            s_astral_out, s_bad_utf8_out, s_latin1,       s_greek_cyrillic,
                            "R2C3",       "Page 3 of 3",  "Détails Ωμέγα"};
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++) {
        if (!has(out, expect[i]))
            fprintf(stderr, "pdftotext lacks \"%s\"\n", expect[i]);
        CHECK(has(out, expect[i]));
    }
    CHECK(empty(err));
    if (!empty(err))
        fprintf(stderr, "pdftotext said: %s", err);
    free(cmd), free(out), free(err);

    cmd = xasprintf("pdfinfo -isodates %s", a);
    CHECK_INT(run(cmd, &out, &err), 0);
    char *title = xasprintf("Title:           %s\n", s_title);
    CHECK(has(out, title));
    CHECK(has(out, "Pages:           3\n"));
    CHECK(has(out, "Author:          Jürgen Müller\n"));
    CHECK(has(out, "Subject:         Reality and impact\n"));
    CHECK(has(out, "Keywords:        survey, impact\n"));
    CHECK(has(out, "Creator:         folio 0.1.0\n"));
    CHECK(has(out, "CreationDate:    2025-03-05T00:00:00"));
    CHECK(has(out, "ModDate:         2025-03-05T00:00:00"));
    CHECK(has(out, "Page size:       595.276 x 841.89 pts (A4)"));
    CHECK(empty(err));
    free(title), free(cmd), free(out), free(err);

    cmd = xasprintf("pdffonts %s", a);
    CHECK_INT(run(cmd, &out, &err), 0);
    int embedded = 0;
    for (const char *p = out; p && (p = strstr(p, "CID TrueType      Identity-H       yes yes yes")); p++)
        embedded++;
    CHECK_INT(embedded, 4);
    CHECK(has(out, "OpenSans-Bold") && has(out, "OpenSans-Italic") && has(out, "OpenSans-BoldItalic"));
    CHECK(empty(err));
    if (!empty(err))
        fprintf(stderr, "pdffonts said: %s", err);
    free(cmd), free(out), free(err);

    /* The rendering path reads every font and CMap too: no warnings there either. */
    cmd = xasprintf("pdftoppm -png -r 60 %s %s/page", a, tmpdir);
    CHECK_INT(run(cmd, &out, &err), 0);
    CHECK(empty(err));
    free(cmd), free(out), free(err);

    /* Structure, uncompressed: XYZ destinations with a null zoom, borderless links, an encoded
     * URI, bfchar ToUnicode maps and no cidrange left, labels, outline pane, language. */
    char *plain = xasprintf("%s/plain.pdf", tmpdir);
    cmd = xasprintf("qpdf --stream-data=uncompress --object-streams=disable %s %s", a, plain);
    CHECK_INT(run(cmd, NULL, NULL), 0);
    size_t n;
    char *raw = folio_read_file(plain, &n);
    CHECK(raw != NULL);
    if (raw) {
        CHECK(has(raw, "/XYZ 0 780 null ]"));
        CHECK(has(raw, "/XYZ 0 718 null ]"));
        CHECK(!has(raw, "/Fit"));
        CHECK(has(raw, "/Border [ 0 0 0 ]"));
        CHECK(has(raw, "/URI (https://example.org/caf%C3%A9?q=a%20b&r=%41)"));
        CHECK(has(raw, "beginbfchar"));
        CHECK(has(raw, "<201C> <201C>"));
        CHECK(has(raw, "100 beginbfchar"));
        CHECK(!has(raw, "begincidrange"));
        CHECK(has(raw, "/PageLabels"));
        CHECK(has(raw, "/PageMode /UseOutlines"));
        CHECK(has(raw, "/Lang (en-GB)"));
        CHECK(has(raw, "/DisplayDocTitle true"));
    }
    free(raw), free(cmd);
    unlink(plain);
    free(plain);

    /* Bookmarks: two at the top, each with one child, pointing at pages 2 and 3. */
    cmd = xasprintf("qpdf --json --json-key=outlines %s", a);
    CHECK_INT(run(cmd, &out, &err), 0);
    CHECK(has(out, "\"title\": \"Introduction Введение\""));
    CHECK(has(out, "\"title\": \"Détails Ωμέγα\""));
    /* qpdf sorts keys, so a parent's title follows its kids: Background, Introduction, Method,
     * Détails in that order means each level-2 entry sits under the level-1 entry before it. */
    const char *order[] = {"\"title\": \"Background\"", "\"title\": \"Introduction", "\"title\": \"Method\"",
                           "\"title\": \"Détails"};
    const char *at = out;
    for (size_t i = 0; i < 4 && at; i++)
        at = strstr(at, order[i]);
    CHECK(at != NULL);
    CHECK(has(out, "\"kids\": [\n        {"));
    CHECK(has(out, "\"destpageposfrom1\": 2"));
    CHECK(has(out, "\"destpageposfrom1\": 3"));
    free(cmd), free(out), free(err);

    folio_diag_free(&diag);
    unlink(b);
    free(a), free(b);
    layout_clear(&l);
}

/* A face no op uses is never loaded, so its file need not exist. */
static void test_lazy_fonts(void)
{
    folio_layout l;
    layout_init(&l, 1);
    text(&l.pages[0], 56, 700, FOLIO_FACE_REGULAR, 12, 0, "Only regular text");
    folio_pdf_options opt = sample_options();
    opt.font_files[FOLIO_FACE_BOLD] = "fonts/NoSuch-Bold.ttf";
    opt.font_files[FOLIO_FACE_ITALIC] = NULL;
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    char *path = xasprintf("%s/lazy.pdf", tmpdir), *cmd = xasprintf("pdffonts %s", path), *out;
    CHECK(folio_pdf_write(&l, NULL, &opt, path, &diag));
    CHECK_INT(diag.errors, 0);
    CHECK_INT(run(cmd, &out, NULL), 0);
    CHECK(has(out, "OpenSans ") && !has(out, "OpenSans-Bold"));
    unlink(path);
    free(path), free(cmd), free(out);
    folio_diag_free(&diag);
    layout_clear(&l);
}

/* The libharu document is freed on a thread of its own while the file is written and synced, or
 * after writing when no thread can be had: the same file either way, and a failed write frees
 * it too (leaks are the sanitizer build's to find). */
static void test_free_aside(void)
{
    folio_layout l;
    layout_init(&l, 1);
    text(&l.pages[0], 56, 700, FOLIO_FACE_REGULAR, 12, 0, "Freed aside");
    folio_pdf_options opt = sample_options();
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    char *p1 = xasprintf("%s/aside.pdf", tmpdir), *p2 = xasprintf("%s/in-series.pdf", tmpdir);
    char *p3 = xasprintf("%s/no-such-dir/aside.pdf", tmpdir);
    unsigned long aside = folio_pdf_docs_freed_aside;
    CHECK(folio_pdf_write(&l, NULL, &opt, p1, &diag));
    CHECK_INT(folio_pdf_docs_freed_aside, aside + 1);
    CHECK(!folio_pdf_write(&l, NULL, &opt, p3, &diag));
    CHECK_INT(folio_pdf_docs_freed_aside, aside + 2);
    folio_pdf_free_threaded = false;
    CHECK(folio_pdf_write(&l, NULL, &opt, p2, &diag));
    folio_pdf_free_threaded = true;
    CHECK_INT(folio_pdf_docs_freed_aside, aside + 2);
    CHECK_INT(diag.errors, 1);
    size_t n1 = 0, n2 = 0;
    char *a = folio_read_file(p1, &n1), *b = folio_read_file(p2, &n2);
    CHECK(a && b && n1 == n2 && memcmp(a, b, n1) == 0);
    free(a), free(b), free(p1), free(p2), free(p3);
    folio_diag_free(&diag);
    layout_clear(&l);
}

static void test_missing_font(void)
{
    folio_layout l;
    build_sample(&l);
    folio_pdf_options opt = sample_options();
    opt.font_files[FOLIO_FACE_BOLD] = "fonts/NoSuch-Bold.ttf";
    folio_doc doc = sample_doc();
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    char *path = xasprintf("%s/keep.pdf", tmpdir);
    write_file(path, "previous contents\n");
    CHECK(!folio_pdf_write(&l, &doc, &opt, path, &diag));
    CHECK(diag.errors >= 1);
    CHECK(diag_mentions(&diag, "cannot load font fonts/NoSuch-Bold.ttf: No such file or directory"));
    size_t n;
    char *now = folio_read_file(path, &n);
    CHECK_STR(now, "previous contents\n");
    CHECK_INT(hidden_files(tmpdir), 0);
    free(now);

    /* A file that is not a font at all. */
    folio_diag_free(&diag);
    folio_diag_init(&diag);
    diag.quiet = true;
    opt.font_files[FOLIO_FACE_BOLD] = "fonts/LICENSE-Apache-2.0.txt";
    CHECK(!folio_pdf_write(&l, &doc, &opt, path, &diag));
    CHECK(diag_mentions(&diag, "cannot load font fonts/LICENSE-Apache-2.0.txt: not a TrueType font"));

    /* Too short for a table directory (libharu 2.3.0 itself would crash on this one). */
    char *tiny = xasprintf("%s/tiny.ttf", tmpdir);
    FILE *t = fopen(tiny, "wb");
    fwrite("\0\1\0\0\0\x10", 1, 6, t);
    fclose(t);
    opt.font_files[FOLIO_FACE_BOLD] = tiny;
    CHECK(!folio_pdf_write(&l, &doc, &opt, path, &diag));
    char *tiny_want = xasprintf("cannot load font %s: not a TrueType font", tiny);
    CHECK(diag_mentions(&diag, tiny_want));
    unlink(tiny);
    free(tiny), free(tiny_want);
    now = folio_read_file(path, &n);
    CHECK_STR(now, "previous contents\n");
    CHECK_INT(hidden_files(tmpdir), 0);
    free(now);

    /* A truncated font: libharu fails without an error code; the message still says why. */
    folio_diag_free(&diag);
    folio_diag_init(&diag);
    diag.quiet = true;
    size_t len;
    char *ttf = folio_read_file(open_sans[FOLIO_FACE_BOLD], &len);
    char *cut = xasprintf("%s/cut.ttf", tmpdir);
    FILE *f = fopen(cut, "wb");
    fwrite(ttf, 1, len / 3, f);
    fclose(f);
    opt.font_files[FOLIO_FACE_BOLD] = cut;
    CHECK(!folio_pdf_write(&l, &doc, &opt, path, &diag));
    char *want = xasprintf("cannot load font %s: the file is truncated or damaged", cut);
    CHECK(diag_mentions(&diag, want));
    now = folio_read_file(path, &n);
    CHECK_STR(now, "previous contents\n");
    CHECK_INT(hidden_files(tmpdir), 0);
    unlink(cut);
    free(now), free(ttf), free(cut), free(want);

    unlink(path);
    free(path);
    folio_diag_free(&diag);
    layout_clear(&l);
}

static void test_unwritable(void)
{
    folio_layout l;
    layout_init(&l, 1);
    text(&l.pages[0], 56, 700, FOLIO_FACE_REGULAR, 12, 0, "Hello");
    folio_pdf_options opt = sample_options();
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;

    char *path = xasprintf("%s/no-such-dir/x.pdf", tmpdir);
    char *want = xasprintf("cannot write %s: No such file or directory", path);
    CHECK(!folio_pdf_write(&l, NULL, &opt, path, &diag));
    CHECK(diag_mentions(&diag, want));
    free(path), free(want);

    /* The target is a directory: the rename fails and the temporary file goes. */
    path = xasprintf("%s/adir", tmpdir);
    mkdir(path, 0755);
    want = xasprintf("cannot write %s: Is a directory", path);
    CHECK(!folio_pdf_write(&l, NULL, &opt, path, &diag));
    CHECK(diag_mentions(&diag, want));
    CHECK_INT(hidden_files(tmpdir), 0);
    rmdir(path);
    free(path), free(want);

    /* A read-only directory (root writes anyway, so only as another user). */
    if (geteuid() != 0) {
        char *dir = xasprintf("%s/ro", tmpdir);
        mkdir(dir, 0555);
        path = xasprintf("%s/x.pdf", dir);
        want = xasprintf("cannot write %s: Permission denied", path);
        CHECK(!folio_pdf_write(&l, NULL, &opt, path, &diag));
        CHECK(diag_mentions(&diag, want));
        rmdir(dir);
        free(dir), free(path), free(want);
    }
    folio_diag_free(&diag);
    layout_clear(&l);
}

static void test_bad_input(void)
{
    folio_layout l;
    layout_init(&l, 1);
    text(&l.pages[0], 56, 700, FOLIO_FACE_REGULAR, 12, 0, "Hello");
    folio_pdf_options opt = sample_options();
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    char *path = xasprintf("%s/bad.pdf", tmpdir);

    opt.creation_date = "2025-02-30";
    CHECK(!folio_pdf_write(&l, NULL, &opt, path, &diag));
    CHECK(diag_mentions(&diag, "invalid creation date \"2025-02-30\""));
    opt.creation_date = NULL;

    link_to(&l.pages[0], 56, 700, 50, 12, 5, 700);
    CHECK(!folio_pdf_write(&l, NULL, &opt, path, &diag));
    CHECK(diag_mentions(&diag, "link to page 6, but the document has 1 pages"));
    l.pages[0].n--;

    l.pages[0].ops[0].size = 0; /* libharu refuses it: its error code reaches the message */
    CHECK(!folio_pdf_write(&l, NULL, &opt, path, &diag));
    CHECK(diag_mentions(&diag, "cannot draw page 1: libharu error 0x1050"));
    l.pages[0].ops[0].size = 12;

    l.pages[0].ops[0].face = 7;
    CHECK(!folio_pdf_write(&l, NULL, &opt, path, &diag));
    CHECK(diag_mentions(&diag, "unknown font face 7"));
    l.pages[0].ops[0].face = FOLIO_FACE_REGULAR;

    CHECK(access(path, F_OK) != 0);
    CHECK_INT(hidden_files(tmpdir), 0);
    CHECK(folio_pdf_write(&l, NULL, &opt, path, &diag)); /* and it still works */
    unlink(path);
    free(path);
    folio_diag_free(&diag);
    layout_clear(&l);
}

/* The code points of UTF-8 text s, as the writer collects them. */
static void cpset_of(folio_cpset *set, const char *s)
{
    memset(set, 0, sizeof *set);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        uint32_t cp = *p++;
        if (cp >= 0xE0)
            cp = (cp & 0x0F) << 12 | (uint32_t)(p[0] & 0x3F) << 6 | (p[1] & 0x3F), p += 2;
        else if (cp >= 0xC0)
            cp = (cp & 0x1F) << 6 | (p[0] & 0x3F), p += 1;
        folio_cpset_add(set, cp);
    }
}

/* folio_pdf_get_font lends the UTF-8 encoder maps of the used codes alone, and leaves its own as
 * they were: a second font's CIDToGIDMap ends at its own highest code, not the first font's. */
static void test_get_font(void)
{
    HPDF_Doc pdf = HPDF_New(NULL, NULL);
    CHECK(pdf != NULL && HPDF_UseUTFEncodings(pdf) == HPDF_OK);
    HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
    CHECK(enc != NULL);
    void *attr = enc->attr;
    HPDF_Encoder_ToUnicode_Func to_unicode = enc->to_unicode_fn;
    HPDF_CMapEncoderAttr_Rec *before = xmalloc(sizeof *before);
    memcpy(before, attr, sizeof *before);
    folio_cpset cyrillic, greek;
    cpset_of(&cyrillic, "Привет"); /* up to U+0442 */
    cpset_of(&greek, "AB Ω");      /* up to U+03A9 */
    HPDF_CMapEncoderAttr codes = NULL;
    const char *n1 = HPDF_LoadTTFontFromFile(pdf, open_sans[FOLIO_FACE_REGULAR], HPDF_TRUE);
    const char *n2 = HPDF_LoadTTFontFromFile(pdf, open_sans[FOLIO_FACE_BOLD], HPDF_TRUE);
    HPDF_Font f1 = n1 ? folio_pdf_get_font(pdf, n1, &cyrillic, &codes) : NULL;
    HPDF_Font f2 = n2 ? folio_pdf_get_font(pdf, n2, &greek, &codes) : NULL;
    CHECK(f1 && f2 && codes);
    CHECK(enc->attr == attr && enc->to_unicode_fn == to_unicode);
    CHECK(memcmp(before, attr, sizeof *before) == 0);
    bool zero = true;
    for (size_t i = 0; codes && i < 256 * 256; i++)
        zero = zero && codes->cid_map[i >> 8][i & 255] == 0 && codes->unicode_map[i >> 8][i & 255] == 0;
    CHECK(zero);
    /* the CIDToGIDMap has 2 bytes per code up to one past the highest one drawn */
    HPDF_FontAttr a1 = f1 ? (HPDF_FontAttr)f1->attr : NULL, a2 = f2 ? (HPDF_FontAttr)f2->attr : NULL;
    CHECK(a1 && a1->map_stream && HPDF_Stream_Size(a1->map_stream->stream) == 2 * (0x0442 + 1));
    CHECK(a2 && a2->map_stream && HPDF_Stream_Size(a2->map_stream->stream) == 2 * (0x03A9 + 1));
    free(codes);
    free(before);
    HPDF_Free(pdf);
}

/* DejaVuSans has composite glyphs whose components are composites (ǖ = u + dieresis-macron, the
 * latter itself two parts): the fix must add the inner ones. Open Sans has none, so this uses
 * the system's DejaVu when it is there. */
static void test_nested_composites(void)
{
    if (access(DEJAVU, R_OK) != 0) {
        printf("skipped: nested composites (no %s)\n", DEJAVU);
        return;
    }
    HPDF_Doc pdf = HPDF_New(NULL, NULL);
    CHECK(pdf != NULL);
    CHECK(HPDF_UseUTFEncodings(pdf) == HPDF_OK);
    const char *name = HPDF_LoadTTFontFromFile(pdf, DEJAVU, HPDF_TRUE);
    HPDF_Font font = name ? HPDF_GetFont(pdf, name, "UTF-8") : NULL;
    CHECK(font != NULL);
    HPDF_Page page = HPDF_AddPage(pdf);
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, font, 12);
    HPDF_Page_TextOut(page, 50, 700, "ǖ ệ Ǆ");
    HPDF_Page_EndText(page);
    long added = folio_pdf_fix_composites(font);
    CHECK(added > 0);
    CHECK_INT(folio_pdf_fix_composites(font), 0);
    HPDF_Free(pdf);

    /* And through the writer: the text still extracts. */
    folio_layout l;
    layout_init(&l, 1);
    text(&l.pages[0], 56, 700, FOLIO_FACE_REGULAR, 24, 0, "ǖ ệ ỗ Ǆ");
    folio_pdf_options opt = {.font_files = {DEJAVU, DEJAVU, DEJAVU, DEJAVU}};
    folio_diag diag;
    folio_diag_init(&diag);
    char *path = xasprintf("%s/nested.pdf", tmpdir), *cmd = xasprintf("pdftotext -raw %s -", path);
    char *out, *err;
    CHECK(folio_pdf_write(&l, NULL, &opt, path, &diag));
    CHECK_INT(run(cmd, &out, &err), 0);
    CHECK(has(out, "ǖ ệ ỗ Ǆ"));
    CHECK(empty(err));
    free(cmd), free(out), free(err);
    free(path);
    folio_diag_free(&diag);
    layout_clear(&l);
}

/* The colour of pixel (x, y) of page 1 rendered at 72 dpi (1 pixel = 1 point, y from the top). */
static uint32_t pixel_at(const char *pdf, int x, int y)
{
    char *ppm = xasprintf("%s/px", tmpdir);
    char *cmd = xasprintf("pdftoppm -r 72 -f 1 -l 1 -x %d -y %d -W 1 -H 1 %s %s", x, y, pdf, ppm);
    uint32_t colour = 0xFFFFFFFFu;
    if (run(cmd, NULL, NULL) == 0) {
        char *file = xasprintf("%s-1.ppm", ppm);
        size_t n;
        unsigned char *data = (unsigned char *)folio_read_file(file, &n);
        if (data && n >= 3)
            colour = (uint32_t)data[n - 3] << 16 | (uint32_t)data[n - 2] << 8 | data[n - 1];
        free(data);
        free(file);
    }
    free(cmd);
    free(ppm);
    return colour;
}

/* Paths (lines, curves, closed and filled) and clipping: what is drawn inside a CLIP box shows,
 * what falls outside it does not, and the state after UNCLIP is the state before CLIP. */
static void test_paths_and_clips(void)
{
    folio_layout l;
    layout_init(&l, 1);
    folio_page *p = &l.pages[0];
    /* A red triangle, its right half outside the clip box x 100..200, y 500..600. */
    folio_seg tri[] = {{FOLIO_SEG_MOVE, 0, 0, 0, 0, 0, 0},
                       {FOLIO_SEG_LINE, 200, 0, 0, 0, 0, 0},
                       {FOLIO_SEG_LINE, 100, 100, 0, 0, 0, 0},
                       {FOLIO_SEG_CLOSE, 0, 0, 0, 0, 0, 0}};
    folio_op clip = {.kind = FOLIO_OP_CLIP, .x = 100, .y = 500, .w = 100, .h = 100};
    folio_page_add(p, &clip);
    folio_op path = {.kind = FOLIO_OP_PATH,
                     .x = 100,
                     .y = 500,
                     .fill = 0xFF0000,
                     .filled = true,
                     .segs = tri,
                     .nsegs = 4,
                     .dest_page = -1};
    folio_page_add(p, &path);
    folio_op unclip = {.kind = FOLIO_OP_UNCLIP};
    folio_page_add(p, &unclip);
    /* After UNCLIP: a blue square at x 300..340 must show, in blue (the fill colour cached
     * before the clip must not be taken for the current one). */
    rect(p, 300, 500, 40, 40, 0x0000FF, true, 0, 0);
    /* A stroked curve, dashed. */
    folio_seg curve[] = {{FOLIO_SEG_MOVE, 0, 0, 0, 0, 0, 0}, {FOLIO_SEG_CURVE, 200, 0, 50, 80, 150, 80}};
    folio_op c = {.kind = FOLIO_OP_PATH,
                  .x = 100,
                  .y = 300,
                  .stroke = 0x00AA00,
                  .line_width = 2,
                  .dash = 3,
                  .segs = curve,
                  .nsegs = 2,
                  .dest_page = -1};
    folio_page_add(p, &c);
    /* A CLIP never closed: restored at the end of the page, the PDF still well formed. */
    folio_page_add(p, &clip);

    folio_doc doc = sample_doc();
    folio_pdf_options opt = sample_options();
    folio_diag diag;
    folio_diag_init(&diag);
    char *a = xasprintf("%s/paths.pdf", tmpdir);
    CHECK(folio_pdf_write(&l, &doc, &opt, a, &diag));
    CHECK_INT(diag.errors, 0);
    char *out, *err, *cmd = xasprintf("qpdf --check %s", a);
    CHECK_INT(run(cmd, &out, &err), 0);
    CHECK(empty(err));
    free(cmd), free(out), free(err);

    int top = (int)A4_H;                            /* pixel rows count from the top of the page */
    CHECK(pixel_at(a, 150, top - 520) == 0xFF0000); /* inside the triangle and the box */
    CHECK(pixel_at(a, 205, top - 502) == 0xFFFFFF); /* inside the triangle, outside the box */
    CHECK(pixel_at(a, 320, top - 520) == 0x0000FF); /* after UNCLIP: blue, not red */
    uint32_t mid = pixel_at(a, 200, top - 360);     /* the curve's apex, y = 300 + 60 */
    CHECK(((mid >> 8) & 0xFF) > 0x60 && (mid >> 16) < 0x80);

    char *plain = xasprintf("%s/paths-plain.pdf", tmpdir);
    cmd = xasprintf("qpdf --stream-data=uncompress --object-streams=disable %s %s", a, plain);
    CHECK_INT(run(cmd, NULL, NULL), 0);
    size_t n;
    char *raw = folio_read_file(plain, &n);
    if (raw) {
        CHECK(has(raw, "W\n"));      /* clip */
        CHECK(has(raw, " c\n"));     /* a curve */
        CHECK(has(raw, "h\n"));      /* a closed path */
        CHECK(has(raw, "[3 ] 0 d")); /* the dash */
        CHECK(has(raw, "Q\n"));
    }
    free(raw);
    free(cmd);
    free(plain);
    free(a);
    folio_diag_free(&diag);
    layout_clear(&l);
}

/* folio's HPDF_MemCpy and HPDF_MemSet keep libharu's contract: the end pointer returned, zero
 * bytes allowed, overlapping copies forward as libharu's loop does them. */
static void test_mem_contract(void)
{
    HPDF_BYTE buf[16] = "abcdefghijklmno";
    CHECK(HPDF_MemCpy(buf, (const HPDF_BYTE *)"XYZ", 3) == buf + 3);
    CHECK(memcmp(buf, "XYZdefghijklmno", 15) == 0);
    CHECK(HPDF_MemCpy(buf + 5, buf, 0) == buf + 5);
    CHECK(HPDF_MemCpy(buf, buf + 1, 4) == buf + 4); /* out before in: a forward copy */
    CHECK(memcmp(buf, "YZdeefghijklmno", 15) == 0);
    CHECK((HPDF_BYTE *)HPDF_MemSet(buf + 2, '.', 5) == buf + 7);
    CHECK(memcmp(buf, "YZ.....hijklmno", 15) == 0);
    CHECK((HPDF_BYTE *)HPDF_MemSet(buf, 0, 0) == buf);
}

int main(void)
{
#ifdef FOLIO_SOURCE_DIR
    if (access(open_sans[0], R_OK) != 0 && chdir(FOLIO_SOURCE_DIR) != 0) {
        perror(FOLIO_SOURCE_DIR);
        return 1;
    }
#endif
    strcpy(tmpdir, "/tmp/folio-test-pdf-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_mem_contract();
    test_round_trip();
    test_lazy_fonts();
    test_free_aside();
    test_missing_font();
    test_unwritable();
    test_bad_input();
    test_get_font();
    test_nested_composites();
    test_paths_and_clips();
    if (getenv("FOLIO_KEEP_TEST_OUTPUT")) {
        printf("output kept in %s\n", tmpdir);
    } else {
        char *cmd = xasprintf("rm -rf %s", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmpdir);
        free(cmd);
    }
    return harness_summary();
}
