/* Paragraphs: total fit against greedy on the same paragraph, no line ever wider than the
 * column, a 10,000-word paragraph in linear time, and through layout: no-break spaces and
 * numbers with units kept together, ragged right, hyphenation (never of link text, numbers or
 * acronyms) and kerning. */
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

/* Items for `copies` copies of WORDS at 10 pt: words as boxes, spaces as glue that may grow by
 * half and shrink by a third. */
static lb_item *paragraph_items(int copies, size_t *n)
{
    size_t cap = 64, k = 0;
    lb_item *it = xcalloc(cap, sizeof *it);
    double space = folio_font_advance(fonts.face[0], ' ') / 100.0;
    for (int c = 0; c < copies; c++) {
        const char *s = WORDS;
        while (*s) {
            size_t len = strcspn(s, " ");
            if (k + 2 >= cap)
                it = xrealloc(it, (cap *= 2) * sizeof *it);
            it[k++] = (lb_item){LB_BOX, folio_font_text_width(fonts.face[0], s, len, 10), 0, 0, 0, 0};
            it[k++] = (lb_item){LB_GLUE, space, 0, space / 2, space / 3, 0};
            s += len + (s[len] == ' ');
        }
    }
    *n = k - 1; /* no glue at the end */
    return it;
}

typedef struct fit_stats {
    double sum_sq, max_ratio, max_over;
} fit_stats;

/* Adjustment ratios of the lines but the last, and how far any line, shrunk as far as it may,
 * is wider than the column. */
static fit_stats stats(const lb_item *it, const lb_line *lines, size_t nl, double width)
{
    fit_stats st = {0, 0, -1e9};
    for (size_t i = 0; i < nl; i++) {
        size_t a = lines[i].start, e = lines[i].end;
        while (a < e && it[a].kind != LB_BOX)
            a++;
        while (e > a && it[e - 1].kind != LB_BOX)
            e--;
        double w = 0, y = 0, z = 0;
        for (size_t k = a; k < e; k++) {
            w += it[k].kind == LB_PENALTY ? 0 : it[k].width;
            y += it[k].kind == LB_GLUE ? it[k].stretch : 0;
            z += it[k].kind == LB_GLUE ? it[k].shrink : 0;
        }
        st.max_over = fmax(st.max_over, w - z - width);
        if (i + 1 == nl)
            continue;
        double r = w < width ? (width - w) / y : (width - w) / z;
        st.sum_sq += r * r;
        st.max_ratio = fmax(st.max_ratio, r);
    }
    return st;
}

static void test_total_fit_beats_greedy(void)
{
    size_t n;
    lb_item *it = paragraph_items(3, &n);
    double widths[] = {180, 250, 340};
    for (size_t w = 0; w < 3; w++) {
        lb_line *kp, *gr;
        size_t nk = folio_linebreak(it, n, widths[w], &kp),
               ng = folio_linebreak_greedy(it, n, widths[w], &gr);
        fit_stats sk = stats(it, kp, nk, widths[w]), sg = stats(it, gr, ng, widths[w]);
        fprintf(stderr,
                "width %.0f: total fit %zu lines, sum r^2 %.2f, max r %.2f; greedy %zu lines, %.2f, %.2f\n",
                widths[w], nk, sk.sum_sq, sk.max_ratio, ng, sg.sum_sq, sg.max_ratio);
        CHECK(sk.sum_sq <= sg.sum_sq + 1e-9);
        if (w == 1)
            CHECK(sk.sum_sq < 0.5 * sg.sum_sq && sk.max_ratio < 0.5 * sg.max_ratio); /* 250 pt: much better */
        CHECK(sk.max_ratio <= sg.max_ratio + 1e-9);
        CHECK(sk.max_over <= 1e-6); /* never wider than the column, even shrunk */
        CHECK(nk <= ng);
        CHECK(nk > 0 && kp[nk - 1].last && kp[nk - 1].end == n);
        /* Lines follow each other: every box is on exactly one line. */
        for (size_t i = 1; i < nk; i++) {
            CHECK(kp[i].start > kp[i - 1].end);
            for (size_t k = kp[i - 1].end; k < kp[i].start && k < n; k++)
                CHECK(it[k].kind != LB_BOX);
        }
        free(kp);
        free(gr);
    }
    free(it);
}

/* A word of 30 characters of 10 pt with emergency breaks between them, in a 95 pt column: every
 * line holds at most 9 characters; a box wider than the column gets a line of its own. */
