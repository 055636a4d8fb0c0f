/* TrueType metrics read straight from the font file: the tables layout needs to measure text
 * (head, hhea, maxp, hmtx, OS/2, cmap) and nothing else. No outlines are read. Kerning comes
 * from HarfBuzz (the kern table or GPOS pair positioning), one pair at a time, cached. */
#include "layout/fonts.h"

#include <errno.h>
#include <fcntl.h>
#include <hb-ot.h>
#include <hb.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#define BMP_SIZE 65536u

/* A cmap format 12 group: code points start..end map to glyphs gid, gid + 1, ... */
typedef struct cmap_group {
    uint32_t start, end, gid;
} cmap_group;

struct folio_font {
    char *path;
    uint16_t units_per_em;
    uint16_t nglyphs;
    uint16_t *advance;   /* per glyph, font units */
    uint16_t *bmp;       /* glyph of each BMP code point, 0 = missing */
    cmap_group *groups;  /* beyond the BMP, sorted by start */
    size_t ngroups;
    int ascent, descent, cap_height; /* 1/1000 em */
    struct kern_cache *kern;         /* HarfBuzz face and the pairs asked for so far */
};

/* Pair kerning, looked up lazily: an open-addressing table of (left, right) -> 1/1000 em. */
typedef struct kern_slot {
    uint64_t key; /* left << 21 | right, + 1; 0 = empty */
    float value;
} kern_slot;

struct kern_cache {
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *font;
    hb_buffer_t *buf;
    hb_segment_properties_t props; /* every pair is Latin, left to right, English */
    hb_shape_plan_t *plan;         /* made once (hb_shape would look it up for every pair) */
    kern_slot *slots;
    size_t cap, used;
};

/* Pairs are shaped with only kerning on (no ligatures or contextual forms: libharu draws
 * characters, not glyphs). */
static const hb_feature_t KERN_FEATURES[] = {
    {HB_TAG('k', 'e', 'r', 'n'), 1, 0, (unsigned)-1}, {HB_TAG('l', 'i', 'g', 'a'), 0, 0, (unsigned)-1},
    {HB_TAG('c', 'l', 'i', 'g'), 0, 0, (unsigned)-1}, {HB_TAG('c', 'a', 'l', 't'), 0, 0, (unsigned)-1},
    {HB_TAG('d', 'l', 'i', 'g'), 0, 0, (unsigned)-1}, {HB_TAG('c', 'c', 'm', 'p'), 0, 0, (unsigned)-1},
    {HB_TAG('l', 'o', 'c', 'l'), 0, 0, (unsigned)-1}};
#define NKERN_FEATURES (sizeof KERN_FEATURES / sizeof KERN_FEATURES[0])

static void kern_free(struct kern_cache *k)
{
    if (!k)
        return;
    hb_buffer_destroy(k->buf);
    hb_shape_plan_destroy(k->plan);
    hb_font_destroy(k->font);
    hb_face_destroy(k->face);
    hb_blob_destroy(k->blob);
    free(k->slots);
    free(k);
}

/* HarfBuzz answers an allocation failure with an inert object and carries on, which would
 * silently drop kerning: folio stops instead, as xmalloc does. The file has already been read
 * and checked, so a failure here is memory. blob: the file (the cache takes the reference);
 * gpos: the font has a GPOS table. */
static struct kern_cache *kern_open(hb_blob_t *blob, bool gpos)
{
    errno = 0;
    struct kern_cache *k = xcalloc(1, sizeof *k);
    k->blob = blob;
    k->face = hb_face_create(blob, 0);
    k->font = hb_font_create(k->face);
    k->buf = hb_buffer_create();
    k->props = (hb_segment_properties_t){HB_DIRECTION_LTR, HB_SCRIPT_LATIN, hb_language_from_string("en", -1), NULL,
                                         NULL};
    k->plan = hb_shape_plan_create_cached2(k->face, &k->props, KERN_FEATURES, NKERN_FEATURES, NULL, 0, NULL);
    if (k->face == hb_face_get_empty() || k->font == hb_font_get_empty() || !hb_buffer_allocation_successful(k->buf) ||
        k->plan == hb_shape_plan_get_empty() || (gpos && !hb_ot_layout_has_positioning(k->face)) || errno == ENOMEM)
        folio_out_of_memory();
    k->cap = 1024;
    k->slots = xcalloc(k->cap, sizeof *k->slots);
    return k;
}

