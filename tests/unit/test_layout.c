/* Layout: documents built by hand, laid out with the bundled fonts, and the display list
 * checked: pages, running header and footer, contents links, outline, table headers repeated
 * across pages, margins, justification, widows and orphans, charts, and odd input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/diag.h"
#include "core/util.h"
#include "doc/doc.h"
#include "harness.h"
#include "layout/layout.h"
#include "layout/linebreak.h"

#include "layout_fixture.h"

/* ---- building documents ---- */

static folio_block *add_heading(folio_doc *d, int level, const char *text)
{
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_HEADING);
    b->u.heading.level = level;
    b->u.heading.text = folio_text_plain(d, text);
    return b;
}

static folio_block *add_para(folio_doc *d, const char *text)
{
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_PARAGRAPH);
    b->u.paragraph.text = folio_text_plain(d, text);
    return b;
}

/* A paragraph of n copies of WORDS. */
static folio_block *add_long_para(folio_doc *d, int n)
{
    folio_buf b = {0};
    for (int i = 0; i < n; i++)
        folio_buf_puts(&b, WORDS);
    folio_block *p = add_para(d, b.data);
    folio_buf_free(&b);
    return p;
}

static char **strings(folio_doc *d, const char *const *s, size_t n)
{
    char **v = folio_doc_alloc(d, (n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = folio_doc_strdup(d, s[i]);
    return v;
}

static folio_block *add_chart(folio_doc *d, folio_chart_kind kind, size_t ncats, const char *const *cats,
                              size_t nseries, const double *values)
{
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_CHART);
    b->u.chart.kind = kind;
    b->u.chart.title = folio_doc_strdup(d, "A chart");
    b->u.chart.alt = folio_doc_strdup(d, "alt");
    b->u.chart.ncats = ncats;
    b->u.chart.nseries = nseries;
    b->u.chart.categories = strings(d, cats, ncats);
    b->u.chart.values = folio_doc_alloc(d, (ncats * nseries + 1) * sizeof(double));
    if (ncats && nseries)
        memcpy(b->u.chart.values, values, ncats * nseries * sizeof(double));
    return b;
}

/* A table of nrows body rows under one header row; cell (r, k) says "rR cK". */
static folio_block *add_table(folio_doc *d, size_t ncols, size_t nrows)
{
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_TABLE);
    b->u.table.ncols = ncols;
    b->u.table.nrows = nrows + 1;
    b->u.table.header_rows = 1;
    b->u.table.cells = folio_doc_alloc(d, ncols * (nrows + 1) * sizeof(folio_table_cell));
    b->u.table.align = folio_doc_alloc(d, ncols * sizeof(folio_align));
    for (size_t k = 0; k < ncols; k++) {
        char s[64];
        snprintf(s, sizeof s, "Head %zu", k);
        b->u.table.cells[k].text = folio_text_plain(d, s);
        for (size_t r = 1; r <= nrows; r++) {
            snprintf(s, sizeof s, "r%zu c%zu", r, k);
            b->u.table.cells[r * ncols + k].text = folio_text_plain(d, s);
        }
    }
    b->u.table.caption = folio_text_plain(d, "A table");
    return b;
}

static folio_layout *render(const folio_doc *d)
{
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    folio_layout *l = folio_layout_render(d, &theme, &fonts, &diag);
    folio_diag_free(&diag);
    return l;
}

/* ---- reading the display list ---- */

static double op_width(const folio_op *op)
{
    return folio_font_text_width(fonts.face[op->face], op->text, strlen(op->text), op->size);
}

/* Whether op k of page pg continues the op before it: the same line, starting where that one
 * ends give or take a kern (text is split into runs at kerned pairs). */
static bool continues(const folio_page *pg, size_t k)
{
    if (k == 0)
        return false;
    const folio_op *a = &pg->ops[k - 1], *b = &pg->ops[k];
    return a->kind == FOLIO_OP_TEXT && b->kind == FOLIO_OP_TEXT && a->block == b->block && fabs(a->y - b->y) < 0.01 &&
           fabs(a->x + op_width(a) - b->x) < 0.2 * b->size;
}

/* The text of op k and the runs that continue it (malloc'ed). */
static char *run_text(const folio_page *pg, size_t k)
{
    folio_buf b = {0};
    folio_buf_puts(&b, pg->ops[k].text);
    for (size_t j = k + 1; j < pg->n && continues(pg, j); j++)
        folio_buf_puts(&b, pg->ops[j].text);
    return b.data;
}

static bool run_is(const folio_page *pg, size_t k, const char *text)
{
    if (pg->ops[k].kind != FOLIO_OP_TEXT || continues(pg, k))
        return false;
    char *t = run_text(pg, k);
    bool same = strcmp(t, text) == 0;
    free(t);
    return same;
}

static int count_text(const folio_layout *l, int page, const char *text)
{
    int n = 0;
    for (size_t p = 0; p < l->npages; p++) {
        if (page >= 0 && (size_t)page != p)
            continue;
        for (size_t k = 0; k < l->pages[p].n; k++)
            n += run_is(&l->pages[p], k, text);
    }
    return n;
}

/* Page of the first text run with this text from a block of this kind, or -1. */
static int page_of(const folio_layout *l, const char *text, folio_block_kind kind)
{
    for (size_t p = 0; p < l->npages; p++)
        for (size_t k = 0; k < l->pages[p].n; k++) {
            const folio_op *op = &l->pages[p].ops[k];
            if (op->block && op->block->kind == kind && run_is(&l->pages[p], k, text))
                return (int)p;
        }
    return -1;
}

/* Every text op: inside the margins (body) or the page (furniture), no line breaks; every
 * content op has its block, furniture has none and is an artifact. Returns failures. */
