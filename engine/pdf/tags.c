/* Tagged PDF on libharu 2.3.0, which has no tagging API (TECH-NOTES §7): the structure tree
 * built from the document's blocks, marked content (BDC/EMC with MCIDs) written straight into
 * the page streams, the parent tree, Link elements with their annotations, and the catalog and
 * page entries a tagged PDF needs. The structure order is the blocks' order: the reading order. */
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "pdf/pdf_internal.h"

/* One entry of an element's /K, in reading order: content on a page (an MCID or an annotation)
 * or a child element. */
typedef struct tag_kid {
    int elem;              /* child element, or -1: content */
    int page;              /* content: 0-based page */
    int mcid;              /* content: marked-content id, or -1 for the annotation */
    HPDF_Annotation annot; /* content: the annotation (OBJR) */
} tag_kid;

typedef struct tag_elem {
    const char *role; /* standard structure type: no role map needed */
    int parent;       /* -1 for the Document */
    tag_kid *kids;    /* content and Links, in drawing order (= reading order inside a leaf) */
    size_t nkids, capkids;
    int *sub; /* children made from the blocks, after the content in /K */
    size_t nsub, capsub;
    const char *alt; /* Figure: /Alt (the block's) */
    bool header;     /* TH: /Scope /Column */
    int page;        /* first page with content, -1 */
    int open_link;   /* a leaf: the Link element its linked text goes into, or -1 */
    bool keep;
    HPDF_Dict dict;
} tag_elem;

/* Per block: its leaf elements by folio_op.part (-1: no element). */
typedef struct tag_block {
    const folio_block *b;
    int *leaf;
    size_t nleaf;
} tag_block;

struct folio_tags {
    HPDF_Doc pdf;
    HPDF_Encoder utf8;
    tag_elem *e;
    size_t n, cap;
    tag_block *blocks; /* open-addressed by block pointer */
    size_t nslots;
    int heading; /* level of the last heading element, 0 before the first */
    /* The parent tree: per page the element of each MCID, then the annotations' elements. */
    int **page_mcids;
    size_t *page_nmcid, *page_cap;
    size_t npages;
    int *annot_elem;
    size_t nannots;
    folio_buf scratch; /* a marked-content operator on its way into a page's stream */
};

/* Printable ASCII goes into the PDF as a literal string (a quarter of the size of UTF-16 in
 * hex, and dictionaries are not compressed); anything else as UTF-16 through the encoder. */
static HPDF_Encoder text_encoder(const folio_tags *t, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7E)
            return t->utf8;
    return NULL;
}

static int elem_add(folio_tags *t, int parent, const char *role)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->e = xrealloc(t->e, t->cap * sizeof *t->e);
    }
    tag_elem *e = &t->e[t->n];
    memset(e, 0, sizeof *e);
    e->role = role;
    e->parent = parent;
    e->page = -1;
    e->open_link = -1;
    return (int)t->n++;
}

/* A child made from the blocks: goes after the parent's own content. */
static int elem_sub(folio_tags *t, int parent, const char *role)
{
    int k = elem_add(t, parent, role);
    tag_elem *p = &t->e[parent];
    if (p->nsub == p->capsub) {
        p->capsub = p->capsub ? p->capsub * 2 : 4;
        p->sub = xrealloc(p->sub, p->capsub * sizeof *p->sub);
    }
    p->sub[p->nsub++] = k;
    return k;
}

static void kid_add(folio_tags *t, int elem, tag_kid kid)
{
    tag_elem *e = &t->e[elem];
    if (e->nkids == e->capkids) {
        e->capkids = e->capkids ? e->capkids * 2 : 2;
        e->kids = xrealloc(e->kids, e->capkids * sizeof *e->kids);
    }
    e->kids[e->nkids++] = kid;
    if (e->page < 0 && kid.elem < 0)
        e->page = kid.page;
}

static size_t slot_of(const folio_tags *t, const folio_block *b)
{
    uintptr_t h = (uintptr_t)b >> 4;
    size_t i = (size_t)(h * 0x9E3779B97F4A7C15ull) & (t->nslots - 1);
    while (t->blocks[i].b && t->blocks[i].b != b)
        i = (i + 1) & (t->nslots - 1);
    return i;
}