typedef struct mapping {
    void *p;
    size_t n;
} mapping;

static void unmap(void *user)
{
    mapping *m = user;
    munmap(m->p, m->n);
    free(m);
}

/* The font file as a HarfBuzz blob, shared by the metrics read here and by HarfBuzz's kerning:
 * a regular file is mapped (only the pages of the tables read are touched), anything else
 * read. NULL with errno set when it cannot be read. */
static hb_blob_t *font_blob(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    void *p = MAP_FAILED;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size <= UINT_MAX)
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    hb_blob_t *blob;
    if (p != MAP_FAILED) {
        mapping *m = xmalloc(sizeof *m);
        *m = (mapping){p, (size_t)st.st_size};
        blob = hb_blob_create(p, (unsigned)m->n, HB_MEMORY_MODE_READONLY, m, unmap);
    } else {
        size_t n;
        char *data = folio_read_file(path, &n);
        if (!data)
            return NULL;
        if (n == 0) { /* an empty file: not a TrueType font, which the caller says */
            free(data);
            return hb_blob_get_empty();
        }
        if (n > UINT_MAX)
            n = UINT_MAX; /* HarfBuzz's limit; the tables are then missing or truncated */
        blob = hb_blob_create(data, (unsigned)n, HB_MEMORY_MODE_READONLY, data, free);
    }
    if (blob == hb_blob_get_empty())
        folio_out_of_memory(); /* hb_blob_create called the destroy function */
    return blob;
}

/* The file in memory, with bounds-checked big-endian reads. */
typedef struct ttf {
    const uint8_t *p;
    size_t n;
} ttf;

static uint16_t rd16(const ttf *f, size_t off)
{
    if (off > f->n || f->n - off < 2)
        return 0;
    return (uint16_t)(f->p[off] << 8 | f->p[off + 1]);
}

static uint32_t rd32(const ttf *f, size_t off)
{
    if (off > f->n || f->n - off < 4)
        return 0;
    return (uint32_t)f->p[off] << 24 | (uint32_t)f->p[off + 1] << 16 | (uint32_t)f->p[off + 2] << 8 |
           f->p[off + 3];
}

/* Finds a table; false when absent or when it does not lie inside the file. */
static bool find_table(const ttf *f, const char tag[4], size_t *off, size_t *len)
{
    uint16_t ntables = rd16(f, 4);
    for (uint16_t i = 0; i < ntables; i++) {
        size_t rec = 12 + (size_t)i * 16;
        if (rec + 16 > f->n)
            return false;
        if (memcmp(f->p + rec, tag, 4) == 0) {
            uint32_t o = rd32(f, rec + 8), l = rd32(f, rec + 12);
            if (o > f->n || l > f->n - o)
                return false;
            *off = o;
            *len = l;
            return true;
        }
    }
    return false;
}

static int to_milli(const folio_font *font, long units)
{
    return (int)(units * 1000 / (long)font->units_per_em);
}

/* cmap format 4 (BMP segments) into font->bmp. */
static void read_cmap4(folio_font *font, const ttf *f, size_t sub, size_t end)
{
    uint16_t segx2 = rd16(f, sub + 6);
    size_t ends = sub + 14, starts = ends + segx2 + 2, deltas = starts + segx2, ranges = deltas + segx2;
    if (ranges + segx2 > end)
        return;
    for (size_t s = 0; s < segx2 / 2u; s++) {
        uint16_t e = rd16(f, ends + 2 * s), st = rd16(f, starts + 2 * s);
        uint16_t delta = rd16(f, deltas + 2 * s), ro = rd16(f, ranges + 2 * s);
        for (uint32_t c = st; c <= e && st <= e; c++) {
            uint16_t g;
            if (ro == 0) {
                g = (uint16_t)(c + delta);
            } else {
                size_t at = ranges + 2 * s + ro + 2 * (c - st);
                if (at + 2 > end)
                    break;
                g = rd16(f, at);
                if (g)
                    g = (uint16_t)(g + delta);
            }
            if (c < BMP_SIZE && g < font->nglyphs)
                font->bmp[c] = g;
            if (c == 0xFFFF)
                break;
        }
    }
}

