/* The PDF writer: draws a display list into one libharu document (embedded UTF-8 TrueType
 * fonts, vector paths, links, outline, labels, metadata) and writes it atomically. */
#include "pdf/pdf.h"

#include <ctype.h>
#include <errno.h>
#include <hpdf.h>
#include <hpdf_encoder.h>
#include <hpdf_streams.h>
#include <hpdf_utils.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/thread.h"
#include "core/util.h"
#include "layout/fonts.h"
#include "pdf/pdf_internal.h"

#define REPLACEMENT 0xFFFDu

/* The first libharu error of the document (later ones are its consequences). */
typedef struct pdf_error {
    HPDF_STATUS no, detail;
} pdf_error;

typedef struct pdf_font {
    HPDF_Font font;   /* NULL until a text op uses the face */
    const char *path; /* opt->font_files[face] it was loaded from */
    folio_cpset used; /* code points drawn with it: its subset and its ToUnicode CMap */
    bool whole;       /* the whole file went to libharu (no subset): drawn glyphs are marked */
} pdf_font;

/* How a path is painted; an open path is PAINT_NONE (none open), PAINT_FILL or PAINT_STROKE. */
typedef enum paint { PAINT_NONE, PAINT_FILL, PAINT_STROKE, PAINT_BOTH } paint;

#define FOLIO_MAX_CLIP_DEPTH 8 /* nested CLIP ops; deeper ones draw unclipped content not at all */

typedef struct writer {
    HPDF_Doc pdf;
    pdf_error err;
    const folio_layout *layout;
    const folio_pdf_options *opt;
    folio_diag *diag;
    HPDF_Encoder utf8;
    HPDF_Page *pages;
    pdf_font *fonts;    /* nfaces: the four faces, then the fallback fonts */
    int *slot;          /* face -> fonts[] index, -1 until loaded */
    folio_cpset *drawn; /* nfaces: the code points each face draws in the whole document */
    int nfaces;
    folio_buf text;     /* scratch: cleaned UTF-8 */
    folio_buf ops;      /* scratch: content operators written straight into the page's stream */
    HPDF_Image *images; /* by folio_image.index: each image file embedded once, when first drawn */
    size_t nimages;

    /* State of the page being drawn, to skip redundant operators. */
    HPDF_Page page;
    bool in_text;
    int face; /* -1 = no font set on this page */
    double size;
    uint32_t fill, stroke;
    double line_width;
    int dash; /* 0 = solid */
    paint path;
    /* The state saved by each open CLIP (q ... Q restores it, so the caches must follow). */
    struct saved_state {
        int face;
        double size;
        uint32_t fill, stroke;
        double line_width;
        int dash;
    } clips[FOLIO_MAX_CLIP_DEPTH];
    int nclips;

    struct _HPDF_CMapEncoderAttr_Rec *codes; /* folio_pdf_get_font's, NULL before the first font */
    folio_pdf_ahead *ahead; /* the pages' content, being deflated; NULL before or without */
    folio_tags *tags; /* NULL when untagged */
    int tag;          /* marked content open on the page: a folio_tags_target, or TAG_NONE */
} writer;

#define TAG_NONE (-1000)

static void on_error(HPDF_STATUS no, HPDF_STATUS detail, void *user)
{
    pdf_error *e = user;
    if (e->no == 0) {
        e->no = no;
        e->detail = detail;
    }
}

/* libharu's allocator. libharu 2.3.0 does not survive a failed allocation (it dereferences the
 * NULL in HPDF_Page_ShowText and HPDF_Name_New, found by tests/e2e/test_alloc_failure.sh), so
 * running out of memory inside it ends the run as folio's own allocations do: "folio: out of
 * memory", exit 1, the temporary PDF removed at exit. */
static void *pdf_alloc(HPDF_UINT size)
{
    return xmalloc(size);
}

static void pdf_free(void *p)
{
    free(p);
}

/* Stands in for the UTF-8 encoder's encode_text_fn, which in libharu 2.3.0 calls malloc without
 * checking it (a crash in HPDF_Page_ShowText when memory runs out). The same codes: each
 * character as 2 bytes, big-endian, equal to its code point (clean_text has made the text valid
 * UTF-8 of the BMP). libharu frees the result with free(). */
static char *encode_utf8(HPDF_Encoder encoder, const char *text, HPDF_UINT len, HPDF_UINT *encoded_len)
{
    (void)encoder;
    char *out = xmalloc((size_t)len * 2 + 2);
    size_t i = 0, k = 0;
    while (i < len) {
        uint32_t c = folio_utf8_next(text, len, &i);
        out[k++] = (char)(c >> 8 & 0xFF);
        out[k++] = (char)(c & 0xFF);
    }
    *encoded_len = (HPDF_UINT)k;
    return out;
}

/* A call succeeded: it returned HPDF_OK and no error is pending. libharu's internal calls may set
 * the document's error without calling the handler, so both are looked at. */
static bool pending(writer *w)
{
    return w->err.no != 0 || HPDF_GetError(w->pdf) != HPDF_OK;
}

static bool ok(writer *w, HPDF_STATUS s)
{
    return s == HPDF_OK && !pending(w);
}

/* Adds "<what>: <reason>" for the recorded libharu error and returns false. */
static bool fail(writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(writer *w, const char *fmt, ...)
{
    char what[FOLIO_MAX_MESSAGE / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    unsigned no = (unsigned)w->err.no, detail = (unsigned)w->err.detail;
    if (no == 0 && w->pdf) {
        no = (unsigned)HPDF_GetError(w->pdf);
        detail = (unsigned)HPDF_GetErrorDetail(w->pdf);
    }
    if (no == HPDF_FILE_OPEN_ERROR || no == HPDF_FILE_IO_ERROR)
        folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0, "%s: %s (libharu error 0x%04X)", what,
                       strerror((int)detail), no);
    else if (no == HPDF_FAILD_TO_ALLOC_MEM)
        folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0, "%s: out of memory (libharu error 0x%04X)", what,
                       no);
    else if (no != 0)
        folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0, "%s: libharu error 0x%04X (detail %u)", what, no,
                       detail);
    else
        folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0, "%s: libharu failed without an error code", what);
    return false;
}