static void test_emergency(void)
{
    lb_item it[80];
    size_t n = 0;
    it[n++] = (lb_item){LB_BOX, 20, 0, 0, 0, 0};
    it[n++] = (lb_item){LB_GLUE, 3, 0, 1.5, 1, 0};
    for (int i = 0; i < 30; i++) {
        if (i)
            it[n++] = (lb_item){LB_PENALTY, 0, LB_EMERGENCY, 0, 0, 0};
        it[n++] = (lb_item){LB_BOX, 10, 0, 0, 0, 0};
    }
    lb_line *lines;
    size_t nl = folio_linebreak(it, n, 95, &lines);
    fit_stats st = stats(it, lines, nl, 95);
    CHECK(st.max_over <= 1e-6);
    CHECK(nl >= 4 && nl <= 5);
    free(lines);
    lb_item wide[] = {{LB_BOX, 10, 0, 0, 0, 0},
                      {LB_GLUE, 3, 0, 1.5, 1, 0},
                      {LB_BOX, 200, 0, 0, 0, 0},
                      {LB_GLUE, 3, 0, 1.5, 1, 0},
                      {LB_BOX, 10, 0, 0, 0, 0}};
    nl = folio_linebreak(wide, 5, 95, &lines);
    CHECK_INT(nl, 3);
    if (nl == 3)
        CHECK(lines[1].start == 2 && lines[1].end == 3);
    free(lines);
    /* No-break glue is never a break; a penalty of LB_NEVER neither. */
    lb_item nb[] = {{LB_BOX, 40, 0, 0, 0, 0}, {LB_GLUE, 3, 0, 1.5, 1, LB_NOBREAK},
                    {LB_BOX, 40, 0, 0, 0, 0}, {LB_GLUE, 3, 0, 1.5, 1, 0},
                    {LB_BOX, 40, 0, 0, 0, 0}, {LB_PENALTY, 0, LB_NEVER, 0, 0, 0},
                    {LB_BOX, 40, 0, 0, 0, 0}};
    nl = folio_linebreak(nb, 7, 90, &lines);
    CHECK_INT(nl, 2);
    if (nl == 2)
        CHECK_INT(lines[0].end, 3);
    free(lines);
}

/* 10,000 words: linear time (active nodes are pruned), well under a second. */
static void test_long_paragraph(void)
{
    size_t n1, n2;
    lb_item *a = paragraph_items(175, &n1); /* 10,150 words */
    lb_item *b = paragraph_items(350, &n2);
    lb_line *lines;
    clock_t t0 = clock();
    size_t nl = folio_linebreak(a, n1, 481, &lines);
    clock_t t1 = clock();
    free(lines);
    size_t nl2 = folio_linebreak(b, n2, 481, &lines);
    clock_t t2 = clock();
    free(lines);
    double s1 = (double)(t1 - t0) / CLOCKS_PER_SEC, s2 = (double)(t2 - t1) / CLOCKS_PER_SEC;
    fprintf(stderr, "%zu words: %zu lines in %.1f ms; twice as many: %zu lines in %.1f ms\n", (n1 + 1) / 2,
            nl, s1 * 1e3, nl2, s2 * 1e3);
    CHECK((n1 + 1) / 2 >= 10000);
    CHECK(nl > 500 && nl2 >= 2 * nl - 2);
    CHECK(s1 < 0.5);
    CHECK(s2 < 4 * s1 + 0.05); /* not quadratic */
    free(a);
    free(b);
}

/* ---- through layout ---- */

static folio_layout *render(const folio_doc *d, const folio_theme *th, folio_diag *diag)
{
    return folio_layout_render(d, th, &fonts, diag);
}

typedef struct line_ops {
    double y;
    size_t first, last; /* op indexes on the page */
    double x0, x1;
} line_ops;

static double op_width(const folio_op *op)
{
    return folio_font_text_width(fonts.face[op->face], op->text, strlen(op->text), op->size);
}

/* The lines of a block's text on page 0 (ops in drawing order). */
static size_t lines_of(const folio_layout *l, const folio_block *b, line_ops *out, size_t max)
{
    size_t n = 0;
    const folio_page *pg = &l->pages[0];
    for (size_t k = 0; k < pg->n; k++) {
        const folio_op *op = &pg->ops[k];
        if (op->block != b || op->kind != FOLIO_OP_TEXT)
            continue;
        if (n == 0 || fabs(out[n - 1].y - op->y) > 0.01) {
            if (n == max)
                break;
            out[n++] = (line_ops){op->y, k, k, op->x, op->x + op_width(op)};
        }
        out[n - 1].last = k;
        out[n - 1].x1 = fmax(out[n - 1].x1, op->x + op_width(op));
        out[n - 1].x0 = fmin(out[n - 1].x0, op->x);
    }
    return n;
}

