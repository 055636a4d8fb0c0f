/* folio test: runs plugin tests written in Lua (NAME_test.lua, see docs/testing-plugins.md).
 * Each t:build writes its fixtures as a small report in a temporary folder and makes it with the
 * same code as render: report.c, the CSV loader, the plugin host and its sandbox, and layout. */
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp */
#include "cli/cli.h"

#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>

#include "core/diag.h"
#include "core/util.h"
#include "data/table.h"
#include "doc/doc.h"
#include "layout/display.h"
#include "layout/fonts.h"
#include "layout/layout.h"
#include "lua/embedded.h"
#include "lua/host.h"
#include "lua/sandbox.h"
#include "report/report.h"

#define TEST_SUFFIX "_test.lua"
#define MAX_FIXTURE_BYTES (64u << 20) /* one fixture file read by a test */

/* One test file's run, reached by the native functions through a light userdata. */
typedef struct test_file {
    const char *path;    /* as given, for reading fixtures */
    const char *display; /* how failures name it */
    char chunk[PATH_MAX + 2];
    char dir[PATH_MAX];         /* the test file's folder */
    char plugins_dir[PATH_MAX]; /* where t:build looks for plugins: the folder above tests/ */
    const char *home;
} test_file;

/* ---- where: the line of the test file that is running ---- */

/* native.where() -> "FILE:LINE" of the innermost frame of the test file. */
static int native_where(lua_State *L)
{
    test_file *tf = lua_touserdata(L, lua_upvalueindex(1));
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++)
        if (lua_getinfo(L, "Sl", &ar) && strcmp(ar.source, tf->chunk) == 0 && ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d", tf->display, ar.currentline);
            return 1;
        }
    lua_pushfstring(L, "%s:1", tf->display);
    return 1;
}

/* native.report(LINE): one failure line on stdout. */
static int native_report(lua_State *L)
{
    printf("%s\n", luaL_checkstring(L, 1));
    fflush(stdout);
    return 0;
}

/* A relative path with no ".." part, no empty part. */
static bool safe_relative(const char *p)
{
    if (!*p || p[0] == '/')
        return false;
    for (const char *s = p; *s;) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || (n == 2 && s[0] == '.' && s[1] == '.'))
            return false;
        s += n + (e ? 1 : 0);
    }
    return true;
}

/* native.read(PATH): a fixture file beside the test file -> text, or nil, message. */
static int native_read(lua_State *L)
{
    test_file *tf = lua_touserdata(L, lua_upvalueindex(1));
    const char *rel = luaL_checkstring(L, 1);
    if (!safe_relative(rel)) {
        lua_pushnil(L);
        lua_pushfstring(L, "fixture file \"%s\" must be a path inside the test's folder (no \"..\")", rel);
        return 2;
    }
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", tf->dir, rel);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_FIXTURE_BYTES) {
        lua_pushnil(L);
        lua_pushfstring(L, "no fixture file %s (read relative to %s)", rel, tf->display);
        return 2;
    }
    size_t len;
    char *text = folio_read_file(path, &len);
    if (!text) {
        lua_pushnil(L);
        lua_pushfstring(L, "cannot read fixture file %s", rel);
        return 2;
    }
    lua_pushlstring(L, text, len);
    free(text);
    return 1;
}

