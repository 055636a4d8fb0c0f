/* Fuzz target: the report definition loader (folio_report_load). Each input is written as
 * report.lua in a private temporary folder and loaded in the sandbox, with small Lua limits
 * (folio_report_options.limits, as the command line gives them).
 * A definition that loads is then used: its table copied, pushed into Lua and copied back
 * (the round trip must give the same value), and each input's schema used to load a small
 * CSV written from it. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "core/util.h"
#include "fuzz.h"
#include "lua/sandbox.h"
#include "report/report.h"

static char dir[64], path[96];

static void cleanup(void)
{
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/folio-fuzz-XXXXXX", tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror(dir);
        exit(1);
    }
    snprintf(path, sizeof path, "%s/report.lua", dir);
    atexit(cleanup);
    return 0;
}

/* ---- the plain-data round trip ---- */

static bool value_equal(const folio_value *a, const folio_value *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case FOLIO_V_NIL: return true;
    case FOLIO_V_BOOL: return a->b == b->b;
    case FOLIO_V_NUMBER: return a->is_int == b->is_int && (a->num == b->num || (a->num != a->num && b->num != b->num));
    case FOLIO_V_STRING: return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
    case FOLIO_V_TABLE:
        if (a->n != b->n)
            return false;
        for (size_t i = 0; i < a->n; i++)
            if (!value_equal(&a->keys[i], &b->keys[i]) || !value_equal(&a->vals[i], &b->vals[i]))
                return false;
        return true;
    }
    return false;
}

/* Protected: [value back] -> pushes a copy of value and copies that back into back. */
static int round_trip(lua_State *L)
{
    const folio_value *v = lua_touserdata(L, 1);
    folio_value *back = lua_touserdata(L, 2);
    char err[512];
    folio_value_push(L, v);
    FUZZ_CHECK(folio_value_from_lua(L, -1, back, "", err, sizeof err));
    return 0;
}

static void check_round_trip(const folio_value *v)
{
    folio_value copy, back = {0};
    folio_value_copy(&copy, v);
    FUZZ_CHECK(value_equal(&copy, v));
    lua_State *L = luaL_newstate();
    FUZZ_CHECK(L != NULL);
    lua_pushcfunction(L, round_trip);
    lua_pushlightuserdata(L, &copy);
    lua_pushlightuserdata(L, &back);
    if (lua_pcall(L, 2, 0, 0) == LUA_OK)
        FUZZ_CHECK(value_equal(&copy, &back));
    lua_close(L);
    folio_value_free(&back);
    folio_value_free(&copy);
}

/* ---- using the inputs ---- */

static void put_cell(folio_buf *b, const char *s)
{
    folio_buf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"')
            folio_buf_puts(b, "\""); /* a quote is written twice */
        folio_buf_append(b, s, 1);
    }
    folio_buf_puts(b, "\"");
}

/* A value of the column's type, as a CSV cell. */
static const char *sample(const folio_colspec *c, int which)
{
    switch (c->type) {
    case FOLIO_TEXT: return which ? "some text" : "R001";
    case FOLIO_INTEGER: return which ? "3" : "-7";
    case FOLIO_NUMBER: return which ? "2.5" : "1e3";
    case FOLIO_DATE: return which ? "2026-05-01" : "2026-12-31T23:59:59Z";
    case FOLIO_YESNO: return c->nmap && which ? c->map_from[0] : "yes";
    case FOLIO_CODE:
    case FOLIO_MULTI:
        if (c->nmap && which)
            return c->map_from[0];
        return c->ncodes ? c->codes[which ? c->ncodes - 1 : 0] : "other";
    }
    return "";
}

static void use_input(const folio_input *in)
{
    const folio_inputspec *spec = &in->spec;
    folio_buf csv = {0};
    for (int row = 0; row < 4; row++) {
        for (size_t c = 0; c < spec->ncols; c++) {
            const folio_colspec *cs = &spec->cols[c];
            if (c)
                folio_buf_puts(&csv, ",");
            if (row == 0)
                put_cell(&csv, cs->header ? cs->header : cs->name);
            else if (row != 2)
                put_cell(&csv, sample(cs, row == 1));
        }
        folio_buf_puts(&csv, "\r\n");
    }
    folio_diag d;
    folio_diag_init(&d);
    d.quiet = true;
    folio_table *t = folio_table_load_text(spec, csv.data, csv.len, &d);
    for (size_t c = 0; t && c < folio_table_column_count(t); c++) {
        folio_counts counts;
        if (folio_table_count_by(t, NULL, (int)c, &counts))
            folio_counts_free(&counts);
    }
    folio_table_free(t);
    folio_diag_free(&d);
    folio_buf_free(&csv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(path);
        abort();
    }
    folio_diag d;
    folio_diag_init(&d);
    d.quiet = true;
    folio_report_options opt = {.fonts_dir = "fonts",
                                .from = folio_date_from_ymd(2026, 1, 1),
                                .to = folio_date_from_ymd(2026, 12, 31),
                                .limits = {FUZZ_LUA_MEMORY, FUZZ_LUA_INSTRUCTIONS, FUZZ_LUA_SECONDS}};
    if (size && data[0] == ' ')
        opt.data_dir = dir; /* --data */
    folio_report *r = folio_report_load(path, &opt, &d);
    FUZZ_CHECK((r == NULL) == (d.errors > 0));
    for (size_t i = 0; i < d.n; i++) {
        char line[2048];
        folio_message_format(&d.items[i], line, sizeof line);
    }
    if (r) {
        FUZZ_CHECK(r->title && r->nsections > 0);
        FUZZ_CHECK(r->limits.memory == FUZZ_LUA_MEMORY && r->limits.instructions == FUZZ_LUA_INSTRUCTIONS);
        check_round_trip(&r->table);
        for (size_t s = 0; s < r->nsections; s++) {
            FUZZ_CHECK(r->sections[s].plugin && r->sections[s].options.kind == FOLIO_V_TABLE);
            check_round_trip(&r->sections[s].options);
        }
        for (size_t i = 0; i < r->ninputs; i++)
            use_input(&r->inputs[i]);
    }
    folio_report_free(r);
    folio_diag_free(&d);
    return 0;
}
