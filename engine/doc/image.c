/* Image files for image blocks and cover logos: found inside the report folder, bounded, and
 * decoded here rather than by libharu (TECH-NOTES §4: libharu 2.3.0 aborts the process on a
 * corrupt PNG and garbles 16-bit ones). PNG becomes 8-bit grey or RGB samples plus an alpha
 * plane; JPEG is decoded once with libjpeg to prove it whole, then kept as it is (DCTDecode). */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jpeglib.h>
#include <png.h>
/* after jpeglib.h: the message codes */
#include <jerror.h>

#include "core/diag.h"
#include "core/limits.h"
#include "core/util.h"
#include "doc/doc.h"

bool folio_image_name_ok(const char *name)
{
    if (!name || !*name || name[0] == '/')
        return false;
    for (const char *p = name; *p; p++)
        if (p[0] == '.' && p[1] == '.' && (p == name || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
            return false;
    return true;
}

/* ---- PNG ---- */

typedef struct png_src {
    const unsigned char *data;
    size_t size, at;
    char why[200]; /* libpng's error message */
} png_src;

static void png_read_mem(png_structp png, png_bytep out, size_t n)
{
    png_src *s = png_get_io_ptr(png);
    if (n > s->size - s->at)
        png_error(png, "the file is truncated");
    memcpy(out, s->data + s->at, n);
    s->at += n;
}

static void png_on_error(png_structp png, png_const_charp msg)
{
    png_src *s = png_get_error_ptr(png);
    if (!s->why[0])
        snprintf(s->why, sizeof s->why, "%s", msg);
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png; /* warnings (a zero gAMA, an unknown chunk) never stop the image */
    (void)msg;
}

/* The decoded pixels of one PNG, filled in by decode_png. */
typedef struct png_out {
    unsigned char *pixels; /* malloc'ed, width * height * channels */
    unsigned char **rows;  /* malloc'ed */
    png_uint_32 width, height;
    int channels;
} png_out;

/* Decodes with libpng; on an error libpng longjmps back here and nothing leaks (the buffers
 * live in *o, which the caller frees). false with the reason in why. */
static bool decode_png(const unsigned char *data, size_t size, png_out *o, char *why, size_t whylen)
{
    png_src src = {.data = data, .size = size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_on_error, png_on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, NULL);
        snprintf(why, whylen, "out of memory");
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        snprintf(why, whylen, "not a readable PNG image (%s)", src.why[0] ? src.why : "libpng error");
        return false;
    }
    png_set_read_fn(png, &src, png_read_mem);
    png_set_user_limits(png, FOLIO_MAX_IMAGE_SIDE, FOLIO_MAX_IMAGE_SIDE);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if ((double)w * (double)h > FOLIO_MAX_IMAGE_PIXELS) {
        png_destroy_read_struct(&png, &info, NULL);
        snprintf(why, whylen, "%u x %u pixels is more than the limit of %.0f million pixels", (unsigned)w,
                 (unsigned)h, FOLIO_MAX_IMAGE_PIXELS / 1e6);
        return false;
    }
    /* Everything to 8-bit grey, grey+alpha, RGB or RGBA. */
    int type = png_get_color_type(png, info);
    png_set_strip_16(png);
    png_set_packing(png);
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int channels = png_get_channels(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    if (channels < 1 || channels > 4 || png_get_bit_depth(png, info) != 8 || rowbytes != (size_t)w * channels)
        png_error(png, "unexpected pixel layout after conversion");
    o->width = w;
    o->height = h;
    o->channels = channels;
    o->pixels = xmalloc(rowbytes * h);
    o->rows = xmalloc(sizeof *o->rows * h);
    for (png_uint_32 y = 0; y < h; y++)
        o->rows[y] = o->pixels + rowbytes * y;
    png_read_image(png, o->rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    return true;
}

/* Splits decoded PNG pixels into colour samples and an alpha plane (dropped when opaque). */
static void keep_png(folio_doc *d, folio_image *im, const png_out *o)
{
    size_t n = (size_t)o->width * o->height;
    int colour = o->channels >= 3 ? 3 : 1;
    bool has_alpha = o->channels == 2 || o->channels == 4;
    im->format = FOLIO_IMAGE_PNG;
    im->width = (int)o->width;
    im->height = (int)o->height;
    im->components = colour;
    im->size = n * colour;
    im->data = folio_doc_alloc(d, im->size);
    bool opaque = true;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *px = o->pixels + i * o->channels;
        memcpy(im->data + i * colour, px, colour);
        if (has_alpha && px[colour] != 255)
            opaque = false;
    }
    if (has_alpha && !opaque) {
        im->alpha = folio_doc_alloc(d, n);
        for (size_t i = 0; i < n; i++)
            im->alpha[i] = o->pixels[i * o->channels + colour];
    }
}

/* ---- JPEG ---- */

typedef struct jpeg_err {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char why[JMSG_LENGTH_MAX];
} jpeg_err;

static void jpeg_on_error(j_common_ptr cinfo)
{
    jpeg_err *e = (jpeg_err *)cinfo->err;
    if (!e->why[0])
        cinfo->err->format_message(cinfo, e->why);
    longjmp(e->jump, 1);
}

/* A truncated file or corrupt entropy-coded data is only a warning to libjpeg, which fills the
 * rest in grey and goes on: for a report that is a broken picture, so it is an error here.
 * Other warnings (extraneous bytes, an odd JFIF version) are harmless and ignored. */
static void jpeg_on_message(j_common_ptr cinfo, int level)
{
    jpeg_err *e = (jpeg_err *)cinfo->err;
    int code = cinfo->err->msg_code;
    bool broken = code == JWRN_JPEG_EOF || code == JWRN_HUFF_BAD_CODE || code == JWRN_MUST_RESYNC ||
                  code == JWRN_HIT_MARKER || code == JWRN_NOT_SEQUENTIAL;
    if (level < 0 && broken && !e->why[0]) {
        cinfo->err->format_message(cinfo, e->why);
        cinfo->err->num_warnings++;
    }
}

/* Decodes the whole JPEG to check it; the samples are thrown away. */
static bool check_jpeg(const unsigned char *data, size_t size, folio_image *im, char *why, size_t whylen)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_err err = {0};
    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpeg_on_error;
    err.mgr.emit_message = jpeg_on_message;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        snprintf(why, whylen, "not a readable JPEG image (%s)", err.why[0] ? err.why : "libjpeg error");
        return false;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if ((double)cinfo.image_width * cinfo.image_height > FOLIO_MAX_IMAGE_PIXELS) {
        snprintf(why, whylen, "%u x %u pixels is more than the limit of %.0f million pixels",
                 (unsigned)cinfo.image_width, (unsigned)cinfo.image_height, FOLIO_MAX_IMAGE_PIXELS / 1e6);
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    int nc = cinfo.num_components;
    if (!(nc == 1 || nc == 3 || nc == 4)) {
        snprintf(why, whylen, "a JPEG of %d colour components is not supported (grey, RGB or CMYK)", nc);
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    /* Decode without colour conversion, as the PDF viewer will see the data. */
    cinfo.out_color_space = cinfo.jpeg_color_space == JCS_YCCK ? JCS_CMYK : cinfo.jpeg_color_space;
    if (cinfo.jpeg_color_space == JCS_YCbCr)
        cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    JSAMPARRAY row = cinfo.mem->alloc_sarray((j_common_ptr)&cinfo, JPOOL_IMAGE,
                                  cinfo.output_width * cinfo.output_components, 1);
    while (cinfo.output_scanline < cinfo.output_height && !err.why[0])
        jpeg_read_scanlines(&cinfo, row, 1);
    if (!err.why[0])
        jpeg_finish_decompress(&cinfo);
    if (err.why[0]) {
        jpeg_destroy_decompress(&cinfo);
        snprintf(why, whylen, "not a readable JPEG image (%s)", err.why);
        return false;
    }
    im->format = FOLIO_IMAGE_JPEG;
    im->width = (int)cinfo.image_width;
    im->height = (int)cinfo.image_height;
    im->components = nc;
    im->inverted = nc == 4 && cinfo.saw_Adobe_marker;
    jpeg_destroy_decompress(&cinfo);
    return true;
}

/* ---- files ---- */

static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

/* Reads and decodes the file at `path` into im; false with the reason in why. */
static bool decode_file(folio_doc *d, const char *path, folio_image *im, char *why, size_t whylen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, whylen, "no such file");
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "not a file");
        return false;
    }
    if (st.st_size == 0) {
        snprintf(why, whylen, "the file is empty; expected a PNG or JPEG image");
        return false;
    }
    if ((unsigned long long)st.st_size > FOLIO_MAX_IMAGE_BYTES) {
        snprintf(why, whylen, "the file is larger than %u MiB", (unsigned)(FOLIO_MAX_IMAGE_BYTES >> 20));
        return false;
    }
    size_t size = 0;
    unsigned char *data = (unsigned char *)folio_read_file(path, &size);
    if (!data) {
        snprintf(why, whylen, "cannot read it: %s", strerror(errno));
        return false;
    }
    bool good = false;
    if (size >= 8 && memcmp(data, png_magic, 8) == 0) {
        png_out o = {0};
        good = decode_png(data, size, &o, why, whylen);
        if (good)
            keep_png(d, im, &o);
        free(o.pixels);
        free(o.rows);
    } else if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
        good = check_jpeg(data, size, im, why, whylen);
        if (good) {
            im->data = folio_doc_alloc(d, size);
            memcpy(im->data, data, size);
            im->size = size;
        }
    } else {
        snprintf(why, whylen, "not a PNG or JPEG image (its first bytes are neither)");
    }
    free(data);
    return good;
}

