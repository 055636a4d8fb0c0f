/* Tests of the Lua bindings: the "folio.table" object over a small survey fixture, and
 * Markdown to block tables. Run from the repository root. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "data/table.h"
#include "harness.h"
#include "lua/bindings.h"

#define FIXTURE "tests/data/lua_table/survey.csv"
#define PROSE "tests/data/lua_table/prose.md"

static lua_State *L;
static char result[8192];
static long alloc_budget = -1; /* Lua allocations left before they fail; -1 = no limit */

/* dump(v): a value as text, table keys sorted, so a whole result compares as one string.
 * Integers print as 3 and floats as 3.0, so number types are checked too. */
static const char dump_lua[] =
    "function dump(v)\n"
    "  if type(v) == 'string' then return '\"' .. v:gsub('\\n', '\\\\n') .. '\"' end\n"
    "  if type(v) ~= 'table' then return tostring(v) end\n"
    "  local parts, n = {}, #v\n"
    "  for i = 1, n do parts[#parts + 1] = dump(v[i]) end\n"
    "  local keys = {}\n"
    "  for k in pairs(v) do\n"
    "    if not (math.type(k) == 'integer' and k >= 1 and k <= n) then keys[#keys + 1] = k end\n"
    "  end\n"
    "  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)\n"
    "  for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. '=' .. dump(v[k]) end\n"
    "  return '{' .. table.concat(parts, ', ') .. '}'\n"
    "end\n";

/* Runs a chunk named "t" and returns its first result as text, or "error: MESSAGE". */
static const char *eval(const char *code)
{
    int top = lua_gettop(L);
    bool ok = luaL_loadbuffer(L, code, strlen(code), "=t") == LUA_OK && lua_pcall(L, 0, 1, 0) == LUA_OK;
    alloc_budget = -1; /* what follows runs unprotected */
    if (!ok)
        snprintf(result, sizeof result, "error: %s", lua_tostring(L, -1));
    else
        snprintf(result, sizeof result, "%s", luaL_tolstring(L, -1, NULL));
    lua_settop(L, top);
    return result;
}

/* md(TEXT): the blocks of Markdown text, as ctx.markdown gives them. */
static int md(lua_State *LL)
{
    size_t len;
    const char *s = luaL_checklstring(LL, 1, &len);
    return folio_lua_push_markdown(LL, s, len, "report/intro.md");
}

static folio_table *load_fixture(void)
{
    static const char *const org_types[] = {"nhs_trust", "charity", "university", "company", "other"};
    static const char *const uses[] = {"standards", "training", "audit", "research", "consulting"};
    static const folio_colspec cols[] = {
        {.name = "id", .type = FOLIO_TEXT, .required_value = true},
        {.name = "submitted", .type = FOLIO_DATE, .required_value = true},
        {.name = "org_type", .type = FOLIO_CODE, .codes = org_types, .ncodes = 5},
        {.name = "heard_of_4pi", .type = FOLIO_YESNO},
        {.name = "rating", .type = FOLIO_INTEGER, .has_range = true, .min = 1, .max = 5},
        {.name = "uses", .type = FOLIO_MULTI, .codes = uses, .ncodes = 5},
        {.name = "score", .type = FOLIO_NUMBER},
        {.name = "quote", .type = FOLIO_TEXT},
        {.name = "role", .type = FOLIO_TEXT},
    };
    folio_inputspec spec = {
        .name = "survey",
        .path = FIXTURE,
        .display_path = "data/survey.csv",
        .cols = cols,
        .ncols = sizeof cols / sizeof cols[0],
        .date_col = "submitted",
        .key_col = "id",
        .period_rule = FOLIO_PERIOD_WITHIN,
        .from = folio_date_from_ymd(2025, 4, 1),
        .to = folio_date_from_ymd(2026, 3, 31),
    };
    size_t len;
    char *text = folio_read_file(FIXTURE, &len);
    if (!text)
        return NULL;
    folio_diag diag;
    folio_diag_init(&diag);
    diag.quiet = true;
    folio_table *t = folio_table_load_text(&spec, text, len, &diag);
    CHECK_INT(diag.errors, 0);
    CHECK_INT(diag.warnings, 2); /* R06 unknown org_type, R08 rating out of range */
    folio_diag_free(&diag);
    free(text);
    return t;
}

