/* The plugin host: finds each section's plugin, checks what it declares against report.lua,
 * runs build(ctx) in a fresh sandbox per section and appends the blocks it returns. */
#include "lua/host.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include <lauxlib.h>

#include "core/limits.h"
#include "core/util.h"
#include "lua/bindings.h"
#include "lua/sandbox.h"
#include "report/burst.h"

#define MAX_MARKDOWN_BYTES (16u << 20) /* one Markdown file read by ctx.markdown */

/* What a plugin file declares, copied out of its state. */
typedef struct plugin_def {
    int type;       /* Lua type of what the file returned */
    int build_type; /* Lua type of its build field */
    folio_value name, version, needs, options, previous;
    char err[512]; /* a field that is not plain data */
} plugin_def;

static void def_free(plugin_def *d)
{
    folio_value_free(&d->name);
    folio_value_free(&d->version);
    folio_value_free(&d->needs);
    folio_value_free(&d->options);
    folio_value_free(&d->previous);
}

/* The name of a Lua type tag, with no state at hand. */
static const char *type_name(int t)
{
    static const char *const names[] = {"nil",   "boolean",  "userdata", "number", "string",
                                        "table", "function", "userdata", "thread"};
    return t >= 0 && t < (int)(sizeof names / sizeof names[0]) ? names[t] : "no value";
}

/* ---- names and paths ---- */

static bool valid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return false;
    return true;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The folder of report.lua as messages name it: "reports/x" (or "."). */
static void report_display_dir(const folio_report *r, char *out, size_t size)
{
    const char *d = r->display ? r->display : "report.lua";
    const char *slash = strrchr(d, '/');
    if (!slash)
        snprintf(out, size, ".");
    else
        snprintf(out, size, "%.*s", (int)(slash - d), d);
}

/* The standard plugins folder as messages name it: "plugins" for an absolute path (the
 * folder's own name), else the path as given. */
static void std_display_dir(const char *std, char *out, size_t size)
{
    size_t n = strlen(std);
    while (n > 1 && std[n - 1] == '/')
        n--;
    if (std[0] == '/') {
        const char *s = std + n;
        while (s > std && s[-1] != '/')
            s--;
        snprintf(out, size, "%.*s", (int)(std + n - s), s);
    } else {
        snprintf(out, size, "%.*s", (int)n, std);
    }
}

/* ---- loading a plugin ---- */

/* Reads the plugin's fields with raw access (nothing the plugin wrote runs). Protected:
 * [plugin def]. */
static int inspect(lua_State *L)
{
    plugin_def *d = lua_touserdata(L, 2);
    d->type = lua_type(L, 1);
    if (d->type != LUA_TTABLE)
        return 0;
    static const char *const names[] = {"name", "version", "needs", "options", "previous"};
    folio_value *dst[] = {&d->name, &d->version, &d->needs, &d->options, &d->previous};
    for (int i = 0; i < 5; i++) {
        lua_pushstring(L, names[i]); /* p d key */
        lua_rawget(L, 1);            /* p d value */
        char e[sizeof d->err];
        if (!d->err[0] && !folio_value_from_lua(L, -1, dst[i], names[i], e, sizeof e))
            snprintf(d->err, sizeof d->err, "%s", e);
        lua_pop(L, 1);
    }
    lua_pushliteral(L, "build");
    d->build_type = lua_rawget(L, 1);
    lua_pop(L, 1);
    return 0;
}

/* Reads the declarations of the plugin value on top of sb's stack into *def. False (sb freed)
 * after reporting a problem. */
static bool read_def(folio_run *run, const folio_plugin_info *info, folio_sandbox *sb, plugin_def *def)
{
    lua_State *L = folio_sandbox_state(sb);
    *def = (plugin_def){0};
    if (!lua_checkstack(L, 3)) {
        folio_diag_add(run->diag, FOLIO_ERROR, info->display, 0, 0, "%s: out of Lua stack", info->name);
        folio_sandbox_free(sb);
        return false;
    }
    lua_pushcfunction(L, inspect);
    lua_pushvalue(L, -2);
    lua_pushlightuserdata(L, def);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        folio_diag_add(run->diag, FOLIO_ERROR, info->display, 0, 0,
                       "%s: exceeded the memory limit while being read", info->name);
        def_free(def);
        folio_sandbox_free(sb);
        return false;
    }
    return true;
}

/* Starts a sandbox for a plugin file and runs it; on success the value it returned is on the
 * stack and its declarations in *def. NULL after reporting a problem. */
static folio_sandbox *open_plugin(folio_run *run, const folio_plugin_info *info, plugin_def *def)
{
    folio_diag *diag = run->diag;
    char err[512];
    size_t len;
    char *text = folio_read_file(info->path, &len);
    if (!text) {
        folio_diag_add(diag, FOLIO_ERROR, info->display, 0, 0, "cannot read the plugin file");
        return NULL;
    }
    folio_sandbox *sb = folio_sandbox_create(info->name, &run->limits, err, sizeof err);
    if (!sb || !folio_sandbox_run_prelude(sb, err, sizeof err)) {
        folio_diag_add(diag, FOLIO_ERROR, info->display, 0, 0, "%s", err);
        free(text);
        folio_sandbox_free(sb);
        return NULL;
    }
    char chunk[1100];
    snprintf(chunk, sizeof chunk, "@%s", info->display);
    int status = folio_sandbox_load_file(sb, text, len, chunk);
    free(text);
    if (status == LUA_OK)
        status = folio_sandbox_call(sb, 0, 1); /* plugin */
    if (status != LUA_OK) {
        folio_sandbox_report_error(diag, sb, info->display);
        folio_sandbox_free(sb);
        return NULL;
    }
    return read_def(run, info, sb, def) ? sb : NULL;
}