static int check_ops(const folio_layout *l)
{
    int bad = 0;
    double left = theme.margin_left - 0.5, right = l->page_w - theme.margin_right + 0.5;
    double bottom = theme.margin_bottom - 0.5, top = l->page_h - theme.margin_top + 0.5;
    for (size_t p = 0; p < l->npages; p++)
        for (size_t k = 0; k < l->pages[p].n; k++) {
            const folio_op *op = &l->pages[p].ops[k];
            if (op->kind != FOLIO_OP_TEXT)
                continue;
            if (strchr(op->text, '\n') || !*op->text)
                bad++;
            if (!op->block) {
                bad += !op->artifact;
                continue;
            }
            double w = op_width(op);
            bool cover = op->block->kind == FOLIO_BLOCK_COVER;
            if (op->x < left || op->x + w > right || (!cover && (op->y < bottom || op->y > top))) {
                fprintf(stderr, "page %zu: \"%s\" at x %.2f..%.2f y %.2f is outside the margins\n", p, op->text, op->x,
                        op->x + w, op->y);
                bad++;
            }
        }
    return bad;
}

/* ---- tests ---- */

static void test_fonts(void)
{
    char err[256];
    CHECK(folio_font_load("fonts/no-such-font.ttf", err, sizeof err) == NULL);
    CHECK(strstr(err, "no-such-font") != NULL);
    CHECK(folio_font_load("fonts/README.md", err, sizeof err) == NULL);

    const folio_font *f = fonts.face[FOLIO_FACE_REGULAR];
    CHECK_STR(folio_font_path(f), "fonts/OpenSans-Regular.ttf");
    CHECK(folio_font_has_glyph(f, 'A'));
    CHECK(folio_font_has_glyph(f, 0x20AC)); /* euro */
    CHECK(!folio_font_has_glyph(f, 0x4E2D));
    /* Widths as libharu truncates them (measured against HPDF_Font_TextWidth). */
    CHECK_INT(folio_font_text_width(f, "Hello, World! 0123456789", 24, 1000), 11947);
    const char *wr = "W\xC3\xB6rld \xC3\x84\xC3\x96\xC3\x9C\xC3\x9F \xE2\x82\xAC";
    CHECK_INT(folio_font_text_width(f, wr, strlen(wr), 1000), 6668);
    CHECK_INT(folio_font_advance(f, 0x4E2D), folio_font_advance(f, 0xE000)); /* .notdef */
    CHECK(folio_font_advance(f, 0x4E2D) > 0);
    CHECK_INT(folio_font_ascent(f), 1068);
    CHECK_INT(folio_font_descent(f), -292);
    CHECK_INT(folio_font_cap_height(f), 713);
    CHECK(fabs(folio_font_text_width(f, "HH", 2, 10) - 2 * folio_font_advance(f, 'H') * 10 / 1000.0) < 1e-9);

    size_t i = 0;
    CHECK_INT(folio_utf8_next("\xC3\xA9x", 3, &i), 0xE9);
    CHECK_INT(i, 2);
    i = 0;
    CHECK_INT(folio_utf8_next("\xFFx", 2, &i), 0xFFFD);
    CHECK_INT(i, 1);
    i = 0;
    CHECK_INT(folio_utf8_next("\xE2\x82", 2, &i), 0xFFFD); /* truncated */
    CHECK_INT(i, 2);
    i = 0;
    CHECK_INT(folio_utf8_next("\xED\xA0\x80", 3, &i), 0xFFFD); /* a surrogate */
    i = 0;
    CHECK_INT(folio_utf8_next("\xF0\x9F\x98\x80", 4, &i), 0x1F600);
    CHECK_INT(i, 4);
}

static void test_linebreak(void)
{
    /* Words of 10 with spaces of 5, width 40: "aa bb" (25) + " cc" would be 40: fits. */
    lb_item it[] = {{LB_BOX, 10, 0, 0, 0, 0}, {LB_GLUE, 5, 0, 0, 0, 0}, {LB_BOX, 10, 0, 0, 0, 0}, {LB_GLUE, 5, 0, 0, 0, 0},
                    {LB_BOX, 10, 0, 0, 0, 0}, {LB_GLUE, 5, 0, 0, 0, 0}, {LB_BOX, 10, 0, 0, 0, 0}, {LB_PENALTY, 0, LB_FORCED, 0, 0, 0},
                    {LB_BOX, 50, 0, 0, 0, 0}};
    lb_line *lines;
    size_t n = folio_linebreak(it, 9, 40, &lines);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_INT(lines[0].start, 0);
        CHECK_INT(lines[0].end, 5); /* breaks at the third glue */
        CHECK(!lines[0].last);
        CHECK_INT(lines[1].start, 6);
        CHECK(lines[1].last); /* ended by the forced break */
        CHECK_INT(lines[2].start, 8); /* the over-wide box gets a line of its own */
    }
    free(lines);
    CHECK_INT(folio_linebreak(it, 0, 40, &lines), 0);
    CHECK(lines == NULL);
}