/* Copies s into w->text as UTF-8 that libharu's UTF-8 encoder takes as meant: characters above
 * U+FFFF (which libharu would silently turn into spaces) become U+FFFD, and so do bad bytes,
 * decoded as layout decodes them (folio_utf8_next) so what is drawn is what was measured.
 * Records each code point in `used` when not NULL. */
static const char *clean_text(writer *w, const char *s, folio_cpset *used)
{
    w->text.len = 0;
    folio_buf_append(&w->text, "", 0);
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t ascii = i; /* a run of ASCII goes across as it is */
        while (ascii < n && (unsigned char)s[ascii] < 0x80)
            ascii++;
        if (ascii > i) {
            folio_buf_append(&w->text, s + i, ascii - i);
            for (; used && i < ascii; i++)
                folio_cpset_add(used, (unsigned char)s[i]);
            i = ascii;
            continue;
        }
        uint32_t c = folio_utf8_next(s, n, &i);
        if (c > 0xFFFF)
            c = REPLACEMENT;
        folio_buf_put_utf8(&w->text, c);
        if (used)
            folio_cpset_add(used, c);
    }
    return w->text.data;
}

static const char *face_path(const writer *w, int face)
{
    const char *path =
        face < FOLIO_FACES ? w->opt->font_files[face] : w->opt->fallback_files[face - FOLIO_FACES];
    return path ? path : "";
}

/* Loads a TrueType font of n bytes for embedding, as HPDF_LoadTTFontFromFile loads a file (2.3.0
 * has no call for memory): the bytes go into a memory stream that the font definition owns and
 * reads from (its glyphs again when the PDF is saved), the definition joins the document's list
 * unless a font of its name is there (HPDF_FONT_EXISTS), and it gets the next subset tag
 * (HPDFAA, HPDFAB, ...). Reading a file instead seeks it about 160 times per font. Returns the
 * font's name for HPDF_GetFont, or NULL with the document's error set. */
static const char *load_font_from_memory(writer *w, const unsigned char *data, size_t n)
{
    HPDF_Doc pdf = w->pdf;
    HPDF_Stream s = HPDF_MemStream_New(pdf->mmgr, (HPDF_UINT)n);
    if (!s)
        return NULL;
    if (HPDF_Stream_Write(s, data, (HPDF_UINT)n) != HPDF_OK) {
        HPDF_Stream_Free(s);
        return NULL;
    }
    HPDF_FontDef def = HPDF_TTFontDef_Load(pdf->mmgr, s, HPDF_TRUE); /* owns s, even on failure */
    if (!def)
        return NULL;
    if (HPDF_Doc_FindFontDef(pdf, def->base_font)) {
        HPDF_FontDef_Free(def);
        HPDF_SetError(&pdf->error, HPDF_FONT_EXISTS, 0);
        return NULL;
    }
    if (HPDF_List_Add(pdf->fontdef_list, def) != HPDF_OK) {
        HPDF_FontDef_Free(def);
        return NULL;
    }
    if (pdf->ttfont_tag[0] == 0) {
        memcpy(pdf->ttfont_tag, "HPDFAA", 6);
    } else {
        for (int i = 5; i >= 0; i--) {
            if (++pdf->ttfont_tag[i] <= 'Z')
                break;
            pdf->ttfont_tag[i] = 'A';
        }
    }
    HPDF_TTFontDef_SetTagName(def, (char *)pdf->ttfont_tag);
    return def->base_font;
}

/* The HPDF_Font for a face, loading its file on first use. Several faces naming the same file
 * share one font (libharu refuses to load a font twice). */
static HPDF_Font face_font(writer *w, int face)
{
    if (w->slot[face] >= 0)
        return w->fonts[w->slot[face]].font;
    const char *path = face_path(w, face);
    static const char *const names[] = {"regular", "bold", "italic", "bold italic"};
    if (!path || !*path) {
        folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0, "no font file given for the %s face",
                       face < FOLIO_FACES ? names[face] : "fallback");
        return NULL;
    }
    for (int f = 0; f < w->nfaces; f++)
        if (w->fonts[f].font && strcmp(w->fonts[f].path, path) == 0) {
            w->slot[face] = f;
            return w->fonts[f].font;
        }
    char why[256];
    if (!folio_pdf_check_font(path, why, sizeof why)) {
        folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0, "cannot load font %s: %s", path, why);
        return NULL;
    }
    /* What every face drawn from this file draws (faces may share a file), then the font cut
     * down to that before libharu loads it; if it cannot be cut, libharu gets the whole file. */
    folio_cpset *used = &w->fonts[face].used;
    for (int f = 0; f < w->nfaces; f++)
        if (strcmp(face_path(w, f), path) == 0)
            for (size_t k = 0; k < sizeof used->bits; k++)
                used->bits[k] |= w->drawn[f].bits[k];
    size_t nsub = 0;
    unsigned char *sub = folio_pdf_subset_font(path, used, &nsub, why, sizeof why);
    errno = 0;
    const char *name = sub ? load_font_from_memory(w, sub, nsub) : NULL;
    bool subset = name && !pending(w);
    if (sub && !subset && errno == ENOMEM) /* not the cut font's fault: no whole-font fallback */
        folio_out_of_memory();
    free(sub);
    if (!subset) {
        w->err = (pdf_error){0};
        HPDF_ResetError(w->pdf);
        name = HPDF_LoadTTFontFromFile(w->pdf, path, HPDF_TRUE);
    }
    HPDF_Font font = name && !pending(w) ? folio_pdf_get_font(w->pdf, name, used, &w->codes) : NULL;
    if (font && subset)
        folio_pdf_keep_all_glyphs(font);
    if (!font || pending(w)) {
        /* Files that cannot be read say why (errno); anything else is the font's fault. A
         * truncated file may fail with no error code at all (TECH-NOTES §5). */
        HPDF_STATUS no = w->err.no ? w->err.no : HPDF_GetError(w->pdf);
        if (no == HPDF_FILE_OPEN_ERROR || no == HPDF_FILE_IO_ERROR || no == HPDF_FAILD_TO_ALLOC_MEM)
            fail(w, "cannot load font %s", path);
        else if (no)
            folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0,
                           "cannot load font %s: not a TrueType font libharu can read (libharu error 0x%04X)",
                           path, (unsigned)no);
        else
            folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0,
                           "cannot load font %s: not a TrueType font libharu can read", path);
        return NULL;
    }
    w->fonts[face].font = font;
    w->fonts[face].path = path;
    w->fonts[face].whole = !subset;
    w->slot[face] = face;
    return font;
}