static void test_basics(void)
{
    CHECK_STR(eval("return #survey"), "9");
    CHECK_STR(eval("return math.type(survey:count())"), "integer");
    CHECK_STR(eval("return survey:count()"), "9");
    CHECK_STR(eval("return tostring(survey)"), "folio.table survey (9 rows)");
    CHECK_STR(eval("return tostring(survey:where('id', 'R01'))"), "folio.table survey (1 row)");
    CHECK_STR(eval("return survey:name() .. ' ' .. survey:file()"), "survey data/survey.csv");
    CHECK_STR(eval("return getmetatable(survey)"), "folio.table");
    CHECK_STR(eval("return pcall(setmetatable, survey, {})"), "false");
    CHECK_STR(eval("return dump(survey:codes('org_type'))"),
              "{\"nhs_trust\", \"charity\", \"university\", \"company\", \"other\"}");
    CHECK_STR(eval("return survey:count_distinct('role')"), "6");
    CHECK_STR(eval("return survey:count_distinct('rating')"), "5");
}

static void test_count_by(void)
{
    CHECK_STR(eval("return dump(survey:count_by('org_type'))"),
              "{{count=4, value=\"nhs_trust\"}, {count=2, value=\"charity\"}, "
              "{count=2, value=\"university\"}, {count=0, value=\"company\"}, "
              "{count=0, value=\"other\"}, base=9, missing=1}");
    CHECK_STR(eval("return dump(survey:count_by('heard_of_4pi'))"),
              "{{count=5, value=\"yes\"}, {count=3, value=\"no\"}, base=9, missing=1}");
    CHECK_STR(eval("return dump(survey:count_by('uses'))"),
              "{{count=4, value=\"standards\"}, {count=4, value=\"training\"}, "
              "{count=3, value=\"audit\"}, {count=1, value=\"research\"}, "
              "{count=0, value=\"consulting\"}, base=9, missing=1}");
    CHECK_STR(eval("return dump(survey:count_by('rating'))"),
              "{{count=1, value=1}, {count=1, value=2}, {count=2, value=3}, {count=2, value=4}, "
              "{count=2, value=5}, base=9, missing=1}");
    /* text: most frequent first, then by value */
    CHECK_STR(eval("local c = survey:count_by('role') return dump({c[1], c[2], c.missing})"),
              "{{count=3, value=\"Manager\"}, {count=1, value=\"Director\"}, 1}");
    CHECK_STR(eval("return dump(survey:where('heard_of_4pi', true):count_by('org_type'))"),
              "{{count=3, value=\"nhs_trust\"}, {count=1, value=\"charity\"}, "
              "{count=1, value=\"university\"}, {count=0, value=\"company\"}, "
              "{count=0, value=\"other\"}, base=5, missing=0}");
}