/* The line of path where `name` first appears quoted ("name", 'name' or name =) after the
 * word "needs", so a problem with a declared need points at it; 0 if not found. */
static int needs_line(const char *path, const char *name)
{
    size_t len, nlen = strlen(name);
    char *text = folio_read_file(path, &len);
    if (!text)
        return 0;
    int line = 0;
    const char *start = strstr(text, "needs");
    for (const char *p = start; p && *p && nlen; p++) {
        bool quoted = (*p == '"' || *p == '\'') && strncmp(p + 1, name, nlen) == 0 && p[nlen + 1] == *p;
        bool key = false;
        if (!quoted && p > text && !isalnum((unsigned char)p[-1]) && p[-1] != '_' &&
            strncmp(p, name, nlen) == 0) {
            const char *e = p + nlen;
            while (*e == ' ' || *e == '\t')
                e++;
            key = e[0] == '=' && e[1] != '=';
        }
        if (quoted || key) {
            line = 1;
            for (const char *q = text; q < p; q++)
                line += *q == '\n';
            break;
        }
    }
    free(text);
    return line;
}

/* Checks what a plugin declares: a table with name (the file's), version, build, and
 * well-formed needs and options. Reports every problem; false if any. */
static bool check_def(folio_run *run, const folio_plugin_info *info, const plugin_def *d)
{
    folio_diag *diag = run->diag;
    const char *f = info->display;
    size_t before = diag->errors;
    if (d->type != LUA_TTABLE) {
        folio_diag_add(diag, FOLIO_ERROR, f, 0, 0,
                       "the file must return a table { name =, version =, build = }, got %s",
                       type_name(d->type));
        return false;
    }
    if (d->err[0])
        folio_diag_add(diag, FOLIO_ERROR, f, 0, 0, "%s", d->err);
    if (d->name.kind != FOLIO_V_STRING)
        folio_diag_add(diag, FOLIO_ERROR, f, 0, 0,
                       "name: expected a string (the file name without .lua), got %s",
                       folio_value_type(&d->name));
    else if (strcmp(d->name.str, info->name) != 0)
        folio_diag_add(diag, FOLIO_ERROR, f, 0, 0,
                       "name is \"%s\" but the file is %s.lua; they must be the same", d->name.str,
                       info->name);
    if (d->version.kind != FOLIO_V_STRING)
        folio_diag_add(diag, FOLIO_ERROR, f, 0, 0, "version: expected a string such as \"1.0.0\", got %s",
                       folio_value_type(&d->version));
    if (d->build_type != LUA_TFUNCTION)
        folio_diag_add(diag, FOLIO_ERROR, f, 0, 0, "build: expected a function build(ctx), got %s",
                       type_name(d->build_type));
    if (d->options.kind != FOLIO_V_NIL && d->options.kind != FOLIO_V_TABLE)
        folio_diag_add(diag, FOLIO_ERROR, f, 0, 0,
                       "options: expected a table { name = default, ... }, got %s",
                       folio_value_type(&d->options));
    for (size_t i = 0; d->options.kind == FOLIO_V_TABLE && i < d->options.n; i++)
        if (d->options.keys[i].kind != FOLIO_V_STRING) {
            char key[300];
            folio_value_path(key, sizeof key, "options", &d->options.keys[i]);
            folio_diag_add(diag, FOLIO_ERROR, f, 0, 0, "%s: option names must be strings", key);
        }

    /* previous: true (every input) or a list of inputs it reads over the previous period */
    const folio_report *r = run->report;
    const folio_value *prev = &d->previous;
    if (prev->kind == FOLIO_V_TABLE && folio_value_len(prev) == prev->n) {
        for (size_t i = 0; i < prev->n; i++) {
            const folio_value *v = &prev->vals[i];
            bool found = false;
            for (size_t j = 0; v->kind == FOLIO_V_STRING && j < r->ninputs && !found; j++)
                found = strcmp(r->inputs[j].spec.name, v->str) == 0;
            if (v->kind != FOLIO_V_STRING)
                folio_diag_add(diag, FOLIO_ERROR, f, 0, 0, "previous[%zu]: expected an input name, got %s",
                               i + 1, folio_value_type(v));
            else if (!found)
                folio_diag_add(diag, FOLIO_ERROR, f, needs_line(info->path, v->str), 0,
                               "previous names input \"%s\", which report.lua does not declare", v->str);
        }
    } else if (prev->kind != FOLIO_V_NIL && prev->kind != FOLIO_V_BOOL) {
        folio_diag_add(
            diag, FOLIO_ERROR, f, 0, 0,
            "previous: expected true or a list of inputs { \"survey\", ... } read over the previous "
            "period, got %s",
            folio_value_type(prev));
    }

    /* needs: input -> list of columns, each declared in report.lua's schema */
    const folio_value *needs = &d->needs;
    if (needs->kind != FOLIO_V_NIL && needs->kind != FOLIO_V_TABLE)
        folio_diag_add(diag, FOLIO_ERROR, f, 0, 0,
                       "needs: expected a table { input = { column, ... } }, got %s",
                       folio_value_type(needs));
    for (size_t i = 0; needs->kind == FOLIO_V_TABLE && i < needs->n; i++) {
        const folio_value *k = &needs->keys[i], *cols = &needs->vals[i];
        char path[300];
        folio_value_path(path, sizeof path, "needs", k);
        if (k->kind != FOLIO_V_STRING) {
            folio_diag_add(diag, FOLIO_ERROR, f, 0, 0, "%s: expected an input name", path);
            continue;
        }
        const folio_input *in = NULL;
        for (size_t j = 0; j < r->ninputs && !in; j++)
            if (strcmp(r->inputs[j].spec.name, k->str) == 0)
                in = &r->inputs[j];
        if (!in) {
            folio_diag_add(diag, FOLIO_ERROR, f, needs_line(info->path, k->str), 0,
                           "needs input \"%s\", which report.lua does not declare", k->str);
            continue;
        }
        size_t n = folio_value_len(cols);
        if (cols->kind != FOLIO_V_TABLE || n != cols->n) {
            folio_diag_add(diag, FOLIO_ERROR, f, 0, 0, "%s: expected a list of column names", path);
            continue;
        }
        for (size_t c = 0; c < n; c++) {
            const folio_value *col = &cols->vals[c];
            if (col->kind != FOLIO_V_STRING) {
                folio_diag_add(diag, FOLIO_ERROR, f, 0, 0, "%s[%zu]: expected a column name, got %s", path,
                               c + 1, folio_value_type(col));
                continue;
            }
            bool found = false;
            for (size_t j = 0; j < in->spec.ncols && !found; j++)
                found = strcmp(in->spec.cols[j].name, col->str) == 0;
            if (found)
                continue;
            const char **names = xcalloc(in->spec.ncols + 1, sizeof *names);
            for (size_t j = 0; j < in->spec.ncols; j++)
                names[j] = in->spec.cols[j].name;
            const char *near = folio_nearest_name(col->str, names, in->spec.ncols);
            int line = needs_line(info->path, col->str);
            if (near)
                folio_diag_add(diag, FOLIO_ERROR, f, line, 0,
                               "needs column \"%s\" of input \"%s\", which report.lua does not declare; did "
                               "you mean \"%s\"?",
                               col->str, k->str, near);
            else
                folio_diag_add(diag, FOLIO_ERROR, f, line, 0,
                               "needs column \"%s\" of input \"%s\", which report.lua does not declare",
                               col->str, k->str);
            free(names);
        }
    }
    return diag->errors == before;
}

