/* Fonts: the registry (bundled family, fontconfig lookups, refusals), report.lua's theme.font
 * and theme.fallback, and the fallback chain in layout (which face draws each character, and the
 * characters no font can print). Needs fonts-dejavu-core (DejaVu Sans and Serif). */
#include <hb.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "harness.h"
#include "layout/fonts.h"
#include "layout/fontreg.h"
#include "layout/layout.h"
#include "report/report.h"

static bool ends_with(const char *s, const char *end)
{
    size_t n = s ? strlen(s) : 0, m = strlen(end);
    bool ok = n >= m && strcmp(s + n - m, end) == 0;
    if (!ok)
        fprintf(stderr, "expected a path ending %s, got %s\n", end, s ? s : "(null)");
    return ok;
}

static void test_registry(void)
{
    folio_fontreg *r = folio_fontreg_create();
    folio_fontreg_add_bundled(r, "fonts");
    char err[1024] = "";
    /* The bundled family wins over fontconfig's (Debian also installs Open Sans), any case. */
    CHECK_STR(folio_fontreg_find(r, "Open Sans", FOLIO_FACE_REGULAR, err, sizeof err), "fonts/OpenSans-Regular.ttf");
    CHECK_STR(folio_fontreg_find(r, "open sans", FOLIO_FACE_BOLD_ITALIC, err, sizeof err),
              "fonts/OpenSans-BoldItalic.ttf");

    /* fontconfig: family + weight + slant; DejaVu Sans has an oblique, not an italic. */
    CHECK(ends_with(folio_fontreg_find(r, "DejaVu Sans", FOLIO_FACE_REGULAR, err, sizeof err), "/DejaVuSans.ttf"));
    CHECK(ends_with(folio_fontreg_find(r, "DejaVu Sans", FOLIO_FACE_BOLD, err, sizeof err), "/DejaVuSans-Bold.ttf"));
    CHECK(ends_with(folio_fontreg_find(r, "DejaVu Sans", FOLIO_FACE_ITALIC, err, sizeof err),
                    "/DejaVuSans-Oblique.ttf"));
    CHECK(ends_with(folio_fontreg_find(r, "dejavu serif", FOLIO_FACE_BOLD_ITALIC, err, sizeof err),
                    "/DejaVuSerif-BoldItalic.ttf"));

    /* A family that is not installed is refused, not substituted; close matches are listed. */
    CHECK(folio_fontreg_find(r, "No Such Family Xyzzy", FOLIO_FACE_REGULAR, err, sizeof err) == NULL);
    CHECK(strstr(err, "font family \"No Such Family Xyzzy\" is not installed") != NULL);
    CHECK(strstr(err, "fc-list") != NULL);
    CHECK(folio_fontreg_find(r, "DejaVu Sanz", FOLIO_FACE_REGULAR, err, sizeof err) == NULL);
    CHECK(strstr(err, "is not installed; close matches: ") != NULL);
    CHECK(strstr(err, "\"DejaVu Sans\"") != NULL);
    CHECK(folio_fontreg_find(r, "", FOLIO_FACE_REGULAR, err, sizeof err) == NULL);
    CHECK(folio_fontreg_find(r, "DejaVu Sans", 7, err, sizeof err) == NULL);
    folio_fontreg_free(r);
}

static void test_check_file(void)
{
    char err[1024] = "", otf[] = "/tmp/folio_fonts_XXXXXX";
    int fd = mkstemp(otf);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(write(fd, "OTTO\0\x09\0\x80", 8) == 8);
        close(fd);
        CHECK(!folio_fontreg_check_file(otf, err, sizeof err));
        CHECK(strstr(err, "CFF") != NULL && strstr(err, "TrueType (glyf)") != NULL);
        unlink(otf);
    }
    CHECK(folio_fontreg_check_file("fonts/OpenSans-Regular.ttf", err, sizeof err));
    CHECK(!folio_fontreg_check_file("fonts/README.md", err, sizeof err));
    CHECK(strstr(err, "is not a TrueType font") != NULL);
    CHECK(!folio_fontreg_check_file("fonts/none.ttf", err, sizeof err));
    CHECK(strstr(err, "cannot open font fonts/none.ttf") != NULL);
}

/* folio_font_load maps a regular file and reads anything else; what it cannot use is an error
 * naming the file and why: a missing file, an empty one, something that is not a font. */
