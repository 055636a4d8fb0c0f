/* PDF/A-2 and PDF/UA-1 claims (docs/accessibility.md): the XMP metadata made from the Info
 * dictionary, the sRGB output intent, print flags on annotations, the PDF version and a /ID
 * derived from the content. libharu 2.3.0 knows only PDF/A-1 and gets its XMP wrong (TECH-NOTES
 * §3), so all of it is built here on its object API, just before the document is saved. */
#include <ctype.h>
#include <hpdf.h>
#include <hpdf_encrypt.h>
#include <hpdf_pages.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "layout/fonts.h"
#include "pdf/pdf.h"
#include "pdf/pdf_internal.h"

/* ---- names ---- */

static const struct {
    const char *name;
    unsigned bit;
} standard_names[] = {{"a-2b", FOLIO_PDF_A2B}, {"a-2a", FOLIO_PDF_A2A}, {"ua-1", FOLIO_PDF_UA1}};

#define NSTANDARDS (sizeof standard_names / sizeof standard_names[0])

bool folio_pdf_standard_parse(const char *s, unsigned *set, char *why, size_t whylen)
{
    if (!s || !set || !why || whylen == 0)
        return false;
    unsigned out = 0;
    bool none = false, any = false;
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        const char *word = folio_trim(p, &n);
        if (n == 0) {
            snprintf(why, whylen, "an empty name in the list");
            return false;
        }
        bool known = false;
        if (n == 4 && strncasecmp(word, "none", 4) == 0) {
            none = known = true;
        } else {
            for (size_t i = 0; i < NSTANDARDS; i++)
                if (strlen(standard_names[i].name) == n &&
                    strncasecmp(word, standard_names[i].name, n) == 0) {
                    out |= standard_names[i].bit;
                    known = true;
                }
        }
        if (!known) {
            snprintf(why, whylen, "\"%.*s\" is not a standard folio can claim", (int)(n > 40 ? 40 : n), word);
            return false;
        }
        any = true;
        if (!comma)
            break;
        p = comma + 1;
    }
    if (!any) {
        snprintf(why, whylen, "no standard named");
        return false;
    }
    if (none && out) {
        snprintf(why, whylen, "\"none\" cannot be combined with a standard");
        return false;
    }
    if ((out & FOLIO_PDF_A2A) && (out & FOLIO_PDF_A2B)) {
        snprintf(why, whylen, "a-2a and a-2b are two levels of PDF/A-2: name one (a-2a includes a-2b)");
        return false;
    }
    *set = out;
    return true;
}

void folio_pdf_standard_format(unsigned set, char *out, size_t size)
{
    if (!out || size == 0)
        return;
    out[0] = '\0';
    size_t len = 0;
    for (size_t i = 0; i < NSTANDARDS; i++)
        if (set & standard_names[i].bit) {
            int k = snprintf(out + len, size - len, "%s%s", len ? "," : "", standard_names[i].name);
            if (k < 0 || (size_t)k >= size - len)
                return;
            len += (size_t)k;
        }
    if (len == 0)
        snprintf(out, size, "none");
}

/* ---- the Info dictionary ---- */

/* The Info keys with an XMP counterpart of their own (ISO 19005-2 §6.6.2.3.1). */
static const char *const standard_keys[] = {"Title",    "Author",       "Subject", "Keywords", "Creator",
                                            "Producer", "CreationDate", "ModDate", "Trapped",  NULL};

static bool is_standard_key(const char *key)
{
    for (int i = 0; standard_keys[i]; i++)
        if (strcmp(key, standard_keys[i]) == 0)
            return true;
    return false;
}

/* A key usable both as a PDF name and as an XML element name. */
static bool key_ok(const char *key)
{
    if (!key || !isalpha((unsigned char)key[0]) || strlen(key) > 64)
        return false;
    for (const char *c = key; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_')
            return false;
    return true;
}

static void *resolve(void *obj)
{
    if (obj && (((HPDF_Obj_Header *)obj)->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_PROXY)
        return ((HPDF_Proxy)obj)->obj;
    return obj;
}

/* An Info string as UTF-8 text fit for XML: strings made with an encoder hold UTF-8 (libharu
 * writes them as UTF-16BE), others PDFDocEncoding, taken as Latin-1. Control characters XML
 * cannot hold are left out; `changed` says whether any was. */
static void info_text(HPDF_String s, folio_buf *out, bool *changed)
{
    out->len = 0;
    folio_buf_append(out, "", 0);
    *changed = false;
    size_t n = s->len, i = 0;
    const char *v = (const char *)s->value;
    while (i < n) {
        uint32_t c = s->encoder ? folio_utf8_next(v, n, &i) : (unsigned char)v[i++];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F || c == 0xFFFE || c == 0xFFFF) {
            *changed = true;
            continue;
        }
        folio_buf_put_utf8(out, c);
    }
}

static void put_xml(folio_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': folio_buf_puts(b, "&lt;"); break;
        case '>': folio_buf_puts(b, "&gt;"); break;
        case '&': folio_buf_puts(b, "&amp;"); break;
        case '"': folio_buf_puts(b, "&quot;"); break;
        case '\r': folio_buf_puts(b, "&#13;"); break;
        default: folio_buf_append(b, s, 1);
        }
    }
}

