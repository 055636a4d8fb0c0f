/* Images: the fixture files decoded to the exact samples they hold (every PNG colour type, 1- and
 * 16-bit, interlaced, palette with tRNS; JPEG kept whole), a file used twice loaded once, names
 * that leave the report folder refused, and image blocks laid out inside the column and the page
 * body with their caption under them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "doc/doc.h"
#include "harness.h"
#include "layout/layout.h"

#define DIR "tests/data/reports/images"

static folio_block *add_image(folio_doc *d, const char *file, double width, folio_align align)
{
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_IMAGE);
    b->u.image.file = folio_doc_strdup(d, file);
    b->u.image.alt = folio_doc_strdup(d, "alt");
    b->u.image.width = width;
    b->u.image.align = align;
    return b;
}

/* Loads one file as an image block; NULL (and the message in `msg`) when it fails. */
static const folio_image *load_one(folio_doc *d, const char *file, char *msg, size_t msglen)
{
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    size_t from = d->n;
    folio_block *b = add_image(d, file, 0, FOLIO_ALIGN_CENTER);
    bool good = folio_doc_load_images(d, from, DIR, "R", "plugins/p.lua", &diag);
    if (msg)
        snprintf(msg, msglen, "%s", diag.n ? diag.items[0].text : "");
    CHECK(good == (b->u.image.image != NULL));
    folio_diag_free(&diag);
    return b->u.image.image;
}

static const unsigned char *px(const folio_image *im, int x, int y)
{
    return im->data + ((size_t)y * im->width + x) * im->components;
}

static void test_decode(void)
{
    folio_doc *d = folio_doc_create();
    const folio_image *im = load_one(d, "images/rgb8.png", NULL, 0);
    CHECK(im && im->format == FOLIO_IMAGE_PNG && im->width == 40 && im->height == 30 && im->components == 3);
    CHECK(im && !im->alpha && im->size == 40 * 30 * 3 && memcmp(px(im, 39, 29), "\xff\x00\x00", 3) == 0);
    CHECK_STR(im ? im->display : NULL, "R/images/rgb8.png");

    im = load_one(d, "images/rgb16.png", NULL, 0); /* 16-bit down to 8 */
    CHECK(im && im->components == 3 && memcmp(px(im, 5, 5), "\x00\xff\x00", 3) == 0);
    im = load_one(d, "images/grey8.png", NULL, 0);
    CHECK(im && im->components == 1 && px(im, 0, 0)[0] == 0x40 && !im->alpha);
    im = load_one(d, "images/grey1.png", NULL, 0); /* bit order: 20 black, then 20 white */
    CHECK(im && im->components == 1 && px(im, 19, 3)[0] == 0 && px(im, 20, 3)[0] == 255);
    im = load_one(d, "images/rgba8.png", NULL, 0);
    CHECK(im && im->components == 3 && im->alpha && im->alpha[19] == 255 && im->alpha[20] == 0);
    im = load_one(d, "images/greya16.png", NULL, 0);
    CHECK(im && im->components == 1 && im->alpha && im->alpha[0] == 255 && im->alpha[39] == 0);
    im = load_one(d, "images/greya8.png", NULL, 0); /* lower half transparent */
    CHECK(im && im->alpha && im->alpha[14 * 40] == 255 && im->alpha[15 * 40] == 0);
    im = load_one(d, "images/palette.png", NULL, 0);
    CHECK(im && im->components == 3 && memcmp(px(im, 0, 0), "\xff\x00\x00", 3) == 0 && im->alpha &&
          im->alpha[0] == 255 && im->alpha[39] == 0);
    im = load_one(d, "images/interlaced.png", NULL, 0); /* every Adam7 pass in its place */
    bool rows_ok = im != NULL;
    for (int y = 0; im && y < 30; y++)
        for (int x = 0; x < 40; x++)
            rows_ok &= memcmp(px(im, x, y), y < 15 ? "\xff\x00\x00" : "\x00\x00\xff", 3) == 0;
    CHECK(rows_ok);
    im = load_one(d, "images/gamma0.png", NULL, 0); /* a libpng warning is not an error */
    CHECK(im && memcmp(px(im, 0, 0), "\xff\x00\x00", 3) == 0);

    im = load_one(d, "images/red.jpg", NULL, 0);
    CHECK(im && im->format == FOLIO_IMAGE_JPEG && im->width == 64 && im->height == 48 && im->components == 3);
    CHECK(im && im->size > 100 && im->data[0] == 0xFF && im->data[1] == 0xD8 && !im->alpha);
    im = load_one(d, "images/grey.jpg", NULL, 0);
    CHECK(im && im->components == 1);
    im = load_one(d, "images/cmyk.jpg", NULL, 0);
    CHECK(im && im->components == 4 && im->inverted);
    im = load_one(d, "images/cmyk-plain.jpg", NULL, 0);
    CHECK(im && im->components == 4 && !im->inverted);
    im = load_one(d, "images/progressive.jpg", NULL, 0);
    CHECK(im && im->components == 3);
    folio_doc_free(d);
}