static void test_load(void)
{
    char err[1024] = "";
    folio_font *f = folio_font_load("fonts/OpenSans-Regular.ttf", err, sizeof err);
    CHECK(f != NULL);
    CHECK(f && folio_font_advance(f, 'M') > 0 && fabs(folio_font_kern(f, 'A', 'V')) > 0);
    folio_font_free(f);

    CHECK(folio_font_load("fonts/none.ttf", err, sizeof err) == NULL);
    CHECK_STR(err, "cannot use font fonts/none.ttf: No such file or directory");
    CHECK(folio_font_load("/dev/null", err, sizeof err) == NULL); /* not a regular file: read */
    CHECK_STR(err, "cannot use font /dev/null: not a TrueType font");
    char empty[] = "/tmp/folio_fonts_XXXXXX";
    int fd = mkstemp(empty);
    CHECK(fd >= 0);
    if (fd >= 0) {
        close(fd);
        CHECK(folio_font_load(empty, err, sizeof err) == NULL);
        CHECK(strstr(err, "not a TrueType font") != NULL);
        unlink(empty);
    }
    CHECK(folio_font_load("fonts/README.md", err, sizeof err) == NULL);
    CHECK_STR(err, "cannot use font fonts/README.md: not a TrueType font");
}

/* Loads report.lua text from a temporary folder; NULL when it has errors (then diag holds them). */
static folio_report *load_report(const char *lua, folio_diag *d, char *dir)
{
    strcpy(dir, "/tmp/folio_fontrep_XXXXXX");
    if (!mkdtemp(dir))
        return NULL;
    char *path = xasprintf("%s/report.lua", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(lua, f);
        fclose(f);
    }
    folio_report_options o = {.fonts_dir = "fonts", .from = FOLIO_DATE_NONE, .to = FOLIO_DATE_NONE};
    folio_report *r = folio_report_load(path, &o, d);
    unlink(path);
    free(path);
    rmdir(dir);
    return r;
}

static bool has_message(const folio_diag *d, const char *text)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->items[i].text, text))
            return true;
    fprintf(stderr, "no message containing \"%s\"; have:\n", text);
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  %s\n", d->items[i].text);
    return false;
}

static void test_report_fonts(void)
{
    char dir[64];
    folio_diag d;
    folio_diag_init(&d);
    d.quiet = true;
    /* The default: the bundled family and the default chain. */
    folio_report *r = load_report("return { title = 'T', sections = { { 'text' } } }", &d, dir);
    CHECK(r != NULL);
    if (r) {
        CHECK_STR(r->font_files[FOLIO_FACE_ITALIC], "fonts/OpenSans-Italic.ttf");
        CHECK_STR(r->font_family, "Open Sans");
        CHECK_INT(r->nfallback, 1);
        CHECK_STR(r->nfallback ? r->fallback_families[0] : NULL, "DejaVu Sans");
        CHECK(ends_with(r->nfallback ? r->fallback_files[FOLIO_FACE_BOLD] : NULL, "/DejaVuSans-Bold.ttf"));
    }
    folio_report_free(r);

    /* A family by name, an explicit chain, and a file that overrides one face. */
    r = load_report("return { title = 'T', sections = { { 'text' } }, theme = { font = 'DejaVu Serif', "
                    "fallback = { 'DejaVu Sans Mono', 'DejaVu Sans' }, "
                    "fonts = { italic = '" FOLIO_SOURCE_DIR "/fonts/OpenSans-Italic.ttf' } } }",
                    &d, dir);
    CHECK(r != NULL);
    CHECK_INT(d.errors, 0);
    if (r) {
        CHECK(ends_with(r->font_files[FOLIO_FACE_REGULAR], "/DejaVuSerif.ttf"));
        CHECK(ends_with(r->font_files[FOLIO_FACE_BOLD_ITALIC], "/DejaVuSerif-BoldItalic.ttf"));
        CHECK(ends_with(r->font_files[FOLIO_FACE_ITALIC], "/fonts/OpenSans-Italic.ttf"));
        CHECK_INT(r->nfallback, 2);
        CHECK_STR(r->nfallback == 2 ? r->fallback_families[0] : NULL, "DejaVu Sans Mono");
        CHECK(ends_with(r->nfallback == 2 ? r->fallback_files[FOLIO_FACES] : NULL, "/DejaVuSans.ttf"));
    }
    folio_report_free(r);

    /* No fallback at all. */
    r = load_report("return { title = 'T', sections = { { 'text' } }, theme = { fallback = {} } }", &d, dir);
    CHECK(r != NULL && r->nfallback == 0);
    folio_report_free(r);

    /* A family that is not installed, in either place, and a bad chain. */
    r = load_report("return { title = 'T', sections = { { 'text' } }, theme = { font = 'Nowhere Sans' } }", &d, dir);
    CHECK(r == NULL);
    CHECK(has_message(&d, "theme.font: font family \"Nowhere Sans\" is not installed; close matches: "));
    r = load_report("return { title = 'T', sections = { { 'text' } }, theme = { fallback = { 'DejaVu Sans', 'Qqqzzz' } } }",
                    &d, dir);
    CHECK(r == NULL);
    CHECK(has_message(&d, "theme.fallback[2]: font family \"Qqqzzz\" is not installed"));
    r = load_report("return { title = 'T', sections = { { 'text' } }, theme = { fallback = { 3 } } }", &d, dir);
    CHECK(r == NULL);
    CHECK(has_message(&d, "theme.fallback[1]: expected a font family name, got number"));
    r = load_report("return { title = 'T', sections = { { 'text' } }, theme = { fonts = { bold = '/tmp' } } }", &d, dir);
    CHECK(r == NULL);
    folio_report_free(r);
    folio_diag_free(&d);
}