static void rgb(uint32_t c, HPDF_REAL *r, HPDF_REAL *g, HPDF_REAL *b)
{
    *r = (HPDF_REAL)((c >> 16) & 0xFF) / 255.0f;
    *g = (HPDF_REAL)((c >> 8) & 0xFF) / 255.0f;
    *b = (HPDF_REAL)(c & 0xFF) / 255.0f;
}

static bool set_fill(writer *w, uint32_t c)
{
    if (w->fill == c)
        return true;
    HPDF_REAL r, g, b;
    rgb(c, &r, &g, &b);
    w->fill = c;
    return ok(w, HPDF_Page_SetRGBFill(w->page, r, g, b));
}

static bool set_stroke(writer *w, uint32_t c, double width, int dash)
{
    HPDF_REAL r, g, b;
    rgb(c, &r, &g, &b);
    if (w->stroke != c && !ok(w, HPDF_Page_SetRGBStroke(w->page, r, g, b)))
        return false;
    w->stroke = c;
    if (w->line_width != width && !ok(w, HPDF_Page_SetLineWidth(w->page, (HPDF_REAL)width)))
        return false;
    w->line_width = width;
    if (w->dash != dash) {
        HPDF_UINT16 pattern = (HPDF_UINT16)dash;
        if (!ok(w, HPDF_Page_SetDash(w->page, dash ? &pattern : NULL, dash ? 1 : 0, 0)))
            return false;
    }
    w->dash = dash;
    return true;
}

static bool end_text(writer *w)
{
    if (!w->in_text)
        return true;
    w->in_text = false;
    return ok(w, HPDF_Page_EndText(w->page));
}

static bool end_path(writer *w)
{
    paint p = w->path;
    w->path = PAINT_NONE;
    if (p == PAINT_FILL)
        return ok(w, HPDF_Page_Fill(w->page));
    if (p == PAINT_STROKE)
        return ok(w, HPDF_Page_Stroke(w->page));
    return true;
}

/* Appends a number as libharu writes it into content streams (HPDF_FToA: at most five
 * decimals, trailing zeros dropped), so operators written here read as libharu's would. */
static void put_real(folio_buf *b, HPDF_REAL v)
{
    char num[32];
    char *end = HPDF_FToA(num, v, num + sizeof num - 1);
    folio_buf_append(b, num, (size_t)(end - num));
}

/* Shows n bytes of cleaned UTF-8 (clean_text) at the current text position: the characters as
 * the 2-byte codes of the UTF-8 encoder (encode_utf8), in hex, then Tj. */
static void put_show(folio_buf *b, const char *s, size_t n)
{
    folio_buf_append(b, "<", 1);
    for (size_t i = 0; i < n;)
        folio_pdf_put_hex4(b, folio_utf8_next(s, n, &i));
    folio_buf_append(b, "> Tj\n", 5);
}

/* Text: consecutive text ops share one BT/ET, and font and colour are set only on change. The
 * Td and Tj operators are written into the page's content stream here, as HPDF_Page_TextOut and
 * HPDF_Page_ShowText would write them: libharu 2.3.0 clears a 512-byte buffer per number and
 * measures every string, glyph by glyph, to advance a text position nothing reads. */
static bool draw_text(writer *w, const folio_op *op)
{
    if (!op->text || !*op->text)
        return true;
    if (op->face < 0 || op->face >= w->nfaces) {
        folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0, "text with an unknown font face %d", op->face);
        return false;
    }
    HPDF_Font font = face_font(w, op->face);
    if (!font)
        return false;
    if (!end_path(w))
        return false;
    if (!w->in_text) {
        if (!ok(w, HPDF_Page_BeginText(w->page)))
            return false;
        w->in_text = true;
    }
    if (w->face != op->face || w->size != op->size) {
        if (!ok(w, HPDF_Page_SetFontAndSize(w->page, font, (HPDF_REAL)op->size)))
            return false;
        w->face = op->face;
        w->size = op->size;
    }
    if (!set_fill(w, op->fill))
        return false;

    pdf_font *pf = &w->fonts[w->slot[op->face]];
    char *s = (char *)clean_text(w, op->text, &pf->used);
    if (op->space_after) { /* invisible, after the text: extracted text keeps its word spaces */
        folio_buf_append(&w->text, " ", 1);
        folio_cpset_add(&pf->used, ' ');
        s = w->text.data;
    }
    size_t n = w->text.len;
    if (pf->whole) { /* libharu embeds the glyphs its width lookups have marked */
        HPDF_FontDef def = ((HPDF_FontAttr)font->attr)->fontdef;
        for (size_t i = 0; i < n;)
            HPDF_TTFontDef_GetCharWidth(def, (HPDF_UINT16)folio_utf8_next(s, n, &i));
    }

    /* Td moves from the start of the text object's current line: the difference computed in
     * HPDF_REAL, as HPDF_Page_TextOut does (the text matrix is the identity), and kept in the
     * page's text matrix so libharu's own state stays true. */
    HPDF_PageAttr attr = (HPDF_PageAttr)w->page->attr;
    HPDF_REAL dx = (HPDF_REAL)op->x - attr->text_matrix.x, dy = (HPDF_REAL)op->y - attr->text_matrix.y;
    folio_buf *b = &w->ops;
    b->len = 0;
    put_real(b, dx);
    folio_buf_append(b, " ", 1);
    put_real(b, dy);
    folio_buf_append(b, " Td\n", 4);
    attr->text_matrix.x += dx;
    attr->text_matrix.y += dy;
    attr->text_pos.x = attr->text_matrix.x;
    attr->text_pos.y = attr->text_matrix.y;

    /* At most FOLIO_PDF_MAX_TEXT bytes per string, as libharu shows them: longer runs go on in
     * further strings, cut at character boundaries (the text position advances by itself). */
    for (size_t at = 0; at < n;) {
        size_t cut = n - at <= FOLIO_PDF_MAX_TEXT ? n : at + FOLIO_PDF_MAX_TEXT;
        while (cut < n && (s[cut] & 0xC0) == 0x80)
            cut--;
        put_show(b, s + at, cut - at);
        at = cut;
    }
    return ok(w, HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)b->data, (HPDF_UINT)b->len));
}