/* cmap format 12 (32-bit groups): BMP part into font->bmp, the rest kept as groups. */
static void read_cmap12(folio_font *font, const ttf *f, size_t sub, size_t end)
{
    uint32_t n = rd32(f, sub + 12);
    if (n > (end - sub) / 12)
        return;
    font->groups = xcalloc(n ? n : 1, sizeof *font->groups);
    for (uint32_t i = 0; i < n; i++) {
        size_t g = sub + 16 + (size_t)i * 12;
        uint32_t st = rd32(f, g), e = rd32(f, g + 4), gid = rd32(f, g + 8);
        if (e < st || e > 0x10FFFF)
            continue;
        for (uint32_t c = st; c <= e && c < BMP_SIZE; c++)
            if (gid + (c - st) < font->nglyphs)
                font->bmp[c] = (uint16_t)(gid + (c - st));
        if (e >= BMP_SIZE) {
            cmap_group grp = {st < BMP_SIZE ? BMP_SIZE : st, e, gid + (st < BMP_SIZE ? BMP_SIZE - st : 0)};
            font->groups[font->ngroups++] = grp;
        }
    }
}

/* Picks the best Unicode subtable: format 12 (3,10) or (0,4+), else format 4 (3,1) or (0,*). */
static bool read_cmap(folio_font *font, const ttf *f, size_t off, size_t len)
{
    uint16_t n = rd16(f, off + 2);
    size_t best4 = 0, best12 = 0;
    for (uint16_t i = 0; i < n; i++) {
        size_t rec = off + 4 + (size_t)i * 8;
        if (rec + 8 > off + len)
            break;
        uint16_t pid = rd16(f, rec), eid = rd16(f, rec + 2);
        uint32_t so = rd32(f, rec + 4);
        if (so >= len)
            continue;
        bool unicode = pid == 0 || (pid == 3 && (eid == 1 || eid == 10));
        if (!unicode)
            continue;
        uint16_t fmt = rd16(f, off + so);
        if (fmt == 12 && !best12)
            best12 = off + so;
        else if (fmt == 4 && !best4)
            best4 = off + so;
    }
    font->bmp = xcalloc(BMP_SIZE, sizeof *font->bmp);
    if (best12)
        read_cmap12(font, f, best12, off + len);
    else if (best4)
        read_cmap4(font, f, best4, off + len);
    else
        return false;
    return true;
}

/* The top of 'H' from glyf, for fonts whose OS/2 table has no capHeight. */
static int cap_from_glyph(const folio_font *font, const ttf *f)
{
    size_t head, headlen, loca, localen, glyf, glyflen;
    uint16_t g = font->bmp['H'];
    if (!g || !find_table(f, "head", &head, &headlen) || !find_table(f, "loca", &loca, &localen) ||
        !find_table(f, "glyf", &glyf, &glyflen))
        return 0;
    bool long_loca = rd16(f, head + 50) != 0;
    size_t at = long_loca ? rd32(f, loca + 4u * g) : 2u * rd16(f, loca + 2u * g);
    if (at + 10 > glyflen)
        return 0;
    return to_milli(font, (int16_t)rd16(f, glyf + at + 8));
}

static void set_err(char *err, size_t errlen, const char *path, const char *why)
{
    if (err && errlen)
        snprintf(err, errlen, "cannot use font %s: %s", path, why);
}