/* The kind of value a default has, for messages. */
static const char *kind_name(const folio_value *v)
{
    switch (v->kind) {
    case FOLIO_V_BOOL: return "true or false";
    case FOLIO_V_NUMBER: return "a number";
    case FOLIO_V_STRING: return "a string";
    case FOLIO_V_TABLE: return "a table";
    default: return "nil";
    }
}

/* The section option the engine itself handles for every plugin: start the section on a new
 * page. A plugin may declare it too, to change the default (true for most standard sections). */
#define ENGINE_NEW_PAGE "new_page"

/* Whether section s starts on a new page: its own new_page, else its plugin's default. */
static bool section_new_page(const folio_value *section, const plugin_def *d)
{
    const folio_value *v = folio_value_get(section, ENGINE_NEW_PAGE);
    if (!v || v->kind == FOLIO_V_NIL)
        v = folio_value_get(&d->options, ENGINE_NEW_PAGE);
    return v && v->kind == FOLIO_V_BOOL && v->b;
}

/* Checks a section's options against the plugin's: known names, same types as the defaults;
 * new_page is known to every plugin. */
static void check_options(folio_run *run, size_t s, const plugin_def *d)
{
    const folio_report *r = run->report;
    const folio_section *sec = &r->sections[s];
    const folio_value *opts = &sec->options;
    for (size_t i = 0; opts->kind == FOLIO_V_TABLE && i < opts->n; i++) {
        const folio_value *k = &opts->keys[i], *v = &opts->vals[i];
        if (k->kind != FOLIO_V_STRING)
            continue; /* report.c has said so */
        const folio_value *dflt = folio_value_get(&d->options, k->str);
        if (!dflt && strcmp(k->str, ENGINE_NEW_PAGE) == 0) {
            /* An engine option every section has, unless its plugin declares its own. */
            if (v->kind != FOLIO_V_BOOL)
                folio_diag_add(run->diag, FOLIO_ERROR, r->display, 0, 0,
                               "section %zu (%s): option \"%s\" must be true or false; got %s", s + 1,
                               sec->plugin, k->str, folio_value_type(v));
        } else if (!dflt) {
            folio_buf names = {0};
            const char **list = xcalloc(d->options.n + 2, sizeof *list);
            size_t nlist = 0;
            for (size_t j = 0; d->options.kind == FOLIO_V_TABLE && j < d->options.n; j++)
                if (d->options.keys[j].kind == FOLIO_V_STRING) {
                    folio_buf_printf(&names, "%s%s", names.len ? ", " : "", d->options.keys[j].str);
                    list[nlist++] = d->options.keys[j].str;
                }
            list[nlist++] = ENGINE_NEW_PAGE;
            const char *near = folio_nearest_name(k->str, list, nlist);
            free(list);
            if (near)
                folio_diag_add(run->diag, FOLIO_ERROR, r->display, 0, 0,
                               "section %zu (%s): unknown option \"%s\"; did you mean \"%s\"? The plugin's "
                               "options are: %s",
                               s + 1, sec->plugin, k->str, near, names.len ? names.data : "(none)");
            else if (names.len)
                folio_diag_add(run->diag, FOLIO_ERROR, r->display, 0, 0,
                               "section %zu (%s): unknown option \"%s\"; the plugin's options are: %s", s + 1,
                               sec->plugin, k->str, names.data);
            else
                folio_diag_add(run->diag, FOLIO_ERROR, r->display, 0, 0,
                               "section %zu (%s): unknown option \"%s\"; the plugin has no options", s + 1,
                               sec->plugin, k->str);
            folio_buf_free(&names);
        } else if (dflt->kind != FOLIO_V_NIL && v->kind != dflt->kind) {
            folio_diag_add(run->diag, FOLIO_ERROR, r->display, 0, 0,
                           "section %zu (%s): option \"%s\" must be %s, like its default; got %s", s + 1,
                           sec->plugin, k->str, kind_name(dflt), folio_value_type(v));
        }
    }
}