static void test_where(void)
{
    /* equality: codes case-insensitively, yes/no as booleans or strings */
    CHECK_STR(eval("return #survey:where('org_type', 'nhs_trust')"), "4");
    CHECK_STR(eval("return #survey:where('org_type', 'NHS_TRUST')"), "4");
    CHECK_STR(eval("return #survey:where('heard_of_4pi', true)"), "5");
    CHECK_STR(eval("return #survey:where('heard_of_4pi', false)"), "3");
    CHECK_STR(eval("return #survey:where('heard_of_4pi', 'yes')"), "5");
    CHECK_STR(eval("return #survey:where('rating', 4)"), "2");
    CHECK_STR(eval("return #survey:where('rating', '4')"), "2");
    CHECK_STR(eval("return #survey:where('score', '==', 3)"), "1");
    /* every operator */
    CHECK_STR(eval("return #survey:where('submitted', '~=', '2025-04-01')"), "8");
    CHECK_STR(eval("return #survey:where('rating', '<', 3)"), "2");
    CHECK_STR(eval("return #survey:where('rating', '<=', 3)"), "4");
    CHECK_STR(eval("return #survey:where('rating', '>', 4)"), "2");
    CHECK_STR(eval("return #survey:where('rating', '>=', 4)"), "4");
    CHECK_STR(eval("return #survey:where('score', '>', 2.5)"), "4");
    CHECK_STR(eval("return #survey:where('submitted', '>=', '2026-01-01')"), "2");
    CHECK_STR(eval("return #survey:where('uses', 'has', 'audit')"), "3");
    CHECK_STR(eval("return #survey:where('rating', 'missing')"), "1");
    CHECK_STR(eval("return #survey:where('quote', 'present')"), "4");
    CHECK_STR(eval("return #survey:where('quote', 'missing', nil)"), "5");
    /* chained views narrow; the parent view is unchanged */
    CHECK_STR(eval("local v = survey:where('org_type', 'nhs_trust'):where('heard_of_4pi', true) "
                   "return #v .. ' ' .. #v:where('rating', '>=', 4) .. ' ' .. #survey"),
              "3 2 9");
    CHECK_STR(eval("return #survey:where{ org_type = 'nhs_trust', heard_of_4pi = true }"), "3");
    CHECK_STR(eval("return #survey:where('rating', '>', 1):where{ org_type = 'charity' }"), "1");
    CHECK_STR(eval("return #survey:where{}"), "9");
    CHECK_STR(eval("return #survey:where('org_type', 'company')"), "0");
    CHECK_STR(eval("return #survey:where('org_type', 'company'):where('rating', '>', 1)"), "0");
    /* a where() is counted at once and lists its rows when a method needs them: the view it
     * narrows stays alive until then, whatever the collector does */
    CHECK_STR(
        eval("local v = survey:where('rating', '>=', 1) local w = v:where('org_type', 'charity') "
             "v = nil collectgarbage() collectgarbage() "
             "local ids = {} for r in w:rows('id') do ids[#ids + 1] = r.id end "
             "return #w .. ' ' .. table.concat(ids, ',') .. ' ' .. tostring(w) .. ' ' .. #w:where('uses', "
             "'has', 'training') .. ' ' .. dump(w:count_by('heard_of_4pi'))"),
        "2 R02,R09 folio.table survey (2 rows) 2 {{count=1, value=\"yes\"}, {count=1, value=\"no\"}, "
        "base=2, missing=0}");
    CHECK_STR(eval("local w = survey:where('heard_of_4pi', '~=', 'yes') collectgarbage() "
                   "return dump({#w, w:scale('rating', 1, 5).counts, w:count_by('org_type')[1].count, #w})"),
              "{4, {0, 1, 0, 1, 1}, 1, 4}");
}

static void test_aggregates(void)
{
    CHECK_STR(eval("return dump(survey:crosstab('org_type', 'heard_of_4pi'))"),
              "{cells={{3, 1}, {1, 1}, {1, 0}, {0, 0}, {0, 0}}, "
              "cols={\"yes\", \"no\"}, "
              "rows={\"nhs_trust\", \"charity\", \"university\", \"company\", \"other\"}}");
    CHECK_STR(eval("return dump(survey:scale('rating', 1, 5))"),
              "{answered=8, counts={1, 1, 2, 2, 2}, missing=1, other=0}");
    CHECK_STR(eval("return dump(survey:where('org_type', 'nhs_trust'):scale('rating', 0, 5))"),
              "{answered=3, counts={0, 0, 0, 1, 1, 1}, missing=1, other=0}");
    CHECK_STR(eval("return dump({survey:min('submitted'), survey:max('submitted')})"),
              "{\"2025-04-01\", \"2026-03-31\"}");
    CHECK_STR(eval("return dump({survey:min('rating'), survey:max('rating')})"), "{1, 5}");
    CHECK_STR(eval("return dump({survey:min('score'), survey:max('score')})"), "{1.5, 5.5}");
    CHECK_STR(eval("return dump({survey:where('org_type', 'company'):min('score')})"), "{}");
    CHECK_STR(eval("return dump({survey:sum('score')})"), "{22.25, 7}");
    CHECK_STR(eval("return dump({survey:sum('rating')})"), "{27, 8}");
}