/* The image of `name` for the document, loaded once; NULL after reporting a problem. */
static folio_image *load(folio_doc *d, const char *name, const char *dir, const char *dir_display,
                         const char *source, folio_diag *diag)
{
    char display[PATH_MAX + 64];
    folio_format_cut(display, sizeof display, "%s/%s", dir_display, name ? name : "");
    if (!folio_image_name_ok(name)) {
        folio_diag_add(diag, FOLIO_ERROR, source, 0, 0,
                       "image \"%s\": must name a file inside the report folder (no absolute path, no \"..\")",
                       name ? name : "");
        return NULL;
    }
    char path[PATH_MAX], real[PATH_MAX], realdir[PATH_MAX];
    folio_format_cut(path, sizeof path, "%s/%s", dir, name);
    if (!realpath(path, real)) {
        folio_diag_add(diag, FOLIO_ERROR, source, 0, 0, "image %s: %s", display,
                       errno == ENOENT ? "no such file" : strerror(errno));
        return NULL;
    }
    size_t dl = realpath(dir, realdir) ? strlen(realdir) : 0;
    if (!dl || strncmp(real, realdir, dl) != 0 || real[dl] != '/') {
        folio_diag_add(diag, FOLIO_ERROR, source, 0, 0, "image %s: leads outside the report folder", display);
        return NULL;
    }
    for (size_t i = 0; i < d->nimages; i++)
        if (strcmp(d->images[i]->real, real) == 0)
            return d->images[i];
    folio_image im = {0};
    char why[512];
    if (!decode_file(d, real, &im, why, sizeof why)) {
        folio_diag_add(diag, FOLIO_ERROR, source, 0, 0, "image %s: %s", display, why);
        return NULL;
    }
    folio_image *out = folio_doc_alloc(d, sizeof *out);
    *out = im;
    out->display = folio_doc_strdup(d, display);
    out->real = folio_doc_strdup(d, real);
    out->index = d->nimages;
    folio_image **list = folio_doc_alloc(d, (d->nimages + 1) * sizeof *list);
    if (d->nimages)
        memcpy(list, d->images, d->nimages * sizeof *list);
    list[d->nimages++] = out;
    d->images = list;
    return out;
}

bool folio_doc_load_images(folio_doc *d, size_t from, const char *dir, const char *dir_display,
                           const char *source, folio_diag *diag)
{
    if (!d || !dir || !diag)
        return false;
    bool good = true;
    for (size_t i = from; i < d->n; i++) {
        folio_block *b = d->blocks[i];
        if (b->kind == FOLIO_BLOCK_IMAGE && !b->u.image.image) {
            b->u.image.image = load(d, b->u.image.file, dir, dir_display ? dir_display : dir, source, diag);
            good &= b->u.image.image != NULL;
        } else if (b->kind == FOLIO_BLOCK_COVER && b->u.cover.logo && !b->u.cover.logo_image) {
            b->u.cover.logo_image = load(d, b->u.cover.logo, dir, dir_display ? dir_display : dir, source, diag);
            good &= b->u.cover.logo_image != NULL;
        }
    }
    return good;
}