folio_font *folio_font_load(const char *path, char *err, size_t errlen)
{
    if (!path) {
        set_err(err, errlen, "(null)", "no file given");
        return NULL;
    }
    hb_blob_t *blob = font_blob(path);
    if (!blob) {
        set_err(err, errlen, path, strerror(errno));
        return NULL;
    }
    unsigned n;
    const char *data = hb_blob_get_data(blob, &n);
    ttf f = {(const uint8_t *)data, n};
    folio_font *font = xcalloc(1, sizeof *font);
    const char *why = NULL;
    size_t head, headlen, hhea, hhealen, maxp, maxplen, hmtx, hmtxlen, cmap, cmaplen, glyf, glyflen;
    uint32_t version = rd32(&f, 0);

    if (n < 12 || (version != 0x00010000 && version != 0x74727565)) /* 'true' */
        why = version == 0x4F54544F ? "a CFF (OpenType) font, not TrueType" : "not a TrueType font";
    else if (!find_table(&f, "head", &head, &headlen) || headlen < 54 ||
             !find_table(&f, "hhea", &hhea, &hhealen) || hhealen < 36 ||
             !find_table(&f, "maxp", &maxp, &maxplen) || maxplen < 6 ||
             !find_table(&f, "hmtx", &hmtx, &hmtxlen) || !find_table(&f, "cmap", &cmap, &cmaplen))
        why = "a required table (head, hhea, maxp, hmtx, cmap) is missing or truncated";
    else if (!find_table(&f, "glyf", &glyf, &glyflen))
        why = "no glyf table (only TrueType outlines are supported)";
    if (!why) {
        font->units_per_em = rd16(&f, head + 18);
        font->nglyphs = rd16(&f, maxp + 4);
        if (font->units_per_em < 16 || font->units_per_em > 16384)
            why = "bad unitsPerEm in head";
        else if (font->nglyphs == 0)
            why = "no glyphs";
    }
    if (!why) {
        /* hmtx: numberOfHMetrics full records, then the last advance repeats. */
        uint16_t nh = rd16(&f, hhea + 34);
        if (nh == 0 || nh > font->nglyphs || (size_t)nh * 4 > hmtxlen) {
            why = "bad hmtx";
        } else {
            font->advance = xcalloc(font->nglyphs, sizeof *font->advance);
            for (uint16_t g = 0; g < font->nglyphs; g++)
                font->advance[g] = rd16(&f, hmtx + 4u * (g < nh ? g : nh - 1u));
        }
    }
    if (!why && !read_cmap(font, &f, cmap, cmaplen))
        why = "no Unicode cmap (format 4 or 12)";
    if (why) {
        set_err(err, errlen, path, why);
        hb_blob_destroy(blob);
        folio_font_free(font);
        return NULL;
    }

    /* Vertical metrics: hhea, else OS/2 typo values; cap height from OS/2 v2+, else 'H'. */
    int16_t asc = (int16_t)rd16(&f, hhea + 4), desc = (int16_t)rd16(&f, hhea + 6);
    size_t os2, os2len;
    bool have_os2 = find_table(&f, "OS/2", &os2, &os2len);
    if (have_os2 && os2len >= 78 && (asc == 0 || desc == 0)) {
        asc = (int16_t)rd16(&f, os2 + 68);
        desc = (int16_t)rd16(&f, os2 + 70);
    }
    font->ascent = to_milli(font, asc);
    font->descent = to_milli(font, desc > 0 ? -desc : desc);
    if (have_os2 && os2len >= 90 && rd16(&f, os2) >= 2)
        font->cap_height = to_milli(font, (int16_t)rd16(&f, os2 + 88));
    if (font->cap_height <= 0)
        font->cap_height = cap_from_glyph(font, &f);
    if (font->cap_height <= 0)
        font->cap_height = font->ascent * 7 / 10;
    if (font->ascent <= 0)
        font->ascent = 800;
    if (font->descent >= 0)
        font->descent = -200;
    font->path = xstrdup(path);
    size_t gpos, gposlen;
    font->kern = kern_open(blob, find_table(&f, "GPOS", &gpos, &gposlen));
    return font;
}

void folio_font_free(folio_font *f)
{
    if (!f)
        return;
    free(f->path);
    free(f->advance);
    free(f->bmp);
    free(f->groups);
    kern_free(f->kern);
    free(f);
}

const char *folio_font_path(const folio_font *f)
{
    return f ? f->path : NULL;
}

static uint32_t glyph_of(const folio_font *f, uint32_t cp)
{
    if (cp < BMP_SIZE)
        return f->bmp[cp];
    size_t lo = 0, hi = f->ngroups;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const cmap_group *g = &f->groups[mid];
        if (cp < g->start)
            hi = mid;
        else if (cp > g->end)
            lo = mid + 1;
        else
            return g->gid + (cp - g->start) < f->nglyphs ? g->gid + (cp - g->start) : 0;
    }
    return 0;
}

bool folio_font_has_glyph(const folio_font *f, uint32_t cp)
{
    return f && glyph_of(f, cp) != 0;
}

int folio_font_advance(const folio_font *f, uint32_t cp)
{
    if (!f)
        return 0;
    /* Truncated like libharu's /W entries: advance * 1000 / unitsPerEm. */
    return (int)((uint32_t)f->advance[glyph_of(f, cp)] * 1000u / f->units_per_em);
}

int folio_font_ascent(const folio_font *f)
{
    return f ? f->ascent : 0;
}

int folio_font_descent(const folio_font *f)
{
    return f ? f->descent : 0;
}