/* Layout with the chain: which face draws each character, where, and what is unprintable. */
static void test_layout_fallback(void)
{
    const char *files[FOLIO_FACES] = {"fonts/OpenSans-Regular.ttf", "fonts/OpenSans-Bold.ttf",
                                      "fonts/OpenSans-Italic.ttf", "fonts/OpenSans-BoldItalic.ttf"};
    const char *dejavu[FOLIO_FACES] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                       "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                                       "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf",
                                       "/usr/share/fonts/truetype/dejavu/DejaVuSans-BoldOblique.ttf"};
    folio_fontset fs = {.fallback_files = dejavu, .nfallback_files = FOLIO_FACES};
    char err[512];
    for (int i = 0; i < FOLIO_FACES; i++)
        fs.face[i] = folio_font_load(files[i], err, sizeof err);
    folio_font *arrowfont = folio_font_load(dejavu[0], err, sizeof err);
    CHECK(fs.face[0] && arrowfont);
    CHECK(!folio_font_has_glyph(fs.face[0], 0x2190) && folio_font_has_glyph(arrowfont, 0x2190));

    folio_doc *d = folio_doc_create();
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_PARAGRAPH);
    b->u.paragraph.text = folio_text_plain(d, "Ab\xE2\x86\x90\xE2\x86\x92" "cd \xEE\x80\x80 \xF0\x9F\x98\x80 \xEE\x80\x80");
    b->u.paragraph.align = FOLIO_ALIGN_LEFT;
    folio_theme th;
    folio_theme_default(&th);
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    folio_layout *l = folio_layout_render(d, &th, &fs, &diag);
    CHECK(l != NULL);
    const folio_op *ab = NULL, *arrows = NULL, *cd = NULL;
    for (size_t k = 0; l && k < l->pages[0].n; k++) {
        const folio_op *op = &l->pages[0].ops[k];
        if (op->kind != FOLIO_OP_TEXT)
            continue;
        if (!strcmp(op->text, "Ab"))
            ab = op;
        else if (!strcmp(op->text, "\xE2\x86\x90\xE2\x86\x92"))
            arrows = op;
        else if (!strncmp(op->text, "cd", 2))
            cd = op;
    }
    CHECK(ab && arrows && cd);
    if (ab && arrows && cd) {
        CHECK_INT(ab->face, FOLIO_FACE_REGULAR);
        CHECK_INT(arrows->face, FOLIO_FACES + FOLIO_FACE_REGULAR);
        CHECK_INT(cd->face, FOLIO_FACE_REGULAR);
        /* Each run starts where the previous one ends, measured with the font that draws it. */
        double size = ab->size;
        double w_ab = folio_font_text_width(fs.face[0], "Ab", 2, size);
        double w_arrows = folio_font_text_width(arrowfont, arrows->text, strlen(arrows->text), size);
        CHECK(fabs(arrows->x - (ab->x + w_ab)) < 1e-6);
        CHECK(fabs(cd->x - (arrows->x + w_arrows)) < 1e-6);
    }
    /* U+E000 twice (no font has it), the emoji once (above U+FFFF). */
    CHECK_INT(l ? l->nunprintable : 0, 2);
    if (l && l->nunprintable == 2) {
        CHECK_INT(l->unprintable[0].cp, 0xE000);
        CHECK_INT(l->unprintable[0].count, 2);
        CHECK(l->unprintable[0].block == b);
        CHECK_INT(l->unprintable[1].cp, 0x1F600);
        CHECK_INT(l->unprintable[1].count, 1);
    }
    folio_layout_free(l);

    /* Without a chain the arrows stay in the main face (a .notdef box) and are unprintable. */
    folio_fontset plain = fs;
    plain.fallback_files = NULL;
    plain.nfallback_files = 0;
    l = folio_layout_render(d, &th, &plain, &diag);
    CHECK(l && l->nunprintable == 4);
    folio_layout_free(l);

    folio_diag_free(&diag);
    folio_doc_free(d);
    folio_font_free(arrowfont);
    for (int i = 0; i < FOLIO_FACES; i++)
        folio_font_free(fs.face[i]);
}