static int dash_points(double dash) /* libharu takes whole points, 1 to 100 */
{
    return dash <= 0                       ? 0
           : dash >= HPDF_MAX_DASH_PATTERN ? HPDF_MAX_DASH_PATTERN
           : dash < 1                      ? 1
                                           : (int)lround(dash);
}

/* Rectangles and lines: consecutive shapes painted the same way with the same colour, width
 * and dash become one path and one painting operator. Filled-and-stroked rectangles are painted
 * one by one, so a later fill still covers an earlier outline as the display list says. */
static bool draw_shape(writer *w, const folio_op *op)
{
    double x = op->x, y = op->y, wd = op->w, ht = op->h;
    double lw = op->line_width > 0 ? op->line_width : 0;
    bool fill = op->kind == FOLIO_OP_RECT && op->filled;
    bool stroke = op->kind == FOLIO_OP_LINE || lw > 0;
    int dash = op->kind == FOLIO_OP_LINE ? dash_points(op->dash) : 0;
    if (!fill && !stroke)
        return true;
    if (op->kind == FOLIO_OP_RECT) {
        /* Same winding for every rectangle, so a batch fills as the union of its parts. */
        if (wd < 0) {
            x += wd;
            wd = -wd;
        }
        if (ht < 0) {
            y += ht;
            ht = -ht;
        }
    }

    paint want = fill && stroke ? PAINT_BOTH : fill ? PAINT_FILL : PAINT_STROKE;
    bool same = w->path == want && want != PAINT_BOTH &&
                (want == PAINT_FILL ? w->fill == op->fill
                                    : w->stroke == op->stroke && w->line_width == lw && w->dash == dash);
    if (!same) {
        if (!end_path(w) || !end_text(w))
            return false;
        if (fill && !set_fill(w, op->fill))
            return false;
        if (stroke && !set_stroke(w, op->stroke, lw, dash))
            return false;
    }
    HPDF_Page pg = w->page;
    if (op->kind == FOLIO_OP_RECT) {
        if (!ok(w, HPDF_Page_Rectangle(pg, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)wd, (HPDF_REAL)ht)))
            return false;
    } else if (!ok(w, HPDF_Page_MoveTo(pg, (HPDF_REAL)x, (HPDF_REAL)y)) ||
               !ok(w, HPDF_Page_LineTo(pg, (HPDF_REAL)(x + wd), (HPDF_REAL)(y + ht)))) {
        return false;
    }
    if (want == PAINT_BOTH)
        return ok(w, HPDF_Page_FillStroke(pg));
    w->path = want;
    return true;
}

/* A path of lines and curves, relative to (x, y), painted by itself. */
static bool draw_path(writer *w, const folio_op *op)
{
    double lw = op->line_width > 0 ? op->line_width : 0;
    bool fill = op->filled, stroke = lw > 0;
    if ((!fill && !stroke) || !op->segs || !op->nsegs)
        return true;
    if (!end_path(w) || !end_text(w))
        return false;
    if (fill && !set_fill(w, op->fill))
        return false;
    if (stroke && !set_stroke(w, op->stroke, lw, dash_points(op->dash)))
        return false;
    HPDF_Page pg = w->page;
    bool open = false; /* a subpath has begun: a LINE or CURVE needs one */
    for (size_t i = 0; i < op->nsegs; i++) {
        const folio_seg *g = &op->segs[i];
        HPDF_REAL x = (HPDF_REAL)(op->x + g->x), y = (HPDF_REAL)(op->y + g->y);
        bool good = true;
        switch (g->kind) {
        case FOLIO_SEG_MOVE: good = ok(w, HPDF_Page_MoveTo(pg, x, y)), open = true; break;
        case FOLIO_SEG_LINE:
            good = ok(w, open ? HPDF_Page_LineTo(pg, x, y) : HPDF_Page_MoveTo(pg, x, y)), open = true;
            break;
        case FOLIO_SEG_CURVE:
            if (!open)
                good = ok(w, HPDF_Page_MoveTo(pg, x, y));
            else
                good = ok(w, HPDF_Page_CurveTo(pg, (HPDF_REAL)(op->x + g->x1), (HPDF_REAL)(op->y + g->y1),
                                               (HPDF_REAL)(op->x + g->x2), (HPDF_REAL)(op->y + g->y2), x, y));
            open = true;
            break;
        case FOLIO_SEG_CLOSE:
            if (open)
                good = ok(w, HPDF_Page_ClosePath(pg));
            break;
        }
        if (!good)
            return false;
    }
    if (!open)
        return true;
    return ok(w, fill && stroke ? HPDF_Page_FillStroke(pg)
                 : fill         ? HPDF_Page_Fill(pg)
                                : HPDF_Page_Stroke(pg));
}

/* CLIP saves the graphics state and clips to a box; UNCLIP restores the state, and with it the
 * writer's idea of the current colours, line and font. */
static bool draw_clip(writer *w, const folio_op *op)
{
    if (!end_path(w) || !end_text(w))
        return false;
    if (op->kind == FOLIO_OP_CLIP) {
        if (w->nclips >= FOLIO_MAX_CLIP_DEPTH) {
            w->nclips++; /* counted, so that its UNCLIP matches; drawn unclipped */
            return true;
        }
        w->clips[w->nclips++] =
            (struct saved_state){w->face, w->size, w->fill, w->stroke, w->line_width, w->dash};
        return ok(w, HPDF_Page_GSave(w->page)) &&
               ok(w, HPDF_Page_Rectangle(w->page, (HPDF_REAL)op->x, (HPDF_REAL)op->y, (HPDF_REAL)op->w,
                                         (HPDF_REAL)op->h)) &&
               ok(w, HPDF_Page_Clip(w->page)) && ok(w, HPDF_Page_EndPath(w->page));
    }
    if (w->nclips == 0)
        return true; /* an UNCLIP without its CLIP: nothing to restore */
    if (--w->nclips >= FOLIO_MAX_CLIP_DEPTH)
        return true;
    const struct saved_state *st = &w->clips[w->nclips];
    w->face = st->face, w->size = st->size, w->fill = st->fill, w->stroke = st->stroke;
    w->line_width = st->line_width, w->dash = st->dash;
    return ok(w, HPDF_Page_GRestore(w->page));
}

