/* Client-side fixes for libharu 2.3.0 TrueType defects (TECH-NOTES §1): the invalid /ToUnicode
 * CMap, nested composite glyphs that lose their components in the subset, and a crash on
 * truncated font files (checked before libharu sees them). */
#include <hpdf.h>
#include <hpdf_font.h>
#include <hpdf_encoder.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "pdf/pdf_internal.h"

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool folio_pdf_check_font(const char *path, char *why, size_t whylen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, whylen, "%s", strerror(errno));
        return false;
    }
    uint8_t head[12], entry[16];
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    bool good = size >= 12 && fseek(f, 0, SEEK_SET) == 0 && fread(head, 1, 12, f) == 12;
    uint32_t version = good ? be32(head) : 0;
    if (!good || (version != 0x00010000 && version != 0x74727565 /* 'true' */)) {
        snprintf(why, whylen, "%s",
                 version == 0x4F54544F
                     ? "an OpenType font with CFF outlines; folio needs TrueType outlines (glyf)"
                 : version == 0x74746366 ? "a font collection; name a single .ttf file"
                                         : "not a TrueType font");
        fclose(f);
        return false;
    }
    /* Every table, and the directory itself, must lie inside the file. */
    unsigned ntables = be16(head + 4);
    bool glyf = false;
    good = ntables > 0 && 12 + 16 * (long)ntables <= size;
    for (unsigned i = 0; good && i < ntables; i++) {
        good = fread(entry, 1, 16, f) == 16 && (uint64_t)be32(entry + 8) + be32(entry + 12) <= (uint64_t)size;
        glyf |= good && memcmp(entry, "glyf", 4) == 0;
    }
    fclose(f);
    if (!good)
        snprintf(why, whylen, "the file is truncated or damaged (its tables run past its end)");
    else if (!glyf)
        snprintf(why, whylen, "it has no glyf table; folio needs TrueType outlines");
    return good && glyf;
}

static const char cmap_head[] = "/CIDInit /ProcSet findresource begin\n"
                                "12 dict begin\n"
                                "begincmap\n"
                                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                                "/CMapName /Adobe-Identity-UCS def\n"
                                "/CMapType 2 def\n"
                                "1 begincodespacerange\n"
                                "<0000> <FFFF>\n"
                                "endcodespacerange\n";

static const char cmap_tail[] = "endcmap\n"
                                "CMapName currentdict /CMap defineresource pop\n"
                                "end\n"
                                "end\n";

/* The first code point of `used` at or after cp; 65536 when there is none. Takes the set 64
 * code points at a time (a font draws a few hundred of the 65,536). */
static uint32_t next_cp(const folio_cpset *used, uint32_t cp)
{
    while (cp < 65536) {
        const uint8_t *q = used->bits + (cp >> 6) * 8;
        uint64_t w = 0;
        for (int k = 0; k < 8; k++)
            w |= (uint64_t)q[k] << (8 * k);
        w >>= cp & 63;
        if (w)
            return cp + (uint32_t)__builtin_ctzll(w);
        cp = (cp | 63) + 1;
    }
    return 65536;
}

/* Code points a ToUnicode CMap must not map (PDF/A-2 forbids them; U+0000 means nothing). */
static bool unmappable(uint32_t cp)
{
    return cp == 0 || cp == 0xFEFF || cp == 0xFFFE;
}