/* Cover, contents, three sections spanning pages: pages, furniture, contents links, outline. */
static void test_report(void)
{
    folio_doc *d = folio_doc_create();
    folio_doc_set_meta(d, "Annual report", "2026", "Publisher", "en-GB");
    folio_block *cover = folio_doc_add_block(d, FOLIO_BLOCK_COVER);
    cover->u.cover.title = folio_doc_strdup(d, "Annual report");
    cover->u.cover.subtitle = folio_doc_strdup(d, "1 April 2025 to 31 March 2026");
    cover->u.cover.publisher = folio_doc_strdup(d, "Publisher");
    cover->u.cover.date = folio_doc_strdup(d, "2026-05-12");
    folio_doc_add_block(d, FOLIO_BLOCK_CONTENTS)->u.contents.title = folio_doc_strdup(d, "Contents");
    const char *titles[] = {"First section", "Second section", "Third section"};
    for (int s = 0; s < 3; s++) {
        folio_doc_add_block(d, FOLIO_BLOCK_PAGE_BREAK);
        add_heading(d, 1, titles[s]);
        for (int k = 0; k < 4; k++)
            add_long_para(d, 3);
        add_heading(d, 2, "A subsection");
        add_long_para(d, 4);
    }
    folio_layout *l = render(d);
    CHECK(l != NULL);
    if (!l) {
        folio_doc_free(d);
        return;
    }
    CHECK(l->npages >= 8);
    CHECK_INT(l->body_start, 2);
    CHECK_INT(check_ops(l), 0);
    CHECK(fabs(l->page_w - 595.276) < 1e-9 && fabs(l->page_h - 841.89) < 1e-9);

    /* Running header and footer on every page but the cover; the footer counts body pages
     * (the page labels: i, ii, then 1, 2, ...), the contents page shows its roman label. */
    char foot[64];
    CHECK_INT(count_text(l, 0, "Page i"), 0);
    CHECK_INT(count_text(l, 0, "Annual report"), 1); /* the cover's title only */
    CHECK_INT(count_text(l, 1, "Page ii"), 1);
    for (size_t p = 1; p < l->npages; p++) {
        if (p >= 2) {
            snprintf(foot, sizeof foot, "Page %zu of %zu", p - 1, l->npages - 2);
            CHECK_INT(count_text(l, (int)p, foot), 1);
        }
        CHECK_INT(count_text(l, (int)p, "Annual report"), 1);
    }
    CHECK_INT(count_text(l, 1, "Contents"), 2); /* title and running header */

    /* The outline: the three sections and their subsections, on the pages they are drawn on. */
    CHECK_INT(l->noutline, 6);
    int found = 0;
    for (size_t i = 0; i < l->noutline; i++) {
        const folio_outline_entry *e = &l->outline[i];
        if (e->level != 1)
            continue;
        CHECK_STR(e->title, titles[found]);
        CHECK_INT(e->page, page_of(l, titles[found], FOLIO_BLOCK_HEADING));
        CHECK(e->y <= l->page_h - theme.margin_top + 0.01 && e->y > theme.margin_bottom);
        found++;
    }
    CHECK_INT(found, 3);
    CHECK(l->outline[0].page >= 2);

    /* Contents: a link to each section's page, and the page number printed. */
    int links = 0;
    for (size_t k = 0; k < l->pages[1].n; k++) {
        const folio_op *op = &l->pages[1].ops[k];
        if (op->kind != FOLIO_OP_LINK)
            continue;
        CHECK(links < 3);
        if (links >= 3)
            break;
        int want = page_of(l, titles[links], FOLIO_BLOCK_HEADING);
        CHECK_INT(op->dest_page, want);
        CHECK(op->block && op->block->kind == FOLIO_BLOCK_CONTENTS);
        char num[16];
        snprintf(num, sizeof num, "%d", want - 1); /* the body page's label */
        CHECK(count_text(l, 1, num) >= 1);
        CHECK_INT(count_text(l, 1, titles[links]), 1);
        links++;
    }
    CHECK_INT(links, 3);
    /* Sections start on a new page (page breaks), so they are on increasing pages. */
    CHECK(l->outline[0].page < l->outline[2].page && l->outline[2].page < l->outline[4].page);
    folio_layout_free(l);
    folio_doc_free(d);
}

/* A 100-row table runs over pages with its header row on every one. */
static void test_table_split(void)
{
    folio_doc *d = folio_doc_create();
    add_heading(d, 1, "Data");
    add_table(d, 3, 100);
    add_para(d, "After the table.");
    folio_layout *l = render(d);
    CHECK(l != NULL);
    if (!l) {
        folio_doc_free(d);
        return;
    }
    CHECK(l->npages >= 3);
    CHECK_INT(check_ops(l), 0);
    int pages_with_rows = 0;
    for (size_t p = 0; p < l->npages; p++) {
        bool rows = false;
        for (size_t k = 0; k < l->pages[p].n; k++) {
            const folio_op *op = &l->pages[p].ops[k];
            rows |= op->kind == FOLIO_OP_TEXT && op->text[0] == 'r' && op->block &&
                    op->block->kind == FOLIO_BLOCK_TABLE;
        }
        if (rows) {
            pages_with_rows++;
            CHECK_INT(count_text(l, (int)p, "Head 0"), 1);
            CHECK_INT(count_text(l, (int)p, "Head 2"), 1);
        }
    }
    CHECK(pages_with_rows >= 3);
    CHECK_INT(count_text(l, -1, "Head 1"), pages_with_rows);
    CHECK_INT(count_text(l, -1, "A table"), 1);
    for (int r = 1; r <= 100; r++) {
        char s[32];
        snprintf(s, sizeof s, "r%d c1", r);
        CHECK_INT(count_text(l, -1, s), 1);
    }
    /* Rows stay in order across pages. */
    CHECK(page_of(l, "r1 c0", FOLIO_BLOCK_TABLE) < page_of(l, "r100 c0", FOLIO_BLOCK_TABLE));
    folio_layout_free(l);
    folio_doc_free(d);
}

/* Justified lines end on the right margin, the last one short; words stay whole. */
static void test_justify(void)
{
    folio_doc *d = folio_doc_create();
    folio_block *b = add_long_para(d, 2);
    folio_layout *l = render(d);
    CHECK(l != NULL);
    if (!l) {
        folio_doc_free(d);
        return;
    }
    double right = l->page_w - theme.margin_right;
    const folio_page *pg = &l->pages[0];
    double line_y[64];
    size_t nlines = 0;
    double spaced_y = NAN;
    folio_buf words = {0};
    for (size_t k = 0; k < pg->n; k++) {
        const folio_op *op = &pg->ops[k];
        if (op->block != b || op->kind != FOLIO_OP_TEXT)
            continue;
        if (nlines == 0 || fabs(line_y[nlines - 1] - op->y) > 0.01) {
            CHECK(nlines < 64);
            if (nlines >= 64)
                break;
            line_y[nlines++] = op->y;
        }
        /* Runs split at kerned pairs join without a space; so does a word hyphenated at a line
         * end, without its hyphen (drawn as U+00AD). */
        bool soft = words.len >= 2 && memcmp(words.data + words.len - 2, "\xC2\xAD", 2) == 0;
        if (soft)
            words.data[words.len -= 2] = '\0';
        else if (words.len && !continues(pg, k))
            folio_buf_puts(&words, " ");
        folio_buf_puts(&words, op->text);
        if (strchr(op->text, ' '))
            spaced_y = op->y; /* one op per word on justified lines... */
    }
    CHECK(nlines >= 5);
    CHECK(isnan(spaced_y) || (nlines && fabs(spaced_y - line_y[nlines - 1]) < 0.01)); /* ...but the last */
    for (size_t i = 0; i < nlines; i++) {
        double end = 0, start = 1e9;
        for (size_t k = 0; k < pg->n; k++) {
            const folio_op *op = &pg->ops[k];
            if (op->block == b && op->kind == FOLIO_OP_TEXT && fabs(op->y - line_y[i]) < 0.01) {
                end = fmax(end, op->x + op_width(op));
                start = fmin(start, op->x);
            }
        }
        CHECK(fabs(start - theme.margin_left) < 1e-6);
        if (i + 1 < nlines)
            CHECK(fabs(end - right) < 0.01);
        else
            CHECK(end < right - 20);
        if (i > 0)
            CHECK(fabs(line_y[i - 1] - line_y[i] - theme.font_size * theme.leading) < 1e-6);
    }
    /* The words, in order, are exactly the text's (the last line's words may share an op). */
    folio_buf want = {0};
    folio_buf_puts(&want, WORDS);
    folio_buf_puts(&want, WORDS);
    want.data[--want.len] = '\0'; /* trailing space */
    CHECK_STR(words.data, want.data);
    folio_buf_free(&words);
    folio_buf_free(&want);
    folio_layout_free(l);
    folio_doc_free(d);
}