static void test_once(void)
{
    folio_doc *d = folio_doc_create();
    const folio_image *a = load_one(d, "images/rgb8.png", NULL, 0);
    const folio_image *b = load_one(d, "images/./rgb8.png", NULL, 0);
    const folio_image *c = load_one(d, "images/red.jpg", NULL, 0);
    CHECK(a && a == b && c && c != a);
    CHECK_INT(d->nimages, 2);
    CHECK(c && c->index == 1);
    folio_doc_free(d);
}

static void test_bad(void)
{
    static const struct {
        const char *file, *says;
    } cases[] = {
        {"images/bad-filter.png", "image R/images/bad-filter.png: not a readable PNG image (bad adaptive filter value)"},
        {"images/truncated.png", "image R/images/truncated.png: not a readable PNG image (the file is truncated)"},
        {"images/truncated.jpg", "image R/images/truncated.jpg: not a readable JPEG image (Premature end of JPEG file)"},
        {"images/not-an-image.png", "image R/images/not-an-image.png: not a PNG or JPEG image"},
        {"images/empty.png", "image R/images/empty.png: the file is empty; expected a PNG or JPEG image"},
        {"images/huge.png", "image R/images/huge.png: 20000 x 20000 pixels is more than the limit of 100 million pixels"},
        {"images/nothing.png", "image R/images/nothing.png: no such file"},
        {"images", "image R/images: not a file"},
        {"../images/images/rgb8.png", "must name a file inside the report folder"},
        {"/etc/hostname", "must name a file inside the report folder"},
    };
    folio_doc *d = folio_doc_create();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[512];
        const folio_image *im = load_one(d, cases[i].file, msg, sizeof msg);
        CHECK(im == NULL);
        if (!strstr(msg, cases[i].says))
            fprintf(stderr, "%s: got \"%s\"\n", cases[i].file, msg);
        CHECK(strstr(msg, cases[i].says) != NULL);
    }
    CHECK_INT(d->nimages, 0);
    folio_doc_free(d);

    CHECK(folio_image_name_ok("images/a.png") && folio_image_name_ok("a..b.png") && folio_image_name_ok("..a.png"));
    CHECK(!folio_image_name_ok("") && !folio_image_name_ok("/a.png") && !folio_image_name_ok("..") &&
          !folio_image_name_ok("a/../b.png") && !folio_image_name_ok("a/.."));
}

/* The first IMAGE op of the layout, and the page it is on. */
static const folio_op *find_image(const folio_layout *l, size_t *page)
{
    for (size_t p = 0; p < l->npages; p++)
        for (size_t k = 0; k < l->pages[p].n; k++)
            if (l->pages[p].ops[k].kind == FOLIO_OP_IMAGE) {
                *page = p;
                return &l->pages[p].ops[k];
            }
    return NULL;
}