static void test_rows(void)
{
    CHECK_STR(eval("local out = {} "
                   "for r in survey:where('org_type', 'charity'):rows('id', 'rating', 'score', "
                   "'heard_of_4pi', 'uses', 'submitted', 'quote') do out[#out + 1] = r end "
                   "return dump(out)"),
              "{{_line=3, heard_of_4pi=false, id=\"R02\", rating=4, score=2.0, "
              "submitted=\"2025-05-10\", uses={\"training\"}}, "
              "{_line=10, heard_of_4pi=true, id=\"R09\", quote=\"Multi\\nline quote\", rating=1, "
              "score=5.5, submitted=\"2025-10-31\", uses={\"standards\", \"training\", \"audit\"}}}");
    CHECK_STR(eval("local out = {} for r in survey:where('id', 'R04'):rows('rating', 'uses', "
                   "'heard_of_4pi', 'org_type') do out[#out + 1] = r end return dump(out)"),
              "{{_line=5, org_type=\"university\", rating=2}}");
    CHECK_STR(eval("local n = 0 for r in survey:rows() do n = n + 1 end return n"), "9");
    CHECK_STR(eval("for r in survey:where('id', 'R03'):rows() do return r.quote end"),
              "We use it \"every\" day");
    CHECK_STR(eval("for r in survey:where('id', 'R12'):rows('role', '_line') do return dump(r) end"),
              "error: t:1: bad argument #2 to 'rows' (no column '_line' in survey.csv)");
}

static void test_stats(void)
{
    CHECK_STR(eval("local s = survey:where('rating', 5):stats() "
                   "return dump({s.name, s.file, s.rows_read, s.rows_used, s.out_of_period, "
                   "s.rejected, #s.reasons, s.first_date, s.last_date})"),
              "{\"survey\", \"data/survey.csv\", 12, 9, 1, 2, 2, \"2025-04-01\", \"2026-03-31\"}");
    CHECK_STR(eval("local s = survey:stats() local n = 0 "
                   "for _, r in ipairs(s.reasons) do "
                   "  assert(type(r.reason) == 'string' and r.reason ~= '') n = n + r.count end "
                   "return n"),
              "2");
}