bool folio_pdf_fix_tounicode(HPDF_Font font, const folio_cpset *used)
{
    /* The stream dictionary libharu made is the encoder's code-to-CID CMap; keep the object (so
     * nothing else changes), drop its CMap keys and replace its data. */
    HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
    if (!tu || !tu->stream)
        return false;
    static const struct {
        const char *key;
        HPDF_UINT16 type;
    } stale[] = {{"Type", HPDF_OCLASS_NAME},
                 {"CMapName", HPDF_OCLASS_NAME},
                 {"CIDSystemInfo", HPDF_OCLASS_DICT},
                 {"WMode", HPDF_OCLASS_NUMBER}};
    for (size_t i = 0; i < sizeof stale / sizeof *stale; i++)
        if (HPDF_Dict_GetItem(tu, stale[i].key, stale[i].type) &&
            HPDF_Dict_RemoveElement(tu, stale[i].key) != HPDF_OK)
            return false;

    folio_buf b = {0};
    folio_buf_puts(&b, cmap_head);
    size_t total = 0;
    for (uint32_t cp = next_cp(used, 0); cp < 65536; cp = next_cp(used, cp + 1))
        total += !unmappable(cp);
    size_t left = total, in_block = 0;
    for (uint32_t cp = next_cp(used, 0); cp < 65536; cp = next_cp(used, cp + 1)) {
        if (unmappable(cp))
            continue;
        if (in_block == 0) {
            size_t n = left < FOLIO_PDF_BFCHAR_BLOCK ? left : FOLIO_PDF_BFCHAR_BLOCK;
            folio_buf_printf(&b, "%zu beginbfchar\n", n);
            in_block = n;
        }
        /* Code and destination are the same BMP code point (no surrogates reach here). */
        folio_buf_append(&b, "<", 1);
        folio_pdf_put_hex4(&b, cp);
        folio_buf_append(&b, "> <", 3);
        folio_pdf_put_hex4(&b, cp);
        folio_buf_append(&b, ">\n", 2);
        left--;
        if (--in_block == 0)
            folio_buf_puts(&b, "endbfchar\n");
    }
    folio_buf_puts(&b, cmap_tail);

    HPDF_MemStream_FreeData(tu->stream);
    bool ok = HPDF_Stream_Write(tu->stream, (const HPDF_BYTE *)b.data, (HPDF_UINT)b.len) == HPDF_OK;
    folio_buf_free(&b);
    return ok;
}

/* Reads `n` bytes of the font file at `offset`; false on any stream error. */
static bool read_at(HPDF_Stream s, uint32_t offset, uint8_t *buf, uint32_t n)
{
    HPDF_UINT got = n;
    if (HPDF_Stream_Seek(s, (HPDF_INT)offset, HPDF_SEEK_SET) != HPDF_OK)
        return false;
    return n == 0 || (HPDF_Stream_Read(s, buf, &got) == HPDF_OK && got == n);
}

/* Marks the components of composite glyph `gid` in flgs; counts newly marked ones in *added and
 * sets *behind when one lies at or before `gid` (the caller's scan has passed it). */
static bool mark_components(HPDF_TTFontDefAttr attr, uint16_t gid, long *added, bool *behind)
{
    uint32_t start = attr->glyph_tbl.offsets[gid], end = attr->glyph_tbl.offsets[gid + 1];
    if (attr->header.index_to_loc_format == 0) {
        start *= 2;
        end *= 2;
    }
    if (end <= start || end - start < 10)
        return true; /* empty glyph (a space) or too short to be a composite */
    uint32_t len = end - start;
    if (len > FOLIO_PDF_MAX_GLYPH_RECORD)
        len = FOLIO_PDF_MAX_GLYPH_RECORD;
    uint32_t base = attr->glyph_tbl.base_offset + start;

    uint8_t head[2];
    if (!read_at(attr->stream, base, head, 2))
        return false;
    if ((int16_t)be16(head) >= 0)
        return true; /* a simple glyph */

    uint8_t *rec = xmalloc(len);
    if (!read_at(attr->stream, base, rec, len)) {
        free(rec);
        return false;
    }
    enum { WORDS = 0x1, SCALE = 0x8, MORE = 0x20, XY_SCALE = 0x40, TWO_BY_TWO = 0x80 };
    uint32_t p = 10; /* after numberOfContours and the bounding box */
    uint16_t flags;
    do {
        if (p + 4 > len)
            break; /* truncated record: keep what we found */
        flags = be16(rec + p);
        uint16_t comp = be16(rec + p + 2);
        p += 4 + ((flags & WORDS) ? 4 : 2);
        p += (flags & SCALE) ? 2 : (flags & XY_SCALE) ? 4 : (flags & TWO_BY_TWO) ? 8 : 0;
        if (comp < attr->num_glyphs && !attr->glyph_tbl.flgs[comp]) {
            attr->glyph_tbl.flgs[comp] = 1;
            (*added)++;
            if (comp <= gid)
                *behind = true;
        }
    } while (flags & MORE);
    free(rec);
    return true;
}

