/* Structure parts in the display list (folio_op.part, artifact, linked, space_after), which the
 * PDF writer turns into the structure tree (engine/pdf/tags.c): table cells by row and column,
 * repeated table headers as artifacts, list labels and bodies, link text, key figures, a chart's
 * title, graphic, note and data table; then a tagged PDF written and read back with qpdf. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/diag.h"
#include "core/util.h"
#include "doc/doc.h"
#include "harness.h"
#include "layout/layout.h"
#include "pdf/pdf.h"

#include "layout_fixture.h"

static folio_layout *render(const folio_doc *d)
{
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    folio_layout *l = folio_layout_render(d, &theme, &fonts, &diag);
    folio_diag_free(&diag);
    return l;
}

/* The first text op (on any page from `from`) whose text starts with s; NULL if none. */
static const folio_op *find_text(const folio_layout *l, size_t from, const char *s, size_t *page)
{
    for (size_t p = from; p < l->npages; p++)
        for (size_t k = 0; k < l->pages[p].n; k++) {
            const folio_op *op = &l->pages[p].ops[k];
            if (op->kind == FOLIO_OP_TEXT && op->text && strncmp(op->text, s, strlen(s)) == 0) {
                if (page)
                    *page = p;
                return op;
            }
        }
    return NULL;
}

static void test_table_parts(void)
{
    folio_doc *d = folio_doc_create();
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_TABLE);
    size_t nc = 2, nr = 121;
    b->u.table.ncols = nc;
    b->u.table.nrows = nr;
    b->u.table.header_rows = 1;
    b->u.table.cells = folio_doc_alloc(d, nc * nr * sizeof(folio_table_cell));
    b->u.table.align = folio_doc_alloc(d, nc * sizeof(folio_align));
    b->u.table.caption = folio_text_plain(d, "Caption here");
    for (size_t r = 0; r < nr; r++)
        for (size_t k = 0; k < nc; k++) {
            char s[64];
            snprintf(s, sizeof s, r ? "%zu_%zu" : "Head%zu", r ? r : k, k);
            b->u.table.cells[r * nc + k].text = folio_text_plain(d, s);
        }
    folio_layout *l = render(d);
    CHECK(l && l->npages >= 2);
    if (!l) {
        folio_doc_free(d);
        return;
    }
    const folio_op *cap = find_text(l, 0, "Caption", NULL);
    CHECK(cap && cap->part == 0 && !cap->artifact);
    size_t p0 = 0, p1 = 0;
    const folio_op *h = find_text(l, 0, "Head1", &p0);
    CHECK(h && h->part == 1 + 1 && !h->artifact); /* cell (0, 1) */
    const folio_op *c = find_text(l, 0, "7_0", NULL);
    CHECK(c && c->part == (int)(1 + 7 * nc + 0) && !c->artifact);
    /* On the next page the header is printed again, as an artifact. */
    const folio_op *again = find_text(l, p0 + 1, "Head1", &p1);
    CHECK(again && p1 > p0 && again->artifact);
    /* Shading and rules are artifacts; every non-artifact op of the table has a cell or caption part. */
    int bad = 0;
    for (size_t p = 0; p < l->npages; p++)
        for (size_t k = 0; k < l->pages[p].n; k++) {
            const folio_op *op = &l->pages[p].ops[k];
            if (op->block != b || op->artifact)
                continue;
            bad += op->kind == FOLIO_OP_RECT || op->kind == FOLIO_OP_LINE;
            bad += op->part < 0 || op->part > (int)(nc * nr);
        }
    CHECK_INT(bad, 0);
    folio_layout_free(l);
    folio_doc_free(d);
}