/* Rich text: bold and italic switch faces inside a line; links get a link op; "\n" breaks. */
static void test_rich_text(void)
{
    folio_doc *d = folio_doc_create();
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_PARAGRAPH);
    b->u.paragraph.align = FOLIO_ALIGN_LEFT;
    folio_text_add(d, &b->u.paragraph.text, "Plain ", 0, NULL);
    folio_text_add(d, &b->u.paragraph.text, "bold", FOLIO_BOLD, NULL);
    folio_text_add(d, &b->u.paragraph.text, " and ", 0, NULL);
    folio_text_add(d, &b->u.paragraph.text, "italic", FOLIO_ITALIC, NULL);
    folio_text_add(d, &b->u.paragraph.text, " with a link", 0, "https://example.org/");
    folio_text_add(d, &b->u.paragraph.text, ".\nSecond line", 0, NULL);
    add_heading(d, 2, "Target")->u.heading.id = folio_doc_strdup(d, "target");
    folio_block *in = add_para(d, "See ");
    folio_text_add(d, &in->u.paragraph.text, "below", 0, "#target");
    folio_text_add(d, &in->u.paragraph.text, " and ", 0, "#nowhere");
    folio_layout *l = render(d);
    CHECK(l != NULL);
    if (!l) {
        folio_doc_free(d);
        return;
    }
    const folio_page *pg = &l->pages[0];
    int uri = 0, internal = 0;
    double y_first = 0, y_second = 0;
    for (size_t k = 0; k < pg->n; k++) {
        const folio_op *op = &pg->ops[k];
        if (op->kind == FOLIO_OP_TEXT && strcmp(op->text, "bold") == 0)
            CHECK_INT(op->face, FOLIO_FACE_BOLD);
        if (op->kind == FOLIO_OP_TEXT && strcmp(op->text, "italic") == 0)
            CHECK_INT(op->face, FOLIO_FACE_ITALIC);
        if (op->kind == FOLIO_OP_TEXT && strcmp(op->text, "Plain") == 0)
            y_first = op->y;
        if (op->kind == FOLIO_OP_TEXT && strcmp(op->text, "Second line") == 0)
            y_second = op->y;
        if (op->kind == FOLIO_OP_TEXT && strcmp(op->text, "with a link") == 0)
            CHECK_INT(op->fill, theme.accent);
        if (op->kind == FOLIO_OP_LINK && op->dest_page < 0) {
            CHECK_STR(op->text, "https://example.org/");
            CHECK(op->w > 20);
            uri++;
        }
        if (op->kind == FOLIO_OP_LINK && op->dest_page >= 0) {
            CHECK_INT(op->dest_page, 0);
            internal++;
        }
    }
    CHECK_INT(uri, 1);
    CHECK_INT(internal, 1); /* "#nowhere" is dropped */
    CHECK(y_first > y_second && y_second > 0);
    CHECK_INT(count_text(l, 0, "Plain"), 1); /* on a ragged line, a run's words share an op */
    folio_layout_free(l);
    folio_doc_free(d);
}

/* Lines of the paragraph block b on each page: counts[page]. */
static void lines_per_page(const folio_layout *l, const folio_block *b, int *counts, size_t max)
{
    for (size_t p = 0; p < max; p++)
        counts[p] = 0;
    for (size_t p = 0; p < l->npages && p < max; p++) {
        double last_y = -1;
        for (size_t k = 0; k < l->pages[p].n; k++) {
            const folio_op *op = &l->pages[p].ops[k];
            if (op->block == b && op->kind == FOLIO_OP_TEXT && fabs(op->y - last_y) > 0.01) {
                counts[p]++;
                last_y = op->y;
            }
        }
    }
}

/* A document of `filler` short paragraphs of mixed sizes, then what is tested. */
static folio_doc *fillers(int filler)
{
    folio_doc *d = folio_doc_create();
    for (int i = 0; i < filler; i++) {
        folio_block *f = add_para(d, "One line.");
        f->u.paragraph.style = i % 3 ? FOLIO_PARA_BODY : FOLIO_PARA_SMALL;
    }
    return d;
}

/* Pages holding text ops whose text contains `needle`, as a bit per page (pages < 64). */
static unsigned long long pages_with(const folio_layout *l, const char *needle)
{
    unsigned long long bits = 0;
    for (size_t p = 0; p < l->npages && p < 64; p++)
        for (size_t k = 0; k < l->pages[p].n; k++) {
            const folio_op *op = &l->pages[p].ops[k];
            if (op->kind == FOLIO_OP_TEXT && strstr(op->text, needle))
                bits |= 1ULL << p;
        }
    return bits;
}