static int *leaves(folio_tags *t, const folio_block *b, size_t n)
{
    tag_block *tb = &t->blocks[slot_of(t, b)];
    tb->b = b;
    tb->leaf = xmalloc((n ? n : 1) * sizeof *tb->leaf);
    tb->nleaf = n;
    for (size_t i = 0; i < n; i++)
        tb->leaf[i] = -1;
    return tb->leaf;
}

static bool has_text(const folio_text *x)
{
    for (size_t i = 0; i < x->n; i++)
        if (x->spans[i].text && *x->spans[i].text)
            return true;
    return false;
}

static void build_list(folio_tags *t, int root, const folio_block *b)
{
    size_t n = b->u.list.n;
    int *leaf = leaves(t, b, 2 * n);
    int list[FOLIO_LIST_DEPTH], body[FOLIO_LIST_DEPTH]; /* open L and last LBody per level */
    int depth = 0;
    list[0] = elem_sub(t, root, "L");
    body[0] = -1;
    for (size_t i = 0; i < n; i++) {
        int level = b->u.list.levels ? b->u.list.levels[i] : 0;
        if (level >= FOLIO_LIST_DEPTH)
            level = FOLIO_LIST_DEPTH - 1;
        while (depth < level) { /* a nested list goes into the item above it */
            int up = body[depth] >= 0 ? body[depth] : list[depth];
            list[depth + 1] = elem_sub(t, up, "L");
            body[++depth] = -1;
        }
        depth = level < depth ? level : depth;
        int li = elem_sub(t, list[depth], "LI");
        leaf[2 * i] = elem_sub(t, li, "Lbl");
        leaf[2 * i + 1] = body[depth] = elem_sub(t, li, "LBody");
    }
}

/* A Table of nr rows (hdr of them headers) by nc columns; its caption (when there is one) is
 * leaf[0], cell (r, c) leaf[1 + r * nc + c]. */
static void build_table(folio_tags *t, int parent, int *leaf, size_t nr, size_t nc, size_t hdr, bool caption)
{
    int table = elem_sub(t, parent, "Table");
    if (caption)
        leaf[0] = elem_sub(t, table, "Caption");
    if (!nr || !nc)
        return;
    hdr = hdr < nr ? hdr : nr;
    int head = hdr ? elem_sub(t, table, "THead") : -1;
    int tbody = hdr < nr ? elem_sub(t, table, "TBody") : -1;
    for (size_t r = 0; r < nr; r++) {
        int tr = elem_sub(t, r < hdr ? head : tbody, "TR");
        for (size_t c = 0; c < nc; c++) {
            int cell = elem_sub(t, tr, r < hdr ? "TH" : "TD");
            t->e[cell].header = r < hdr;
            leaf[1 + r * nc + c] = cell;
        }
    }
}