/* ---- build: fixtures -> a temporary report -> blocks ---- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* Writes text to dir/rel, making the folders on the way. false if it cannot. */
static bool write_fixture(const char *dir, const char *rel, const char *text, size_t len)
{
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(path, 0700);
        *s = '/';
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(text, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

/* Joins diag's messages of a severity ("; "-separated) onto b. */
static void join_messages(const folio_diag *d, folio_severity sev, folio_buf *b)
{
    for (size_t i = 0; i < d->n; i++) {
        if (d->items[i].severity != sev)
            continue;
        char line[2048];
        folio_message_format(&d->items[i], line, sizeof line);
        folio_buf_printf(b, "%s%s", b->len ? "\n  " : "", line);
    }
}

/* Sorts text ops top to bottom (y grows upwards, as in PDF), then left to right. */
static int op_order(const void *pa, const void *pb)
{
    const folio_op *a = *(const folio_op *const *)pa, *b = *(const folio_op *const *)pb;
    if (a->y < b->y - 1 || a->y > b->y + 1)
        return a->y > b->y ? -1 : 1;
    return a->x < b->x ? -1 : a->x > b->x;
}

/* The width of a text op in points (0 for a fallback face: it is then followed by a space). */
static double op_width(const folio_op *op, const folio_fontset *fonts)
{
    if (op->face < 0 || op->face >= FOLIO_FACES || !fonts->face[op->face])
        return 0;
    return folio_font_text_width(fonts->face[op->face], op->text, strlen(op->text), op->size);
}

/* Pushes a list of page texts: each page's text ops in reading order, lines joined by "\n",
 * ops on a line joined by a space where there is a gap between them (as pdftotext would). */
static void push_pages(lua_State *L, const folio_layout *layout, const folio_fontset *fonts)
{
    lua_createtable(L, (int)layout->npages, 0);
    for (size_t p = 0; p < layout->npages; p++) {
        const folio_page *pg = &layout->pages[p];
        const folio_op **ops = xcalloc(pg->n ? pg->n : 1, sizeof *ops);
        size_t n = 0;
        for (size_t i = 0; i < pg->n; i++)
            if (pg->ops[i].kind == FOLIO_OP_TEXT && pg->ops[i].text && !pg->ops[i].artifact)
                ops[n++] = &pg->ops[i];
        qsort(ops, n, sizeof *ops, op_order);
        folio_buf b = {0};
        for (size_t i = 0; i < n; i++) {
            if (i > 0) {
                const folio_op *prev = ops[i - 1];
                bool same_line = ops[i]->y >= prev->y - 1 && ops[i]->y <= prev->y + 1;
                if (!same_line)
                    folio_buf_puts(&b, "\n");
                else if (ops[i]->x > prev->x + op_width(prev, fonts) + prev->size * 0.15)
                    folio_buf_puts(&b, " ");
            }
            folio_buf_puts(&b, ops[i]->text);
        }
        lua_pushlstring(L, b.data ? b.data : "", b.len);
        lua_rawseti(L, -2, (lua_Integer)p + 1);
        folio_buf_free(&b);
        free(ops);
    }
}

/* Parses an optional "YYYY-MM-DD" argument; FOLIO_DATE_NONE when nil. */
static int32_t date_arg(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx))
        return FOLIO_DATE_NONE;
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);
    int32_t d;
    if (len != 10 || !folio_date_parse(s, 10, &d))
        luaL_error(L, "t:build: from/to take a date \"YYYY-MM-DD\", not \"%s\"", s);
    return d;
}

/* The C side of a build, everything it owns in one place so any exit frees it. */
typedef struct build_job {
    char dir[64];
    folio_diag diag;
    folio_report *rep;
    folio_table **tables;
    folio_doc *doc;
    folio_run run;
    folio_value result;
    folio_fontset fonts;
    folio_layout *layout;
} build_job;