/* Whether a section's options can be checked against d: the plugin file was read and its
 * options are a table (or absent). */
static bool options_checkable(const plugin_def *d)
{
    return d->type == LUA_TTABLE && (d->options.kind == FOLIO_V_TABLE || d->options.kind == FOLIO_V_NIL);
}

/* Finds the file of section s's plugin; fills info. false after reporting. */
static bool find_plugin(folio_run *run, size_t s, folio_plugin_info *info)
{
    const folio_report *r = run->report;
    const char *name = r->sections[s].plugin;
    info->name = xstrdup(name ? name : "");
    if (!name || !valid_name(name)) {
        folio_diag_add(run->diag, FOLIO_ERROR, r->display, 0, 0,
                       "section %zu: plugin name \"%s\" may only hold a-z, 0-9, _ and -", s + 1,
                       name ? name : "");
        return false;
    }
    char ddir[1024], sdir[1024];
    report_display_dir(r, ddir, sizeof ddir);
    std_display_dir(run->std_plugins ? run->std_plugins : "plugins", sdir, sizeof sdir);
    char *local = xasprintf("%s/plugins/%s.lua", r->dir, name);
    if (is_file(local)) {
        info->path = local;
        info->display = xasprintf("%s/plugins/%s.lua", ddir, name);
        info->local = true;
        return true;
    }
    free(local);
    char *std = xasprintf("%s/%s.lua", run->std_plugins ? run->std_plugins : "plugins", name);
    if (is_file(std)) {
        info->path = std;
        info->display = xasprintf("%s/%s.lua", sdir, name);
        return true;
    }
    free(std);
    folio_diag_add(run->diag, FOLIO_ERROR, r->display, 0, 0,
                   "section %zu: no plugin \"%s\" (looked in %s/plugins/ and %s/)", s + 1, name, ddir, sdir);
    return false;
}

/* Records that section s could not be made: its failure is the first error diag received
 * since item `first` (the first line of it, with its place), and the `errors` since then
 * belong to it. */
static void mark_failed(folio_run *run, size_t s, size_t errors, size_t first)
{
    folio_plugin_info *info = &run->plugins[s];
    const folio_diag *d = run->diag;
    const folio_message *m = NULL;
    for (size_t i = first; i < d->n && !m; i++)
        if (d->items[i].severity == FOLIO_ERROR)
            m = &d->items[i];
    free(info->failure);
    if (m) {
        int eol = (int)strcspn(m->text, "\n");
        if (m->file && m->line > 0)
            info->failure = xasprintf("%s:%d: %.*s", m->file, m->line, eol, m->text);
        else if (m->file)
            info->failure = xasprintf("%s: %.*s", m->file, eol, m->text);
        else
            info->failure = xasprintf("%.*s", eol, m->text);
    } else {
        info->failure = xstrdup("the section's plugin could not be loaded");
    }
    run->nfailed++;
    run->failed_errors += d->errors - errors;
}

/* Resolves section s: finds its plugin, runs its file and checks what it declares. ok[s] is
 * whether the plugin itself is good; a later section with the same plugin reuses what the
 * first one found (defs[same], ok[same]) and has only its options checked. */
static void resolve_section(folio_run *run, size_t s, plugin_def *defs, bool *ok)
{
    const folio_report *r = run->report;
    folio_plugin_info *info = &run->plugins[s];
    size_t same = 0;
    while (same < s && strcmp(r->sections[same].plugin, r->sections[s].plugin) != 0)
        same++;
    if (same < s) {
        const folio_plugin_info *o = &run->plugins[same];
        info->name = xstrdup(o->name);
        info->version = o->version ? xstrdup(o->version) : NULL;
        info->path = o->path ? xstrdup(o->path) : NULL;
        info->display = o->display ? xstrdup(o->display) : NULL;
        info->local = o->local;
        folio_value_copy(&info->options, &o->options);
        folio_value_copy(&info->needs, &o->needs);
        folio_value_copy(&info->previous, &o->previous);
        ok[s] = ok[same];
        if (options_checkable(&defs[same]))
            check_options(run, s, &defs[same]);
        if (!ok[s] && o->failure) /* the same failure, reported once */
            info->failure = xstrdup(o->failure);
        return;
    }
    if (!find_plugin(run, s, info))
        return;
    folio_sandbox *sb = open_plugin(run, info, &defs[s]);
    if (!sb)
        return;
    info->kept = sb; /* for the build */
    if (defs[s].version.kind == FOLIO_V_STRING)
        info->version = xstrdup(defs[s].version.str);
    folio_value_copy(&info->options, &defs[s].options);
    folio_value_copy(&info->needs, &defs[s].needs);
    folio_value_copy(&info->previous, &defs[s].previous);
    ok[s] = check_def(run, info, &defs[s]);
    if (options_checkable(&defs[s]))
        check_options(run, s, &defs[s]); /* even when needs are wrong: every problem at once */
}