/* A long table with "(continued)" and a cell taller than a page: the cell's lines run on over
 * pages (none dropped, no warning), each page of the table has the header, each page after the
 * first has the "(continued)" line, in the report's language. */
static void test_table_continued(void)
{
    for (int lang = 0; lang < 2; lang++) {
        folio_doc *d = folio_doc_create();
        folio_doc_set_meta(d, "T", NULL, NULL, lang ? "de-DE" : "en-GB");
        add_heading(d, 1, "Data");
        add_long_para(d, 20);
        folio_block *t = add_table(d, 3, 60);
        t->u.table.continued = folio_doc_strdup(d, "");
        folio_buf big = {0};
        for (int i = 0; i < 1500; i++)
            folio_buf_printf(&big, "t%04d ", i);
        t->u.table.cells[5 * 3 + 1].text = folio_text_plain(d, big.data);
        folio_buf_free(&big);
        folio_diag diag;
        folio_diag_init(&diag);
        diag.quiet = true;
        folio_layout *l = folio_layout_render(d, &theme, &fonts, &diag);
        CHECK(l != NULL);
        /* de-DE has no hyphenation dictionary here (hyphen-de is not installed): one warning */
        CHECK_INT((int)diag.warnings, lang ? 1 : 0);
        CHECK(!lang || (diag.n == 1 && strstr(diag.items[0].text, "hyphenation")));
        folio_diag_free(&diag);
        if (!l) {
            folio_doc_free(d);
            return;
        }
        CHECK_INT(check_ops(l), 0);
        const char *cont = lang ? "A table (Fortsetzung)" : "A table (continued)";
        unsigned long long tall = pages_with(l, "t0") | pages_with(l, "t1"), rows = pages_with(l, " c0");
        unsigned long long table = tall | rows, head = pages_with(l, "Head 1"), again = pages_with(l, cont);
        CHECK(__builtin_popcountll(tall) >= 2); /* the tall cell runs over pages */
        CHECK(__builtin_popcountll(table) >= 3);
        CHECK(head == table);
        int first = __builtin_ctzll(table);
        CHECK(again == (table & ~(1ULL << first)));
        CHECK_INT(count_text(l, -1, "A table"), 1);
        /* The tall row starts on the page of the row before it: it fills that page first. */
        CHECK(page_of(l, "r4 c0", FOLIO_BLOCK_TABLE) == __builtin_ctzll(tall));
        for (int i = 0; i < 1500; i++) {
            char tok[16];
            snprintf(tok, sizeof tok, "t%04d", i);
            if (!pages_with(l, tok)) {
                CHECK(!"every line of the tall cell is drawn");
                break;
            }
        }
        folio_layout_free(l);
        folio_doc_free(d);
    }
}

/* A table cell of 40,000 words is measured for its column's width in linear time: at an
 * unbounded width every break between its words stayed a candidate (quadratic). */
static void test_long_cell(void)
{
    folio_doc *d = folio_doc_create();
    folio_doc_set_meta(d, "T", NULL, NULL, "en-GB");
    folio_block *t = add_table(d, 2, 3);
    folio_buf big = {0};
    for (int i = 0; i < 40000; i++)
        folio_buf_printf(&big, "w%05d ", i);
    t->u.table.cells[2 * 2 + 1].text = folio_text_plain(d, big.data);
    folio_buf_free(&big);
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    clock_t start = clock();
    folio_layout *l = folio_layout_render(d, &theme, &fonts, &diag);
    double cpu = (double)(clock() - start) / CLOCKS_PER_SEC;
    CHECK(l != NULL);
    CHECK(cpu < 2.0); /* ~0.2 s; 4-5 s when quadratic */
    int first = 0, last = 0; /* the cell's first and last words are drawn, once each */
    for (size_t p = 0; l && p < l->npages; p++)
        for (size_t k = 0; k < l->pages[p].n; k++) {
            const folio_op *op = &l->pages[p].ops[k];
            first += op->kind == FOLIO_OP_TEXT && op->text && strstr(op->text, "w00000") != NULL;
            last += op->kind == FOLIO_OP_TEXT && op->text && strstr(op->text, "w39999") != NULL;
        }
    CHECK_INT(first, 1);
    CHECK_INT(last, 1);
    folio_layout_free(l);
    folio_diag_free(&diag);
    folio_doc_free(d);
}

/* Across every position near the first page's end: a 3-line paragraph never splits, a 4-line
 * one splits 2 + 2 only, and a heading stays with the next two lines. */
static void test_widows_orphans(void)
{
    int bad3 = 0, bad4 = 0, badh = 0, splits4 = 0, lines3 = 0;
    char three[400];
    snprintf(three, sizeof three, "%.250s", WORDS);
    *strrchr(three, ' ') = '\0';
    for (int filler = 15; filler < 45; filler++) {
        for (int kind = 0; kind < 3; kind++) {
            folio_doc *d = fillers(filler);
            folio_block *target = NULL;
            if (kind == 0) {
                target = add_para(d, three);
            } else if (kind == 1) {
                target = add_para(d, "Line one\nLine two\nLine three\nLine four");
            } else {
                add_heading(d, 2, "Kept heading");
                target = add_long_para(d, 2);
            }
            add_para(d, "After.");
            folio_layout *l = render(d);
            CHECK(l != NULL);
            if (!l) {
                folio_doc_free(d);
                continue;
            }
            int c[8], pages = 0;
            lines_per_page(l, target, c, 8);
            for (int p = 0; p < 8; p++)
                pages += c[p] > 0;
            if (kind == 0) {
                bad3 += pages != 1;
                lines3 = c[0] + c[1] + c[2];
            } else if (kind == 1) {
                for (int p = 0; p < 8; p++)
                    if (c[p] > 0 && c[p] < 4) {
                        splits4++;
                        bad4 += c[p] != 2;
                    }
            } else {
                int hp = page_of(l, "Kept heading", FOLIO_BLOCK_HEADING);
                badh += hp < 0 || hp >= 8 || c[hp] < 2;
            }
            CHECK_INT(check_ops(l), 0);
            folio_layout_free(l);
            folio_doc_free(d);
        }
    }
    CHECK_INT(lines3, 3);
    CHECK_INT(bad3, 0);
    CHECK_INT(bad4, 0);
    CHECK(splits4 > 0); /* some position did split the 4-line paragraph */
    CHECK_INT(badh, 0);
}