/* A destination [page /XYZ 0 top null]: null zoom keeps the reader's zoom. libharu's
 * HPDF_Destination_SetXYZ rejects zoom 0, so the array is rebuilt by hand (TECH-NOTES §4). */
static HPDF_Destination destination(writer *w, int page, double top)
{
    HPDF_Page target = w->pages[page];
    HPDF_Destination d = HPDF_Page_CreateDestination(target);
    if (!d || pending(w))
        return NULL;
    HPDF_Array_Clear(d);
    HPDF_Null null = HPDF_Null_New(d->mmgr);
    if (!null || !ok(w, HPDF_Array_Add(d, target)) || !ok(w, HPDF_Array_AddName(d, "XYZ")) ||
        !ok(w, HPDF_Array_AddReal(d, 0)) || !ok(w, HPDF_Array_AddReal(d, (HPDF_REAL)top)) ||
        !ok(w, HPDF_Array_Add(d, null)))
        return NULL;
    return d;
}

/* URIs go into the PDF as bytes: percent-encode what is not printable ASCII (and a '%' that
 * does not start an escape), so "café" arrives as "caf%C3%A9". */
static const char *encode_uri(writer *w, const char *uri)
{
    static const char hex[] = "0123456789ABCDEF";
    w->text.len = 0;
    folio_buf_append(&w->text, "", 0);
    for (const unsigned char *p = (const unsigned char *)uri; *p; p++) {
        bool escape_ok = *p == '%' && isxdigit(p[1]) && isxdigit(p[2]);
        if (*p > 0x20 && *p < 0x7F && (*p != '%' || escape_ok) && !strchr("\"<>\\^`{|}", *p)) {
            folio_buf_append(&w->text, (const char *)p, 1);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            folio_buf_append(&w->text, e, 3);
        }
    }
    return w->text.data;
}

static bool draw_link(writer *w, const folio_op *op, size_t page_no)
{
    double x0 = fmin(op->x, op->x + op->w), x1 = fmax(op->x, op->x + op->w);
    double y0 = fmin(op->y, op->y + op->h), y1 = fmax(op->y, op->y + op->h);
    HPDF_Rect r = {(HPDF_REAL)x0, (HPDF_REAL)y0, (HPDF_REAL)x1, (HPDF_REAL)y1};
    HPDF_Annotation a;
    if (op->dest_page >= 0) {
        if ((size_t)op->dest_page >= w->layout->npages) {
            folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0,
                           "page %zu: link to page %d, but the document has %zu pages", page_no + 1,
                           op->dest_page + 1, w->layout->npages);
            return false;
        }
        HPDF_Destination d = destination(w, op->dest_page, op->dest_y);
        a = d ? HPDF_Page_CreateLinkAnnot(w->page, r, d) : NULL;
    } else {
        if (!op->text || !*op->text)
            return true; /* nowhere to go */
        a = HPDF_Page_CreateURILinkAnnot(w->page, r, encode_uri(w, op->text));
    }
    if (!a || !ok(w, HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0)))
        return false;
    if (!w->tags)
        return true;
    char desc[64];
    if (op->dest_page >= 0)
        snprintf(desc, sizeof desc, "Go to page %d", op->dest_page + 1);
    const char *what = op->dest_page >= 0 ? desc : clean_text(w, op->text, NULL);
    return folio_tags_annot(w->tags, a, page_no, op, what) && !pending(w);
}

/* Tagged PDF: ops of one structure element (or artifact) in a row share one marked-content
 * sequence, opened outside text objects and paths. */
static bool retag(writer *w, const folio_op *op, size_t page_no)
{
    if (!w->tags || op->kind == FOLIO_OP_LINK)
        return true;
    int target = folio_tags_target(w->tags, op);
    if (target == w->tag)
        return true;
    if (!end_path(w) || !end_text(w))
        return false;
    if (w->tag != TAG_NONE && !folio_tags_end(w->tags, w->page))
        return false;
    w->tag = target;
    return folio_tags_begin(w->tags, w->page, page_no, target);
}

/* The PDF image of a document image, made on first use. PNG pixels go in as raw samples
 * (Flate-compressed) with the alpha plane as an /SMask; a JPEG goes in as it is (DCTDecode).
 * libharu writes /Decode [1 0 1 0 1 0 1 0] for every 4-component JPEG: right for the inverted
 * CMYK of Adobe software, wrong for plain CMYK, where it is removed. */
static HPDF_Image image_of(writer *w, const folio_image *im)
{
    if (im->index >= w->nimages) {
        size_t n = im->index + 1;
        w->images = xrealloc(w->images, n * sizeof *w->images);
        memset(w->images + w->nimages, 0, (n - w->nimages) * sizeof *w->images);
        w->nimages = n;
    }
    if (w->images[im->index])
        return w->images[im->index];
    HPDF_Image img;
    if (im->format == FOLIO_IMAGE_JPEG) {
        img = HPDF_LoadJpegImageFromMem(w->pdf, im->data, (HPDF_UINT)im->size);
        if (img && !pending(w) && im->components == 4 && !im->inverted &&
            HPDF_Dict_RemoveElement(img, "Decode") != HPDF_OK)
            img = NULL;
    } else {
        HPDF_ColorSpace cs = im->components == 3 ? HPDF_CS_DEVICE_RGB : HPDF_CS_DEVICE_GRAY;
        img = HPDF_LoadRawImageFromMem(w->pdf, im->data, (HPDF_UINT)im->width, (HPDF_UINT)im->height, cs, 8);
        if (img && !pending(w) && im->alpha) {
            HPDF_Image mask = HPDF_LoadRawImageFromMem(w->pdf, im->alpha, (HPDF_UINT)im->width,
                                                       (HPDF_UINT)im->height, HPDF_CS_DEVICE_GRAY, 8);
            if (!mask || !ok(w, HPDF_Image_AddSMask(img, mask)))
                img = NULL;
        }
    }
    if (!img || pending(w)) {
        fail(w, "cannot embed image %s", im->display ? im->display : "");
        return NULL;
    }
    return w->images[im->index] = img;
}