bool folio_host_resolve(folio_run *run)
{
    if (!run || !run->report || !run->diag)
        return false;
    const folio_report *r = run->report;
    folio_run_free_plugins(run);
    run->plugins = xcalloc(r->nsections ? r->nsections : 1, sizeof *run->plugins);
    run->nplugins = r->nsections;
    run->nfailed = run->failed_errors = 0;
    plugin_def *defs = xcalloc(r->nsections ? r->nsections : 1, sizeof *defs);
    bool *ok = xcalloc(r->nsections ? r->nsections : 1, sizeof *ok);
    size_t before = run->diag->errors;
    for (size_t s = 0; s < r->nsections; s++) {
        size_t errors = run->diag->errors, first = run->diag->n;
        resolve_section(run, s, defs, ok);
        if (run->diag->errors > errors)
            mark_failed(run, s, errors, first);
        else if (run->plugins[s].failure)
            run->nfailed++;
    }
    for (size_t s = 0; s < r->nsections; s++)
        def_free(&defs[s]);
    free(defs);
    free(ok);
    if (run->keep_going)
        return true; /* every problem here belongs to a section, now marked failed */
    return run->diag->errors == before;
}

void folio_run_free_plugins(folio_run *run)
{
    if (!run || !run->plugins)
        return;
    for (size_t i = 0; i < run->nplugins; i++)
        folio_plugin_info_free(&run->plugins[i]);
    free(run->plugins);
    run->plugins = NULL;
    run->nplugins = 0;
}

/* ---- ctx ---- */

/* One section's run, reached by ctx's functions through a light userdata. */
typedef struct job {
    folio_run *run;
    size_t section; /* 0-based */
    const folio_plugin_info *info;
    const folio_value *options; /* defaults overridden by the section's */
    char dir_display[1024];     /* the report folder as messages name it */
    size_t warnings, unshown;
} job;

static int ctx_warn(lua_State *L)
{
    job *j = lua_touserdata(L, lua_upvalueindex(1));
    const char *msg = luaL_checkstring(L, 1);
    int line = 0;
    lua_Debug ar;
    for (int level = 1; level < 32 && lua_getstack(L, level, &ar); level++)
        if (lua_getinfo(L, "Sl", &ar) && ar.source[0] == '@' && ar.currentline > 0) {
            line = ar.currentline;
            break;
        }
    if (++j->warnings > FOLIO_MAX_WARNINGS_SHOWN)
        j->unshown++;
    else
        folio_diag_add(j->run->diag, FOLIO_WARNING, j->info->display, line, 0, "%s", msg);
    return 0;
}

/* ctx.markdown(FILE): the blocks of a Markdown file inside the report folder. The file is read
 * into a userdata, so a Lua error from here on leaves nothing for C to free. */