/* The structure of one block under the Document, in reading order. */
static void build_block(folio_tags *t, int root, const folio_doc *doc, size_t index)
{
    const folio_block *b = doc->blocks[index];
    int *leaf;
    switch (b->kind) {
    case FOLIO_BLOCK_HEADING: {
        static const char *const h[] = {"H1", "H2", "H3"};
        int level = b->u.heading.level < 1 ? 1 : b->u.heading.level > 3 ? 3 : b->u.heading.level;
        if (level > t->heading + 1) /* never a skipped level: a report opening at level 2 is H1 */
            level = t->heading + 1;
        t->heading = level;
        leaves(t, b, 1)[0] = elem_sub(t, root, h[level - 1]);
        break;
    }
    case FOLIO_BLOCK_PARAGRAPH:
    case FOLIO_BLOCK_NOTE: leaves(t, b, 1)[0] = elem_sub(t, root, "P"); break;
    case FOLIO_BLOCK_LIST: build_list(t, root, b); break;
    case FOLIO_BLOCK_TABLE: {
        size_t nc = b->u.table.cells ? b->u.table.ncols : 0, nr = b->u.table.cells ? b->u.table.nrows : 0;
        leaf = leaves(t, b, 1 + nr * nc);
        build_table(t, root, leaf, nr, nc, b->u.table.header_rows, has_text(&b->u.table.caption));
        break;
    }
    case FOLIO_BLOCK_KEY_FIGURES: {
        int div = elem_sub(t, root, "Div");
        leaf = leaves(t, b, b->u.figures.n);
        for (size_t i = 0; i < b->u.figures.n; i++)
            leaf[i] = elem_sub(t, div, "P");
        break;
    }
    case FOLIO_BLOCK_QUOTE: {
        int q = elem_sub(t, root, "BlockQuote");
        leaf = leaves(t, b, 2);
        leaf[0] = elem_sub(t, q, "P");
        leaf[1] = elem_sub(t, q, "P");
        break;
    }
    case FOLIO_BLOCK_CHART: { /* a screen reader's path: the title, the alt text, the note, the data */
        size_t nr = b->u.chart.data_table && b->u.chart.values ? b->u.chart.ncats + 1 : 0;
        size_t nc = nr ? b->u.chart.nseries + 1 : 0;
        leaf = leaves(t, b, 3 + 1 + nr * nc);
        leaf[1] = elem_sub(t, root, "P");
        leaf[0] = elem_sub(t, root, "Figure");
        t->e[leaf[0]].alt = b->u.chart.alt;
        leaf[2] = elem_sub(t, root, "P");
        if (nr)
            build_table(t, root, leaf + 3, nr, nc, 1, false);
        break;
    }
    case FOLIO_BLOCK_IMAGE:
    case FOLIO_BLOCK_CANVAS:
        leaf = leaves(t, b, 2);
        leaf[0] = elem_sub(t, root, "Figure");
        t->e[leaf[0]].alt = b->kind == FOLIO_BLOCK_IMAGE ? b->u.image.alt : b->u.canvas.alt;
        leaf[1] = elem_sub(t, root, "P");
        break;
    case FOLIO_BLOCK_CONTENTS: {
        size_t entries = 0;
        for (size_t i = index + 1; i < doc->n; i++)
            entries += doc->blocks[i] && doc->blocks[i]->kind == FOLIO_BLOCK_HEADING &&
                       doc->blocks[i]->u.heading.level <= 1;
        leaf = leaves(t, b, 1 + entries);
        leaf[0] = elem_sub(t, root, "P");
        int toc = elem_sub(t, root, "TOC");
        for (size_t i = 0; i < entries; i++)
            leaf[1 + i] = elem_sub(t, toc, "TOCI");
        break;
    }
    case FOLIO_BLOCK_COVER:
        t->heading = 1;
        leaf = leaves(t, b, 5);
        leaf[0] = elem_sub(t, root, "H1");
        for (int i = 1; i < 5; i++)
            leaf[i] = elem_sub(t, root, "P");
        break;
    case FOLIO_BLOCK_PAGE_BREAK: break;
    }
}

folio_tags *folio_tags_create(HPDF_Doc pdf, HPDF_Encoder utf8, const folio_doc *doc, size_t npages)
{
    folio_tags *t = xcalloc(1, sizeof *t);
    t->pdf = pdf;
    t->utf8 = utf8;
    t->npages = npages;
    t->page_mcids = xcalloc(npages, sizeof *t->page_mcids);
    t->page_nmcid = xcalloc(npages, sizeof *t->page_nmcid);
    t->page_cap = xcalloc(npages, sizeof *t->page_cap);
    size_t nb = doc ? doc->n : 0;
    t->nslots = 16;
    while (t->nslots < 2 * nb + 2)
        t->nslots *= 2;
    t->blocks = xcalloc(t->nslots, sizeof *t->blocks);
    int root = elem_add(t, -1, "Document");
    for (size_t i = 0; i < nb; i++)
        if (doc->blocks[i])
            build_block(t, root, doc, i);
    return t;
}

void folio_tags_free(folio_tags *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->e[i].kids);
        free(t->e[i].sub);
    }
    free(t->e);
    for (size_t i = 0; i < t->nslots; i++)
        free(t->blocks[i].leaf);
    free(t->blocks);
    for (size_t i = 0; i < t->npages; i++)
        free(t->page_mcids[i]);
    free(t->page_mcids);
    free(t->page_nmcid);
    free(t->page_cap);
    free(t->annot_elem);
    folio_buf_free(&t->scratch);
    free(t);
}