static bool draw_image(writer *w, const folio_op *op)
{
    if (!op->image)
        return true;
    HPDF_Image img = image_of(w, op->image);
    if (!img)
        return false;
    if (!end_path(w) || !end_text(w))
        return false;
    return ok(w, HPDF_Page_DrawImage(w->page, img, (HPDF_REAL)op->x, (HPDF_REAL)op->y, (HPDF_REAL)op->w,
                                     (HPDF_REAL)op->h));
}

static bool finite_op(const folio_op *op)
{
    if (!(isfinite(op->x) && isfinite(op->y) && isfinite(op->w) && isfinite(op->h) && isfinite(op->size) &&
          isfinite(op->line_width) && isfinite(op->dash) && isfinite(op->dest_y)))
        return false;
    for (size_t i = 0; op->kind == FOLIO_OP_PATH && op->segs && i < op->nsegs; i++) {
        const folio_seg *g = &op->segs[i];
        if (!(isfinite(g->x) && isfinite(g->y) && isfinite(g->x1) && isfinite(g->y1) && isfinite(g->x2) &&
              isfinite(g->y2)))
            return false;
    }
    return true;
}

static bool draw_page(writer *w, size_t i)
{
    const folio_page *p = &w->layout->pages[i];
    w->page = w->pages[i];
    w->in_text = false;
    /* A page starts in PDF's default state: black, 1 pt lines, solid, no font. */
    w->face = -1;
    w->size = 0;
    w->fill = w->stroke = 0x000000;
    w->line_width = 1;
    w->dash = 0;
    w->path = PAINT_NONE;
    w->nclips = 0;
    w->tag = TAG_NONE;
    size_t errors = w->diag->errors;
    for (size_t k = 0; k < p->n; k++) {
        const folio_op *op = &p->ops[k];
        if (!finite_op(op)) {
            folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0,
                           "page %zu: a drawing operation has a coordinate that is not a number", i + 1);
            return false;
        }
        if (!retag(w, op, i))
            return fail(w, "cannot mark the content of page %zu", i + 1);
        bool drawn = op->kind == FOLIO_OP_TEXT                                  ? draw_text(w, op)
                     : op->kind == FOLIO_OP_RECT || op->kind == FOLIO_OP_LINE   ? draw_shape(w, op)
                     : op->kind == FOLIO_OP_LINK                                ? draw_link(w, op, i)
                     : op->kind == FOLIO_OP_IMAGE                               ? draw_image(w, op)
                     : op->kind == FOLIO_OP_PATH                                ? draw_path(w, op)
                     : op->kind == FOLIO_OP_CLIP || op->kind == FOLIO_OP_UNCLIP ? draw_clip(w, op)
                                                                                : true;
        if (!drawn)
            return w->diag->errors > errors ? false : fail(w, "cannot draw page %zu", i + 1);
    }
    if (!end_path(w) || !end_text(w))
        return fail(w, "cannot draw page %zu", i + 1);
    while (w->nclips > 0) { /* a CLIP left open by its page: the page's state is restored */
        folio_op unclip = {.kind = FOLIO_OP_UNCLIP};
        if (!draw_clip(w, &unclip))
            return fail(w, "cannot draw page %zu", i + 1);
    }
    if (w->tags && w->tag != TAG_NONE && !folio_tags_end(w->tags, w->page))
        return fail(w, "cannot mark the content of page %zu", i + 1);
    w->tag = TAG_NONE;
    return true;
}

/* Bookmarks nested by level: an entry hangs under the latest entry of a lower level. */
static bool add_outline(writer *w)
{
    const folio_layout *l = w->layout;
    HPDF_Outline parent[4] = {NULL, NULL, NULL, NULL};
    for (size_t i = 0; i < l->noutline; i++) {
        const folio_outline_entry *e = &l->outline[i];
        int level = e->level < 1 ? 1 : e->level > 3 ? 3 : e->level;
        if (e->page < 0 || (size_t)e->page >= l->npages) {
            folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0,
                           "bookmark \"%s\" points to page %d, but the document has %zu pages",
                           e->title ? e->title : "", e->page + 1, l->npages);
            return false;
        }
        HPDF_Outline up = NULL;
        for (int k = level - 1; k >= 1 && !up; k--)
            up = parent[k];
        HPDF_Outline o =
            HPDF_CreateOutline(w->pdf, up, clean_text(w, e->title ? e->title : "", NULL), w->utf8);
        HPDF_Destination d = o && !pending(w) ? destination(w, e->page, e->y) : NULL;
        if (!d || !ok(w, HPDF_Outline_SetDestination(o, d)))
            return fail(w, "cannot add bookmark \"%s\"", e->title ? e->title : "");
        parent[level] = o;
        for (int k = level + 1; k <= 3; k++)
            parent[k] = NULL;
    }
    if (l->noutline > 0 && !ok(w, HPDF_SetPageMode(w->pdf, HPDF_PAGE_MODE_USE_OUTLINE)))
        return fail(w, "cannot open the bookmarks pane");
    return true;
}

static bool set_info(writer *w, HPDF_InfoType type, const char *value)
{
    if (!value || !*value)
        return true;
    return ok(w, HPDF_SetInfoAttr(w->pdf, type, clean_text(w, value, NULL)));
}

/* Info dictionary and catalog entries. Strings are UTF-16BE (the UTF-8 encoder is made current
 * first); dates come only from the options, never the clock, so runs are byte-identical. */