/* Across every position near the first page's end: a heading and its one-line introduction
 * always share the page of the chart they introduce; before another heading they do not chain. */
static void test_keep_intro(void)
{
    int apart = 0, chained = 0;
    const char *cats[] = {"A", "B", "C", "D", "E", "F"};
    double v[] = {1, 2, 3, 4, 5, 6};
    for (int filler = 15; filler < 50; filler++) {
        folio_doc *d = fillers(filler);
        add_heading(d, 2, "Intro heading");
        folio_block *intro = add_para(d, "A one-line introduction.");
        folio_block *chart = add_chart(d, FOLIO_CHART_HBAR, 6, cats, 1, v);
        add_heading(d, 2, "Second heading");
        add_para(d, "Its introduction.");
        add_heading(d, 2, "Third heading");
        add_long_para(d, 3);
        folio_layout *l = render(d);
        CHECK(l != NULL);
        if (!l) {
            folio_doc_free(d);
            continue;
        }
        int hp = page_of(l, "Intro heading", FOLIO_BLOCK_HEADING);
        int ip = -1, cp = -1;
        for (size_t p = 0; p < l->npages; p++)
            for (size_t k = 0; k < l->pages[p].n; k++) {
                if (l->pages[p].ops[k].block == intro && ip < 0)
                    ip = (int)p;
                if (l->pages[p].ops[k].block == chart && cp < 0)
                    cp = (int)p;
            }
        apart += hp != ip || ip != cp;
        /* "Second heading" + one line is followed by a heading: it may end a page. */
        chained += page_of(l, "Second heading", FOLIO_BLOCK_HEADING) != page_of(l, "Its introduction.", FOLIO_BLOCK_PARAGRAPH);
        folio_layout_free(l);
        folio_doc_free(d);
    }
    CHECK_INT(apart, 0);
    CHECK_INT(chained, 0);
}

static bool has_text_from(const folio_layout *l, const char *text, folio_block_kind kind)
{
    return page_of(l, text, kind) >= 0;
}

/* Every kind of chart, with missing and negative values: text inside the margins, labels read
 * as expected, no two value labels of a chart overlapping (a crowded grouped chart drops some). */
static void test_chart_kinds(void)
{
    folio_doc *d = folio_doc_create();
    const char *cats[] = {"North", "Midlands", "South", "Wales"};
    const char *names[] = {"One", "Two", "Three", "Four", "Five"};
    double v2[] = {3, 5, -2, 8, 4, 1, 0, 6};
    folio_block *line = add_chart(d, FOLIO_CHART_LINE, 4, cats, 2, v2);
    line->u.chart.series = strings(d, names, 2);
    line->u.chart.values[1] = NAN; /* a missing point */
    folio_block *dot = add_chart(d, FOLIO_CHART_DOT, 4, cats, 2, v2);
    dot->u.chart.series = strings(d, names, 2);
    double v5[] = {1, 0, 2, 0, 2, 1, 3, 0, 1, 4, 1, 2, 2, 3, 5, 1, 0, 1, 4, 9};
    folio_block *div = add_chart(d, FOLIO_CHART_DIVERGING, 4, cats, 5, v5);
    div->u.chart.series = strings(d, names, 5);
    div->u.chart.neutral = 3;
    double crowd[48];
    const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (size_t i = 0; i < 48; i++)
        crowd[i] = 1000 + (double)((i * 37) % 11);
    folio_block *grouped = add_chart(d, FOLIO_CHART_GROUPED, 12, months, 4, crowd);
    grouped->u.chart.series = strings(d, names, 4);
    folio_layout *l = render(d);
    CHECK(l != NULL);
    if (!l) {
        folio_doc_free(d);
        return;
    }
    CHECK_INT(check_ops(l), 0);
    CHECK(has_text_from(l, "-2", FOLIO_BLOCK_CHART));
    CHECK(has_text_from(l, "Wales (n = 12)", FOLIO_BLOCK_CHART)); /* diverging: its base */
    CHECK(has_text_from(l, "Three", FOLIO_BLOCK_CHART));            /* legend */
    int drawn = 0, overlaps = 0;
    for (size_t p = 0; p < l->npages; p++)
        for (size_t i = 0; i < l->pages[p].n; i++) {
            const folio_op *a = &l->pages[p].ops[i];
            if (a->kind != FOLIO_OP_TEXT || a->block != grouped || a->size > 7 || strncmp(a->text, "1,0", 3))
                continue;
            drawn++;
            for (size_t j = i + 1; j < l->pages[p].n; j++) {
                const folio_op *b = &l->pages[p].ops[j];
                if (b->kind != FOLIO_OP_TEXT || b->block != grouped)
                    continue;
                bool x = a->x < b->x + op_width(b) && b->x < a->x + op_width(a);
                bool y = fabs(a->y - b->y) < fmax(a->size, b->size) * 0.7;
                overlaps += x && y;
            }
        }
    CHECK(drawn > 4 && drawn < 48); /* some labels, not all: the others would overlap */
    CHECK_INT(overlaps, 0);
    folio_layout_free(l);
    folio_doc_free(d);
}

