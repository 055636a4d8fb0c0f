/* Canvas blocks: the checks of a canvas returned by build() (each bad value named by its path,
 * with what was expected), and its conversion to display ops: y flipped from the box's top-left
 * corner, circles and arcs as Bezier curves on the right points, theme colours, aligned text,
 * the box scaled down to the column with everything in it, and every op between a CLIP and an
 * UNCLIP of the box. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "core/diag.h"
#include "doc/doc.h"
#include "harness.h"
#include "layout/display.h"
#include "layout/layout.h"
#include "layout_fixture.h"
#include "lua/sandbox.h"

#define NEAR(a, b) (fabs((a) - (b)) < 0.01)

/* Evaluates `return LUA` (a list of blocks, as build() would return it) and adds the blocks to d.
 * Returns the first message, or "" when there is none (static buffer). */
static const char *add_blocks(folio_doc *d, const char *lua)
{
    static char msg[1024];
    msg[0] = '\0';
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    char *chunk = malloc(strlen(lua) + 8);
    strcpy(chunk, "return ");
    strcat(chunk, lua);
    folio_value v = {0};
    char err[256] = "";
    if (luaL_dostring(L, chunk) != LUA_OK) {
        snprintf(msg, sizeof msg, "lua: %s", lua_tostring(L, -1));
    } else if (!folio_value_from_lua(L, -1, &v, "", err, sizeof err)) {
        snprintf(msg, sizeof msg, "value: %s", err);
    } else {
        folio_diag diag;
        folio_diag_init(&diag);
        diag.quiet = true;
        folio_blocks_add(d, &v, "plugins/p.lua", &diag);
        if (diag.n)
            snprintf(msg, sizeof msg, "%s", diag.items[0].text);
        folio_diag_free(&diag);
    }
    folio_value_free(&v);
    free(chunk);
    lua_close(L);
    return msg;
}

#define CANVAS(OPS) "{ { kind = 'canvas', width = 400, height = 200, alt = 'A drawing', ops = { " OPS " } } }"

/* The message of a canvas with these commands must contain `want`. */
static void bad(const char *ops, const char *want)
{
    folio_doc *d = folio_doc_create();
    char lua[2048];
    snprintf(lua, sizeof lua, CANVAS("%s"), ops);
    const char *msg = add_blocks(d, lua);
    if (!strstr(msg, want))
        fprintf(stderr, "for %s\n  expected \"%s\"\n  got      \"%s\"\n", ops, want, msg);
    CHECK(strstr(msg, want) != NULL);
    CHECK_INT(d->n, 0); /* nothing half-built goes in */
    folio_doc_free(d);
}