static void job_free(build_job *j)
{
    folio_layout_free(j->layout);
    for (int i = 0; i < FOLIO_FACES; i++)
        folio_font_free(j->fonts.face[i]);
    if (j->run.results)
        folio_value_free(&j->run.results[0]);
    folio_run_free_plugins(&j->run);
    folio_doc_free(j->doc);
    for (size_t i = 0; j->rep && j->tables && i < j->rep->ninputs; i++)
        folio_table_free(j->tables[i]);
    free(j->tables);
    folio_report_free(j->rep);
    folio_diag_free(&j->diag);
    if (j->dir[0])
        nftw(j->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Makes the report; true when the section built (and, with render, was laid out). */
static bool job_run(build_job *j, test_file *tf, const char *report_src, size_t report_len, lua_State *L,
                    int files, int32_t from, int32_t to, int year, bool render)
{
    snprintf(j->dir, sizeof j->dir, "%s", "/tmp/folio-test-XXXXXX");
    if (!mkdtemp(j->dir)) {
        j->dir[0] = '\0';
        folio_diag_add(&j->diag, FOLIO_ERROR, NULL, 0, 0, "cannot make a temporary folder");
        return false;
    }
    if (!write_fixture(j->dir, "report.lua", report_src, report_len))
        return false;
    lua_pushnil(L);
    while (lua_next(L, files)) { /* ... key text */
        size_t len;
        const char *rel = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
        const char *text = lua_tolstring(L, -1, &len);
        if (!safe_relative(rel) || !text || !write_fixture(j->dir, rel, text, len)) {
            lua_pop(L, 2);
            folio_diag_add(&j->diag, FOLIO_ERROR, NULL, 0, 0,
                           "fixture file \"%s\": expected a relative path and its text", rel);
            return false;
        }
        lua_pop(L, 1);
    }
    char fonts_dir[PATH_MAX + 8];
    snprintf(fonts_dir, sizeof fonts_dir, "%s/fonts", tf->home);
    folio_report_options ropt = {.fonts_dir = fonts_dir, .from = from, .to = to, .year = year};
    j->rep = folio_report_load(j->dir, &ropt, &j->diag);
    if (!j->rep)
        return false;
    j->tables = xcalloc(j->rep->ninputs ? j->rep->ninputs : 1, sizeof *j->tables);
    j->doc = folio_doc_create();
    j->run = (folio_run){.report = j->rep,
                         .tables = j->tables,
                         .doc = j->doc,
                         .diag = &j->diag,
                         .limits = j->rep->limits,
                         .engine_version = FOLIO_VERSION,
                         .run_date = "2026-01-01",
                         .std_plugins = tf->plugins_dir,
                         .results = &j->result};
    if (!folio_host_resolve(&j->run))
        return false;
    folio_host_mark_previous(&j->run, j->rep); /* then the inputs, with what ctx.previous needs */
    bool ok = true;
    for (size_t i = 0; i < j->rep->ninputs; i++)
        if (!(j->tables[i] = folio_table_load(&j->rep->inputs[i].spec, &j->diag)))
            ok = false;
    if (!ok || !folio_host_build(&j->run))
        return false;
    if (!render)
        return true;
    for (int i = 0; i < FOLIO_FACES; i++) {
        char err[512];
        if (!(j->fonts.face[i] = folio_font_load(j->rep->font_files[i], err, sizeof err))) {
            folio_diag_add(&j->diag, FOLIO_ERROR, j->rep->font_files[i], 0, 0, "%s", err);
            return false;
        }
    }
    j->fonts.fallback_files = (const char *const *)j->rep->fallback_files;
    j->fonts.nfallback_files = j->rep->nfallback * FOLIO_FACES;
    j->layout = folio_layout_render(j->doc, &j->rep->theme, &j->fonts, &j->diag);
    return j->layout != NULL;
}

/* native.build(REPORT_SOURCE, FILES, FROM, TO, RENDER[, YEAR]) -> blocks (or page texts), warnings;
 * or nil, the errors. */
static int native_build(lua_State *L)
{
    test_file *tf = lua_touserdata(L, lua_upvalueindex(1));
    size_t report_len;
    const char *report_src = luaL_checklstring(L, 1, &report_len);
    luaL_checktype(L, 2, LUA_TTABLE);
    int32_t from = date_arg(L, 3), to = date_arg(L, 4);
    bool render = lua_toboolean(L, 5);
    lua_Integer year = luaL_optinteger(L, 6, 0);
    if (year && (year < 1000 || year > 9999))
        luaL_error(L, "t:build: year takes a year such as 2025, not %d", (int)year);
    build_job *j = xcalloc(1, sizeof *j);
    folio_diag_init(&j->diag);
    j->diag.quiet = true;
    bool ok = job_run(j, tf, report_src, report_len, L, 2, from, to, (int)year, render);
    folio_buf msgs = {0};
    int nret;
    if (ok) {
        if (render)
            push_pages(L, j->layout, &j->fonts);
        else
            folio_value_push(L, &j->result);
        lua_newtable(L); /* blocks warnings */
        for (size_t i = 0, n = 0; i < j->diag.n; i++)
            if (j->diag.items[i].severity == FOLIO_WARNING) {
                char line[2048];
                folio_message_format(&j->diag.items[i], line, sizeof line);
                lua_pushstring(L, line);
                lua_rawseti(L, -2, (lua_Integer)++n);
            }
        nret = 2;
    } else {
        join_messages(&j->diag, FOLIO_ERROR, &msgs);
        lua_pushnil(L);
        lua_pushfstring(L, "the section could not be made: %s", msgs.data ? msgs.data : "(no message)");
        nret = 2;
    }
    folio_buf_free(&msgs);
    job_free(j);
    free(j);
    return nret;
}

/* ---- running one test file ---- */

static const folio_embedded_file *embedded(const char *name)
{
    for (const folio_embedded_file *f = folio_embedded; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

/* Runs one test file; adds to *passed and *failed. */
static void run_file(const char *path, const char *home, int *passed, int *failed)
{
    test_file tf = {.path = path, .display = path, .home = home};
    snprintf(tf.chunk, sizeof tf.chunk, "@%s", path);
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(tf.dir, sizeof tf.dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(tf.dir, sizeof tf.dir, ".");
    /* plugins live in the folder above tests/, or beside the test file */
    const char *base = strrchr(tf.dir, '/');
    if (strcmp(base ? base + 1 : tf.dir, "tests") == 0)
        snprintf(tf.plugins_dir, sizeof tf.plugins_dir, "%.*s", base ? (int)(base - tf.dir) : 1,
                 base ? tf.dir : ".");
    else
        snprintf(tf.plugins_dir, sizeof tf.plugins_dir, "%s", tf.dir);

    size_t len;
    char *text = folio_read_file(path, &len);
    if (!text) {
        printf("%s:0: cannot read the test file\n", path);
        (*failed)++;
        return;
    }
    const folio_embedded_file *harness = embedded("test_harness.lua");
    char err[1024];
    folio_limits limits = folio_limits_default();
    const char *name = slash ? slash + 1 : path;
    folio_sandbox *sb = folio_sandbox_create(name, &limits, err, sizeof err);
    if (!sb || !harness || !folio_sandbox_run_prelude(sb, err, sizeof err)) {
        printf("%s:0: %s\n", path, harness ? err : "the test harness is not built into this folio");
        (*failed)++;
        free(text);
        folio_sandbox_free(sb);
        return;
    }
    lua_State *L = folio_sandbox_state(sb);
    luaL_checkstack(L, 8, NULL);
    int status = folio_sandbox_load(sb, harness->text, harness->len, "=test_harness");
    if (status == LUA_OK) {
        static const luaL_Reg natives[] = {{"where", native_where},
                                           {"report", native_report},
                                           {"read", native_read},
                                           {"build", native_build},
                                           {NULL, NULL}};
        luaL_newlibtable(L, natives); /* harness natives */
        lua_pushlightuserdata(L, &tf);
        luaL_setfuncs(L, natives, 1);
        status = folio_sandbox_call(sb, 1, 1); /* run */
    }
    if (status == LUA_OK)
        status = folio_sandbox_load(sb, text, len, tf.chunk); /* run chunk */
    free(text);
    if (status == LUA_OK)
        status = folio_sandbox_call(sb, 0, 0); /* run */
    if (status == LUA_OK)
        status = folio_sandbox_call(sb, 0, 2); /* passed failed */
    if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (msg && strncmp(msg, path, strlen(path)) == 0)
            printf("%s\n", msg);
        else
            printf("%s:1: %s\n", path, msg ? msg : "the test file failed");
        (*failed)++;
    } else {
        *passed += (int)lua_tointeger(L, -2);
        *failed += (int)lua_tointeger(L, -1);
    }
    folio_sandbox_free(sb);
}

/* ---- finding test files ---- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends dir's *_test.lua files, sorted; returns how many. */
static size_t add_dir(const char *dir, char ***list, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t first = *n;
    struct dirent *e;
    while ((e = readdir(d)))
        if (ends_with(e->d_name, TEST_SUFFIX) && e->d_name[0] != '.') {
            *list = xrealloc(*list, (*n + 1) * sizeof **list);
            (*list)[(*n)++] = xasprintf("%s/%s", dir, e->d_name);
        }
    closedir(d);
    if (*n > first)
        qsort(*list + first, *n - first, sizeof **list, compare_names);
    return *n - first;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int folio_cmd_test(int argc, char **argv, const char *home)
{
    char **files = NULL;
    size_t n = 0;
    int status = 0;
    for (int i = 0; i < argc && status == 0; i++) {
        const char *p = argv[i];
        if (p[0] == '-') {
            fprintf(stderr, "folio: test: unknown option %s\nusage: folio test [PATH ...]\n", p);
            status = 2;
        } else if (is_dir(p)) {
            /* a report folder (its plugins/tests), a plugins folder (its tests/), or a folder of tests */
            char *a = xasprintf("%s/plugins/tests", p), *b = xasprintf("%s/tests", p);
            size_t got = add_dir(p, &files, &n) + add_dir(a, &files, &n) + add_dir(b, &files, &n);
            if (!got) {
                fprintf(stderr, "folio: test: no *%s files in %s, %s or %s\n", TEST_SUFFIX, p, a, b);
                status = 2;
            }
            free(a);
            free(b);
        } else if (access(p, R_OK) == 0 && ends_with(p, ".lua")) {
            files = xrealloc(files, (n + 1) * sizeof *files);
            files[n++] = xstrdup(p);
        } else {
            fprintf(stderr, "folio: test: %s is not a test file (NAME%s) or a folder\n", p, TEST_SUFFIX);
            status = 2;
        }
    }
    if (argc == 0) {
        char *std = xasprintf("%s/plugins/tests", home);
        if (!add_dir(std, &files, &n)) {
            fprintf(stderr, "folio: test: no *%s files in %s\n", TEST_SUFFIX, std);
            status = 2;
        }
        free(std);
    }
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n && status == 0; i++)
        run_file(files[i], home, &passed, &failed);
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    if (status)
        return status;
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
