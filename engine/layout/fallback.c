/* Fonts per character: the fallback chain. Text is measured with the font that will draw each
 * character (lay_char_advance), and after layout each text op is split into runs of one font
 * (lay_fallback_apply), so the PDF embeds a fallback font only when a character needs it. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "layout/layout_int.h"

#define REPLACEMENT 0xFFFDu
#define BMP_LAST 0xFFFFu

void lay_fallback_init(lay_fallback *fb, const folio_fontset *fonts, folio_diag *diag)
{
    memset(fb, 0, sizeof *fb);
    fb->diag = diag;
    if (!fonts || !fonts->fallback_files || !fonts->nfallback_files)
        return;
    fb->files = fonts->fallback_files;
    fb->n = fonts->nfallback_files;
    fb->font = xcalloc(fb->n, sizeof *fb->font);
    fb->tried = xcalloc(fb->n, sizeof *fb->tried);
}

void lay_fallback_free(lay_fallback *fb)
{
    for (size_t i = 0; i < fb->n; i++)
        folio_font_free(fb->font[i]);
    free(fb->font);
    free(fb->tried);
    memset(fb, 0, sizeof *fb);
}

/* The metrics of a face, reading a fallback file on first need. NULL: no such face or its file
 * cannot be read (reported once as a warning; the chain goes on without it). */
static const folio_font *face_font(const lay_ctx *c, int face)
{
    if (face >= 0 && face < FOLIO_FACES)
        return c->face[face];
    lay_fallback *fb = c->fallback;
    size_t i = (size_t)(face - FOLIO_FACES);
    if (!fb || face < FOLIO_FACES || i >= fb->n)
        return NULL;
    if (!fb->tried[i]) {
        char err[512];
        fb->tried[i] = true;
        fb->font[i] = folio_font_load(fb->files[i], err, sizeof err);
        if (!fb->font[i] && fb->diag)
            folio_diag_add(fb->diag, FOLIO_WARNING, fb->files[i], 0, 0, "fallback font skipped: %s", err);
    }
    return fb->font[i];
}

static uint32_t drawn_as(uint32_t cp)
{
    return cp > BMP_LAST ? REPLACEMENT : cp;
}

void lay_advance_init(lay_ctx *c)
{
    for (int f = 0; f < FOLIO_FACES; f++)
        for (uint32_t cp = 0; cp < LAY_FAST_CHARS; cp++) {
            const folio_font *font = c->face[f];
            bool own = font && (cp < 0x20 || folio_font_has_glyph(font, cp));
            c->advance[f][cp] = own ? folio_font_advance(font, cp) + 1 : 0;
        }
}

int lay_face_for(const lay_ctx *c, int face, uint32_t cp)
{
    if (face < 0 || face >= FOLIO_FACES)
        return face;
    if (cp < LAY_FAST_CHARS && c->advance[face][cp])
        return face;
    cp = drawn_as(cp);
    if (cp < 0x20 || folio_font_has_glyph(c->face[face], cp))
        return face;
    size_t families = c->fallback ? c->fallback->n / FOLIO_FACES : 0;
    for (size_t k = 0; k < families; k++) {
        int f = FOLIO_FACES + (int)k * FOLIO_FACES + face;
        if (folio_font_has_glyph(face_font(c, f), cp))
            return f;
    }
    return face;
}

int lay_char_advance(const lay_ctx *c, int face, uint32_t cp)
{
    if (face >= 0 && face < FOLIO_FACES && cp < LAY_FAST_CHARS && c->advance[face][cp])
        return c->advance[face][cp] - 1;
    const folio_font *f = face_font(c, lay_face_for(c, face, cp));
    return folio_font_advance(f ? f : c->face[FOLIO_FACE_REGULAR], drawn_as(cp));
}

/* Counts a character no font prints, keeping the block it first appeared in. */
static void note_unprintable(folio_layout *l, uint32_t cp, const folio_block *b)
{
    for (size_t i = 0; i < l->nunprintable; i++)
        if (l->unprintable[i].cp == cp) {
            l->unprintable[i].count++;
            if (!l->unprintable[i].block)
                l->unprintable[i].block = b;
            return;
        }
    l->unprintable = xrealloc(l->unprintable, (l->nunprintable + 1) * sizeof *l->unprintable);
    l->unprintable[l->nunprintable++] = (folio_unprintable){cp, 1, b};
}

/* Whether a text op needs splitting or rewriting: a character drawn by another face, one no
 * font has, or one above U+FFFF. Records the unprintable ones. */
static bool needs_split(const lay_ctx *c, folio_layout *l, const folio_op *op)
{
    bool split = false;
    size_t n = strlen(op->text);
    for (size_t i = 0; i < n;) {
        uint32_t cp = folio_utf8_next(op->text, n, &i);
        if (cp < LAY_FAST_CHARS && c->advance[op->face][cp])
            continue; /* the face's own font draws it */
        int f = lay_face_for(c, op->face, cp);
        bool missing = cp >= 0x20 && f == op->face && !folio_font_has_glyph(c->face[op->face], drawn_as(cp));
        if (missing || cp > BMP_LAST)
            note_unprintable(l, cp, op->block);
        split |= f != op->face || cp > BMP_LAST;
    }
    return split;
}

/* Appends op's text as runs of one face each to out; positions from the same advances that
 * measured the text. */
static void split_op(const lay_ctx *c, const folio_op *op, folio_page *out)
{
    folio_buf run = {0};
    folio_buf_append(&run, "", 0);
    size_t n = strlen(op->text);
    double x = op->x, start = op->x;
    int cur = -1;
    for (size_t i = 0; i <= n;) {
        uint32_t cp = 0;
        int f = -1;
        if (i < n) {
            cp = folio_utf8_next(op->text, n, &i);
            f = lay_face_for(c, op->face, cp);
        } else {
            i++;
        }
        if (f != cur && run.len) {
            folio_op part = *op;
            part.face = cur;
            part.x = start;
            part.text = run.data;
            folio_page_add(out, &part);
            run.len = 0;
            run.data[0] = '\0';
        }
        if (f < 0)
            break;
        if (!run.len)
            start = x;
        cur = f;
        folio_buf_put_utf8(&run, drawn_as(cp));
        x += lay_char_advance(c, op->face, cp) * op->size / 1000.0;
    }
    folio_buf_free(&run);
}

void lay_fallback_apply(const lay_ctx *c, folio_layout *l)
{
    for (size_t p = 0; p < l->npages; p++) {
        folio_page *pg = &l->pages[p], out = {0};
        bool changed = false;
        for (size_t k = 0; k < pg->n; k++) {
            const folio_op *op = &pg->ops[k];
            if (op->kind == FOLIO_OP_TEXT && op->text && op->face >= 0 && op->face < FOLIO_FACES &&
                needs_split(c, l, op)) {
                if (!changed) {
                    for (size_t j = 0; j < k; j++)
                        folio_page_add(&out, &pg->ops[j]);
                    changed = true;
                }
                split_op(c, op, &out);
            } else if (changed) {
                folio_page_add(&out, op);
            }
        }
        if (!changed)
            continue;
        for (size_t k = 0; k < pg->n; k++)
            folio_op_free(&pg->ops[k]);
        free(pg->ops);
        *pg = out;
    }
}