static bool starts_with(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static bool ends_with(const char *s, const char *p)
{
    size_t a = strlen(s), b = strlen(p);
    return a >= b && strcmp(s + a - b, p) == 0;
}

/* A narrow column (about 200 pt) so that there are many breaks. */
static folio_theme narrow(void)
{
    folio_theme th = theme;
    th.margin_right = th.page_w - th.margin_left - 200;
    return th;
}

static void test_nobreak_and_units(void)
{
    folio_doc *d = folio_doc_create();
    folio_buf s = {0};
    for (int i = 0; i < 30; i++)
        folio_buf_puts(
            &s, "We asked Mr\xC2\xA0Smith: 25 % of 40 kg is 10 kg, and 7\xE2\x80\xAF% rose by 3 MB today. ");
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_PARAGRAPH);
    b->u.paragraph.text = folio_text_plain(d, s.data);
    folio_buf_free(&s);
    folio_theme th = narrow();
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    folio_layout *l = render(d, &th, &diag);
    CHECK(l != NULL);
    if (l) {
        line_ops lines[200];
        size_t nl = lines_of(l, b, lines, 200);
        CHECK(nl > 20);
        const folio_page *pg = &l->pages[0];
        int bad = 0;
        for (size_t i = 0; i < nl; i++) {
            const char *first = pg->ops[lines[i].first].text, *last = pg->ops[lines[i].last].text;
            bad += starts_with(first, "Smith") || starts_with(first, "%") || starts_with(first, "kg") ||
                   starts_with(first, "MB");
            bad += strcmp(last, "Mr") == 0 || strcmp(last, "25") == 0 || strcmp(last, "40") == 0 ||
                   strcmp(last, "10") == 0 || strcmp(last, "3") == 0 || strcmp(last, "7") == 0;
            bad += lines[i].x1 > th.page_w - th.margin_right + 0.5;
        }
        CHECK_INT(bad, 0);
        folio_layout_free(l);
    }
    folio_diag_free(&diag);
    folio_doc_free(d);
}

static void test_ragged(void)
{
    folio_doc *d = folio_doc_create();
    folio_buf s = {0};
    for (int i = 0; i < 3; i++)
        folio_buf_puts(&s, WORDS);
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_PARAGRAPH);
    b->u.paragraph.text = folio_text_plain(d, s.data);
    b->u.paragraph.align = FOLIO_ALIGN_LEFT;
    folio_buf_free(&s);
    folio_theme th = narrow();
    folio_layout *l = render(d, &th, NULL);
    CHECK(l != NULL);
    if (l) {
        line_ops lines[200];
        size_t nl = lines_of(l, b, lines, 200);
        double right = th.page_w - th.margin_right, lo = 1e9, hi = 0;
        CHECK(nl > 10);
        int at_margin = 0;
        for (size_t i = 0; i + 1 < nl; i++) {
            CHECK(fabs(lines[i].x0 - th.margin_left) < 1e-6);
            CHECK(lines[i].x1 <= right + 0.5);
            lo = fmin(lo, lines[i].x1);
            hi = fmax(hi, lines[i].x1);
            at_margin += fabs(lines[i].x1 - right) < 0.05;
        }
        CHECK(hi - lo > 5);             /* right edges are unequal... */
        CHECK(at_margin < (int)nl / 2); /* ...and not justified */
        CHECK(hi - lo < 0.5 * 200);     /* ...but balanced: no line half empty */
        /* Spaces are set at their width: a ragged line is drawn with spaces in its ops. */
        const folio_page *pg = &l->pages[0];
        CHECK(strchr(pg->ops[lines[0].first].text, ' ') != NULL);
        folio_layout_free(l);
    }
    folio_doc_free(d);
}