static void test_layout(const folio_fontset *fonts)
{
    folio_theme th;
    folio_theme_default(&th);
    double col = th.page_w - th.margin_left - th.margin_right;
    double body = th.page_h - th.margin_top - th.margin_bottom;
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;

    /* An image 10 x 1000 pixels at the column's width would be far taller than the page: it is
     * scaled to fit the body with its caption, aspect kept, centred. */
    folio_doc *d = folio_doc_create();
    folio_image tall = {.format = FOLIO_IMAGE_PNG, .width = 10, .height = 1000, .components = 1};
    tall.data = folio_doc_alloc(d, 10000);
    folio_block *b = add_image(d, "t.png", 0, FOLIO_ALIGN_CENTER);
    b->u.image.image = &tall;
    b->u.image.caption = folio_text_plain(d, "Figure 1. A caption under the picture");
    folio_layout *l = folio_layout_render(d, &th, fonts, &diag);
    size_t page = 0;
    const folio_op *op = l ? find_image(l, &page) : NULL;
    CHECK(op != NULL);
    if (op) {
        CHECK(op->h <= body - 10 && op->h > body * 0.8);
        CHECK(fabs(op->w / op->h - 0.01) < 1e-6);
        CHECK(fabs(op->x + op->w / 2 - (th.margin_left + col / 2)) < 0.01);
        CHECK(op->y >= th.margin_bottom - 0.01 && op->y + op->h <= th.page_h - th.margin_top + 0.01);
        CHECK(op->block == b && op->image == &tall);
        CHECK_STR(op->block->u.image.alt, "alt");
        /* The caption is on the same page, under the picture. */
        bool caption = false;
        for (size_t k = 0; k < l->pages[page].n; k++) {
            const folio_op *t = &l->pages[page].ops[k];
            if (t->kind == FOLIO_OP_TEXT && t->block == b && t->y < op->y && t->y > th.margin_bottom - 1)
                caption = true;
        }
        CHECK(caption);
    }
    folio_layout_free(l);
    folio_doc_free(d);

    /* Widths: a fraction of the column, points, and never wider than the column; alignment. */
    static const struct {
        double width;
        folio_align align;
        double want_w; /* as a share of the column */
    } cases[] = {
        {0, FOLIO_ALIGN_CENTER, 1}, {0.5, FOLIO_ALIGN_LEFT, 0.5}, {1, FOLIO_ALIGN_RIGHT, 1}, {5000, FOLIO_ALIGN_LEFT, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        d = folio_doc_create();
        folio_image wide = {.format = FOLIO_IMAGE_PNG, .width = 400, .height = 100, .components = 3};
        wide.data = folio_doc_alloc(d, 400 * 100 * 3);
        add_image(d, "w.png", cases[i].width, cases[i].align)->u.image.image = &wide;
        l = folio_layout_render(d, &th, fonts, &diag);
        op = l ? find_image(l, &page) : NULL;
        CHECK(op && fabs(op->w - cases[i].want_w * col) < 0.01 && fabs(op->h * 4 - op->w) < 0.01);
        if (op && cases[i].align == FOLIO_ALIGN_LEFT)
            CHECK(fabs(op->x - th.margin_left) < 0.01);
        if (op && cases[i].align == FOLIO_ALIGN_RIGHT)
            CHECK(fabs(op->x + op->w - (th.page_w - th.margin_right)) < 0.01);
        folio_layout_free(l);
        folio_doc_free(d);
    }
    d = folio_doc_create();
    folio_image small = {.format = FOLIO_IMAGE_PNG, .width = 40, .height = 30, .components = 3};
    small.data = folio_doc_alloc(d, 40 * 30 * 3);
    add_image(d, "s.png", 120, FOLIO_ALIGN_CENTER)->u.image.image = &small;
    l = folio_layout_render(d, &th, fonts, &diag);
    op = l ? find_image(l, &page) : NULL;
    CHECK(op && fabs(op->w - 120) < 0.01 && fabs(op->h - 90) < 0.01);
    folio_layout_free(l);
    folio_doc_free(d);
    folio_diag_free(&diag);
}

int main(void)
{
    test_decode();
    test_once();
    test_bad();
    folio_fontset fonts = {0};
    const char *files[FOLIO_FACES] = {"fonts/OpenSans-Regular.ttf", "fonts/OpenSans-Bold.ttf",
                                      "fonts/OpenSans-Italic.ttf", "fonts/OpenSans-BoldItalic.ttf"};
    char err[256];
    bool loaded = true;
    for (int i = 0; i < FOLIO_FACES; i++)
        loaded &= (fonts.face[i] = folio_font_load(files[i], err, sizeof err)) != NULL;
    CHECK(loaded);
    if (loaded)
        test_layout(&fonts);
    for (int i = 0; i < FOLIO_FACES; i++)
        if (fonts.face[i])
            folio_font_free(fonts.face[i]);
    return harness_summary();
}