/* "D:YYYYMMDDHHmmSS+HH'mm'" (or Z, or a prefix of it) as an XMP date "YYYY-MM-DDTHH:MM:SS+HH:MM".
 * False when it is not a date. */
static bool xmp_date(const char *d, char out[32])
{
    if (strncmp(d, "D:", 2) == 0)
        d += 2;
    int f[6] = {0, 1, 1, 0, 0, 0}, w[6] = {4, 2, 2, 2, 2, 2};
    for (int k = 0; k < 6; k++) {
        if (!isdigit((unsigned char)*d)) {
            if (k == 0)
                return false;
            break;
        }
        int v = 0;
        for (int j = 0; j < w[k]; j++, d++) {
            if (!isdigit((unsigned char)*d))
                return false;
            v = v * 10 + (*d - '0');
        }
        f[k] = v;
    }
    int oh = 0, om = 0;
    char sign = '+';
    if (*d == '+' || *d == '-') {
        sign = *d++;
        if (!isdigit((unsigned char)d[0]) || !isdigit((unsigned char)d[1]))
            return false;
        oh = (d[0] - '0') * 10 + (d[1] - '0');
        d += 2;
        if (*d == '\'')
            d++;
        if (isdigit((unsigned char)d[0]) && isdigit((unsigned char)d[1]))
            om = (d[0] - '0') * 10 + (d[1] - '0');
    }
    snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u%c%02u:%02u", (unsigned)f[0] % 10000,
             (unsigned)f[1] % 100, (unsigned)f[2] % 100, (unsigned)f[3] % 100, (unsigned)f[4] % 100,
             (unsigned)f[5] % 100, sign, (unsigned)oh % 100, (unsigned)om % 100);
    return true;
}

/* ---- the XMP packet ---- */

typedef struct meta {
    HPDF_Doc pdf;
    folio_buf xmp;
    folio_buf text; /* scratch */
    const folio_pdf_options *opt;
    folio_diag *diag;
} meta;

static bool libharu_failed(meta *m, const char *what)
{
    folio_diag_add(m->diag, FOLIO_ERROR, NULL, 0, 0, "cannot %s: libharu error 0x%04X (detail %u)", what,
                   (unsigned)HPDF_GetError(m->pdf), (unsigned)HPDF_GetErrorDetail(m->pdf));
    return false;
}

/* The Info value of key as XML-ready UTF-8 in m->text, or NULL when it has none. A value with
 * characters XML cannot hold is written back to Info without them, so the two stay equal. */
static const char *info_value(meta *m, const char *key)
{
    HPDF_String s = resolve(HPDF_Dict_GetItem(m->pdf->info, key, HPDF_OCLASS_STRING));
    HPDF_ResetError(m->pdf); /* a missing key is not an error */
    if (!s)
        return NULL;
    bool changed;
    info_text(s, &m->text, &changed);
    if (changed) {
        HPDF_String clean = HPDF_String_New(m->pdf->mmgr, m->text.data, s->encoder);
        if (!clean || HPDF_Dict_Add(m->pdf->info, key, clean) != HPDF_OK)
            return NULL;
    }
    return m->text.data;
}

/* <tag>value</tag>, or with a container: <tag><rdf:Alt><rdf:li xml:lang="x-default">... */
static void simple(meta *m, const char *tag, const char *value)
{
    folio_buf_printf(&m->xmp, "   <%s>", tag);
    put_xml(&m->xmp, value);
    folio_buf_printf(&m->xmp, "</%s>\n", tag);
}