static void test_hyphenation(void)
{
    folio_doc *d = folio_doc_create();
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_PARAGRAPH);
    for (int i = 0; i < 12; i++) {
        folio_text_add(d, &b->u.paragraph.text, "Organisational responsibilities demonstrate considerable ",
                       0, NULL);
        folio_text_add(d, &b->u.paragraph.text, "representativeness everywhere", 0, "https://example.org");
        folio_text_add(d, &b->u.paragraph.text,
                       " and UNREPRESENTATIVENESS or 1234567890123456 internationally; ", 0, NULL);
    }
    folio_theme th = narrow();
    folio_layout *l = render(d, &th, NULL);
    CHECK(l != NULL);
    if (l) {
        line_ops lines[200];
        size_t nl = lines_of(l, b, lines, 200);
        const folio_page *pg = &l->pages[0];
        int hyphenated = 0, bad = 0;
        for (size_t i = 0; i + 1 < nl; i++) {
            const folio_op *last = &pg->ops[lines[i].last];
            if (!ends_with(last->text, "\xC2\xAD"))
                continue;
            hyphenated++;
            /* The word joined again is one of the paragraph's. */
            char word[128];
            size_t wl = strlen(last->text) - 2;
            const folio_op *next = &pg->ops[lines[i + 1].first];
            snprintf(word, sizeof word, "%.*s%s", (int)wl, last->text, next->text);
            for (size_t k = lines[i + 1].first + 1; k <= lines[i + 1].last; k++) {
                const folio_op *o = &pg->ops[k];
                const folio_op *p = &pg->ops[k - 1];
                if (fabs(p->x + op_width(p) - o->x) > 2) /* a word ends at a space */
                    break;
                strncat(word, o->text, sizeof word - strlen(word) - 1);
            }
            char *cut = strpbrk(word, " ,;.");
            if (cut)
                *cut = '\0';
            bool known = !strcmp(word, "Organisational") || !strcmp(word, "responsibilities") ||
                         !strcmp(word, "demonstrate") || !strcmp(word, "considerable") ||
                         !strcmp(word, "internationally") || !strcmp(word, "everywhere");
            if (!known)
                fprintf(stderr, "hyphenated: \"%s\"\n", word);
            bad += !known;
            bad += last->fill == theme.accent; /* never link text */
            bad += strspn(last->text, "0123456789") > 0 || !strncmp(last->text, "UNREP", 5);
        }
        CHECK(hyphenated >= 2);
        CHECK_INT(bad, 0);
        folio_layout_free(l);
    }
    folio_doc_free(d);
}

static void test_unknown_language(void)
{
    folio_doc *d = folio_doc_create();
    folio_doc_set_meta(d, "T", NULL, NULL, "xx-YY");
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_PARAGRAPH);
    b->u.paragraph.text = folio_text_plain(d, "Organisational responsibilities demonstrate considerable "
                                              "internationally representative arrangements, repeatedly.");
    folio_theme th = narrow();
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    folio_layout *l = render(d, &th, &diag);
    CHECK(l != NULL);
    CHECK_INT(diag.warnings, 1);
    CHECK(diag.n == 1 && strstr(diag.items[0].text, "xx-YY") && strstr(diag.items[0].text, "not hyphenated"));
    if (l) {
        const folio_page *pg = &l->pages[0];
        for (size_t k = 0; k < pg->n; k++)
            if (pg->ops[k].kind == FOLIO_OP_TEXT)
                CHECK(!ends_with(pg->ops[k].text, "\xC2\xAD"));
        folio_layout_free(l);
    }
    folio_diag_free(&diag);
    folio_doc_free(d);
}

static void test_kerning(void)
{
    const folio_font *f = fonts.face[FOLIO_FACE_REGULAR];
    CHECK(folio_font_kern(f, 'T', 'o') <= -5);
    CHECK(folio_font_kern(f, 'A', 'V') <= -5);
    CHECK(folio_font_kern(f, 'V', 'A') <= -5);
    CHECK(fabs(folio_font_kern(f, 'l', 'l')) < 1);
    CHECK(folio_font_kern(f, 'T', 0x10FFFF) == 0);
    /* "AVAV" is drawn as runs at kerned positions: narrower than its advances. */
    folio_doc *d = folio_doc_create();
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_PARAGRAPH);
    b->u.paragraph.text = folio_text_plain(d, "AVAV");
    folio_layout *l = render(d, &theme, NULL);
    CHECK(l != NULL);
    if (l) {
        line_ops lines[4];
        size_t nl = lines_of(l, b, lines, 4);
        CHECK_INT(nl, 1);
        double plain = folio_font_text_width(f, "AVAV", 4, theme.font_size);
        if (nl == 1) {
            CHECK(lines[0].last - lines[0].first + 1 == 4); /* A, V, A, V: a run per kerned pair */
            CHECK(lines[0].x1 - lines[0].x0 < plain - 3 * 5 * theme.font_size / 1000.0);
        }
        folio_layout_free(l);
    }
    folio_doc_free(d);
}

int main(void)
{
    if (!load_fonts()) {
        CHECK(!"fonts load (run from the repository root)");
        return harness_summary();
    }
    test_total_fit_beats_greedy();
    test_emergency();
    test_long_paragraph();
    test_nobreak_and_units();
    test_ragged();
    test_hyphenation();
    test_unknown_language();
    test_kerning();
    for (int i = 0; i < FOLIO_FACES; i++)
        folio_font_free(fonts.face[i]);
    return harness_summary();
}
