/* The plugin host and its sandbox: resolving plugins against report.lua, escape attempts that
 * must fail with an exact message, the limits, runtime errors with file:line, ctx, and the
 * checks on what build() returns. Fixtures: tests/data/plugins/ and tests/data/reports/good. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "harness.h"
#include "lua/host.h"
#include "lua/sandbox.h"
#include "report/report.h"

#include <lauxlib.h>

#define STD "tests/data/plugins"
#define GOOD "tests/data/reports/good"
#define ESCAPE STD "/escape.lua"
#ifndef FOLIO_SWEEP_STEP
#define FOLIO_SWEEP_STEP (6u << 10) /* bytes between the memory caps tried */
#endif

/* Sanitizer builds run Lua several times slower (a coroutine switch about 13 times): time
 * bounds are scaled by this. */
#if defined(__SANITIZE_ADDRESS__)
#define SLOW 4.0
#else
#define SLOW 1.0
#endif

static const folio_limits small = {16u << 20, 2000000, 5.0 * SLOW};

/* A run over the good report, its survey input loaded; quiet diagnostics. */
typedef struct fixture {
    folio_diag diag;
    folio_report *report;
    folio_table *tables[2];
    folio_doc *doc;
    folio_run run;
} fixture;

static void setup(fixture *f, folio_limits limits)
{
    memset(f, 0, sizeof *f);
    folio_diag_init(&f->diag);
    f->diag.quiet = true;
    folio_report_options o = {.fonts_dir = "fonts",
                              .from = folio_date_from_ymd(2025, 4, 1),
                              .to = folio_date_from_ymd(2026, 3, 31)};
    f->report = folio_report_load(GOOD, &o, &f->diag);
    if (!f->report) {
        fprintf(stderr, "cannot load the good report\n");
        exit(1);
    }
    f->tables[1] = folio_table_load(&f->report->inputs[1].spec, &f->diag); /* survey; benefits stays NULL */
    f->doc = folio_doc_create();
    f->run = (folio_run){.report = f->report,
                         .tables = f->tables,
                         .doc = f->doc,
                         .diag = &f->diag,
                         .limits = limits,
                         .engine_version = "0.1.0",
                         .run_date = "2026-01-02",
                         .std_plugins = STD};
}

/* Keeps only one section: `plugin` with at most one option (a string or an integer). */
static void only_section(fixture *f, const char *plugin, const char *key, const char *sval, long long ival)
{
    folio_report *r = f->report;
    for (size_t i = 0; i < r->nsections; i++) {
        free(r->sections[i].plugin);
        folio_value_free(&r->sections[i].options);
    }
    r->nsections = 1;
    r->sections[0].plugin = xstrdup(plugin);
    folio_value *o = &r->sections[0].options;
    *o = (folio_value){.kind = FOLIO_V_TABLE};
    if (key) {
        o->n = 1;
        o->keys = xcalloc(1, sizeof *o->keys);
        o->vals = xcalloc(1, sizeof *o->vals);
        o->keys[0] = (folio_value){.kind = FOLIO_V_STRING, .str = xstrdup(key), .len = strlen(key)};
        if (sval)
            o->vals[0] = (folio_value){.kind = FOLIO_V_STRING, .str = xstrdup(sval), .len = strlen(sval)};
        else
            o->vals[0] = (folio_value){.kind = FOLIO_V_NUMBER, .num = (double)ival, .is_int = true};
    }
}

static void teardown(fixture *f)
{
    folio_run_free_plugins(&f->run);
    folio_doc_free(f->doc);
    folio_table_free(f->tables[1]);
    folio_report_free(f->report);
    folio_diag_free(&f->diag);
}

static void dump(const folio_diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  %s:%d: %s\n", d->items[i].file ? d->items[i].file : "-", d->items[i].line,
                d->items[i].text);
}

/* True when diag holds a message of this severity, file and line (line < 0: any) whose text
 * starts with `text` (the whole text when `whole`). */
static bool has(const folio_diag *d, folio_severity sev, const char *file, int line, const char *text,
                bool whole)
{
    for (size_t i = 0; i < d->n; i++) {
        const folio_message *m = &d->items[i];
        if (m->severity == sev && m->file && strcmp(m->file, file) == 0 && (line < 0 || m->line == line) &&
            (whole ? strcmp(m->text, text) == 0 : strncmp(m->text, text, strlen(text)) == 0))
            return true;
    }
    fprintf(stderr, "missing %s:%d: %s; have:\n", file, line, text);
    dump(d);
    return false;
}

/* Runs one section of `plugin`; returns whether build succeeded. */
static bool run_section(fixture *f, const char *plugin, const char *key, const char *sval)
{
    only_section(f, plugin, key, sval, 0);
    if (!folio_host_resolve(&f->run))
        return false;
    return folio_host_build(&f->run);
}

/* ---- escape attempts: each fails with exactly this message at this line of escape.lua ---- */