static void test_text_parts(void)
{
    folio_doc *d = folio_doc_create();
    folio_block *list = folio_doc_add_block(d, FOLIO_BLOCK_LIST);
    list->u.list.n = 2;
    list->u.list.items = folio_doc_alloc(d, 2 * sizeof(folio_text));
    list->u.list.items[0] = folio_text_plain(d, "Apples");
    list->u.list.items[1] = folio_text_plain(d, "Pears");
    list->u.list.ordered = true;
    folio_block *p = folio_doc_add_block(d, FOLIO_BLOCK_PARAGRAPH);
    folio_text_add(d, &p->u.paragraph.text, "Before ", 0, NULL);
    folio_text_add(d, &p->u.paragraph.text, "Linked", 0, "https://example.org/");
    folio_text_add(d, &p->u.paragraph.text, " after.", 0, NULL);
    p->u.paragraph.align = FOLIO_ALIGN_LEFT;
    folio_block *f = folio_doc_add_block(d, FOLIO_BLOCK_KEY_FIGURES);
    f->u.figures.n = 2;
    f->u.figures.values = folio_doc_alloc(d, 2 * sizeof(char *));
    f->u.figures.labels = folio_doc_alloc(d, 2 * sizeof(char *));
    f->u.figures.values[0] = folio_doc_strdup(d, "29");
    f->u.figures.labels[0] = folio_doc_strdup(d, "responses");
    f->u.figures.values[1] = folio_doc_strdup(d, "9");
    f->u.figures.labels[1] = folio_doc_strdup(d, "interviews");
    folio_block *j = folio_doc_add_block(d, FOLIO_BLOCK_PARAGRAPH);
    folio_buf w = {0};
    for (int i = 0; i < 3; i++)
        folio_buf_puts(&w, WORDS);
    j->u.paragraph.text = folio_text_plain(d, w.data);
    folio_buf_free(&w);
    folio_layout *l = render(d);
    CHECK(l != NULL);
    if (!l) {
        folio_doc_free(d);
        return;
    }
    const folio_op *lbl = find_text(l, 0, "2.", NULL), *body = find_text(l, 0, "Pears", NULL);
    CHECK(lbl && lbl->part == 2);   /* label of item 1 */
    CHECK(body && body->part == 3); /* its text */
    /* (Text is split into runs at kerned pairs: "Befor" "e", "Link" "ed".) */
    const folio_op *before = find_text(l, 0, "Befor", NULL), *linked = find_text(l, 0, "Link", NULL);
    CHECK(before && !before->linked);
    CHECK(linked && linked->linked);
    /* The link's area follows its text directly. */
    bool link_next = false;
    for (size_t k = 1; k < l->pages[0].n; k++)
        if (l->pages[0].ops[k].kind == FOLIO_OP_LINK)
            link_next = l->pages[0].ops[k - 1].linked;
    CHECK(link_next);
    const folio_op *v = find_text(l, 0, "9", NULL), *lab = find_text(l, 0, "intervie", NULL);
    CHECK(v && v->part == 1 && v->space_after);
    CHECK(lab && lab->part == 1);
    /* Justified text: words drawn one by one carry the space they do not draw. */
    int spaced = 0, words = 0;
    for (size_t k = 0; k < l->pages[0].n; k++) {
        const folio_op *op = &l->pages[0].ops[k];
        if (op->block == j && op->kind == FOLIO_OP_TEXT) {
            words++;
            spaced += op->space_after;
        }
    }
    CHECK(words > 0 && spaced > words / 2);
    folio_layout_free(l);
    folio_doc_free(d);
}