static void test_charts(void)
{
    folio_doc *d = folio_doc_create();
    const char *cats[] = {"Not heard of them", "Heard of, not used", "Used in some areas"};
    double v[] = {12, 7, 3};
    folio_block *bar = add_chart(d, FOLIO_CHART_BAR, 3, cats, 1, v);
    bar->u.chart.y_title = folio_doc_strdup(d, "Responses");
    bar->u.chart.note = folio_doc_strdup(d, "n = 22");
    double h[] = {40.5, 1234, 0.25};
    add_chart(d, FOLIO_CHART_HBAR, 3, cats, 1, h);
    const char *lv[] = {"Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"};
    double s[] = {1, 2, 2, 3, 3, 4, 9, 10, 6, 6};
    folio_block *st = add_chart(d, FOLIO_CHART_STACKED, 2, lv, 5, s);
    st->u.chart.series = strings(d, lv, 5);
    st->u.chart.categories = strings(d, (const char *[]){"Service delivery", "Strategy"}, 2);
    st->u.chart.value_labels = folio_doc_alloc(d, 10 * sizeof(char *));
    st->u.chart.value_labels[6] = folio_doc_strdup(d, "nine");
    add_chart(d, FOLIO_CHART_BAR, 0, NULL, 1, NULL);
    double zeros[] = {0, 0};
    add_chart(d, FOLIO_CHART_HBAR, 2, cats, 1, zeros);
    folio_layout *l = render(d);
    CHECK(l != NULL);
    if (!l) {
        folio_doc_free(d);
        return;
    }
    CHECK_INT(check_ops(l), 0);
    CHECK(has_text_from(l, "12", FOLIO_BLOCK_CHART));
    CHECK(has_text_from(l, "7", FOLIO_BLOCK_CHART));
    CHECK(has_text_from(l, "3", FOLIO_BLOCK_CHART));
    CHECK(has_text_from(l, "Responses", FOLIO_BLOCK_CHART));
    CHECK(has_text_from(l, "n = 22", FOLIO_BLOCK_CHART));
    CHECK(has_text_from(l, "40.5", FOLIO_BLOCK_CHART));
    CHECK(has_text_from(l, "1,234", FOLIO_BLOCK_CHART));
    CHECK(has_text_from(l, "0.25", FOLIO_BLOCK_CHART));
    CHECK(has_text_from(l, "nine", FOLIO_BLOCK_CHART));
    CHECK(has_text_from(l, "10", FOLIO_BLOCK_CHART));
    CHECK(has_text_from(l, "Strongly agree", FOLIO_BLOCK_CHART)); /* legend */
    CHECK_INT(count_text(l, -1, "No data"), 2);
    /* A chart is never split: all its ops on one page. */
    for (size_t i = 0; i < d->n; i++) {
        int first = -1;
        for (size_t p = 0; p < l->npages; p++)
            for (size_t k = 0; k < l->pages[p].n; k++)
                if (l->pages[p].ops[k].block == d->blocks[i]) {
                    if (first < 0)
                        first = (int)p;
                    CHECK_INT(p, first);
                }
    }
    folio_layout_free(l);
    folio_doc_free(d);
}

/* Key figures, quotes, lists and notes: what they draw, and a short quote never splits. */
static void test_other_blocks(void)
{
    folio_doc *d = folio_doc_create();
    folio_block *kf = folio_doc_add_block(d, FOLIO_BLOCK_KEY_FIGURES);
    const char *vals[] = {"29", "7", "41", "78%", "5"};
    const char *labs[] = {"survey responses", "interviews held", "signatory organisations", "use the standards",
                          "new signatories"};
    kf->u.figures.n = 5;
    kf->u.figures.values = strings(d, vals, 5);
    kf->u.figures.labels = strings(d, labs, 5);
    folio_block *q = folio_doc_add_block(d, FOLIO_BLOCK_QUOTE);
    q->u.quote.text = folio_text_plain(d, "It gave us a language to hold the organisation to account.");
    q->u.quote.attribution = folio_doc_strdup(d, "Peer worker, interview 2");
    folio_block *list = folio_doc_add_block(d, FOLIO_BLOCK_LIST);
    list->u.list.n = 2;
    list->u.list.ordered = true;
    list->u.list.items = folio_doc_alloc(d, 2 * sizeof(folio_text));
    list->u.list.items[0] = folio_text_plain(d, "First");
    list->u.list.items[1] = folio_text_plain(d, "Second");
    folio_block *note = folio_doc_add_block(d, FOLIO_BLOCK_NOTE);
    note->u.note.text = folio_text_plain(d, "A failed section.");
    note->u.note.error = true;
    folio_layout *l = render(d);
    CHECK(l != NULL);
    if (!l) {
        folio_doc_free(d);
        return;
    }
    CHECK_INT(check_ops(l), 0);
    for (int i = 0; i < 5; i++) {
        CHECK(has_text_from(l, vals[i], FOLIO_BLOCK_KEY_FIGURES));
        CHECK(has_text_from(l, labs[i], FOLIO_BLOCK_KEY_FIGURES));
    }
    CHECK(has_text_from(l, "\xE2\x80\x94 Peer worker, interview 2", FOLIO_BLOCK_QUOTE));
    CHECK(has_text_from(l, "1.", FOLIO_BLOCK_LIST));
    CHECK(has_text_from(l, "2.", FOLIO_BLOCK_LIST));
    CHECK(has_text_from(l, "A failed section.", FOLIO_BLOCK_NOTE));
    int quote_rules = 0, note_boxes = 0;
    for (size_t k = 0; k < l->pages[0].n; k++) {
        const folio_op *op = &l->pages[0].ops[k];
        quote_rules += op->block == q && op->kind == FOLIO_OP_LINE;
        if (op->block == note && op->kind == FOLIO_OP_RECT) {
            note_boxes++;
            /* The box comes before (under) its text. */
            CHECK(k + 1 < l->pages[0].n && l->pages[0].ops[k + 1].kind == FOLIO_OP_TEXT);
        }
    }
    CHECK_INT(quote_rules, 1);
    CHECK_INT(note_boxes, 1);
    /* The figure's big number is bigger than its label. */
    for (size_t k = 0; k < l->pages[0].n; k++) {
        const folio_op *op = &l->pages[0].ops[k];
        if (op->kind == FOLIO_OP_TEXT && strcmp(op->text, "29") == 0)
            CHECK(op->size >= 24 && op->face == FOLIO_FACE_BOLD);
    }
    folio_layout_free(l);
    folio_doc_free(d);
}