/* The leaf element an op's content belongs to, or -1 (none: drawn as an artifact). */
static int leaf_of(folio_tags *t, const folio_op *op)
{
    if (!op->block)
        return -1;
    const tag_block *tb = &t->blocks[slot_of(t, op->block)];
    if (!tb->b)
        return -1;
    if (op->part >= 0 && (size_t)op->part < tb->nleaf && tb->leaf[op->part] >= 0)
        return tb->leaf[op->part];
    for (size_t i = 0; i < tb->nleaf; i++) /* a part the block does not have: its first piece */
        if (tb->leaf[i] >= 0)
            return tb->leaf[i];
    return -1;
}

static int open_link(folio_tags *t, int leaf)
{
    if (t->e[leaf].open_link < 0) {
        int link = elem_add(t, leaf, "Link");
        kid_add(t, leaf, (tag_kid){link, 0, -1, NULL});
        t->e[leaf].open_link = link;
    }
    return t->e[leaf].open_link;
}

int folio_tags_target(folio_tags *t, const folio_op *op)
{
    if (op->artifact || !op->block)
        return op->block ? FOLIO_TAG_ARTIFACT : FOLIO_TAG_PAGINATION;
    int leaf = leaf_of(t, op);
    if (leaf < 0)
        return FOLIO_TAG_ARTIFACT;
    return op->kind == FOLIO_OP_TEXT && op->linked ? open_link(t, leaf) : leaf;
}

static bool write_str(HPDF_Page page, const char *s)
{
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    return HPDF_Stream_WriteStr(attr->stream, s) == HPDF_OK;
}

bool folio_tags_begin(folio_tags *t, HPDF_Page page, size_t page_no, int target)
{
    if (target == FOLIO_TAG_PAGINATION)
        return write_str(page, "/Artifact <</Type /Pagination>> BDC\n");
    if (target < 0)
        return write_str(page, "/Artifact BMC\n");
    if (page_no >= t->npages)
        return false;
    size_t *n = &t->page_nmcid[page_no], *cap = &t->page_cap[page_no];
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        t->page_mcids[page_no] = xrealloc(t->page_mcids[page_no], *cap * sizeof **t->page_mcids);
    }
    int mcid = (int)*n;
    t->page_mcids[page_no][(*n)++] = target;
    kid_add(t, target, (tag_kid){-1, (int)page_no, mcid, NULL});
    folio_buf *b = &t->scratch;
    b->len = 0;
    folio_buf_append(b, "/", 1);
    folio_buf_puts(b, t->e[target].role);
    folio_buf_append(b, " <</MCID ", 9);
    folio_pdf_put_uint(b, (size_t)mcid);
    folio_buf_append(b, ">> BDC\n", 7);
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    return HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)b->data, (HPDF_UINT)b->len) == HPDF_OK;
}

bool folio_tags_end(folio_tags *t, HPDF_Page page)
{
    (void)t;
    return write_str(page, "EMC\n");
}

bool folio_tags_annot(folio_tags *t, HPDF_Annotation annot, size_t page_no, const folio_op *op,
                      const char *contents)
{
    int leaf = leaf_of(t, op), link;
    if (leaf < 0) {
        link = elem_sub(t, 0, "Link");
    } else {
        link = open_link(t, leaf);
        t->e[leaf].open_link = -1;
    }
    kid_add(t, link, (tag_kid){-1, (int)page_no, -1, annot});
    if (t->e[link].page < 0)
        t->e[link].page = (int)page_no;
    t->annot_elem = xrealloc(t->annot_elem, (t->nannots + 1) * sizeof *t->annot_elem);
    t->annot_elem[t->nannots] = link;
    HPDF_INT32 key = (HPDF_INT32)(t->npages + t->nannots++);
    if (HPDF_Dict_AddNumber(annot, "StructParent", key) != HPDF_OK)
        return false;
    if (contents && *contents) {
        HPDF_String s = HPDF_String_New(t->pdf->mmgr, contents, text_encoder(t, contents));
        if (!s || HPDF_Dict_Add(annot, "Contents", s) != HPDF_OK)
            return false;
    }
    return true;
}