long folio_pdf_fix_composites(HPDF_Font font)
{
    HPDF_FontAttr fattr = (HPDF_FontAttr)font->attr;
    if (!fattr || !fattr->fontdef || fattr->fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE)
        return 0;
    HPDF_TTFontDefAttr attr = (HPDF_TTFontDefAttr)fattr->fontdef->attr;
    if (!attr->embedding || !attr->stream || !attr->glyph_tbl.flgs || !attr->glyph_tbl.offsets)
        return 0;

    /* Scan in glyph order until a pass marks nothing behind itself: components after the
     * current glyph are reached later in the same pass, so passes are bounded by the depth. */
    long added = 0;
    bool behind = true;
    while (behind) {
        behind = false;
        for (uint32_t gid = 0; gid < attr->num_glyphs; gid++)
            if (attr->glyph_tbl.flgs[gid] && !mark_components(attr, (uint16_t)gid, &added, &behind))
                return -1;
    }
    return added;
}

/* Sets the cells of code cp in both maps of `codes` to cp itself (on) or to zero. */
static void mark_code(HPDF_CMapEncoderAttr codes, uint32_t cp, bool on)
{
    codes->cid_map[cp >> 8][cp & 0xFF] = on ? (HPDF_UINT16)cp : 0;
    codes->unicode_map[cp >> 8][cp & 0xFF] = on ? (HPDF_UNICODE)cp : 0;
}

/* mark_code for each used code and for the code one past the last. */
static void mark_codes(HPDF_CMapEncoderAttr codes, const folio_cpset *used, bool on)
{
    uint32_t last = 0;
    for (uint32_t cp = next_cp(used, 1); cp < 65536; cp = next_cp(used, cp + 1)) {
        mark_code(codes, cp, on);
        last = cp;
    }
    if (last + 1 < 65536)
        mark_code(codes, last + 1, on);
}

HPDF_Font folio_pdf_get_font(HPDF_Doc pdf, const char *name, const folio_cpset *used, HPDF_CMapEncoderAttr *codes)
{
    HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
    if (!enc || enc->type != HPDF_ENCODER_TYPE_DOUBLE_BYTE || !enc->attr)
        return NULL;
    /* CIDFontType2_New looks up a glyph for each of the 65,536 codes of a UTF-8 encoder and
     * writes /W and the CIDToGIDMap for all of them. For an encoder whose to_unicode_fn is the
     * CMap one it walks the encoder's code-to-CID and code-to-Unicode maps instead, skipping
     * CID 0, and stops the tables below the highest CID. So for the call the encoder becomes such
     * an encoder holding only the used codes, plus one past the last (glyph 0, where the tables
     * end). Its own maps (256 KB, which its UTF-8 functions use) are left alone: it is lent
     * `codes`, attributes with its own fields but maps that are zero except at those codes. */
    HPDF_CMapEncoderAttr attr = (HPDF_CMapEncoderAttr)enc->attr;
    if (!*codes)
        *codes = xcalloc(1, sizeof **codes);
    size_t rest = offsetof(HPDF_CMapEncoderAttr_Rec, jww_line_head);
    memcpy((char *)*codes + rest, (const char *)attr + rest, sizeof *attr - rest);
    mark_codes(*codes, used, true);
    HPDF_Encoder_ToUnicode_Func to_unicode = enc->to_unicode_fn;
    enc->to_unicode_fn = HPDF_CMapEncoder_ToUnicode;
    enc->attr = *codes;
    HPDF_Font font = HPDF_GetFont(pdf, name, "UTF-8");
    enc->attr = attr;
    enc->to_unicode_fn = to_unicode;
    mark_codes(*codes, used, false); /* all zero again for the next font */
    return font;
}

void folio_pdf_keep_all_glyphs(HPDF_Font font)
{
    HPDF_FontAttr fattr = (HPDF_FontAttr)font->attr;
    if (!fattr || !fattr->fontdef || fattr->fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE)
        return;
    HPDF_TTFontDefAttr attr = (HPDF_TTFontDefAttr)fattr->fontdef->attr;
    if (attr->glyph_tbl.flgs)
        memset(attr->glyph_tbl.flgs, 1, attr->num_glyphs);
}