static void test_errors(void)
{
    CHECK_STR(eval("return survey:where('org_typ', 'charity')"),
              "error: t:1: bad argument #1 to 'where' (no column 'org_typ' in survey.csv; did you mean "
              "'org_type'?)");
    CHECK_STR(eval("return survey:count_by('org_typ')"),
              "error: t:1: bad argument #1 to 'count_by' (no column 'org_typ' in survey.csv; did you mean "
              "'org_type'?)");
    CHECK_STR(eval("return survey:count_bi('org_type')"),
              "error: t:1: no method 'count_bi' on table survey; did you mean 'count_by'?");
    CHECK_STR(eval("return survey:tabulate('org_type')"), "error: t:1: no method 'tabulate' on table survey");
    CHECK_STR(eval("return survey:count_by('orgtype')"),
              "error: t:1: bad argument #1 to 'count_by' (no column 'orgtype' in survey.csv; did you mean "
              "'org_type'?)");
    CHECK_STR(eval("return survey:where{ org_typ = 'charity' }"),
              "error: t:1: bad argument #1 to 'where' (no column 'org_typ' in survey.csv; did you mean "
              "'org_type'?)");
    CHECK_STR(eval("return survey:crosstab('org_type', 'heard')"),
              "error: t:1: bad argument #2 to 'crosstab' (no column 'heard' in survey.csv)");
    CHECK_STR(eval("return survey:where('org_type', 'bogus', 'x')"),
              "error: t:1: bad argument #2 to 'where' (unknown operator \"bogus\" (expected ==, ~=, <, "
              "<=, >, >=, has, missing or present))");
    CHECK_STR(eval("return survey:where('org_type', '<', 'charity')"),
              "error: t:1: bad argument #2 to 'where' (\"<\" needs a number or date column; "
              "\"org_type\" is a code column)");
    CHECK_STR(eval("return survey:where('heard_of_4pi', 1)"),
              "error: t:1: bad argument #2 to 'where' (number given for yes/no column "
              "\"heard_of_4pi\" (expected true, false or a string))");
    CHECK_STR(eval("return survey:where('org_type')"),
              "error: t:1: bad argument #2 to 'where' (value expected for column \"org_type\")");
    CHECK_STR(eval("return survey:min('role')"),
              "error: t:1: bad argument #1 to 'min' (column \"role\" of input \"survey\" is a text "
              "column, not a number or date column)");
    CHECK_STR(eval("return survey:scale('rating', 5, 1)"),
              "error: t:1: bad argument #3 to 'scale' (must not be less than LO)");
    CHECK_STR(eval("return survey:count_by(42)"),
              "error: t:1: bad argument #1 to 'count_by' (no column '42' in survey.csv)");
    CHECK_STR(eval("return survey.count({})"),
              "error: t:1: bad argument #1 to 'count' (folio.table expected, got table)");
    /* values that the data layer cannot read: its message, blamed on the value */
    const char *r = eval("return survey:where('rating', '>', 'lots')");
    CHECK(strncmp(r, "error: t:1: bad argument #3 to 'where' (", 40) == 0 && strlen(r) > 42);
    r = eval("return survey:where('org_type', 'pharma')");
    CHECK(strncmp(r, "error: t:1: bad argument #2 to 'where' (", 40) == 0 && strlen(r) > 42);
    r = eval("return survey:where('submitted', '<', '2025-13-01')");
    CHECK(strncmp(r, "error: t:1: bad argument #3 to 'where' (", 40) == 0 && strlen(r) > 42);
}

static void test_markdown(void)
{
    size_t len;
    char *text = folio_read_file(PROSE, &len);
    CHECK(text != NULL);
    if (!text)
        return;
    lua_pushlstring(L, text, len);
    lua_setglobal(L, "prose");
    free(text);

    CHECK_STR(eval("return dump(md(prose))"),
              "{{kind=\"heading\", level=1, text=\"Reality and \xe2\x80\x9cimpact\xe2\x80\x9d\"}, "
              "{kind=\"heading\", level=2, text=\"What we found\"}, "
              "{kind=\"heading\", level=3, text=\"A deep heading\"}, "
              "{kind=\"paragraph\", text={\"It\xe2\x80\x99s \", {italic=true, text=\"really\"}, \" \", "
              "{bold=true, text=\"quite\"}, \" \", {bold=true, italic=true, text=\"good\"}, "
              "\", see \", {link=\"https://example.org/4pi\", text=\"the site\"}, "
              "\" \xe2\x80\x93 and code stays, html goes. Next line joins.\\nHard break before this.\"}}, "
              "{alt=\"a chart\", file=\"chart.png\", kind=\"image\"}, "
              "{items={{\"first \", {italic=true, text=\"item\"}}, \"second\", "
              "{items={\"nested one\", \"nested two\"}, kind=\"list\", ordered=false}, "
              "\"third\"}, kind=\"list\", ordered=false}, "
              "{items={\"one\", \"two\"}, kind=\"list\", ordered=true}, "
              "{kind=\"quote\", text=\"A quote on two lines.\\nSecond paragraph.\"}}");
    CHECK_STR(eval("return dump(md('\"Hello\" -- it\\'s --- fine...'))"),
              "{{kind=\"paragraph\", text=\"\xe2\x80\x9cHello\xe2\x80\x9d \xe2\x80\x93 it\xe2\x80\x99s "
              "\xe2\x80\x94 fine\xe2\x80\xa6\"}}");
    CHECK_STR(eval("return dump(md('[**bold link**](http://x)'))"),
              "{{kind=\"paragraph\", text={{bold=true, link=\"http://x\", text=\"bold link\"}}}}");
    CHECK_STR(eval("return dump(md('See [a *b*](u) and <https://e.org>.'))"),
              "{{kind=\"paragraph\", text={\"See \", {link=\"u\", text=\"a \"}, "
              "{italic=true, link=\"u\", text=\"b\"}, \" and \", "
              "{link=\"https://e.org\", text=\"https://e.org\"}, \".\"}}}");
    CHECK_STR(eval("return dump(md(''))"), "{}");
    CHECK_STR(eval("return dump(md('para\\n\\n    indented code'))"),
              "error: t:1: report/intro.md:3: code blocks are not supported in report text (is a line "
              "indented by four spaces?)");
    CHECK_STR(eval("return dump(md('- a\\n\\n  ```\\n  x\\n  ```\\n'))"),
              "error: t:1: report/intro.md:3: code blocks are not supported in report text (is a line "
              "indented by four spaces?)");
    CHECK_STR(eval("return dump(md('a\\n\\n***\\n'))"),
              "error: t:1: report/intro.md:3: horizontal rules are not supported in report text");
    CHECK_STR(eval("return dump(md('\\xff\\0x'))"),
              "{{kind=\"paragraph\", text=\"\xef\xbf\xbd\xef\xbf\xbdx\"}}");
}