static int ctx_markdown(lua_State *L)
{
    job *j = lua_touserdata(L, lua_upvalueindex(1));
    const char *name = luaL_checkstring(L, 1);
    const folio_report *r = j->run->report;
    bool dotdot = false;
    for (const char *p = name; *p; p++)
        if (p[0] == '.' && p[1] == '.' && (p == name || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
            dotdot = true;
    if (!*name || name[0] == '/' || dotdot)
        return luaL_error(L,
                          "ctx.markdown: \"%s\" must name a file inside the report folder "
                          "(no absolute path, no \"..\")",
                          name);
    char path[PATH_MAX], real[PATH_MAX], realdir[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", r->dir, name);
    lua_pushfstring(L, "%s/%s", j->dir_display, name); /* name display */
    const char *display = lua_tostring(L, -1);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return luaL_error(L, "ctx.markdown: no file %s", display);
    if (!realpath(path, real) || !realpath(r->dir, realdir) || strncmp(real, realdir, strlen(realdir)) != 0 ||
        real[strlen(realdir)] != '/')
        return luaL_error(L, "ctx.markdown: %s leads outside the report folder", display);
    if ((size_t)st.st_size > MAX_MARKDOWN_BYTES)
        return luaL_error(L, "ctx.markdown: %s is larger than %d MiB", display,
                          (int)(MAX_MARKDOWN_BYTES >> 20));
    size_t size = (size_t)st.st_size;
    char *buf = lua_newuserdatauv(L, size + 1, 0); /* name display buf */
    FILE *f = fopen(path, "rb");
    if (!f)
        return luaL_error(L, "ctx.markdown: cannot read %s", display);
    size_t got = fread(buf, 1, size, f);
    fclose(f);
    buf[got] = '\0';
    return folio_lua_push_markdown(L, buf, got, display);
}

/* __index of ctx, ctx.inputs and ctx.options: reading a name that is not there raises,
 * naming the ones that are (upvalues: what, the list of names). */
static int ctx_missing(lua_State *L)
{
    const char *what = lua_tostring(L, lua_upvalueindex(1));
    const char *names = lua_tostring(L, lua_upvalueindex(2));
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2);
    /* the nearest of the comma-separated names */
    char copy[1024];
    folio_format_cut(copy, sizeof copy, "%s", names);
    const char *list[64];
    size_t n = 0;
    for (char *tok = strtok(copy, ", "); tok && n < 64; tok = strtok(NULL, ", "))
        list[n++] = tok;
    for (size_t i = 0; i < n; i++) /* a field it has that is nil (ctx.previous) */
        if (strcmp(list[i], key) == 0)
            return 0;
    const char *near = folio_nearest_name(key, list, n);
    if (near)
        return luaL_error(L, "%s has no field \"%s\"; did you mean \"%s\"? It has: %s", what, key, near,
                          names);
    return luaL_error(L, "%s has no field \"%s\"; it has: %s", what, key, *names ? names : "(nothing)");
}

/* Gives the table at the top a metatable whose __index raises for names it does not hold,
 * listing `names` (the ones it does). */
static void set_strict(lua_State *L, const char *what, const char *names)
{
    lua_createtable(L, 0, 2);            /* t mt */
    lua_pushstring(L, what);             /* t mt what */
    lua_pushstring(L, names);            /* t mt what names */
    lua_pushcclosure(L, ctx_missing, 2); /* t mt f */
    lua_setfield(L, -2, "__index");      /* t mt */
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2); /* t */
}

/* The string keys of a folio_value table, comma-separated, into out. */
static void key_list(const folio_value *t, char *out, size_t size)
{
    size_t used = 0;
    *out = '\0';
    for (size_t i = 0; t->kind == FOLIO_V_TABLE && i < t->n && used < size; i++)
        if (t->keys[i].kind == FOLIO_V_STRING) {
            int w = snprintf(out + used, size - used, "%s%s", used ? ", " : "", t->keys[i].str);
            used += w > 0 ? (size_t)w : 0;
        }
}

static void set_string(lua_State *L, const char *key, const char *value)
{
    if (value) {
        lua_pushstring(L, value);
        lua_setfield(L, -2, key);
    }
}

/* Sets from, to, label, short and year of the period (or the previous one) on the table at the top. */
static void set_period_fields(lua_State *L, const folio_period *p, bool previous)
{
    int32_t from = previous ? p->prev_from : p->from, to = previous ? p->prev_to : p->to;
    char d[11], label[128], shrt[64];
    if (from != FOLIO_DATE_NONE) {
        folio_date_format(from, d);
        set_string(L, "from", d);
    }
    if (to != FOLIO_DATE_NONE) {
        folio_date_format(to, d);
        set_string(L, "to", d);
    }
    folio_period_describe(p, previous, label, sizeof label, shrt, sizeof shrt);
    set_string(L, "label", label);
    set_string(L, "short", shrt);
    if (p->year) {
        lua_pushinteger(L, p->year - (previous ? 1 : 0));
        lua_setfield(L, -2, "year");
    }
}

/* Pushes ctx.period: the run's period, its year's first day and the previous period's bounds. */
static void push_period(lua_State *L, const folio_report *r)
{
    const folio_period *p = &r->period;
    lua_createtable(L, 0, 8);
    set_period_fields(L, p, false);
    char start[8];
    snprintf(start, sizeof start, "%02d-%02d", p->start_month ? p->start_month : 1,
             p->start_day ? p->start_day : 1);
    set_string(L, "year_start", start);
    if (p->has_previous) {
        lua_createtable(L, 0, 5);
        set_period_fields(L, p, true);
        lua_setfield(L, -2, "previous");
    }
}

/* Whether a plugin reads an input over the previous period (its `previous` field: true for
 * every input, or a list of inputs). */
static bool reads_previous(const folio_plugin_info *info, const char *input)
{
    const folio_value *prev = &info->previous;
    if (prev->kind == FOLIO_V_BOOL)
        return prev->b;
    for (size_t k = 0; prev->kind == FOLIO_V_TABLE && k < prev->n; k++)
        if (prev->vals[k].kind == FOLIO_V_STRING && strcmp(prev->vals[k].str, input) == 0)
            return true;
    return false;
}

void folio_host_mark_previous(const folio_run *run, folio_report *r)
{
    if (!run || !r)
        return;
    for (size_t i = 0; i < r->ninputs; i++) {
        r->inputs[i].spec.keep_previous = false;
        for (size_t s = 0; r->period.has_previous && s < run->nplugins; s++)
            if (reads_previous(&run->plugins[s], r->inputs[i].spec.name))
                r->inputs[i].spec.keep_previous = true;
    }
}

/* Pushes ctx.previous for a plugin that declares `previous` when the period has one: the inputs
 * it reads over the previous period (an undated input is the same table) and that period;
 * else nil. */
static void push_previous(lua_State *L, const job *j)
{
    const folio_run *run = j->run;
    const folio_report *r = run->report;
    const folio_value *decl = &j->info->previous;
    if (!r->period.has_previous || decl->kind == FOLIO_V_NIL || (decl->kind == FOLIO_V_BOOL && !decl->b)) {
        lua_pushnil(L);
        return;
    }
    lua_createtable(L, 0, 2); /* previous */
    char names[1024];
    size_t used = 0;
    names[0] = '\0';
    lua_createtable(L, 0, (int)r->ninputs); /* previous inputs */
    for (size_t i = 0; i < r->ninputs; i++) {
        const folio_inputspec *spec = &r->inputs[i].spec;
        folio_table *t = run->tables ? run->tables[i] : NULL;
        if (!t || !reads_previous(j->info, spec->name))
            continue;
        folio_table *p = folio_table_previous(t); /* NULL for an undated input: the same rows */
        folio_lua_push_table(L, p ? p : t);
        lua_setfield(L, -2, spec->name);
        if (used < sizeof names) {
            int w = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "", spec->name);
            used += w > 0 ? (size_t)w : 0;
        }
    }
    set_strict(L, "ctx.previous.inputs", names);
    lua_setfield(L, -2, "inputs");
    lua_createtable(L, 0, 5);
    set_period_fields(L, &r->period, true);
    lua_setfield(L, -2, "period");
    set_strict(L, "ctx.previous", "inputs, period");
}

/* Pushes ctx.burst: { column =, input =, value =, label =, inputs = { names } } for one report
 * of a burst (--each), false otherwise. */