static void test_escapes(void)
{
    static const struct {
        const char *attack;
        int line;
        const char *text;
    } cases[] = {
        {"os_execute", 4, "blocked: os.execute is not available to plugins"},
        {"io_open", 5, "blocked: io.open is not available to plugins"},
        {"require", 6, "blocked: require is not available to plugins"},
        {"load", 7, "blocked: load is not available to plugins"},
        {"string_dump", 8, "blocked: string.dump is not available to plugins"},
        {"dump_method", 9, "blocked: string.dump is not available to plugins"},
        {"string_mt", 10, "attempt to index a boolean value"},
        {"gc", 11, "__gc metamethods are not allowed in plugins"},
        {"env_mt", 12, "cannot change a protected metatable"},
        {"debug", 13, "blocked: debug.getinfo is not available to plugins"},
        {"getenv", 14, "blocked: os.getenv is not available to plugins"},
        {"collectgarbage", 15,
         "blocked: collectgarbage(\"stop\") is not available to plugins; only collectgarbage(\"count\") is"},
        {"coroutine_close", 16, "blocked: coroutine.close is not available to plugins"},
        {"undefined", 48, "undefined global \"undefined_thing\""},
        {"pattern", 46, "string.find: the pattern \"a-a-a-a-b\" could backtrack for too long on 300 bytes"},
        {"pattern_method", 47, "string.match: the pattern \"a-a-a-a-b\" could backtrack for too long"},
        {"table_move", 53, "table.move: 1099511627776 elements is more than a plugin's memory can hold"},
        {"table_insert", 56, "table.insert: 1099511627776 elements is more than a plugin's memory can hold"},
        {"pattern_quadratic", 52,
         "string.find: the pattern \".-b\" could backtrack for too long on 30000 bytes "
         "(1 nested repetitions)"},
        {"find_plain", 69,
         "string.find: looking for 1000001 bytes of text in 2000000 bytes could take too long; search "
         "shorter pieces of text or for a shorter text"},
        {"find_literal", 70,
         "string.find: looking for 100001 bytes of text in 300000 bytes could take too long"},
        {"pattern_literal", 71,
         "string.gsub: the pattern \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" could take too long on "
         "5000000 "
         "bytes; match shorter pieces of text or use a simpler pattern"},
        {"pattern_set", 72,
         "string.gsub: the pattern \"[bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\" could take too long on "
         "100000 bytes"},
        /* the error object's __tostring never runs in the host */
        {"tostring_error", 74, "(error object is a table value)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture f;
        setup(&f, small);
        CHECK(!run_section(&f, "escape", "attack", cases[i].attack));
        CHECK(has(&f.diag, FOLIO_ERROR, ESCAPE, cases[i].line, cases[i].text, false));
        CHECK_INT(f.doc->n, 0);
        teardown(&f);
    }
}

/* ---- limits: every way to keep running ends with the limit's message, quickly ---- */

static void test_limits(void)
{
    static const struct {
        const char *attack;
        const char *text;
    } cases[] = {
        {"loop", "escape: exceeded the instruction limit of 2000000"},
        {"pcall_loop", "escape: exceeded the instruction limit of 2000000"},
        {"xpcall_loop", "escape: exceeded the instruction limit of 2000000"},
        {"coroutine_loop", "escape: exceeded the instruction limit of 2000000"},
        {"coroutine_swarm", "escape: exceeded the instruction limit of 2000000"},
        {"close_loop", "escape: exceeded the instruction limit of 2000000"},
        {"wrap_close_loop", "escape: exceeded the instruction limit of 2000000"},
        {"xpcall_handler_loop", "escape: exceeded the instruction limit of 2000000"},
        {"rep_bomb", "escape: exceeded the memory limit of 16 MiB"},
        {"pcall_bomb", "escape: exceeded the memory limit of 16 MiB"},
        {"table_bomb", "escape: exceeded the memory limit of 16 MiB"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture f;
        setup(&f, small);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        CHECK(!run_section(&f, "escape", "attack", cases[i].attack));
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (!has(&f.diag, FOLIO_ERROR, ESCAPE, -1, cases[i].text, true))
            fprintf(stderr, "  (attack %s)\n", cases[i].attack);
        CHECK(secs < 4.0 * SLOW);
        teardown(&f);
    }

    /* deep recursion: Lua's stack overflow or the memory cap, whichever comes first */
    fixture f;
    setup(&f, small);
    CHECK(!run_section(&f, "escape", "attack", "recursion"));
    CHECK(f.diag.n == 1 && (strstr(f.diag.items[0].text, "stack overflow") ||
                            strstr(f.diag.items[0].text, "exceeded the memory limit")));
    CHECK_STR(f.diag.items[0].file, ESCAPE);
    teardown(&f);

    /* the wall clock, with an instruction budget too large to matter */
    folio_limits slow = {16u << 20, 1000000000000LL, 0.2};
    setup(&f, slow);
    CHECK(!run_section(&f, "escape", "attack", "loop"));
    CHECK(has(&f.diag, FOLIO_ERROR, ESCAPE, 17, "escape: exceeded the time limit of 0.2 s", true));
    teardown(&f);

    /* The state a plugin was read in is kept for its build, and its time budget starts again
     * there: a data load between the two (here a 0.4 s wait) does not count against 0.3 s. */
    folio_limits brief = {16u << 20, 1000000000000LL, 0.3};
    setup(&f, brief);
    only_section(&f, "lua-ok", NULL, NULL, 0);
    CHECK(folio_host_resolve(&f.run));
    CHECK(f.run.plugins[0].kept != NULL);
    nanosleep(&(struct timespec){.tv_nsec = 400000000}, NULL);
    CHECK(folio_host_build(&f.run));
    CHECK(f.run.plugins[0].kept == NULL); /* used once */
    if (f.diag.errors)
        dump(&f.diag);
    /* a second build of the same run (a burst in one process) reads the plugin afresh */
    CHECK(folio_host_build(&f.run));
    CHECK_INT(f.doc->n, 2);
    teardown(&f);

    /* the limits apply while a plugin file is being loaded, too */
    setup(&f, small);
    only_section(&f, "toplevel-loop", NULL, NULL, 0);
    CHECK(!folio_host_resolve(&f.run));
    CHECK(has(&f.diag, FOLIO_ERROR, STD "/toplevel-loop.lua", 2,
              "toplevel-loop: exceeded the instruction limit of 2000000", true));
    teardown(&f);
}

/* ---- plugin errors name the plugin file and line ---- */

static void test_plugin_errors(void)
{
    fixture f;
    setup(&f, small);
    CHECK(!run_section(&f, "broken", NULL, NULL));
    CHECK(has(&f.diag, FOLIO_ERROR, STD "/broken.lua", 4,
              "attempt to index a nil value (local 'x')\nstack traceback:\n"
              "  tests/data/plugins/broken.lua:4: in upvalue 'helper'\n"
              "  tests/data/plugins/broken.lua:11: in function <tests/data/plugins/broken.lua:10>",
              true));
    teardown(&f);

    setup(&f, small);
    only_section(&f, "syntax", NULL, NULL, 0);
    CHECK(!folio_host_resolve(&f.run));
    CHECK(has(&f.diag, FOLIO_ERROR, STD "/syntax.lua", 5, "unfinished string near '\"unclosed) }'", true));
    teardown(&f);

    setup(&f, small);
    only_section(&f, "wrong-shape", NULL, NULL, 0);
    CHECK(!folio_host_resolve(&f.run));
    const char *ws = STD "/wrong-shape.lua";
    CHECK(has(&f.diag, FOLIO_ERROR, ws, 0,
              "name is \"something-else\" but the file is wrong-shape.lua; they must be the same", true));
    CHECK(has(&f.diag, FOLIO_ERROR, ws, 0, "version: expected a string such as \"1.0.0\", got nil", true));
    CHECK(has(&f.diag, FOLIO_ERROR, ws, 0, "build: expected a function build(ctx), got nil", true));
    CHECK_INT(f.diag.errors, 3);
    teardown(&f);
}

/* ---- resolving: where plugins come from, needs and options ---- */

static void test_resolve(void)
{
    fixture f;
    setup(&f, small);
    only_section(&f, "usage-reech", NULL, NULL, 0);
    CHECK(!folio_host_resolve(&f.run));
    CHECK(has(&f.diag, FOLIO_ERROR, GOOD "/report.lua", 0,
              "section 1: no plugin \"usage-reech\" (looked in tests/data/reports/good/plugins/ and "
              "tests/data/plugins/)",
              true));
    CHECK_INT(f.run.nplugins, 1);
    CHECK_STR(f.run.plugins[0].name, "usage-reech");
    teardown(&f);

    setup(&f, small);
    only_section(&f, "../escape", NULL, NULL, 0);
    CHECK(!folio_host_resolve(&f.run));
    CHECK(has(&f.diag, FOLIO_ERROR, GOOD "/report.lua", 0,
              "section 1: plugin name \"../escape\" may only hold a-z, 0-9, _ and -", true));
    teardown(&f);

    setup(&f, small);
    only_section(&f, "needy", NULL, NULL, 0);
    CHECK(!folio_host_resolve(&f.run));
    CHECK(has(&f.diag, FOLIO_ERROR, STD "/needy.lua", 5,
              "needs column \"org_typ\" of input \"survey\", which report.lua does not declare; did you mean "
              "\"org_type\"?",
              true));
    CHECK(has(&f.diag, FOLIO_ERROR, STD "/needy.lua", 5,
              "needs input \"surveys\", which report.lua does not declare", true));
    CHECK_INT(f.diag.errors, 2);
    teardown(&f);

    setup(&f, small);
    only_section(&f, "good", "titel", "x", 0);
    CHECK(!folio_host_resolve(&f.run));
    CHECK(has(
        &f.diag, FOLIO_ERROR, GOOD "/report.lua", 0,
        "section 1 (good): unknown option \"titel\"; did you mean \"title\"? The plugin's options are: intro, show_figures, "
        "title",
        true));
    teardown(&f);

    setup(&f, small);
    only_section(&f, "good", "title", NULL, 5);
    CHECK(!folio_host_resolve(&f.run));
    CHECK(has(&f.diag, FOLIO_ERROR, GOOD "/report.lua", 0,
              "section 1 (good): option \"title\" must be a string, like its default; got number", true));
    teardown(&f);

    /* the report's own plugins/ wins over the standard folder */
    setup(&f, small);
    only_section(&f, "shadow", NULL, NULL, 0);
    CHECK(folio_host_resolve(&f.run));
    CHECK(f.run.plugins[0].local);
    CHECK_STR(f.run.plugins[0].version, "local");
    CHECK_STR(f.run.plugins[0].display, GOOD "/plugins/shadow.lua");
    teardown(&f);
}

/* ---- build() results that are not blocks ---- */

static void test_bad_blocks(void)
{
    static const struct {
        const char *c;
        const char *text;
    } cases[] = {
        {"cell", "build() result [3].rows[2][1]: expected a string or number, got table"},
        {"kind",
         "build() result [1].kind: unknown kind \"heding\"; expected one of heading, paragraph, list, "
         "table, key_figures, quote, chart, page_break, contents, cover, note, image, canvas"},
        {"single", "build() result: expected a list of blocks, got one block (return { block, ... })"},
        {"missing", "build() result [1].level: missing; expected 1, 2 or 3"},
        {"unknown_field",
         "build() result [1]: unknown field \"titel\" for a paragraph; expected one of kind, "
         "text, align, style"},
        {"cycle", "build() result [1].text: a table that contains itself (a cycle)"},
        {"deep",
         "build() result [1].text[1][1][1][1][1][1][1][1][1][1][1][1][1][1]: tables nested too deeply"},
        {"function", "build() result [1].text: expected plain data (a string, number, boolean or table), got "
                     "function"},
        {"chart",
         "build() result [1].type: unknown value \"pie\"; expected one of \"bar\", \"hbar\", \"stacked\", "
         "\"grouped\", \"diverging\", \"line\", \"dot\""},
        {"chart_options", "build() result [1].neutral: expected a number from 1 to 2, got 9"},
        {"chart_options", "build() result [1].sort: unknown value \"size\"; expected one of \"given\", \"value\""},
        {"chart_options", "build() result [1].decimals: expected a whole number from 0 to 6, got 1.5"},
        {"chart_options", "build() result [1].n: expected 2 numbers (one per category), got 1"},
        {"chart_options", "build() result [1].cumulative: only for a \"line\" chart"},
        {"chart_options", "build() result [1].max: expected more than min (5), got 1"},
        {"chart_options", "build() result [1].series[1].values[2]: expected a number of at least 0 (a diverging "
                          "chart adds its values up), got -2"},
        {"chart_options", "build() result [1].series[2].values[1]: expected a number (or false for a missing "
                          "value), got string"},
        {"chart", "build() result [1].series[1].values: expected 2 values (one per category), got 3"},
        {"nothing", "build() result: expected a list of blocks, got nil"},
        {"list_first", "build() result [1].items[1]: a nested list must follow the item it belongs to"},
        {"list_deep", "build() result [1].items[2].items[2].items[2].items[2]: lists nest at most 4 deep"},
        {"list_item", "build() result [1].items[2].items[2].text: expected a string, got number"},
        {"continued", "build() result [1].continued: expected true, false or a string, got number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture f;
        setup(&f, small);
        CHECK(!run_section(&f, "bad-blocks", "case", cases[i].c));
        CHECK(has(&f.diag, FOLIO_ERROR, STD "/bad-blocks.lua", 0, cases[i].text, true));
        CHECK_INT(f.doc->n, 0); /* nothing half-built goes in */
        teardown(&f);
    }
    /* metamethods of the result never run: a table with __index and __len is an empty list */
    fixture f;
    setup(&f, small);
    CHECK(run_section(&f, "bad-blocks", "case", "metatable"));
    CHECK_INT(f.diag.errors, 0);
    CHECK_INT(f.doc->n, 0);
    teardown(&f);
}

/* ---- ctx misuse ---- */

static void test_ctx_errors(void)
{
    static const struct {
        const char *c;
        const char *text;
    } cases[] = {
        {"outside",
         "ctx.markdown: \"../syntax/report.lua\" must name a file inside the report folder (no absolute "
         "path, no \"..\")"},
        {"absolute", "ctx.markdown: \"/etc/passwd\" must name a file inside the report folder"},
        {"missing", "ctx.markdown: no file tests/data/reports/good/nothing-here.md"},
        {"input", "ctx.inputs has no field \"surveys\"; did you mean \"survey\"? It has: survey"},
        {"option", "ctx.options has no field \"titel\"; it has: case"},
        {"field", "ctx has no field \"optons\"; did you mean \"options\"? It has: inputs, options, report, "
                  "period, previous, plugins, engine, burst, "
                  "markdown, warn"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture f;
        setup(&f, small);
        CHECK(!run_section(&f, "ctx-errors", "case", cases[i].c));
        CHECK(has(&f.diag, FOLIO_ERROR, STD "/ctx-errors.lua", -1, cases[i].text, false));
        teardown(&f);
    }
}

/* ---- ordinary Lua keeps working ---- */

static void test_lua_ok(void)
{
    fixture f;
    setup(&f, small);
    CHECK(run_section(&f, "lua-ok", NULL, NULL));
    if (f.diag.errors)
        dump(&f.diag);
    CHECK_INT(f.doc->n, 1);
    teardown(&f);
}

/* ---- a whole report: the blocks, their sources, ctx and the document's metadata ---- */

static char *flat(const folio_text *t)
{
    static char buf[512];
    char *s = folio_text_flatten(t);
    snprintf(buf, sizeof buf, "%s", s);
    free(s);
    return buf;
}

static void test_good_report(void)
{
    fixture f;
    setup(&f, small);
    CHECK(folio_host_resolve(&f.run));
    CHECK_INT(f.run.nplugins, 3);
    CHECK_STR(f.run.plugins[0].version, "2.1.0");
    CHECK_STR(f.run.plugins[0].display, STD "/good.lua");
    CHECK(!f.run.plugins[0].local);
    CHECK(f.run.plugins[1].local);
    CHECK(folio_host_build(&f.run));
    if (f.diag.errors)
        dump(&f.diag);
    folio_doc *d = f.doc;
    CHECK_STR(d->title, "Good Report");
    CHECK_STR(d->author, "Test Org");
    CHECK_STR(d->subject, "A test");
    CHECK_STR(d->header_text, "Good Report");
    CHECK_STR(d->lang, "en-GB");
    CHECK_STR(d->creator, "folio 0.1.0");

    /* section 1: good with title = "Hello" */
    CHECK(d->n > 14);
    if (d->n <= 14)
        return;
    folio_block **b = d->blocks;
    CHECK_INT(b[0]->kind, FOLIO_BLOCK_HEADING);
    CHECK_STR(flat(&b[0]->u.heading.text), "Hello");
    CHECK_STR(b[0]->source, STD "/good.lua");
    CHECK_INT(b[1]->kind, FOLIO_BLOCK_HEADING); /* from intro.md */
    CHECK_STR(flat(&b[1]->u.heading.text), "Introduction");
    CHECK_INT(b[2]->kind, FOLIO_BLOCK_PARAGRAPH);
    CHECK_STR(flat(&b[2]->u.paragraph.text), "Some bold and italic text with a link.");
    CHECK(b[2]->u.paragraph.text.n >= 5 && b[2]->u.paragraph.text.spans[1].style == FOLIO_BOLD &&
          b[2]->u.paragraph.text.spans[3].style == FOLIO_ITALIC);
    CHECK_INT(b[3]->kind, FOLIO_BLOCK_LIST);
    CHECK_INT(b[3]->u.list.n, 2);

    folio_block *t = b[4];
    CHECK_INT(t->kind, FOLIO_BLOCK_TABLE);
    CHECK_INT(t->u.table.ncols, 2);
    CHECK_INT(t->u.table.header_rows, 1);
    CHECK_INT(t->u.table.nrows, 5); /* header, nhs_trust, voluntary, other, total */
    CHECK_STR(flat(&t->u.table.cells[0].text), "Type");
    CHECK_STR(flat(&t->u.table.cells[2].text), "nhs_trust");
    CHECK_STR(flat(&t->u.table.cells[3].text), "2");
    CHECK_STR(flat(&t->u.table.cells[9].text), "3");
    CHECK(t->u.table.cells[9].bold && !t->u.table.cells[3].bold);
    CHECK_INT(t->u.table.align[0], FOLIO_ALIGN_LEFT);
    CHECK_INT(t->u.table.align[1], FOLIO_ALIGN_RIGHT);
    CHECK_STR(flat(&t->u.table.caption), "Responses by type");

    folio_block *c = b[5];
    CHECK_INT(c->kind, FOLIO_BLOCK_CHART);
    CHECK_INT(c->u.chart.ncats, 3);
    CHECK_STR(c->u.chart.alt, "Bar chart: Types. nhs_trust 2, voluntary 1, other 0");

    CHECK_INT(b[6]->kind, FOLIO_BLOCK_KEY_FIGURES);
    CHECK_STR(b[6]->u.figures.values[0], "1,234,567");
    CHECK_STR(b[6]->u.figures.values[1], "29");
    CHECK_STR(b[6]->u.figures.labels[1], "29 responses");

    CHECK_INT(b[7]->kind, FOLIO_BLOCK_PARAGRAPH);
    CHECK_STR(flat(&b[7]->u.paragraph.text), "Report Good Report for 1 April 2025 to 31 March 2026, 78%, "
                                             "31 March 2026, 1 response, engine folio 0.1.0, site");
    CHECK_INT(b[7]->u.paragraph.align, FOLIO_ALIGN_LEFT);
    CHECK_INT(b[7]->u.paragraph.style, FOLIO_PARA_SMALL);
    CHECK_STR(b[7]->u.paragraph.text.spans[b[7]->u.paragraph.text.n - 1].link, "https://example.org");

    CHECK_INT(b[8]->kind, FOLIO_BLOCK_LIST);
    CHECK(b[8]->u.list.ordered);
    CHECK_STR(flat(&b[8]->u.list.items[1]), STD "/good.lua");
    CHECK_STR(flat(&b[8]->u.list.items[2]), "2026-01-02");
    CHECK_STR(flat(&b[8]->u.list.items[3]), "NHS trust");
    CHECK_INT(b[9]->kind, FOLIO_BLOCK_QUOTE);
    CHECK_STR(b[9]->u.quote.attribution, "Involvement lead, interview 4");
    CHECK_INT(b[10]->kind, FOLIO_BLOCK_NOTE);
    CHECK_INT(b[11]->kind, FOLIO_BLOCK_PAGE_BREAK);
    CHECK_INT(b[12]->kind, FOLIO_BLOCK_CONTENTS);
    CHECK_STR(b[12]->u.contents.title, "Contents");
    CHECK_INT(b[13]->kind, FOLIO_BLOCK_COVER);
    CHECK_STR(b[13]->u.cover.date, "2026-01-02");

    /* section 2: the report's own shadow plugin; section 3: good without key figures */
    CHECK_INT(b[14]->kind, FOLIO_BLOCK_PARAGRAPH);
    CHECK_STR(flat(&b[14]->u.paragraph.text), "local shadow");
    CHECK_STR(b[14]->source, GOOD "/plugins/shadow.lua");
    CHECK_INT(d->n, 15 + 13);
    CHECK_STR(flat(&b[15]->u.heading.text), "Good section");

    /* ctx.warn: a warning at the plugin's line, once per run of the section */
    CHECK(has(&f.diag, FOLIO_WARNING, STD "/good.lua", 44, "just so you know", true));
    CHECK_INT(f.diag.warnings, 2);
    teardown(&f);
}

/* ---- bytecode: the standard plugins built in, every plugin file parsed once per process ---- */

static void write_text(const char *path, const char *text, size_t len)
{
    FILE *out = fopen(path, "wb");
    CHECK(out != NULL);
    if (out) {
        fwrite(text, 1, len, out);
        fclose(out);
    }
}

static void test_bytecode(void)
{
    /* A standard plugin loads from the code built into folio, and its errors still name its
     * file and line. */
    size_t len;
    char *text = folio_read_file("plugins/text.lua", &len);
    CHECK(text != NULL);
    if (!text)
        return;
    const unsigned char *code = NULL;
    size_t code_len = 0;
    CHECK(folio_chunk_find("@plugins/text.lua", text, len, &code, &code_len));
    CHECK(code_len > 4 && memcmp(code, "\x1bLua", 4) == 0);
    size_t kept = folio_chunks_kept();
    fixture f;
    setup(&f, small);
    f.run.std_plugins = "plugins";
    CHECK(!run_section(&f, "text", "file", "missing.md"));
    CHECK(
        has(&f.diag, FOLIO_ERROR, "plugins/text.lua", 11, "ctx.markdown: no file " GOOD "/missing.md", true));
    CHECK_INT(folio_chunks_kept(), kept); /* built in: nothing parsed, nothing kept */
    teardown(&f);

    /* The same plugin with one line more is not the text the code was made from: it is parsed,
     * and its lines are its own. A folder named "plugins" elsewhere shows as "plugins". */
    char dir[] = "/tmp/folio-bytecode-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char std[64], path[96];
    snprintf(std, sizeof std, "%s/plugins", dir);
    CHECK(mkdir(std, 0700) == 0);
    snprintf(path, sizeof path, "%s/text.lua", std);
    char *changed = xasprintf("-- one more line\n%s", text);
    write_text(path, changed, strlen(changed));
    setup(&f, small);
    f.run.std_plugins = std;
    CHECK(!run_section(&f, "text", "file", "missing.md"));
    CHECK(
        has(&f.diag, FOLIO_ERROR, "plugins/text.lua", 12, "ctx.markdown: no file " GOOD "/missing.md", true));
    CHECK_INT(folio_chunks_kept(), kept + 1); /* its code is kept for the next build */
    teardown(&f);

    /* The unchanged text in that folder loads from the built-in code again. */
    write_text(path, text, len);
    setup(&f, small);
    f.run.std_plugins = std;
    CHECK(!run_section(&f, "text", "file", "missing.md"));
    CHECK(
        has(&f.diag, FOLIO_ERROR, "plugins/text.lua", 11, "ctx.markdown: no file " GOOD "/missing.md", true));
    CHECK_INT(folio_chunks_kept(), kept + 1);
    teardown(&f);

    /* A plugin file holding bytecode, even folio's own, is refused as ever. */
    write_text(path, (const char *)code, code_len);
    setup(&f, small);
    f.run.std_plugins = std;
    only_section(&f, "text", "file", "missing.md", 0);
    CHECK(!folio_host_resolve(&f.run));
    CHECK(has(&f.diag, FOLIO_ERROR, "plugins/text.lua", 0, "attempt to load a binary chunk (mode is 't')",
              false));
    teardown(&f);

    /* A plugin file is parsed once per process: test_plugin_errors built "broken" already, and
     * every later build loads the kept code, with the same message, lines and traceback. */
    char *broken = folio_read_file(STD "/broken.lua", &len);
    CHECK(broken && folio_chunk_find("@" STD "/broken.lua", broken, len, &code, &code_len));
    free(broken);
    kept = folio_chunks_kept();
    for (int round = 0; round < 2; round++) {
        setup(&f, small);
        CHECK(!run_section(&f, "broken", NULL, NULL));
        CHECK(has(&f.diag, FOLIO_ERROR, STD "/broken.lua", 4,
                  "attempt to index a nil value (local 'x')\nstack traceback:\n"
                  "  tests/data/plugins/broken.lua:4: in upvalue 'helper'\n"
                  "  tests/data/plugins/broken.lua:11: in function <tests/data/plugins/broken.lua:10>",
                  true));
        teardown(&f);
        CHECK_INT(folio_chunks_kept(), kept);
    }

    /* A file that changed between two builds in one process is read as it is now. */
    const char *v1 = "return { name = \"text\", version = \"1\", build = function() return { "
                     "blocks.paragraph(\"one\") } end }\n";
    const char *v2 = "return { name = \"text\", version = \"2\", build = function() return { "
                     "blocks.paragraph(\"two\") } end }\n";
    for (int round = 0; round < 3; round++) {
        const char *v = round == 1 ? v2 : v1;
        write_text(path, v, strlen(v));
        setup(&f, small);
        f.run.std_plugins = std;
        CHECK(run_section(&f, "text", NULL, NULL));
        CHECK_STR(f.run.plugins[0].version, round == 1 ? "2" : "1");
        CHECK(f.doc->n == 1 &&
              strcmp(flat(&f.doc->blocks[0]->u.paragraph.text), round == 1 ? "two" : "one") == 0);
        teardown(&f);
    }
    remove(path);
    rmdir(std);
    rmdir(dir);
    free(changed);
    free(text);
}

/* ---- copying Lua data out: the order of keys and the path in messages ---- */

static void test_value_copy(void)
{
    lua_State *L = luaL_newstate();
    const char *src = "return { 'a', 'b', [4] = 'd', [0] = 'z', [true] = 1, x = 2, [2.5] = 3, [-1] = 4 },"
                      "{ [2] = 'b', [1] = 'a', [3] = 'c' },"
                      "{ list = { 1, { f = { ['a b'] = { function() end } } } } }";
    CHECK(luaL_loadstring(L, src) == LUA_OK && lua_pcall(L, 0, 3, 0) == LUA_OK);
    folio_value v;
    char err[256];
    /* the list part first, in order, then booleans, numbers and strings ascending */
    CHECK(folio_value_from_lua(L, 1, &v, "", err, sizeof err));
    char order[128] = "";
    for (size_t i = 0; i < v.n; i++) {
        char key[64];
        folio_value_path(key, sizeof key, "", &v.keys[i]);
        strcat(order, key);
    }
    CHECK_STR(order, "[1][2][true][-1][0][2.5][4]x");
    CHECK_INT(folio_value_len(&v), 2);
    folio_value_free(&v);
    CHECK(folio_value_from_lua(L, 2, &v, "", err, sizeof err));
    CHECK(v.n == 3 && folio_value_len(&v) == 3 && strcmp(v.vals[2].str, "c") == 0);
    folio_value_free(&v);
    /* a value that is not data: the path from the root's */
    CHECK(!folio_value_from_lua(L, 3, &v, "result", err, sizeof err));
    CHECK_STR(err, "result.list[2].f[\"a b\"][1]: expected plain data (a string, number, boolean or table), "
                   "got function");
    CHECK_INT(v.kind, FOLIO_V_NIL);
    lua_close(L);
}

/* ---- limits as people write them ---- */

static void test_limit_readers(void)
{
    size_t b = 0;
    CHECK(folio_limits_parse_memory("512 MiB", &b) && b == (size_t)512 << 20);
    CHECK(folio_limits_parse_memory("256M", &b) && b == (size_t)256 << 20);
    CHECK(folio_limits_parse_memory("1G", &b) && b == (size_t)1 << 30);
    CHECK(folio_limits_parse_memory("1.5gb", &b) && b == (size_t)3 << 29);
    CHECK(folio_limits_parse_memory("2048 KiB", &b) && b == (size_t)2 << 20);
    CHECK(folio_limits_parse_memory("1048576", &b) && b == (size_t)1 << 20);
    CHECK(folio_limits_parse_memory("64GiB", &b) && b == (size_t)64 << 30);
    static const char *const bad_memory[] = {"",    "lots",  "-1G",       "512 MiBs", "0x100000",
                                             " 1G", "1e300", "1048576.5", "1023K",    "65G",
                                             "inf", "nan",   "1 G B"};
    for (size_t i = 0; i < sizeof bad_memory / sizeof bad_memory[0]; i++) {
        bool accepted = folio_limits_parse_memory(bad_memory[i], &b);
        CHECK(!accepted);
        if (accepted)
            fprintf(stderr, "  accepted memory \"%s\"\n", bad_memory[i]);
    }
    long long n = 0;
    CHECK(folio_limits_parse_instructions("2e9", &n) && n == 2000000000LL);
    CHECK(folio_limits_parse_instructions("1000", &n) && n == 1000);
    static const char *const bad_count[] = {"999", "2.5", "1e16", "-5", "many", "1000 ", ""};
    for (size_t i = 0; i < sizeof bad_count / sizeof bad_count[0]; i++) {
        bool accepted = folio_limits_parse_instructions(bad_count[i], &n);
        CHECK(!accepted);
        if (accepted)
            fprintf(stderr, "  accepted instructions \"%s\"\n", bad_count[i]);
    }
    double secs = 0;
    CHECK(folio_limits_parse_seconds("0.5", &secs) && secs == 0.5);
    CHECK(folio_limits_parse_seconds("30 s", &secs) && secs == 30);
    static const char *const bad_secs[] = {"0", "-1", "86401", "1m", "soon", ""};
    for (size_t i = 0; i < sizeof bad_secs / sizeof bad_secs[0]; i++) {
        bool accepted = folio_limits_parse_seconds(bad_secs[i], &secs);
        CHECK(!accepted);
        if (accepted)
            fprintf(stderr, "  accepted seconds \"%s\"\n", bad_secs[i]);
    }
    char out[32];
    folio_limits_format_memory((size_t)512 << 20, out, sizeof out);
    CHECK_STR(out, "512 MiB");
    folio_limits_format_memory((size_t)2 << 30, out, sizeof out);
    CHECK_STR(out, "2 GiB");
    folio_limits_format_memory((size_t)3 << 19, out, sizeof out);
    CHECK_STR(out, "1536 KiB");
    folio_limits_format_memory(1000, out, sizeof out);
    CHECK_STR(out, "1000 bytes");
}

/* ---- memory a binding holds in C counts against the cap ---- */

static int charge_mib(lua_State *L)
{
    size_t mib = (size_t)luaL_checkinteger(L, 1);
    folio_sandbox_charge(L, mib << 20);
    return 0;
}

static int release_mib(lua_State *L)
{
    folio_sandbox_release(L, (size_t)luaL_checkinteger(L, 1) << 20);
    return 0;
}

static void test_charge(void)
{
    char err[256];
    folio_limits lim = {8u << 20, 1000000, 5.0};
    folio_sandbox *sb = folio_sandbox_create("holder", &lim, err, sizeof err);
    CHECK(sb != NULL);
    if (!sb)
        return;
    lua_State *L = folio_sandbox_state(sb);
    static const struct {
        lua_CFunction fn;
        int mib, status;
    } steps[] = {{charge_mib, 4, LUA_OK},
                 {release_mib, 4, LUA_OK},
                 {charge_mib, 6, LUA_OK},
                 {charge_mib, 6, LUA_ERRRUN}};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        lua_pushcfunction(L, steps[i].fn);
        lua_pushinteger(L, steps[i].mib);
        int status = folio_sandbox_call(sb, 1, 0);
        CHECK_INT(status, steps[i].status);
        if (status != LUA_OK)
            lua_pop(L, 1);
    }
    CHECK_INT(folio_sandbox_killed(sb), FOLIO_KILL_MEMORY);
    CHECK_STR(folio_sandbox_kill_message(sb), "holder: exceeded the memory limit of 8 MiB");
    folio_sandbox_free(sb);

    /* a state the sandbox did not make is left alone */
    L = luaL_newstate();
    lua_pushcfunction(L, charge_mib);
    lua_pushinteger(L, 1 << 20);
    CHECK_INT(lua_pcall(L, 1, 0, 0), LUA_OK);
    lua_close(L);
}

/* ---- --keep-going: failing sections become error notes, the others are built ---- */

/* Sets the report's sections to these plugins (no options). */
static void sections(fixture *f, const char *const *plugins, size_t n)
{
    folio_report *r = f->report;
    only_section(f, plugins[0], NULL, NULL, 0);
    r->sections = xrealloc(r->sections, n * sizeof *r->sections);
    for (size_t i = 1; i < n; i++)
        r->sections[i] = (folio_section){.plugin = xstrdup(plugins[i]), .options = {.kind = FOLIO_V_TABLE}};
    r->nsections = n;
}

/* Gives section s the one option key = "value". */
static void set_option(fixture *f, size_t s, const char *key, const char *value)
{
    folio_value *o = &f->report->sections[s].options;
    folio_value_free(o);
    *o = (folio_value){.kind = FOLIO_V_TABLE, .n = 1};
    o->keys = xcalloc(1, sizeof *o->keys);
    o->vals = xcalloc(1, sizeof *o->vals);
    o->keys[0] = (folio_value){.kind = FOLIO_V_STRING, .str = xstrdup(key), .len = strlen(key)};
    o->vals[0] = (folio_value){.kind = FOLIO_V_STRING, .str = xstrdup(value), .len = strlen(value)};
}

static void test_keep_going(void)
{
    static const char *const plugins[] = {"shadow",  "broken", "toplevel-loop",
                                          "nowhere", "shadow", "bad-blocks"};
    const size_t n = sizeof plugins / sizeof plugins[0];

    /* without it, the run stops at the first failure */
    fixture f;
    setup(&f, small);
    sections(&f, plugins, n);
    CHECK(!folio_host_resolve(&f.run));
    CHECK_INT(f.run.nfailed, 2); /* toplevel-loop and nowhere fail while being resolved */
    teardown(&f);

    setup(&f, small);
    sections(&f, plugins, n);
    set_option(&f, 5, "case", "nothing");
    f.run.keep_going = true;
    CHECK(folio_host_resolve(&f.run));
    CHECK(folio_host_build(&f.run));
    CHECK_INT(f.run.nfailed, 4);
    CHECK_INT(f.run.failed_errors, f.diag.errors);
    CHECK_INT(f.diag.errors, 4);
    folio_doc *d = f.doc;
    CHECK_INT(d->n, 6); /* shadow's paragraph, three notes, shadow's paragraph, a note */
    if (d->n == 6) {
        static const char *const notes[][2] = {
            {"tests/data/plugins/broken.lua",
             "This section could not be made: tests/data/plugins/broken.lua:4: attempt to index a nil value "
             "(local 'x')"},
            {"tests/data/plugins/toplevel-loop.lua",
             "This section could not be made: tests/data/plugins/toplevel-loop.lua:2: toplevel-loop: "
             "exceeded the instruction limit of 2000000"},
            {GOOD "/report.lua",
             "This section could not be made: tests/data/reports/good/report.lua: section 4: no plugin "
             "\"nowhere\" (looked in tests/data/reports/good/plugins/ and tests/data/plugins/)"},
        };
        CHECK_STR(flat(&d->blocks[0]->u.paragraph.text), "local shadow");
        for (int i = 0; i < 3; i++) {
            folio_block *b = d->blocks[1 + i];
            CHECK_INT(b->kind, FOLIO_BLOCK_NOTE);
            CHECK(b->u.note.error);
            CHECK_STR(b->source, notes[i][0]);
            CHECK_STR(flat(&b->u.note.text), notes[i][1]);
        }
        CHECK_STR(flat(&d->blocks[4]->u.paragraph.text), "local shadow");
        CHECK_INT(d->blocks[5]->kind, FOLIO_BLOCK_NOTE);
        CHECK_STR(
            flat(&d->blocks[5]->u.note.text),
            "This section could not be made: tests/data/plugins/bad-blocks.lua: build() result: expected "
            "a list of blocks, got nil");
        CHECK_STR(f.run.plugins[1].failure,
                  "tests/data/plugins/broken.lua:4: attempt to index a nil value (local 'x')");
        CHECK(f.run.plugins[0].failure == NULL && f.run.plugins[4].failure == NULL);
    }
    teardown(&f);
}

/* ---- allocation failures: every memory cap gives a clean result or a clean error ---- */

static void test_memory_sweep(void)
{
    int ok = 0, failed = 0;
    for (size_t cap = 8u << 10; cap < (640u << 10); cap += FOLIO_SWEEP_STEP) {
        fixture f;
        folio_limits lim = {cap, 2000000, 5.0};
        setup(&f, lim);
        bool done = folio_host_resolve(&f.run) && folio_host_build(&f.run);
        if (done) {
            ok++;
            CHECK_INT(f.doc->n, 28);
        } else {
            failed++;
            bool clean = f.diag.errors > 0;
            for (size_t i = 0; i < f.diag.n; i++)
                if (f.diag.items[i].severity == FOLIO_ERROR &&
                    !strstr(f.diag.items[i].text, ": exceeded the memory limit of "))
                    clean = false;
            if (!clean) {
                fprintf(stderr, "memory cap %zu:\n", cap);
                dump(&f.diag);
            }
            CHECK(clean);
        }
        teardown(&f);
    }
    CHECK(ok > 0 && failed > 0);
}

int main(void)
{
    test_escapes();
    test_limits();
    test_plugin_errors();
    test_resolve();
    test_bad_blocks();
    test_ctx_errors();
    test_lua_ok();
    test_good_report();
    test_bytecode();
    test_value_copy();
    test_limit_readers();
    test_charge();
    test_keep_going();
    test_memory_sweep();
    return harness_summary();
}