/* An allocator that fails growth once the budget is spent (shrinking always succeeds). */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    if (ptr == NULL || nsize > osize) {
        if (alloc_budget == 0)
            return NULL;
        if (alloc_budget > 0)
            alloc_budget--;
    }
    return realloc(ptr, nsize);
}

/* Allocation-failure sweep: each snippet runs with 0, 1, 2, ... Lua allocations allowed
 * until it succeeds; every failure must be a clean memory error (and, under ASan, leak nothing). */
static void test_allocation_failures(folio_table *t)
{
    static const struct {
        const char *code, *want;
    } cases[] = {
        {"return #survey:count_by('org_type')", "5"},
        {"local x = survey:crosstab('uses', 'org_type') return #x.cells .. #x.cols", "55"},
        {"return survey:scale('rating', 1, 5).answered", "8"},
        {"return #survey:where{ org_type = 'nhs_trust', heard_of_4pi = true }:where('rating', '>', 3)", "2"},
        {"local n = 0 for r in survey:rows() do n = n + #r.id end return n", "27"},
        {"return #survey:stats().reasons", "2"},
        {"return #md('# T\\n\\nA *b* [c](d)\\n\\n- x\\n  - y\\n\\n> q')", "4"},
    };
    lua_State *saved = L;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool done = false;
        for (long budget = 0; budget < 5000 && !done; budget++) {
            L = lua_newstate(capped_alloc, NULL);
            alloc_budget = -1;
            luaL_openlibs(L);
            folio_lua_push_table(L, t);
            lua_setglobal(L, "survey");
            lua_pushcfunction(L, md);
            lua_setglobal(L, "md");
            alloc_budget = budget;
            const char *r = eval(cases[i].code);
            if (strcmp(r, "error: not enough memory") != 0) {
                CHECK_STR(r, cases[i].want);
                done = true;
            }
            lua_close(L);
        }
        CHECK(done);
    }
    L = saved;
}

int main(void)
{
    folio_table *t = load_fixture();
    CHECK(t != NULL);
    if (!t)
        return harness_summary();

    L = luaL_newstate();
    luaL_openlibs(L);
    CHECK_STR(eval(dump_lua), "nil");
    folio_lua_push_table(L, t);
    lua_setglobal(L, "survey");
    lua_pushcfunction(L, md);
    lua_setglobal(L, "md");

    test_basics();
    test_count_by();
    test_where();
    test_aggregates();
    test_rows();
    test_stats();
    test_errors();
    test_markdown();

    lua_close(L);
    test_allocation_failures(t);
    folio_table_free(t);
    return harness_summary();
}