static void push_burst(lua_State *L, const folio_burst *b)
{
    if (!b) {
        lua_pushboolean(L, 0);
        return;
    }
    lua_createtable(L, 0, 5); /* burst */
    set_string(L, "column", b->column);
    set_string(L, "input", b->input);
    set_string(L, "value", b->value);
    set_string(L, "label", b->label);
    lua_createtable(L, (int)b->ninputs, 0); /* burst inputs */
    for (size_t i = 0; i < b->ninputs; i++) {
        lua_pushstring(L, b->inputs[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "inputs");
}

/* Pushes ctx for the job's section. */
static void push_ctx(lua_State *L, job *j)
{
    folio_run *run = j->run;
    const folio_report *r = run->report;
    luaL_checkstack(L, 10, NULL);
    lua_createtable(L, 0, 8); /* ctx */

    char names[1024];
    size_t used = 0;
    names[0] = '\0';
    lua_createtable(L, 0, (int)r->ninputs); /* ctx inputs */
    for (size_t i = 0; i < r->ninputs; i++) {
        if (!run->tables || !run->tables[i])
            continue;
        folio_lua_push_table(L, run->tables[i]);
        lua_setfield(L, -2, r->inputs[i].spec.name);
        if (used < sizeof names) {
            int w =
                snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "", r->inputs[i].spec.name);
            used += w > 0 ? (size_t)w : 0;
        }
    }
    set_strict(L, "ctx.inputs", names);
    lua_setfield(L, -2, "inputs");

    folio_value_push(L, j->options); /* ctx options */
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
    }
    key_list(j->options, names, sizeof names);
    set_strict(L, "ctx.options", names);
    lua_setfield(L, -2, "options");

    lua_createtable(L, 0, 6); /* ctx report */
    set_string(L, "title", r->title);
    set_string(L, "subtitle", r->subtitle);
    set_string(L, "publisher", r->publisher);
    set_string(L, "lang", r->lang);
    const char *slash = r->dir ? strrchr(r->dir, '/') : NULL;
    set_string(L, "name", slash ? slash + 1 : r->dir);
    set_string(L, "date", run->run_date);
    set_string(L, "logo", r->logo);
    const folio_value *labels = folio_value_get(&r->table, "labels");
    if (labels && labels->kind == FOLIO_V_TABLE) {
        folio_value_push(L, labels);
        lua_setfield(L, -2, "labels");
    }
    lua_setfield(L, -2, "report");

    push_period(L, r);
    lua_setfield(L, -2, "period");
    push_previous(L, j);
    lua_setfield(L, -2, "previous");

    lua_createtable(L, (int)run->nplugins, 0); /* ctx plugins */
    for (size_t i = 0; i < run->nplugins; i++) {
        lua_createtable(L, 0, 4);
        set_string(L, "name", run->plugins[i].name);
        set_string(L, "version", run->plugins[i].version);
        set_string(L, "file", run->plugins[i].display);
        lua_pushinteger(L, (lua_Integer)i + 1);
        lua_setfield(L, -2, "section");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "plugins");

    lua_createtable(L, 0, 2); /* ctx engine */
    set_string(L, "name", "folio");
    set_string(L, "version", run->engine_version ? run->engine_version : "0");
    lua_setfield(L, -2, "engine");

    push_burst(L, run->burst);
    lua_setfield(L, -2, "burst");

    lua_pushlightuserdata(L, j);
    lua_pushcclosure(L, ctx_markdown, 1);
    lua_setfield(L, -2, "markdown");
    lua_pushlightuserdata(L, j);
    lua_pushcclosure(L, ctx_warn, 1);
    lua_setfield(L, -2, "warn");
    set_strict(L, "ctx", "inputs, options, report, period, previous, plugins, engine, burst, markdown, warn");
}

/* Protected, under the budget: [plugin job] -> build(ctx). */
static int section_run(lua_State *L)
{
    job *j = lua_touserdata(L, 2);
    lua_pushliteral(L, "build");
    lua_rawget(L, 1);  /* plugin job build */
    push_ctx(L, j);    /* plugin job build ctx */
    lua_call(L, 1, 1); /* plugin job result */
    return 1;
}

/* The plugin's option defaults overridden by the section's options. */
static void merge_options(const plugin_def *d, const folio_value *section, folio_value *out)
{
    *out = (folio_value){.kind = FOLIO_V_TABLE};
    size_t cap = (d->options.kind == FOLIO_V_TABLE ? d->options.n : 0) +
                 (section->kind == FOLIO_V_TABLE ? section->n : 0);
    out->keys = xcalloc(cap ? cap : 1, sizeof *out->keys);
    out->vals = xcalloc(cap ? cap : 1, sizeof *out->vals);
    for (size_t i = 0; d->options.kind == FOLIO_V_TABLE && i < d->options.n; i++) {
        const folio_value *k = &d->options.keys[i];
        const folio_value *o = k->kind == FOLIO_V_STRING ? folio_value_get(section, k->str) : NULL;
        folio_value_copy(&out->keys[out->n], k);
        folio_value_copy(&out->vals[out->n], o && o->kind != FOLIO_V_NIL ? o : &d->options.vals[i]);
        out->n++;
    }
}

/* Runs one section: the state its plugin was read in (else a fresh sandbox and the plugin
 * file), build(ctx), the blocks. */