static void container(meta *m, const char *tag, const char *kind, const char *value)
{
    folio_buf_printf(&m->xmp, "   <%s><rdf:%s><rdf:li%s>", tag, kind,
                     strcmp(kind, "Alt") == 0 ? " xml:lang=\"x-default\"" : "");
    put_xml(&m->xmp, value);
    folio_buf_printf(&m->xmp, "</rdf:li></rdf:%s></%s>\n", kind, tag);
}

static void date_prop(meta *m, const char *key, const char *tag, const char *tag2)
{
    const char *v = info_value(m, key);
    char d[32];
    if (v && xmp_date(v, d)) {
        simple(m, tag, d);
        if (tag2)
            simple(m, tag2, d);
    }
}

/* One pdfaExtension schema with its properties (name, type, category, description). */
static void extension_schema(meta *m, const char *title, const char *uri, const char *prefix,
                             const char *const *props, size_t nprops)
{
    folio_buf *b = &m->xmp;
    folio_buf_puts(b, "     <rdf:li rdf:parseType=\"Resource\">\n");
    folio_buf_printf(b, "      <pdfaSchema:schema>%s</pdfaSchema:schema>\n", title);
    folio_buf_printf(b, "      <pdfaSchema:namespaceURI>%s</pdfaSchema:namespaceURI>\n", uri);
    folio_buf_printf(b, "      <pdfaSchema:prefix>%s</pdfaSchema:prefix>\n", prefix);
    folio_buf_puts(b, "      <pdfaSchema:property><rdf:Seq>\n");
    for (size_t i = 0; i < nprops; i++)
        folio_buf_printf(b,
                         "       <rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>%s</pdfaProperty:name>"
                         "<pdfaProperty:valueType>%s</pdfaProperty:valueType>"
                         "<pdfaProperty:category>%s</pdfaProperty:category>"
                         "<pdfaProperty:description>%s</pdfaProperty:description></rdf:li>\n",
                         props[4 * i], props[4 * i + 1], props[4 * i + 2], props[4 * i + 3]);
    folio_buf_puts(b, "      </rdf:Seq></pdfaSchema:property>\n     </rdf:li>\n");
}