static void test_chart_parts(void)
{
    folio_doc *d = folio_doc_create();
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_CHART);
    const char *cats[] = {"Care", "Community"};
    b->u.chart.kind = FOLIO_CHART_BAR;
    b->u.chart.title = folio_doc_strdup(d, "Title of chart");
    b->u.chart.alt = folio_doc_strdup(d, "alt");
    b->u.chart.note = folio_doc_strdup(d, "Note of chart");
    b->u.chart.ncats = 2;
    b->u.chart.nseries = 1;
    b->u.chart.categories = folio_doc_alloc(d, 2 * sizeof(char *));
    for (int i = 0; i < 2; i++)
        b->u.chart.categories[i] = folio_doc_strdup(d, cats[i]);
    b->u.chart.values = folio_doc_alloc(d, 3 * sizeof(double));
    b->u.chart.values[0] = 4;
    b->u.chart.values[1] = 7;
    b->u.chart.data_table = true;
    folio_layout *l = render(d);
    CHECK(l != NULL);
    if (!l) {
        folio_doc_free(d);
        return;
    }
    const folio_op *t = find_text(l, 0, "Title", NULL), *n = find_text(l, 0, "Note", NULL);
    CHECK(t && t->part == 1);
    CHECK(n && n->part == 2);
    /* Category labels: first in the graphic (part 0), then in the data table's first column. */
    size_t hits = 0;
    bool graphic = false, cell = false;
    for (size_t k = 0; k < l->pages[0].n; k++) {
        const folio_op *op = &l->pages[0].ops[k];
        if (op->kind != FOLIO_OP_TEXT || strcmp(op->text, "Community") != 0 || op->block != b)
            continue;
        hits++;
        graphic |= op->part == 0;
        cell |= op->part == 3 + 1 + 2 * 2 + 0; /* the data table's cell (2, 0) */
    }
    CHECK_INT(hits, 2);
    CHECK(graphic && cell);
    CHECK(find_text(l, 0, "Category", NULL) != NULL);
    folio_layout_free(l);
    folio_doc_free(d);
}

/* The same document written tagged and untagged: qpdf reads /StructTreeRoot and /MarkInfo only
 * in the first. */
static void test_pdf_tagged(void)
{
    folio_doc *d = folio_doc_create();
    folio_block *h = folio_doc_add_block(d, FOLIO_BLOCK_HEADING);
    h->u.heading.level = 1;
    h->u.heading.text = folio_text_plain(d, "Heading");
    folio_block *p = folio_doc_add_block(d, FOLIO_BLOCK_PARAGRAPH);
    p->u.paragraph.text = folio_text_plain(d, WORDS);
    folio_layout *l = render(d);
    CHECK(l != NULL);
    folio_pdf_options opt = {.font_files = {"fonts/OpenSans-Regular.ttf", "fonts/OpenSans-Bold.ttf",
                                            "fonts/OpenSans-Italic.ttf", "fonts/OpenSans-BoldItalic.ttf"}};
    char dir[] = "/tmp/folio-test-tags-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char tagged[128], untagged[128], cmd[512];
    snprintf(tagged, sizeof tagged, "%s/t.pdf", dir);
    snprintf(untagged, sizeof untagged, "%s/u.pdf", dir);
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    CHECK(l && folio_pdf_write(l, d, &opt, tagged, &diag));
    opt.untagged = true;
    CHECK(l && folio_pdf_write(l, d, &opt, untagged, &diag));
    folio_diag_free(&diag);
    snprintf(cmd, sizeof cmd,
             "qpdf --show-object=trailer --filtered-stream-data %s >/dev/null 2>&1 && "
             "qpdf --qdf --object-streams=disable %s - | grep -aq '/StructTreeRoot'",
             tagged, tagged);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "qpdf --qdf --object-streams=disable %s - | grep -aq '/Marked true'", tagged);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd,
             "qpdf --qdf --object-streams=disable %s - | grep -aq -e '/StructTreeRoot' -e BDC", untagged);
    CHECK(system(cmd) != 0);
    snprintf(cmd, sizeof cmd, "python3 tests/tools/tagcheck.py %s --quiet", tagged);
    CHECK(system(cmd) == 0);
    remove(tagged);
    remove(untagged);
    rmdir(dir);
    folio_layout_free(l);
    folio_doc_free(d);
}

int main(void)
{
    if (!load_fonts()) {
        CHECK(!"fonts load (run from the repository root)");
        return harness_summary();
    }
    test_table_parts();
    test_text_parts();
    test_chart_parts();
    test_pdf_tagged();
    for (int i = 0; i < FOLIO_FACES; i++)
        folio_font_free(fonts.face[i]);
    return harness_summary();
}