static bool add_metadata(writer *w, const folio_doc *doc)
{
    if (!ok(w, HPDF_SetCurrentEncoder(w->pdf, "UTF-8")))
        return fail(w, "cannot select the UTF-8 encoder");
    if (doc) {
        const char *subject = doc->subject && *doc->subject ? doc->subject : doc->subtitle;
        if (!set_info(w, HPDF_INFO_TITLE, doc->title) || !set_info(w, HPDF_INFO_AUTHOR, doc->author) ||
            !set_info(w, HPDF_INFO_SUBJECT, subject) || !set_info(w, HPDF_INFO_KEYWORDS, doc->keywords) ||
            !set_info(w, HPDF_INFO_CREATOR, doc->creator))
            return fail(w, "cannot set the document information");
    }
    const char *date = w->opt->creation_date;
    if (date) {
        int32_t days;
        if (!folio_date_parse(date, strlen(date), &days)) {
            folio_diag_add(w->diag, FOLIO_ERROR, NULL, 0, 0,
                           "invalid creation date \"%s\": expected YYYY-MM-DD", date);
            return false;
        }
        /* Midnight UTC, written "+00'00'": libharu's PDF/A code rejects 'Z' (TECH-NOTES §3). */
        HPDF_Date d = {0};
        folio_date_to_ymd(days, &d.year, &d.month, &d.day);
        d.ind = '+';
        if (!ok(w, HPDF_SetInfoDateAttr(w->pdf, HPDF_INFO_CREATION_DATE, d)) ||
            !ok(w, HPDF_SetInfoDateAttr(w->pdf, HPDF_INFO_MOD_DATE, d)))
            return fail(w, "cannot set the document dates");
    }

    /* /Lang (plain ASCII tags only) and /DisplayDocTitle: libharu 2.3.0 has no call for either,
     * so they go straight into the catalog. */
    HPDF_Dict catalog = w->pdf->catalog;
    if (doc && doc->lang && *doc->lang &&
        strspn(doc->lang, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") ==
            strlen(doc->lang)) {
        HPDF_String lang = HPDF_String_New(w->pdf->mmgr, doc->lang, NULL);
        if (!lang || !ok(w, HPDF_Dict_Add(catalog, "Lang", lang)))
            return fail(w, "cannot set the document language");
    }
    if (doc && doc->title && *doc->title) {
        HPDF_Dict prefs = HPDF_Dict_New(w->pdf->mmgr);
        if (!prefs || !ok(w, HPDF_Dict_AddBoolean(prefs, "DisplayDocTitle", HPDF_TRUE)) ||
            !ok(w, HPDF_Dict_Add(catalog, "ViewerPreferences", prefs)))
            return fail(w, "cannot set the viewer preferences");
    }
    return true;
}

/* Fixes each used font before saving: nested composite glyphs, then a correct ToUnicode. */
static bool fix_fonts(writer *w)
{
    for (int f = 0; f < w->nfaces; f++) {
        pdf_font *pf = &w->fonts[f];
        if (!pf->font)
            continue;
        if (folio_pdf_fix_composites(pf->font) < 0 || pending(w))
            return fail(w, "cannot read the glyphs of font %s", pf->path);
        if (!folio_pdf_fix_tounicode(pf->font, &pf->used) || pending(w))
            return fail(w, "cannot write the character map of font %s", pf->path);
    }
    return true;
}

/* libharu 2.3.0 copies and fills memory one byte at a time in HPDF_MemCpy and HPDF_MemSet
 * (about 15 M of the default report's 133 M instructions: every number it formats clears a
 * 512-byte buffer). Its own calls to them go through the PLT, so these definitions in the
 * executable take their place: the same contract (the regions as libharu passes them, the end
 * pointer returned), done by libc. tests/unit/test_pdf.c checks both the contract and that
 * libharu's calls do arrive here. */
unsigned long folio_hpdf_fast_calls;

HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n)
{
    if (n)
        memmove(out, in, n);
    folio_hpdf_fast_calls++;
    return out + n;
}

void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n)
{
    if (n)
        memset(s, c, n);
    folio_hpdf_fast_calls++;
    return (HPDF_BYTE *)s + n;
}

/* libharu writes the file through this callback straight into a growing buffer (stream->attr):
 * its own memory stream copies byte by byte on the way in and again on the way out. */
static HPDF_STATUS collect(HPDF_Stream stream, const HPDF_BYTE *ptr, HPDF_UINT siz)
{
    folio_buf_append(stream->attr, (const char *)ptr, siz);
    return HPDF_OK;
}

bool folio_pdf_free_threaded = true;
unsigned long folio_pdf_docs_freed_aside;

static void *free_doc(void *pdf)
{
    HPDF_Free(pdf);
    return NULL;
}

/* Serialises the document into memory (HPDF_SaveToStream writes into the stream the document
 * already has, here the callback above), packs it into object streams and only then writes
 * the result into a temporary file that is renamed over `path`, so a failure at any point
 * leaves the target as it was. Once packed, the document is freed (w->pdf NULL) unless no
 * thread could be had for that. */
static bool save(writer *w, const char *path)
{
    folio_buf raw = {0};
    if (w->pdf->stream) {
        HPDF_Stream_Free(w->pdf->stream);
        w->pdf->stream = NULL;
    }
    w->pdf->stream = HPDF_CallbackWriter_New(w->pdf->mmgr, collect, &raw);
    if (!w->pdf->stream || pending(w)) {
        folio_buf_free(&raw);
        return fail(w, "cannot write %s", path);
    }
    if (!ok(w, HPDF_SaveToStream(w->pdf)) || raw.len == 0 || pending(w)) {
        folio_buf_free(&raw);
        return fail(w, "cannot write %s", path);
    }
    unsigned char *packed;
    size_t npacked;
    bool good = folio_pdf_pack((const unsigned char *)raw.data, raw.len, w->ahead, path, &packed, &npacked, w->diag);
    folio_buf_free(&raw);
    if (!good)
        return false;
    /* The document is no longer needed: it is freed on another thread while this one waits for
     * the file to reach the disk (fsync), or here afterwards if no thread can be had. */
    folio_thread freer;
    bool threaded = folio_pdf_free_threaded && folio_thread_start(&freer, free_doc, w->pdf);
    if (threaded)
        w->pdf = NULL;
    folio_atomic a;
    good = folio_atomic_open(&a, path, w->diag) && folio_atomic_write(&a, packed, npacked, w->diag) &&
           folio_atomic_commit(&a, w->diag);
    free(packed);
    if (threaded) {
        folio_thread_join(&freer);
        folio_pdf_docs_freed_aside++;
    }
    return good;
}

/* The pages' content streams are complete once every page is drawn: copies of them are deflated
 * on another thread while the rest of the document is made and saved (about 60% of the default
 * report's deflating), and the pack takes the results. */