/* Odd input never fails, loops or leaves the margins. */
static void test_odd_input(void)
{
    folio_doc *d = folio_doc_create();
    folio_doc_add_block(d, FOLIO_BLOCK_PAGE_BREAK);
    folio_doc_add_block(d, FOLIO_BLOCK_PARAGRAPH); /* no spans at all */
    add_para(d, "");
    add_para(d, "   \n\n  ");
    add_heading(d, 1, "");
    add_heading(d, 7, "Level seven");
    /* One word far wider than the column, and a long address. */
    folio_buf w = {0};
    for (int i = 0; i < 400; i++)
        folio_buf_puts(&w, i % 50 ? "x" : "\xC3\xA9");
    add_para(d, w.data);
    folio_buf_free(&w);
    add_para(d, "See https://example.org/a/very/long/path/that/does/not/fit/on/one/line/of/the/page/at/all/"
                "because/it/keeps/going/and/going/index.html for more \xFF\xFE invalid bytes.");
    add_table(d, 3, 0);                        /* a header and no body */
    folio_block *t0 = add_table(d, 0, 5);      /* no columns */
    t0->u.table.caption = (folio_text){0};
    folio_block *tw = add_table(d, 40, 3);     /* very many columns */
    tw->u.table.widths = folio_doc_alloc(d, 40 * sizeof(double));
    folio_block *tz = add_table(d, 3, 2);      /* zero and bad weights */
    tz->u.table.widths = folio_doc_alloc(d, 3 * sizeof(double));
    tz->u.table.widths[1] = NAN;
    tz->u.table.widths[2] = 2;
    folio_block *huge = add_table(d, 2, 2);    /* a cell taller than a page */
    folio_buf big = {0};
    for (int i = 0; i < 40; i++)
        folio_buf_puts(&big, WORDS);
    huge->u.table.cells[3].text = folio_text_plain(d, big.data);
    folio_buf_free(&big);
    folio_block *kf = folio_doc_add_block(d, FOLIO_BLOCK_KEY_FIGURES);
    kf->u.figures.n = 2; /* no value or label arrays */
    folio_block *kf2 = folio_doc_add_block(d, FOLIO_BLOCK_KEY_FIGURES);
    const char *longv[] = {"123456789012345678901234567890"};
    kf2->u.figures.n = 1;
    kf2->u.figures.values = strings(d, longv, 1);
    folio_doc_add_block(d, FOLIO_BLOCK_QUOTE);
    folio_doc_add_block(d, FOLIO_BLOCK_LIST);
    folio_doc_add_block(d, FOLIO_BLOCK_NOTE);
    folio_doc_add_block(d, FOLIO_BLOCK_CHART); /* nothing in it */
    double nan_values[] = {NAN, INFINITY, -3, 5};
    const char *cats[] = {"a", "b", "c", "d"};
    add_chart(d, FOLIO_CHART_BAR, 4, cats, 1, nan_values);
    add_chart(d, FOLIO_CHART_HBAR, 4, cats, 1, nan_values);
    add_chart(d, FOLIO_CHART_STACKED, 2, cats, 2, nan_values);
    /* A horizontal chart with far too many bars for a page. */
    size_t many = 300;
    char **mc = folio_doc_alloc(d, many * sizeof *mc);
    folio_block *mchart = add_chart(d, FOLIO_CHART_HBAR, 0, NULL, 1, NULL);
    mchart->u.chart.ncats = many;
    mchart->u.chart.values = folio_doc_alloc(d, many * sizeof(double));
    for (size_t i = 0; i < many; i++) {
        char s[32];
        snprintf(s, sizeof s, "Category %zu", i);
        mc[i] = folio_doc_strdup(d, s);
        mchart->u.chart.values[i] = (double)i;
    }
    mchart->u.chart.categories = mc;
    folio_block *cv = folio_doc_add_block(d, FOLIO_BLOCK_COVER); /* a cover in the middle, empty */
    (void)cv;
    folio_doc_add_block(d, FOLIO_BLOCK_CONTENTS); /* no title, no headings after it */
    folio_doc_add_block(d, FOLIO_BLOCK_PAGE_BREAK);
    folio_doc_add_block(d, FOLIO_BLOCK_PAGE_BREAK);
    folio_layout *l = render(d);
    CHECK(l != NULL);
    if (l) {
        CHECK(l->npages >= 3);
        CHECK_INT(check_ops(l), 0);
        CHECK(page_of(l, "Level seven", FOLIO_BLOCK_HEADING) >= 0);
        folio_layout_free(l);
    }
    folio_doc_free(d);

    /* An empty document still has a page; bad arguments fail cleanly. */
    d = folio_doc_create();
    l = render(d);
    CHECK(l != NULL && l->npages == 1);
    folio_layout_free(l);
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    CHECK(folio_layout_render(NULL, &theme, &fonts, &diag) == NULL);
    folio_theme tiny = theme;
    tiny.page_w = 100;
    CHECK(folio_layout_render(d, &tiny, &fonts, &diag) == NULL);
    CHECK(diag.errors == 2);
    folio_diag_free(&diag);
    folio_doc_free(d);
}

static void test_theme(void)
{
    folio_theme t;
    folio_theme_default(&t);
    CHECK(fabs(t.page_w - 595.276) < 1e-9);
    CHECK(t.margin_left >= 20 * 72 / 25.4 - 1e-9 && t.margin_right >= 20 * 72 / 25.4 - 1e-9);
    CHECK(t.margin_top >= 20 * 72 / 25.4 && t.margin_bottom >= 20 * 72 / 25.4);
    CHECK_INT(t.accent, 0x08519c);
    CHECK_INT(t.scale5[0], 0xb2182b);
    CHECK(t.npalette >= 5);
}

int main(void)
{
    if (!load_fonts()) {
        CHECK(!"fonts load (run from the repository root)");
        return harness_summary();
    }
    test_fonts();
    test_linebreak();
    test_theme();
    test_report();
    test_table_split();
    test_table_continued();
    test_long_cell();
    test_justify();
    test_rich_text();
    test_widows_orphans();
    test_keep_intro();
    test_charts();
    test_chart_kinds();
    test_other_blocks();
    test_odd_input();
    for (int i = 0; i < FOLIO_FACES; i++)
        folio_font_free(fonts.face[i]);
    return harness_summary();
}