int folio_font_cap_height(const folio_font *f)
{
    return f ? f->cap_height : 0;
}

uint32_t folio_utf8_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k = *i;
    if (k >= n)
        return 0xFFFD;
    unsigned c = p[k];
    size_t need;
    uint32_t cp, min;
    if (c < 0x80) {
        *i = k + 1;
        return c;
    } else if (c >= 0xC2 && c <= 0xDF) {
        need = 1, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3, cp = c & 0x07, min = 0x10000;
    } else {
        *i = k + 1;
        return 0xFFFD;
    }
    for (size_t j = 1; j <= need; j++) {
        if (k + j >= n || (p[k + j] & 0xC0) != 0x80) {
            *i = k + j; /* skip the lead and the good continuation bytes seen so far */
            return 0xFFFD;
        }
        cp = cp << 6 | (p[k + j] & 0x3F);
    }
    *i = k + need + 1;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFD;
    return cp;
}

double folio_font_text_width(const folio_font *f, const char *s, size_t n, double size)
{
    if (!f || !s)
        return 0;
    long total = 0;
    for (size_t i = 0; i < n;)
        total += folio_font_advance(f, folio_utf8_next(s, n, &i));
    return (double)total * size / 1000.0;
}

/* Shapes the pair with only kerning on (no ligatures or contextual forms: libharu draws
 * characters, not glyphs) and compares the first glyph's advance with its hmtx advance. */
static float kern_shape(const folio_font *f, uint32_t left, uint32_t right)
{
    struct kern_cache *k = f->kern;
    uint32_t cps[2] = {left, right};
    hb_buffer_clear_contents(k->buf);
    hb_buffer_add_utf32(k->buf, cps, 2, 0, 2);
    hb_buffer_set_segment_properties(k->buf, &k->props);
    /* HarfBuzz loads its tables lazily and treats a failed allocation there as a font without
     * them: errno is the only trace (malloc sets ENOMEM), so a lost kerning table stops folio. */
    errno = 0;
    bool shaped = hb_shape_plan_execute(k->plan, k->font, k->buf, KERN_FEATURES, NKERN_FEATURES);
    if (!shaped || !hb_buffer_allocation_successful(k->buf) || errno == ENOMEM)
        folio_out_of_memory();
    unsigned n = 0;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(k->buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(k->buf, NULL);
    uint32_t g = glyph_of(f, left);
    if (n != 2 || !info || !pos || info[0].codepoint != g || info[1].codepoint != glyph_of(f, right))
        return 0;
    int x_scale = 0, y_scale = 0;
    hb_font_get_scale(k->font, &x_scale, &y_scale);
    if (x_scale <= 0)
        return 0;
    double adv_units = (double)pos[0].x_advance * f->units_per_em / x_scale;
    return (float)((adv_units - f->advance[g]) * 1000.0 / f->units_per_em);
}

static void kern_grow(struct kern_cache *k)
{
    size_t cap = k->cap * 2;
    kern_slot *slots = xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < k->cap; i++) {
        if (!k->slots[i].key)
            continue;
        size_t h = (size_t)(k->slots[i].key * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
        while (slots[h].key)
            h = (h + 1) & (cap - 1);
        slots[h] = k->slots[i];
    }
    free(k->slots);
    k->slots = slots;
    k->cap = cap;
}

double folio_font_kern(const folio_font *f, uint32_t left, uint32_t right)
{
    if (!f || !f->kern || left > 0x10FFFF || right > 0x10FFFF)
        return 0;
    /* Only pairs the font has both glyphs of are kept, so a pair found needs no cmap lookup. */
    struct kern_cache *k = f->kern;
    uint64_t key = ((uint64_t)left << 21 | right) + 1;
    size_t h = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & (k->cap - 1);
    while (k->slots[h].key) {
        if (k->slots[h].key == key)
            return k->slots[h].value;
        h = (h + 1) & (k->cap - 1);
    }
    if (!glyph_of(f, left) || !glyph_of(f, right))
        return 0;
    float v = kern_shape(f, left, right);
    if (2 * (k->used + 1) > k->cap) {
        kern_grow(k);
        h = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & (k->cap - 1);
        while (k->slots[h].key)
            h = (h + 1) & (k->cap - 1);
    }
    k->slots[h] = (kern_slot){key, v};
    k->used++;
    return v;
}