/* The Info keys that are not standard ones, in the dictionary's order. */
static size_t custom_keys(HPDF_Dict info, const char **keys, size_t max)
{
    size_t n = 0;
    for (HPDF_UINT i = 0; i < info->list->count && n < max; i++) {
        HPDF_DictElement e = HPDF_List_ItemAt(info->list, i);
        if (e && !is_standard_key(e->key) && key_ok(e->key) &&
            (((HPDF_Obj_Header *)resolve(e->value))->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_STRING)
            keys[n++] = e->key;
    }
    return n;
}

#define FOLIO_PDF_MAX_CUSTOM_INFO 64 /* extra Info keys mirrored in the XMP */

/* Builds the XMP packet in m->xmp from the Info dictionary, the catalog's /Lang and the claims. */
static void build_xmp(meta *m, unsigned set)
{
    folio_buf *b = &m->xmp;
    const char *custom[FOLIO_PDF_MAX_CUSTOM_INFO];
    size_t ncustom = custom_keys(m->pdf->info, custom, FOLIO_PDF_MAX_CUSTOM_INFO);
    bool ua = set & FOLIO_PDF_UA1, a = set & (FOLIO_PDF_A2A | FOLIO_PDF_A2B);

    folio_buf_puts(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                      " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                      "  <rdf:Description rdf:about=\"\"\n"
                      "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                      "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                      "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n");
    if (a)
        folio_buf_puts(b, "    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"\n");
    if (ua)
        folio_buf_puts(b, "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\"\n");
    if (ncustom)
        folio_buf_puts(b, "    xmlns:folio=\"" FOLIO_XMP_NS "\"\n");
    if (ua || ncustom)
        folio_buf_puts(b, "    xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"\n"
                          "    xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\"\n"
                          "    xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\"\n");
    folio_buf_puts(b, "  >\n   <dc:format>application/pdf</dc:format>\n");

    const char *v;
    if ((v = info_value(m, "Title")))
        container(m, "dc:title", "Alt", v);
    if ((v = info_value(m, "Author")))
        container(m, "dc:creator", "Seq", v);
    if ((v = info_value(m, "Subject")))
        container(m, "dc:description", "Alt", v);
    HPDF_String lang = resolve(HPDF_Dict_GetItem(m->pdf->catalog, "Lang", HPDF_OCLASS_STRING));
    HPDF_ResetError(m->pdf);
    if (lang) {
        bool changed;
        info_text(lang, &m->text, &changed);
        container(m, "dc:language", "Bag", m->text.data);
    }
    date_prop(m, "CreationDate", "xmp:CreateDate", NULL);
    date_prop(m, "ModDate", "xmp:ModifyDate", "xmp:MetadataDate");
    if ((v = info_value(m, "Creator")))
        simple(m, "xmp:CreatorTool", v);
    if ((v = info_value(m, "Producer")))
        simple(m, "pdf:Producer", v);
    if ((v = info_value(m, "Keywords")))
        simple(m, "pdf:Keywords", v);
    if (a) {
        simple(m, "pdfaid:part", "2");
        simple(m, "pdfaid:conformance", set & FOLIO_PDF_A2A ? "A" : "B");
    }
    if (ua)
        simple(m, "pdfuaid:part", "1");
    for (size_t i = 0; i < ncustom; i++) {
        char tag[80];
        snprintf(tag, sizeof tag, "folio:%s", custom[i]);
        if ((v = info_value(m, custom[i])))
            simple(m, tag, v);
    }

    /* PDF/A-2 predefines dc, xmp, pdf and pdfaid; every other property is declared here. */
    if (ua || ncustom) {
        folio_buf_puts(b, "   <pdfaExtension:schemas><rdf:Bag>\n");
        if (ua) {
            static const char *const props[] = {"part", "Integer", "internal",
                                                "Part of ISO 14289 (PDF/UA) the file conforms to"};
            extension_schema(m, "PDF/UA Universal Accessibility Schema", "http://www.aiim.org/pdfua/ns/id/",
                             "pdfuaid", props, 1);
        }
        if (ncustom) {
            const char **props = xcalloc(4 * ncustom, sizeof *props);
            for (size_t i = 0; i < ncustom; i++) {
                props[4 * i] = custom[i];
                props[4 * i + 1] = "Text";
                props[4 * i + 2] = "external";
                props[4 * i + 3] = "An entry of the document information dictionary written by folio";
            }
            extension_schema(m, "folio document information", FOLIO_XMP_NS, "folio", props, ncustom);
            free(props);
        }
        folio_buf_puts(b, "   </rdf:Bag></pdfaExtension:schemas>\n");
    }
    folio_buf_puts(b, "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
}

/* ---- the parts of the file ---- */

/* /Metadata on the catalog: the packet, uncompressed, /Type /Metadata /Subtype /XML. */
static bool add_xmp(meta *m)
{
    HPDF_Dict xmp = HPDF_DictStream_New(m->pdf->mmgr, m->pdf->xref);
    if (!xmp || HPDF_Dict_AddName(xmp, "Type", "Metadata") != HPDF_OK ||
        HPDF_Dict_AddName(xmp, "Subtype", "XML") != HPDF_OK ||
        HPDF_Stream_Write(xmp->stream, (const HPDF_BYTE *)m->xmp.data, (HPDF_UINT)m->xmp.len) != HPDF_OK ||
        HPDF_Dict_Add(m->pdf->catalog, "Metadata", xmp) != HPDF_OK)
        return libharu_failed(m, "add the XMP metadata");
    xmp->filter = HPDF_STREAM_FILTER_NONE;
    return true;
}

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* /OutputIntents [<< /S /GTS_PDFA1 /DestOutputProfile (the sRGB profile, /N 3) >>]. */
static bool add_output_intent(meta *m)
{
    size_t len = 0;
    unsigned char *icc = (unsigned char *)folio_read_file(FOLIO_SRGB_PROFILE, &len);
    const char *bad = !icc                               ? "cannot be read"
                      : len < 132 || be32(icc) != len    ? "is not an ICC profile (its size is wrong)"
                      : memcmp(icc + 36, "acsp", 4) != 0 ? "is not an ICC profile (no 'acsp' signature)"
                      : memcmp(icc + 16, "RGB ", 4) != 0 ? "is not an RGB profile"
                      : icc[8] < 2 || icc[8] > 4         ? "has an ICC version PDF/A-2 does not allow"
                                                         : NULL;
    if (bad) {
        folio_diag_add(m->diag, FOLIO_ERROR, NULL, 0, 0,
                       "the sRGB colour profile %s %s: PDF/A needs it for its output intent (install the "
                       "Debian package icc-profiles-free, or render with --pdf-standard none)",
                       FOLIO_SRGB_PROFILE, bad);
        free(icc);
        return false;
    }
    HPDF_MMgr mm = m->pdf->mmgr;
    HPDF_Dict profile = HPDF_DictStream_New(mm, m->pdf->xref);
    bool good = profile && HPDF_Dict_AddNumber(profile, "N", 3) == HPDF_OK &&
                HPDF_Dict_AddName(profile, "Alternate", "DeviceRGB") == HPDF_OK &&
                HPDF_Stream_Write(profile->stream, icc, (HPDF_UINT)len) == HPDF_OK;
    free(icc);
    if (!good)
        return libharu_failed(m, "add the sRGB output intent");
    profile->filter = HPDF_STREAM_FILTER_NONE; /* deflated with the rest by objstm.c */
    HPDF_Dict intent = HPDF_Dict_New(mm);
    HPDF_Array intents = HPDF_Array_New(mm);
    if (!intent || !intents || HPDF_Dict_AddName(intent, "Type", "OutputIntent") != HPDF_OK ||
        HPDF_Dict_AddName(intent, "S", "GTS_PDFA1") != HPDF_OK ||
        HPDF_Dict_Add(intent, "OutputConditionIdentifier", HPDF_String_New(mm, FOLIO_SRGB_NAME, NULL)) !=
            HPDF_OK ||
        HPDF_Dict_Add(intent, "Info", HPDF_String_New(mm, FOLIO_SRGB_NAME, NULL)) != HPDF_OK ||
        HPDF_Dict_Add(intent, "RegistryName", HPDF_String_New(mm, "http://www.color.org", NULL)) != HPDF_OK ||
        HPDF_Dict_Add(intent, "DestOutputProfile", profile) != HPDF_OK ||
        HPDF_Array_Add(intents, intent) != HPDF_OK ||
        HPDF_Dict_Add(m->pdf->catalog, "OutputIntents", intents) != HPDF_OK)
        return libharu_failed(m, "add the sRGB output intent");
    return true;
}

/* Every annotation printable (/F 4, the Print flag), as PDF/A requires; also feeds each page's
 * content into the /ID digest. */
static bool walk_pages(meta *m, HPDF_MD5_CTX *md5)
{
    HPDF_List pages = m->pdf->page_list;
    for (HPDF_UINT i = 0; pages && i < pages->count; i++) {
        HPDF_Page page = HPDF_List_ItemAt(pages, i);
        HPDF_PageAttr attr = page ? page->attr : NULL;
        if (attr && attr->stream)
            for (HPDF_UINT k = 0; k < HPDF_MemStream_GetBufCount(attr->stream); k++) {
                HPDF_UINT n = 0;
                HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(attr->stream, k, &n);
                if (p && n)
                    HPDF_MD5Update(md5, p, (HPDF_UINT32)n);
            }
        HPDF_Array annots = resolve(HPDF_Dict_GetItem(page, "Annots", HPDF_OCLASS_ARRAY));
        HPDF_ResetError(m->pdf);
        for (HPDF_UINT k = 0; annots && k < annots->list->count; k++) {
            HPDF_Dict a = resolve(HPDF_Array_GetItem(annots, k, HPDF_OCLASS_DICT));
            if (a && HPDF_Dict_AddNumber(a, "F", 4) != HPDF_OK)
                return libharu_failed(m, "set the print flag of a link");
        }
    }
    return true;
}

/* /ID: two equal MD5 digests of the XMP (every metadata value and claim) and of every page's
 * content: the same document gives the same /ID, with no clock or randomness involved. */
static bool add_id(meta *m, HPDF_MD5_CTX *md5)
{
    HPDF_MD5Update(md5, (const HPDF_BYTE *)m->xmp.data, (HPDF_UINT32)m->xmp.len);
    HPDF_BYTE digest[16];
    HPDF_MD5Final(digest, md5);
    HPDF_Array id = HPDF_Array_New(m->pdf->mmgr);
    if (!id || HPDF_Array_Add(id, HPDF_Binary_New(m->pdf->mmgr, digest, 16)) != HPDF_OK ||
        HPDF_Array_Add(id, HPDF_Binary_New(m->pdf->mmgr, digest, 16)) != HPDF_OK ||
        HPDF_Dict_Add(m->pdf->trailer, "ID", id) != HPDF_OK)
        return libharu_failed(m, "add the document /ID");
    return true;
}

/* Adds the extra Info entries of opt->info; false after reporting a bad key. */
static bool add_info(meta *m)
{
    for (size_t i = 0; i < m->opt->ninfo; i++) {
        const folio_pdf_info *e = &m->opt->info[i];
        if (!key_ok(e->key) || is_standard_key(e->key)) {
            folio_diag_add(m->diag, FOLIO_ERROR, NULL, 0, 0,
                           "document information key \"%s\": expected a name of letters, digits and _ "
                           "that is not a standard key",
                           e->key ? e->key : "");
            return false;
        }
        HPDF_String s =
            HPDF_String_New(m->pdf->mmgr, e->value ? e->value : "", HPDF_GetEncoder(m->pdf, "UTF-8"));
        if (!s || HPDF_Dict_Add(m->pdf->info, e->key, s) != HPDF_OK)
            return libharu_failed(m, "set the document information");
    }
    return true;
}

/* Whether the writer tagged the document: a structure tree and MarkInfo /Marked true. */
static bool tagged(HPDF_Doc pdf)
{
    HPDF_Dict root = HPDF_Dict_GetItem(pdf->catalog, "StructTreeRoot", HPDF_OCLASS_DICT);
    HPDF_Dict mark = HPDF_Dict_GetItem(pdf->catalog, "MarkInfo", HPDF_OCLASS_DICT);
    HPDF_Boolean marked = mark ? HPDF_Dict_GetItem(mark, "Marked", HPDF_OCLASS_BOOLEAN) : NULL;
    HPDF_ResetError(pdf);
    return root && marked && marked->value;
}

bool folio_pdf_apply_standards(HPDF_Doc pdf, const folio_doc *doc, const folio_layout *layout,
                               const folio_pdf_options *opt, folio_diag *diag)
{
    meta m = {.pdf = pdf, .opt = opt, .diag = diag};
    unsigned set = opt->standards;
    bool good = add_info(&m);

    /* What the content rules out: DeviceCMYK needs a CMYK output intent, and ours is sRGB. */
    for (size_t i = 0; good && set && doc && i < doc->nimages; i++) {
        const folio_image *im = doc->images[i];
        if (im->components != 4)
            continue;
        if (opt->standards_default) {
            set = 0;
            break;
        }
        char names[FOLIO_PDF_MAX_STANDARD];
        folio_pdf_standard_format(set & (FOLIO_PDF_A2A | FOLIO_PDF_A2B), names, sizeof names);
        folio_diag_add(diag, FOLIO_ERROR, im->display, 0, 0,
                       "a CMYK JPEG cannot go into a PDF/A file (%s) with folio's sRGB output intent: "
                       "save it as RGB, or render with --pdf-standard none",
                       names);
        good = false;
    }
    /* A character no font has is drawn as .notdef, which PDF/A-2 forbids (ISO 19005-2
     * 6.2.11.8); above U+FFFF it is drawn as U+FFFD instead (docs/fonts.md). */
    for (size_t i = 0; good && set && layout && i < layout->nunprintable; i++) {
        uint32_t cp = layout->unprintable[i].cp;
        if (cp > 0xFFFF)
            continue;
        if (opt->standards_default) {
            set = 0;
            break;
        }
        char names[FOLIO_PDF_MAX_STANDARD];
        folio_pdf_standard_format(set, names, sizeof names);
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0,
                       "character U+%04X is drawn as an empty box (.notdef: no font has it), which %s "
                       "forbids: remove it, add a font that has it, or render with --pdf-standard none",
                       (unsigned)cp, names);
        good = false;
    }
    if (good && (set & (FOLIO_PDF_A2A | FOLIO_PDF_UA1)) && !tagged(pdf) && opt->standards_default)
        set = set & FOLIO_PDF_A2A ? FOLIO_PDF_A2B : set & FOLIO_PDF_A2B; /* claim what holds untagged */
    if (good && (set & (FOLIO_PDF_A2A | FOLIO_PDF_UA1)) && !tagged(pdf)) {
        char names[FOLIO_PDF_MAX_STANDARD];
        folio_pdf_standard_format(set & (FOLIO_PDF_A2A | FOLIO_PDF_UA1), names, sizeof names);
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0,
                       "--pdf-standard %s needs a tagged PDF (a structure tree that says what each "
                       "piece of the page is), and this PDF is not tagged: use --pdf-standard a-2b",
                       names);
        good = false;
    }
    if (good && set) {
        HPDF_MD5_CTX md5;
        HPDF_MD5Init(&md5);
        pdf->pdf_version = HPDF_VER_17;
        build_xmp(&m, set);
        good = add_xmp(&m) && ((set & (FOLIO_PDF_A2A | FOLIO_PDF_A2B)) == 0 || add_output_intent(&m)) &&
               walk_pages(&m, &md5) && add_id(&m, &md5);
    }
    folio_buf_free(&m.xmp);
    folio_buf_free(&m.text);
    return good;
}
