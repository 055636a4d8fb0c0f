/* Fuzz target: block validation. Each input is Lua source run as a plugin would be: in a fresh
 * sandbox with the prelude (blocks.*, fmt.*) and small limits, as a chunk whose value (or, if
 * that is a function, the value it returns, as build() would) is copied out of Lua
 * (folio_value_from_lua) and checked and converted by folio_blocks_add. Errors go through
 * folio_sandbox_report_error. A result that is accepted must be a well-formed document:
 * every block is walked and every string read. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <lua.h>

#include "core/diag.h"
#include "doc/doc.h"
#include "fuzz.h"
#include "lua/sandbox.h"

#define DISPLAY "plugins/fuzz.lua"

static void walk_text(const folio_text *t)
{
    FUZZ_CHECK(t->n == 0 || t->spans);
    for (size_t i = 0; i < t->n; i++) {
        FUZZ_CHECK(t->spans[i].text != NULL);
        (void)strlen(t->spans[i].text);
        if (t->spans[i].link)
            (void)strlen(t->spans[i].link);
    }
}

static void walk_string(const char *s, bool required)
{
    FUZZ_CHECK(s || !required);
    if (s)
        (void)strlen(s);
}

/* Reads every field of a built block, as layout will. */
static void walk_block(const folio_block *b)
{
    FUZZ_CHECK(b->source && strcmp(b->source, DISPLAY) == 0);
    switch (b->kind) {
    case FOLIO_BLOCK_HEADING:
        FUZZ_CHECK(b->u.heading.level >= 1 && b->u.heading.level <= 3);
        walk_text(&b->u.heading.text);
        walk_string(b->u.heading.id, false);
        break;
    case FOLIO_BLOCK_PARAGRAPH: walk_text(&b->u.paragraph.text); break;
    case FOLIO_BLOCK_LIST:
        for (size_t i = 0; i < b->u.list.n; i++)
            walk_text(&b->u.list.items[i]);
        break;
    case FOLIO_BLOCK_TABLE:
        FUZZ_CHECK(b->u.table.ncols > 0 && b->u.table.header_rows <= b->u.table.nrows);
        for (size_t i = 0; i < b->u.table.nrows * b->u.table.ncols; i++)
            walk_text(&b->u.table.cells[i].text);
        for (size_t j = 0; j < b->u.table.ncols; j++) {
            FUZZ_CHECK(b->u.table.align[j] <= FOLIO_ALIGN_RIGHT);
            FUZZ_CHECK(!b->u.table.widths || b->u.table.widths[j] > 0);
        }
        walk_text(&b->u.table.caption);
        break;
    case FOLIO_BLOCK_KEY_FIGURES:
        FUZZ_CHECK(b->u.figures.n > 0);
        for (size_t i = 0; i < b->u.figures.n; i++) {
            walk_string(b->u.figures.values[i], true);
            walk_string(b->u.figures.labels[i], true);
        }
        break;
    case FOLIO_BLOCK_IMAGE:
        walk_string(b->u.image.file, true);
        walk_string(b->u.image.alt, true);
        FUZZ_CHECK(b->u.image.alt[0] && b->u.image.width >= 0 && !b->u.image.image);
        walk_text(&b->u.image.caption);
        break;
    case FOLIO_BLOCK_QUOTE:
        walk_text(&b->u.quote.text);
        walk_string(b->u.quote.attribution, false);
        break;
    case FOLIO_BLOCK_CHART: {
        size_t nc = b->u.chart.ncats, ns = b->u.chart.nseries;
        FUZZ_CHECK(nc > 0 && ns > 0 && b->u.chart.kind <= FOLIO_CHART_STACKED);
        walk_string(b->u.chart.alt, true);
        walk_string(b->u.chart.title, false);
        walk_string(b->u.chart.x_title, false);
        walk_string(b->u.chart.y_title, false);
        walk_string(b->u.chart.note, false);
        for (size_t k = 0; k < nc; k++)
            walk_string(b->u.chart.categories[k], true);
        for (size_t s = 0; s < ns; s++) {
            walk_string(b->u.chart.series[s], ns > 1);
            for (size_t k = 0; k < nc; k++) {
                double v = b->u.chart.values[s * nc + k];
                FUZZ_CHECK(v >= 0 && isfinite(v));
                if (b->u.chart.value_labels)
                    walk_string(b->u.chart.value_labels[s * nc + k], true);
            }
        }
        break;
    }
    case FOLIO_BLOCK_PAGE_BREAK: break;
    case FOLIO_BLOCK_CONTENTS: walk_string(b->u.contents.title, false); break;
    case FOLIO_BLOCK_COVER:
        walk_string(b->u.cover.title, false);
        walk_string(b->u.cover.subtitle, false);
        walk_string(b->u.cover.publisher, false);
        walk_string(b->u.cover.date, false);
        break;
    case FOLIO_BLOCK_NOTE: walk_text(&b->u.note.text); break;
    case FOLIO_BLOCK_CANVAS:
        walk_string(b->u.canvas.alt, true);
        FUZZ_CHECK(b->u.canvas.alt[0] && b->u.canvas.width >= 1 && b->u.canvas.height >= 1);
        walk_text(&b->u.canvas.caption);
        for (size_t i = 0; i < b->u.canvas.n; i++) {
            const folio_draw *d = &b->u.canvas.draws[i];
            FUZZ_CHECK(d->kind <= FOLIO_DRAW_TEXT && d->width >= 0 && isfinite(d->width));
            for (int k = 0; k < 5; k++)
                FUZZ_CHECK(isfinite(d->v[k]));
            for (size_t j = 0; j < d->nsegs; j++)
                FUZZ_CHECK(d->segs[j].kind <= FOLIO_PATH_CLOSE && isfinite(d->segs[j].v[5]));
            if (d->kind == FOLIO_DRAW_TEXT)
                walk_string(d->text, true);
        }
        break;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    folio_limits limits = {FUZZ_LUA_MEMORY, FUZZ_LUA_INSTRUCTIONS, FUZZ_LUA_SECONDS};
    char err[1024];
    folio_sandbox *sb = folio_sandbox_create("fuzz", &limits, err, sizeof err);
    FUZZ_CHECK(sb != NULL);
    FUZZ_CHECK(folio_sandbox_run_prelude(sb, err, sizeof err));
    lua_State *L = folio_sandbox_state(sb);
    folio_diag d;
    folio_diag_init(&d);
    d.quiet = true;
    int top = lua_gettop(L);

    int status = folio_sandbox_load(sb, (const char *)data, size, "@" DISPLAY);
    if (status == LUA_OK)
        status = folio_sandbox_call(sb, 0, 1);
    if (status == LUA_OK && lua_type(L, -1) == LUA_TFUNCTION) /* build() */
        status = folio_sandbox_call(sb, 0, 1);
    if (status != LUA_OK) {
        folio_sandbox_report_error(&d, sb, DISPLAY);
        FUZZ_CHECK(d.errors == 1);
    } else {
        folio_value v;
        if (!folio_value_from_lua(L, -1, &v, "", err, sizeof err)) {
            FUZZ_CHECK(err[0] != '\0');
        } else {
            folio_doc *doc = folio_doc_create();
            bool ok = folio_blocks_add(doc, &v, DISPLAY, &d);
            FUZZ_CHECK(ok == (d.errors == 0));
            FUZZ_CHECK(ok ? doc->n == v.n : doc->n == 0);
            for (size_t i = 0; ok && i < doc->n; i++)
                walk_block(doc->blocks[i]);
            folio_doc_free(doc);
            folio_value_free(&v);
        }
        lua_pop(L, 1);
    }
    FUZZ_CHECK(lua_gettop(L) == top);
    for (size_t i = 0; i < d.n; i++) {
        char line[2048];
        folio_message_format(&d.items[i], line, sizeof line);
    }
    folio_diag_free(&d);
    folio_sandbox_free(sb);
    return 0;
}