static void test_checks(void)
{
    folio_doc *d = folio_doc_create();
    CHECK_STR(
        add_blocks(d, CANVAS("{ 'line', 0, 0, 10, 20, { colour = '#FF8000', width = 2, dash = 3 } },"
                             "{ 'rect', 1, 2, 3, 4 }, { 'circle', 5, 6, 7, { fill = 'accent' } },"
                             "{ 'wedge', 0, 0, 5, -90, 30, { fill = 'palette3', stroke = 'none' } },"
                             "{ 'path', { { 'move', 0, 0 }, { 'curve', 1, 2, 3, 4, 5, 6 }, { 'close' } } },"
                             "{ 'text', 10, 20, 42, { align = 'right', bold = true, size = 12 } }")),
        "");
    CHECK_INT(d->n, 1);
    const folio_block *b = d->n ? d->blocks[0] : NULL;
    CHECK(b && b->kind == FOLIO_BLOCK_CANVAS && b->u.canvas.n == 6 && b->u.canvas.width == 400);
    if (b && b->u.canvas.n == 6) {
        const folio_draw *w = b->u.canvas.draws;
        CHECK(w[0].kind == FOLIO_DRAW_LINE && w[0].v[3] == 20 && w[0].stroke == 0xFF8000 && w[0].width == 2 &&
              w[0].dash == 3 && w[0].fill == FOLIO_COLOUR_NONE);
        /* No style: an outline in the text colour, 1 pt. */
        CHECK(w[1].stroke == FOLIO_COLOUR_THEME + FOLIO_TC_TEXT && w[1].fill == FOLIO_COLOUR_NONE &&
              w[1].width == 1);
        /* A fill alone: no outline. */
        CHECK(w[2].fill == FOLIO_COLOUR_THEME + FOLIO_TC_ACCENT && w[2].stroke == FOLIO_COLOUR_NONE);
        CHECK(w[3].fill == FOLIO_COLOUR_THEME + FOLIO_TC_PALETTE + 2 && w[3].v[3] == -90 && w[3].v[4] == 30);
        CHECK(w[4].nsegs == 3 && w[4].segs[1].kind == FOLIO_PATH_CURVE && w[4].segs[1].v[5] == 6);
        CHECK(w[5].kind == FOLIO_DRAW_TEXT && w[5].text && strcmp(w[5].text, "42") == 0 &&
              w[5].align == FOLIO_ALIGN_RIGHT && w[5].style == FOLIO_BOLD && w[5].size == 12);
    }
    folio_doc_free(d);

    /* Each mistake, named by its path, saying what was expected. */
    bad("{ 'line', 0, 'ten', 10, 10 }", "[1].ops[1][3]: expected a number, got string");
    bad("{ 'line', 0, 0, 1, 1 }, { 'line', 0, 0/0, 1, 1 }",
        "[1].ops[2][3]: expected a number from -1e+06 to 1e+06, got NaN (0/0)");
    bad("{ 'circle', 0, 0, 1/0 }", "[1].ops[1][4]: expected a number from 0 to 1e+06, got infinity");
    bad("{ 'circle', 0, 0, -5 }", "[1].ops[1][4]: expected a number from 0 to 1e+06, got -5");
    bad("{ 'line', 0, 0, 1 }", "[1].ops[1]: expected { \"line\", x1, y1, x2, y2, style }, got 4 values");
    bad("{ 'square', 0, 0, 1 }", "[1].ops[1][1]: unknown drawing command \"square\"");
    bad("{ 'rect', 0, 0, 1, 1, { colour = 'red' } }",
        "[1].ops[1][6]: unknown field \"colour\" for a shape's style");
    bad("{ 'rect', 0, 0, 1, 1, { fill = 'red' } }",
        "[1].ops[1][6].fill: unknown colour \"red\"; expected \"#rrggbb\"");
    bad("{ 'rect', 0, 0, 1, 1, 'thick' }", "[1].ops[1][6]: expected a style table");
    bad("{ 'line', 0, 0, 1, 1, { width = -1 } }",
        "[1].ops[1][6].width: expected a number from 0 to 1000, got -1");
    bad("{ 'text', 0, 0, { 'x' } }", "[1].ops[1][4]: expected a string (the text), got table");
    bad("{ 'text', 0, 0, 'x', { align = 'middle' } }", "[1].ops[1][5].align: unknown value \"middle\"");
    bad("{ 'path', { { 'line', 0, 0 } } }", "[1].ops[1][2][1]: a path starts with { \"move\", x, y }");
    bad("{ 'path', { { 'move', 0, 0 }, { 'curve', 1, 2 } } }",
        "[1].ops[1][2][2]: expected \"curve\" and 6 numbers, got 3 values");
    bad("{ 'path', {} }", "[1].ops[1][2]: expected a list of segments");

    /* The box and its text alternative. */
    d = folio_doc_create();
    CHECK(strstr(add_blocks(d, "{ { kind = 'canvas', width = 100, height = 100 } }"),
                 "[1].alt: missing; expected a text alternative") != NULL);
    CHECK(strstr(add_blocks(d, "{ { kind = 'canvas', width = 100, height = 100, alt = '  ' } }"),
                 "[1].alt: is empty") != NULL);
    CHECK(strstr(add_blocks(d, "{ { kind = 'canvas', width = 0, height = 100, alt = 'x' } }"),
                 "[1].width: expected a number from 1 to 14400, got 0") != NULL);
    CHECK(strstr(add_blocks(d, "{ { kind = 'canvas', width = 100, alt = 'x' } }"), "[1].height: missing") !=
          NULL);
    /* Too many commands, counting path segments. */
    const char *many =
        "(function() local s = { { 'move', 0, 0 } } for i = 1, 40000 do s[#s + 1] = { 'line', i, 0 } end "
        "return { { kind = 'canvas', width = 10, height = 10, alt = 'x', ops = { { 'path', s } } } } end)()";
    CHECK(strstr(add_blocks(d, many),
                 "[1].ops: more than 40000 drawing commands (each path segment counts as one)") != NULL);
    CHECK_INT(d->n, 0);
    folio_doc_free(d);
}