static void deflate_pages(writer *w)
{
    size_t n = w->layout->npages;
    folio_buf *in = xcalloc(n, sizeof *in);
    for (size_t i = 0; i < n; i++) {
        HPDF_Stream s = ((HPDF_PageAttr)w->pages[i]->attr)->stream;
        HPDF_UINT len, chunks = HPDF_MemStream_GetBufCount(s);
        for (HPDF_UINT k = 0; k < chunks; k++) {
            HPDF_BYTE *chunk = HPDF_MemStream_GetBufPtr(s, k, &len);
            if (chunk)
                folio_buf_append(&in[i], (const char *)chunk, len);
        }
    }
    w->ahead = folio_pdf_ahead_start(in, n);
}

static bool write_document(writer *w, const folio_doc *doc, const char *path)
{
    const folio_layout *l = w->layout;
    /* Streams are written plain: objstm.c deflates them all at once with libdeflate, faster and
     * smaller than libharu's zlib at its fixed level. */
    if (!ok(w, HPDF_SetCompressionMode(w->pdf, HPDF_COMP_NONE)) || !ok(w, HPDF_UseUTFEncodings(w->pdf)))
        return fail(w, "cannot set up the PDF document");
    w->utf8 = HPDF_GetEncoder(w->pdf, "UTF-8");
    if (!w->utf8 || pending(w))
        return fail(w, "cannot set up the UTF-8 encoder");
    if (w->utf8->encode_text_fn)
        w->utf8->encode_text_fn = encode_utf8;

    /* Every page exists before drawing starts, so links can point forward. */
    w->pages = xcalloc(l->npages, sizeof *w->pages);
    for (size_t i = 0; i < l->npages; i++) {
        w->pages[i] = HPDF_AddPage(w->pdf);
        if (!w->pages[i] || !ok(w, HPDF_Page_SetWidth(w->pages[i], (HPDF_REAL)l->page_w)) ||
            !ok(w, HPDF_Page_SetHeight(w->pages[i], (HPDF_REAL)l->page_h)))
            return fail(w, "cannot add page %zu of %.1f x %.1f pt", i + 1, l->page_w, l->page_h);
    }
    if (!w->opt->untagged)
        w->tags = folio_tags_create(w->pdf, w->utf8, doc, l->npages);
    /* Each font is subset to what the whole document draws with it, so that is known first. */
    w->drawn = xcalloc((size_t)w->nfaces, sizeof *w->drawn);
    for (size_t i = 0; i < l->npages; i++)
        for (size_t k = 0; k < l->pages[i].n; k++) {
            const folio_op *op = &l->pages[i].ops[k];
            if (op->kind == FOLIO_OP_TEXT && op->text && op->face >= 0 && op->face < w->nfaces)
                clean_text(w, op->text, &w->drawn[op->face]);
        }
    for (size_t i = 0; i < l->npages; i++)
        if (!draw_page(w, i))
            return false;
    deflate_pages(w);
    if (!add_outline(w))
        return false;

    /* Page labels: the front matter (cover, contents) in lower-case roman from i, the body in
     * arabic from 1, as the footer and the contents print them. Prefixes stay ASCII (none). */
    if (l->body_start > 0 && (size_t)l->body_start < l->npages) {
        if (!ok(w, HPDF_AddPageLabel(w->pdf, 0, HPDF_PAGE_NUM_STYLE_LOWER_ROMAN, 1, NULL)) ||
            !ok(w, HPDF_AddPageLabel(w->pdf, (HPDF_UINT)l->body_start, HPDF_PAGE_NUM_STYLE_DECIMAL, 1, NULL)))
            return fail(w, "cannot add page labels");
    } else if (l->npages > 0 && !ok(w, HPDF_AddPageLabel(w->pdf, 0, HPDF_PAGE_NUM_STYLE_DECIMAL, 1, NULL))) {
        return fail(w, "cannot add page labels");
    }
    if (!add_metadata(w, doc))
        return false;
    if (w->tags && (!folio_tags_finish(w->tags, w->pages, l->npages, NULL) || pending(w)))
        return fail(w, "cannot write the structure tree (tagged PDF)");
    /* the standards last: their XMP mirrors the Info dictionary and the /Lang tagging set */
    return fix_fonts(w) && folio_pdf_apply_standards(w->pdf, doc, w->layout, w->opt, w->diag) && save(w, path);
}

bool folio_pdf_write(const folio_layout *layout, const folio_doc *doc, const folio_pdf_options *opt,
                     const char *path, folio_diag *diag)
{
    if (!diag)
        return false;
    if (!layout || !opt || !path || !*path) {
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "folio_pdf_write: missing layout, options or path");
        return false;
    }
    if (layout->npages == 0 ||
        !(layout->page_w >= HPDF_MIN_PAGE_SIZE && layout->page_w <= HPDF_MAX_PAGE_SIZE) ||
        !(layout->page_h >= HPDF_MIN_PAGE_SIZE && layout->page_h <= HPDF_MAX_PAGE_SIZE)) {
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0,
                       "cannot write %s: %zu pages of %.1f x %.1f pt (a PDF needs 1 page or more, "
                       "3 to 14400 pt a side)",
                       path, layout->npages, layout->page_w, layout->page_h);
        return false;
    }

    writer *w = xcalloc(1, sizeof *w);
    w->layout = layout;
    w->opt = opt;
    w->diag = diag;
    w->nfaces = FOLIO_FACES + (opt->fallback_files ? (int)opt->nfallback_files : 0);
    w->fonts = xcalloc((size_t)w->nfaces, sizeof *w->fonts);
    w->slot = xcalloc((size_t)w->nfaces, sizeof *w->slot);
    for (int f = 0; f < w->nfaces; f++)
        w->slot[f] = -1;
    bool good;
    w->pdf = HPDF_NewEx(on_error, pdf_alloc, pdf_free, 0, &w->err);
    if (!w->pdf) {
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot write %s: out of memory", path);
        good = false;
    } else {
        good = write_document(w, doc, path);
        if (w->pdf) /* else save() has freed it */
            HPDF_Free(w->pdf);
    }
    folio_pdf_ahead_free(w->ahead);
    folio_tags_free(w->tags);
    free(w->codes);
    free(w->pages);
    free(w->fonts);
    free(w->slot);
    free(w->drawn);
    free(w->images);
    folio_buf_free(&w->text);
    folio_buf_free(&w->ops);
    free(w);
    return good;
}