/* Kerning as hb_shape gives it for a pair: the first glyph's shaped advance less its own, in
 * 1/1000 em, with only kerning on (what fonts.c does through a shape plan made once). */
static float shaped_kern(hb_font_t *font, uint32_t a, uint32_t b)
{
    static const hb_feature_t feats[] = {
        {HB_TAG('k', 'e', 'r', 'n'), 1, 0, (unsigned)-1}, {HB_TAG('l', 'i', 'g', 'a'), 0, 0, (unsigned)-1},
        {HB_TAG('c', 'l', 'i', 'g'), 0, 0, (unsigned)-1}, {HB_TAG('c', 'a', 'l', 't'), 0, 0, (unsigned)-1},
        {HB_TAG('d', 'l', 'i', 'g'), 0, 0, (unsigned)-1}, {HB_TAG('c', 'c', 'm', 'p'), 0, 0, (unsigned)-1},
        {HB_TAG('l', 'o', 'c', 'l'), 0, 0, (unsigned)-1}};
    hb_codepoint_t ga, gb;
    if (!hb_font_get_nominal_glyph(font, a, &ga) || !hb_font_get_nominal_glyph(font, b, &gb))
        return 0;
    hb_buffer_t *buf = hb_buffer_create();
    uint32_t cps[2] = {a, b};
    hb_buffer_add_utf32(buf, cps, 2, 0, 2);
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_script(buf, HB_SCRIPT_LATIN);
    hb_buffer_set_language(buf, hb_language_from_string("en", -1));
    hb_shape(font, buf, feats, sizeof feats / sizeof feats[0]);
    unsigned n = 0;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
    float k = 0;
    int xs = 0, ys = 0;
    hb_font_get_scale(font, &xs, &ys);
    unsigned upem = hb_face_get_upem(hb_font_get_face(font));
    if (n == 2 && info[0].codepoint == ga && info[1].codepoint == gb && xs > 0) {
        double adv = (double)pos[0].x_advance * upem / xs;
        k = (float)((adv - hb_font_get_glyph_h_advance(font, ga)) * 1000.0 / upem);
    }
    hb_buffer_destroy(buf);
    return k;
}

/* folio_font_kern gives hb_shape's kerning for every pair of printable ASCII characters, in
 * Open Sans (GPOS class kerning) and DejaVu Sans, asked twice (shaped, then cached). */
static void test_kerning(void)
{
    const char *files[] = {"fonts/OpenSans-Regular.ttf", "fonts/OpenSans-BoldItalic.ttf",
                           "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char err[256];
        folio_font *f = folio_font_load(files[i], err, sizeof err);
        CHECK(f != NULL);
        hb_blob_t *blob = hb_blob_create_from_file(files[i]);
        hb_face_t *face = hb_face_create(blob, 0);
        hb_font_t *font = hb_font_create(face);
        size_t pairs = 0, kerned = 0, wrong = 0;
        for (int round = 0; f && round < 2; round++)
            for (uint32_t a = 0x21; a < 0x7F; a++)
                for (uint32_t b = 0x21; b < 0x7F; b++) {
                    float want = shaped_kern(font, a, b);
                    pairs++;
                    kerned += want != 0;
                    wrong += (float)folio_font_kern(f, a, b) != want;
                }
        CHECK(pairs == 2 * 94 * 94);
        CHECK(kerned > 100); /* both fonts kern (A-V, T-o, ...) */
        CHECK(wrong == 0);
        hb_font_destroy(font);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
        folio_font_free(f);
    }
}

int main(void)
{
    test_kerning();
    test_load();
    test_registry();
    test_check_file();
    test_report_fonts();
    test_layout_fallback();
    printf("%d passed, %d failed\n", harness_passed, harness_failed);
    return harness_failed ? 1 : 0;
}