/* Keeps elements with content (and tables whole, once they have any); bottom-up, as children
 * always come after their parents. */
static void mark_kept(folio_tags *t)
{
    for (size_t i = t->n; i-- > 0;) {
        tag_elem *e = &t->e[i];
        if (e->nkids > 0)
            e->keep = true;
        if (e->keep && e->parent >= 0)
            t->e[e->parent].keep = true;
    }
    for (size_t i = 0; i < t->n; i++) { /* a kept table keeps every row and cell */
        tag_elem *e = &t->e[i];
        if (e->parent >= 0 && t->e[e->parent].keep && strcmp(t->e[e->parent].role, "Caption") != 0 &&
            (strcmp(e->role, "THead") == 0 || strcmp(e->role, "TBody") == 0 || strcmp(e->role, "TR") == 0 ||
             strcmp(e->role, "TH") == 0 || strcmp(e->role, "TD") == 0))
            e->keep = true;
    }
}

static bool fill_elem(folio_tags *t, size_t i, HPDF_Page *pages, HPDF_Dict root)
{
    tag_elem *e = &t->e[i];
    HPDF_MMgr mm = t->pdf->mmgr;
    HPDF_Dict d = e->dict;
    /* /Type /StructElem is optional: left out, as every byte of a dictionary stays uncompressed. */
    if (HPDF_Dict_AddName(d, "S", e->role) != HPDF_OK)
        return false;
    if (HPDF_Dict_Add(d, "P", e->parent >= 0 ? t->e[e->parent].dict : root) != HPDF_OK)
        return false;
    if (e->page >= 0 && HPDF_Dict_Add(d, "Pg", pages[e->page]) != HPDF_OK)
        return false;
    if (e->alt) {
        HPDF_String s = HPDF_String_New(mm, e->alt, text_encoder(t, e->alt));
        if (!s || HPDF_Dict_Add(d, "Alt", s) != HPDF_OK)
            return false;
    }
    if (e->header) {
        HPDF_Dict a = HPDF_Dict_New(mm);
        if (!a || HPDF_Dict_Add(d, "A", a) != HPDF_OK || HPDF_Dict_AddName(a, "O", "Table") != HPDF_OK ||
            HPDF_Dict_AddName(a, "Scope", "Column") != HPDF_OK)
            return false;
    }
    HPDF_Array k = HPDF_Array_New(mm);
    if (!k || HPDF_Dict_Add(d, "K", k) != HPDF_OK)
        return false;
    for (size_t j = 0; j < e->nkids; j++) {
        const tag_kid *kid = &e->kids[j];
        HPDF_STATUS st;
        if (kid->elem >= 0) {
            if (!t->e[kid->elem].keep)
                continue;
            st = HPDF_Array_Add(k, t->e[kid->elem].dict);
        } else if (kid->annot) {
            HPDF_Dict r = HPDF_Dict_New(mm);
            st = r ? HPDF_Array_Add(k, r) : HPDF_FAILD_TO_ALLOC_MEM;
            if (st == HPDF_OK && (HPDF_Dict_AddName(r, "Type", "OBJR") != HPDF_OK ||
                                  HPDF_Dict_Add(r, "Obj", kid->annot) != HPDF_OK ||
                                  HPDF_Dict_Add(r, "Pg", pages[kid->page]) != HPDF_OK))
                return false;
        } else if (kid->page == e->page) {
            st = HPDF_Array_AddNumber(k, kid->mcid);
        } else { /* content on another page than /Pg: a marked-content reference */
            HPDF_Dict r = HPDF_Dict_New(mm);
            st = r ? HPDF_Array_Add(k, r) : HPDF_FAILD_TO_ALLOC_MEM;
            if (st == HPDF_OK && (HPDF_Dict_AddName(r, "Type", "MCR") != HPDF_OK ||
                                  HPDF_Dict_Add(r, "Pg", pages[kid->page]) != HPDF_OK ||
                                  HPDF_Dict_AddNumber(r, "MCID", kid->mcid) != HPDF_OK))
                return false;
        }
        if (st != HPDF_OK)
            return false;
    }
    for (size_t j = 0; j < e->nsub; j++)
        if (t->e[e->sub[j]].keep && HPDF_Array_Add(k, t->e[e->sub[j]].dict) != HPDF_OK)
            return false;
    return true;
}