static bool build_section(folio_run *run, size_t s)
{
    folio_plugin_info *info = &run->plugins[s];
    if (!info->path)
        return false;
    plugin_def def = {0};
    folio_sandbox *sb = info->kept;
    info->kept = NULL; /* a state builds once: a second build (a burst in one process) starts afresh */
    if (sb) {
        folio_sandbox_restart_clock(sb);
        if (!read_def(run, info, sb, &def))
            return false;
    } else if (!(sb = open_plugin(run, info, &def))) {
        return false;
    }
    bool ok = false;
    folio_value options = {0}, result = {0};
    if (!check_def(run, info, &def))
        goto done;
    merge_options(&def, &run->report->sections[s].options, &options);

    job j = {.run = run, .section = s, .info = info, .options = &options};
    report_display_dir(run->report, j.dir_display, sizeof j.dir_display);
    lua_State *L = folio_sandbox_state(sb);
    if (!lua_checkstack(L, 3)) {
        folio_diag_add(run->diag, FOLIO_ERROR, info->display, 0, 0, "%s: out of Lua stack", info->name);
        goto done;
    }
    lua_pushcfunction(L, section_run); /* plugin section_run */
    lua_insert(L, -2);                 /* section_run plugin */
    lua_pushlightuserdata(L, &j);      /* section_run plugin job */
    int status = folio_sandbox_call(sb, 2, 1);
    if (j.unshown)
        folio_diag_add(run->diag, FOLIO_WARNING, info->display, 0, 0, "%zu more warnings not shown",
                       j.unshown);
    if (status != LUA_OK) {
        folio_sandbox_report_error(run->diag, sb, info->display);
        goto done;
    }
    char err[FOLIO_MAX_MESSAGE];
    if (!folio_value_from_lua(L, -1, &result, "", err, sizeof err)) {
        folio_diag_add(run->diag, FOLIO_ERROR, info->display, 0, 0, "build() result%s%s",
                       err[0] == '[' ? " " : ": ", err);
        goto done;
    }
    lua_pop(L, 1);
    if (run->results)
        folio_value_copy(&run->results[s], &result);
    size_t before = run->doc->n;
    if (section_new_page(&run->report->sections[s].options, &def)) {
        folio_block *br = folio_doc_add_block(run->doc, FOLIO_BLOCK_PAGE_BREAK);
        br->source = folio_doc_strdup(run->doc, info->display);
    }
    ok = folio_blocks_add(run->doc, &result, info->display, run->diag) &&
         folio_doc_load_images(run->doc, before, run->report->dir, j.dir_display, info->display, run->diag);
    if (!ok) /* a section whose blocks or images cannot be used adds nothing */
        run->doc->n = before;
done:
    folio_value_free(&result);
    folio_value_free(&options);
    def_free(&def);
    folio_sandbox_free(sb);
    return ok;
}

/* Puts a boxed error note in section s's place: "This section could not be made: ...". */
static void add_failure_note(folio_run *run, size_t s)
{
    const folio_plugin_info *info = &run->plugins[s];
    folio_doc *d = run->doc;
    folio_block *b = folio_doc_add_block(d, FOLIO_BLOCK_NOTE);
    char *text = xasprintf("This section could not be made: %s", info->failure);
    b->u.note.text = folio_text_plain(d, text);
    b->u.note.error = true;
    b->source = folio_doc_strdup(d, info->display ? info->display : run->report->display);
    free(text);
}

bool folio_host_build(folio_run *run)
{
    if (!run || !run->report || !run->doc || !run->diag)
        return false;
    const folio_report *r = run->report;
    if (run->nplugins != r->nsections) {
        folio_diag_add(run->diag, FOLIO_ERROR, r->display, 0, 0, "the plugins were not resolved");
        return false;
    }
    folio_doc *d = run->doc;
    folio_doc_set_meta(d, r->title, r->subtitle, r->publisher, r->lang);
    char creator[64];
    snprintf(creator, sizeof creator, "folio %s", run->engine_version ? run->engine_version : "");
    d->creator = folio_doc_strdup(d, creator);
    for (size_t s = 0; s < r->nsections; s++) {
        size_t errors = run->diag->errors, first = run->diag->n;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        run->plugins[s].ran = !run->plugins[s].failure;
        run->plugins[s].built = run->plugins[s].ran && build_section(run, s);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        run->plugins[s].seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (run->plugins[s].built)
            continue;
        if (!run->keep_going)
            return false;
        if (!run->plugins[s].failure) /* failed now, not while resolving */
            mark_failed(run, s, errors, first);
        add_failure_note(run, s);
    }
    return true;
}

void folio_plugin_info_free(folio_plugin_info *info)
{
    if (!info)
        return;
    free(info->name);
    free(info->version);
    free(info->path);
    free(info->display);
    free(info->failure);
    folio_sandbox_free(info->kept);
    info->kept = NULL;
    folio_value_free(&info->options);
    folio_value_free(&info->needs);
    folio_value_free(&info->previous);
}

bool folio_host_describe(folio_plugin_info *info, const folio_limits *limits, folio_diag *diag)
{
    if (!info || !info->path || !info->display || !diag)
        return false;
    if (!info->name) {
        const char *base = strrchr(info->path, '/');
        base = base ? base + 1 : info->path;
        size_t n = strlen(base);
        info->name = xstrndup(base, n > 4 && strcmp(base + n - 4, ".lua") == 0 ? n - 4 : n);
    }
    folio_run run = {.diag = diag, .limits = limits ? *limits : folio_limits_default()};
    plugin_def def = {0};
    folio_sandbox *sb = open_plugin(&run, info, &def);
    if (!sb)
        return false;
    folio_sandbox_free(sb);
    if (def.version.kind == FOLIO_V_STRING)
        info->version = xstrdup(def.version.str);
    folio_value_copy(&info->options, &def.options);
    folio_value_copy(&info->needs, &def.needs);
    folio_value_copy(&info->previous, &def.previous);
    def_free(&def);
    return true;
}