static folio_layout *lay(folio_doc *d)
{
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    folio_layout *l = folio_layout_render(d, &theme, &fonts, &diag);
    CHECK(l && diag.errors == 0);
    folio_diag_free(&diag);
    return l;
}

/* The ops of the canvas on page 1, from its CLIP to its UNCLIP; NULL when they are not there. */
static const folio_op *canvas_ops(const folio_layout *l, size_t *n)
{
    const folio_page *p = &l->pages[0];
    for (size_t i = 0; i < p->n; i++)
        if (p->ops[i].kind == FOLIO_OP_CLIP) {
            size_t j = i + 1;
            while (j < p->n && p->ops[j].kind != FOLIO_OP_UNCLIP)
                j++;
            if (j == p->n)
                return NULL;
            *n = j - i + 1;
            return &p->ops[i];
        }
    return NULL;
}

static void test_layout(void)
{
    folio_doc *d = folio_doc_create();
    const char *lua =
        CANVAS("{ 'line', 0, 0, 10, 20, { width = 2, dash = 3 } },"
               "{ 'circle', 60, 60, 40, { fill = 'accent' } },"
               "{ 'arc', 100, 100, 10, 180, 360 },"
               "{ 'rect', 350, 150, 100, 100, { fill = '#0000ff' } },"
               "{ 'text', 200, 100, 'Right', { align = 'right', size = 20, colour = 'muted' } },"
               "{ 'wedge', 50, 50, 10, 0, 90, { fill = 'palette1' } }");
    CHECK_STR(add_blocks(d, lua), "");
    folio_layout *l = lay(d);
    size_t n = 0;
    const folio_op *o = l ? canvas_ops(l, &n) : NULL;
    CHECK(o != NULL && n == 8);
    if (o && n == 8) {
        /* The box: 400 x 200 at full size (the column is wider), centred in it. */
        double col = theme.page_w - theme.margin_left - theme.margin_right;
        double left = o[0].x, top = o[0].y + o[0].h;
        CHECK(NEAR(o[0].w, 400) && NEAR(o[0].h, 200) && NEAR(left, theme.margin_left + (col - 400) / 2));
        CHECK(o[0].y > theme.margin_bottom && top <= theme.page_h - theme.margin_top + 0.01);
        /* The line: from the top-left corner down to (10, 20) below it. */
        const folio_op *ln = &o[1];
        CHECK(ln->kind == FOLIO_OP_PATH && ln->nsegs == 2 && !ln->filled && ln->line_width == 2 &&
              ln->dash == 3);
        CHECK(ln->stroke == theme.text);
        CHECK(NEAR(ln->x + ln->segs[0].x, left) && NEAR(ln->y + ln->segs[0].y, top));
        CHECK(NEAR(ln->x + ln->segs[1].x, left + 10) && NEAR(ln->y + ln->segs[1].y, top - 20));
        /* The circle: a move to (cx + r, cy), four quarter curves, closed; the first curve turns
         * clockwise on the page (downwards, y down), its control point k = 0.5523 r away. */
        const folio_op *ci = &o[2];
        CHECK(ci->kind == FOLIO_OP_PATH && ci->nsegs == 6 && ci->filled && ci->fill == theme.accent &&
              ci->line_width == 0);
        if (ci->nsegs == 6) {
            CHECK(NEAR(ci->x + ci->segs[0].x, left + 100) && NEAR(ci->y + ci->segs[0].y, top - 60));
            CHECK(ci->segs[1].kind == FOLIO_SEG_CURVE &&
                  NEAR(ci->y + ci->segs[1].y1, top - 60 - 0.55228 * 40));
            CHECK(NEAR(ci->x + ci->segs[1].x, left + 60) && NEAR(ci->y + ci->segs[1].y, top - 100));
            CHECK(NEAR(ci->x + ci->segs[4].x, left + 100) && NEAR(ci->y + ci->segs[4].y, top - 60));
            CHECK(ci->segs[5].kind == FOLIO_SEG_CLOSE);
        }
        /* The arc from 9 to 3 o'clock over the top: two curves, through (100, 90). */
        const folio_op *ar = &o[3];
        CHECK(ar->nsegs == 3 && !ar->filled && ar->line_width == 1);
        if (ar->nsegs == 3) {
            CHECK(NEAR(ar->x + ar->segs[0].x, left + 90) && NEAR(ar->y + ar->segs[0].y, top - 100));
            CHECK(NEAR(ar->x + ar->segs[1].x, left + 100) && NEAR(ar->y + ar->segs[1].y, top - 90));
            CHECK(NEAR(ar->x + ar->segs[2].x, left + 110) && NEAR(ar->y + ar->segs[2].y, top - 100));
        }
        /* The square reaches out of the box: it is drawn whole, and the CLIP cuts it. */
        CHECK(o[4].fill == 0x0000FF && NEAR(o[4].x + o[4].segs[2].x, left + 450));
        /* Right-aligned text ends at x = 200; its baseline at y = 100. */
        const folio_op *tx = &o[5];
        CHECK(tx->kind == FOLIO_OP_TEXT && tx->text && strcmp(tx->text, "Right") == 0 && tx->size == 20 &&
              tx->fill == theme.muted);
        CHECK(tx->x < left + 200 - 30 && tx->x > left + 200 - 70 && NEAR(tx->y, top - 100));
        /* The wedge: centre, a line to (60, 50), a quarter curve to (50, 60), closed. */
        const folio_op *we = &o[6];
        CHECK(we->nsegs == 4 && we->segs[1].kind == FOLIO_SEG_LINE && we->segs[2].kind == FOLIO_SEG_CURVE &&
              we->fill == theme.palette[0]);
        if (we->nsegs == 4)
            CHECK(NEAR(we->x + we->segs[2].x, left + 50) && NEAR(we->y + we->segs[2].y, top - 60));
        CHECK(o[7].kind == FOLIO_OP_UNCLIP);
    }
    folio_layout_free(l);
    folio_doc_free(d);

    /* A canvas twice as wide as the column: everything scaled down by the same factor. */
    d = folio_doc_create();
    double col = theme.page_w - theme.margin_left - theme.margin_right;
    char big[512];
    snprintf(big, sizeof big,
             "{ { kind = 'canvas', width = %.6f, height = 100, alt = 'x', caption = 'A caption',"
             " ops = { { 'line', 0, 50, %.6f, 50, { width = 4, dash = 2 } }, { 'text', 0, 90, 'Small', { "
             "size = 20 } } } } }",
             2 * col, 2 * col);
    CHECK_STR(add_blocks(d, big), "");
    l = lay(d);
    o = l ? canvas_ops(l, &n) : NULL;
    CHECK(o != NULL && n == 4);
    if (o && n == 4) {
        CHECK(NEAR(o[0].w, col) && NEAR(o[0].h, 50) && NEAR(o[0].x, theme.margin_left));
        CHECK(NEAR(o[1].line_width, 2) && NEAR(o[1].dash, 1) && NEAR(o[1].segs[1].x, col));
        CHECK(NEAR(o[1].y + o[1].segs[0].y, o[0].y + 25));
        CHECK(o[2].kind == FOLIO_OP_TEXT && NEAR(o[2].size, 10) && NEAR(o[2].y, o[0].y + 5));
        /* The caption under the box, outside the clip. */
        const folio_page *p = &l->pages[0];
        bool caption = false;
        for (size_t i = 0; i < p->n; i++)
            caption |= p->ops[i].kind == FOLIO_OP_TEXT && p->ops[i].text &&
                       strstr(p->ops[i].text, "caption") && p->ops[i].y<o[0].y && & p->ops[i]> & o[3];
        CHECK(caption);
    }
    folio_layout_free(l);
    folio_doc_free(d);
}

int main(void)
{
    (void)WORDS;
    if (!load_fonts())
        return 1;
    test_checks();
    test_layout();
    return harness_summary();
}