bool folio_tags_finish(folio_tags *t, HPDF_Page *pages, size_t npages, const char *lang)
{
    HPDF_Doc pdf = t->pdf;
    HPDF_MMgr mm = pdf->mmgr;
    if (npages != t->npages)
        return false;
    mark_kept(t);
    t->e[0].keep = true;
    if (pdf->pdf_version < HPDF_VER_17) /* tagged PDF as PDF/UA-1 reads it: ISO 32000-1 (/Tabs is 1.5) */
        pdf->pdf_version = HPDF_VER_17;
    HPDF_Dict root = HPDF_Dict_New(mm);
    if (!root || HPDF_Xref_Add(pdf->xref, root) != HPDF_OK)
        return false;
    for (size_t i = 0; i < t->n; i++) {
        if (!t->e[i].keep)
            continue;
        t->e[i].dict = HPDF_Dict_New(mm);
        if (!t->e[i].dict || HPDF_Xref_Add(pdf->xref, t->e[i].dict) != HPDF_OK)
            return false;
    }
    for (size_t i = 0; i < t->n; i++)
        if (t->e[i].keep && !fill_elem(t, i, pages, root))
            return false;

    /* The parent tree: page i's key is i, annotation j's is npages + j (keys ascending). */
    HPDF_Dict ptree = HPDF_Dict_New(mm);
    HPDF_Array nums = HPDF_Array_New(mm);
    if (!ptree || !nums || HPDF_Xref_Add(pdf->xref, ptree) != HPDF_OK ||
        HPDF_Dict_Add(ptree, "Nums", nums) != HPDF_OK)
        return false;
    for (size_t p = 0; p < npages; p++) {
        HPDF_Array a = HPDF_Array_New(mm);
        if (!a || HPDF_Array_AddNumber(nums, (HPDF_INT32)p) != HPDF_OK || HPDF_Array_Add(nums, a) != HPDF_OK)
            return false;
        for (size_t m = 0; m < t->page_nmcid[p]; m++)
            if (HPDF_Array_Add(a, t->e[t->page_mcids[p][m]].dict) != HPDF_OK)
                return false;
        if (HPDF_Dict_AddNumber(pages[p], "StructParents", (HPDF_INT32)p) != HPDF_OK ||
            HPDF_Dict_AddName(pages[p], "Tabs", "S") != HPDF_OK)
            return false;
    }
    for (size_t j = 0; j < t->nannots; j++)
        if (HPDF_Array_AddNumber(nums, (HPDF_INT32)(npages + j)) != HPDF_OK ||
            HPDF_Array_Add(nums, t->e[t->annot_elem[j]].dict) != HPDF_OK)
            return false;

    if (HPDF_Dict_AddName(root, "Type", "StructTreeRoot") != HPDF_OK ||
        HPDF_Dict_Add(root, "K", t->e[0].dict) != HPDF_OK ||
        HPDF_Dict_Add(root, "ParentTree", ptree) != HPDF_OK ||
        HPDF_Dict_AddNumber(root, "ParentTreeNextKey", (HPDF_INT32)(npages + t->nannots)) != HPDF_OK)
        return false;
    HPDF_Dict catalog = pdf->catalog;
    HPDF_Dict mark = HPDF_Dict_New(mm);
    if (HPDF_Dict_Add(catalog, "StructTreeRoot", root) != HPDF_OK || !mark ||
        HPDF_Dict_Add(catalog, "MarkInfo", mark) != HPDF_OK ||
        HPDF_Dict_AddBoolean(mark, "Marked", HPDF_TRUE) != HPDF_OK)
        return false;
    if (!HPDF_Dict_GetItem(catalog, "Lang", HPDF_OCLASS_STRING)) {
        HPDF_String l = HPDF_String_New(mm, lang ? lang : FOLIO_TAGS_DEFAULT_LANG, NULL);
        if (!l || HPDF_Dict_Add(catalog, "Lang", l) != HPDF_OK)
            return false;
    }
    return true;
}
