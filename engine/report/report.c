/* report.lua: evaluated in the sandbox, copied out as plain data, then checked field by
 * field into a folio_report. Every shape problem is reported (not just the first), each
 * naming report.lua and the path of the field: "inputs.survey.schema.org_type: ...". */
#include "report/report.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/limits.h"
#include "core/util.h"
#include "layout/fontreg.h"
#include "lua/sandbox.h"
#include "pdf/pdfa.h"

#define MM_TO_PT (72.0 / 25.4)
#define MAX_MARGIN_MM 100.0

typedef struct loader {
    folio_report *r;
    const folio_report_options *opt;
    folio_diag *diag;
    char dir_display[1024]; /* the report folder as messages name it */
    folio_fontreg *fonts;   /* the bundled family, then fontconfig */
    const folio_value *fallback; /* theme.fallback, or NULL for the default chain */
} loader;

static void bad(loader *ld, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void bad(loader *ld, const char *path, const char *fmt, ...)
{
    char msg[FOLIO_MAX_MESSAGE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (*path)
        folio_diag_add(ld->diag, FOLIO_ERROR, ld->r->display, 0, 0, "%s: %s", path, msg);
    else
        folio_diag_add(ld->diag, FOLIO_ERROR, ld->r->display, 0, 0, "%s", msg);
}

/* Records an allocation the report owns and returns it. */
static void *own(folio_report *r, void *p)
{
    if (r->nowned == r->capowned) {
        r->capowned = r->capowned ? r->capowned * 2 : 32;
        r->owned = xrealloc(r->owned, r->capowned * sizeof *r->owned);
    }
    r->owned[r->nowned++] = p;
    return p;
}

static char *own_str(folio_report *r, const char *s)
{
    return s ? own(r, xstrdup(s)) : NULL;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void sub(char *buf, size_t size, const char *path, const char *field)
{
    folio_format_cut(buf, size, "%s%s%s", path, *path ? "." : "", field);
}

/* Reports every key of t that is not one of `fields`. */
static void check_fields(loader *ld, const char *path, const folio_value *t, const char *const *fields)
{
    for (size_t i = 0; i < t->n; i++) {
        const folio_value *k = &t->keys[i];
        bool ok = false;
        for (const char *const *f = fields; *f && !ok; f++)
            ok = k->kind == FOLIO_V_STRING && strcmp(k->str, *f) == 0;
        if (ok)
            continue;
        char list[300] = "", key[300];
        for (const char *const *f = fields; *f; f++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", f == fields ? "" : ", ", *f);
        folio_value_path(key, sizeof key, path, k);
        const char *near = NULL;
        if (k->kind == FOLIO_V_STRING) {
            size_t nf = 0;
            while (fields[nf])
                nf++;
            near = folio_nearest_name(k->str, (const char *const *)fields, nf);
        }
        if (near)
            bad(ld, key, "unknown field; did you mean \"%s\"? Expected one of %s", near, list);
        else
            bad(ld, key, "unknown field; expected one of %s", list);
    }
}

static const folio_value *field(const folio_value *t, const char *name)
{
    const folio_value *v = folio_value_get(t, name);
    return v && v->kind != FOLIO_V_NIL ? v : NULL;
}

/* A string field (owned by the report), or NULL when absent or wrong (reported). */
static char *get_string(loader *ld, const char *path, const folio_value *t, const char *name, bool required)
{
    const folio_value *v = field(t, name);
    char p[512];
    sub(p, sizeof p, path, name);
    if (!v) {
        if (required)
            bad(ld, p, "missing; expected a string");
        return NULL;
    }
    if (v->kind != FOLIO_V_STRING) {
        bad(ld, p, "expected a string, got %s", folio_value_type(v));
        return NULL;
    }
    return own_str(ld->r, v->str);
}

/* A table field, or NULL when absent or wrong (reported). */
static const folio_value *get_table(loader *ld, const char *path, const folio_value *t, const char *name,
                                    bool required, const char *what)
{
    const folio_value *v = field(t, name);
    char p[512];
    sub(p, sizeof p, path, name);
    if (!v) {
        if (required)
            bad(ld, p, "missing; expected %s", what);
        return NULL;
    }
    if (v->kind != FOLIO_V_TABLE) {
        bad(ld, p, "expected %s, got %s", what, folio_value_type(v));
        return NULL;
    }
    return v;
}

/* ---- page and theme ---- */

static void load_page(loader *ld, const folio_value *page)
{
    static const char *const fields[] = {"size", "margins", NULL};
    static const char *const sides[] = {"top", "bottom", "left", "right", NULL};
    folio_theme *th = &ld->r->theme;
    check_fields(ld, "page", page, fields);
    const folio_value *size = field(page, "size");
    if (size) {
        if (size->kind == FOLIO_V_STRING && strcasecmp(size->str, "A4") == 0) {
            th->page_w = 595.276;
            th->page_h = 841.89;
        } else if (size->kind == FOLIO_V_STRING && strcasecmp(size->str, "letter") == 0) {
            th->page_w = 612;
            th->page_h = 792;
        } else {
            bad(ld, "page.size", "expected \"A4\" or \"letter\"%s%s%s",
                size->kind == FOLIO_V_STRING ? ", got \"" : "", size->kind == FOLIO_V_STRING ? size->str : "",
                size->kind == FOLIO_V_STRING ? "\"" : "");
        }
    }
    const folio_value *m =
        get_table(ld, "page", page, "margins", false, "{ top =, bottom =, left =, right = } in mm");
    if (!m)
        return;
    check_fields(ld, "page.margins", m, sides);
    double *dst[] = {&th->margin_top, &th->margin_bottom, &th->margin_left, &th->margin_right};
    for (int i = 0; sides[i]; i++) {
        const folio_value *v = field(m, sides[i]);
        char p[64];
        sub(p, sizeof p, "page.margins", sides[i]);
        if (!v)
            continue;
        if (v->kind != FOLIO_V_NUMBER || !(v->num >= 0 && v->num <= MAX_MARGIN_MM))
            bad(ld, p, "expected a number of millimetres from 0 to %g", MAX_MARGIN_MM);
        else
            *dst[i] = v->num * MM_TO_PT;
    }
}

/* "#rrggbb" -> 0xRRGGBB; false if malformed. */
static bool parse_colour(const char *s, uint32_t *out)
{
    if (strlen(s) != 7 || s[0] != '#')
        return false;
    for (int i = 1; i < 7; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    *out = (uint32_t)strtoul(s + 1, NULL, 16);
    return true;
}

/* theme.font: a family's four faces through the registry. A family that is not installed is
 * an error (a report that names a family means it), listing the close matches. */
static void load_family(loader *ld, const char *family)
{
    for (int i = 0; i < FOLIO_FACES; i++) {
        char err[FOLIO_MAX_MESSAGE];
        const char *path = folio_fontreg_find(ld->fonts, family, i, err, sizeof err);
        if (!path) {
            bad(ld, "theme.font", "%s", err);
            return;
        }
        ld->r->font_files[i] = own_str(ld->r, path);
    }
    ld->r->font_family = own_str(ld->r, family);
}

static void load_theme(loader *ld, const folio_value *theme)
{
    static const char *const fields[] = {"font_size", "leading", "accent",   "text",         "muted",
                                         "font",      "fonts",   "fallback", "ragged_right", NULL};
    static const char *const faces[] = {"regular", "bold", "italic", "bold_italic", NULL};
    folio_theme *th = &ld->r->theme;
    check_fields(ld, "theme", theme, fields);
    const folio_value *v = field(theme, "font_size");
    if (v && (v->kind != FOLIO_V_NUMBER || !(v->num >= 6 && v->num <= 24)))
        bad(ld, "theme.font_size", "expected a size in points from 6 to 24");
    else if (v)
        th->font_size = v->num;
    v = field(theme, "leading");
    if (v && (v->kind != FOLIO_V_NUMBER || !(v->num >= 1 && v->num <= 3)))
        bad(ld, "theme.leading", "expected a line height from 1 to 3 (times the font size)");
    else if (v)
        th->leading = v->num;
    v = field(theme, "ragged_right");
    if (v && v->kind != FOLIO_V_BOOL)
        bad(ld, "theme.ragged_right", "expected true or false");
    else if (v)
        th->ragged_right = v->b;
    const char *colours[] = {"accent", "text", "muted"};
    uint32_t *cdst[] = {&th->accent, &th->text, &th->muted};
    for (int i = 0; i < 3; i++) {
        v = field(theme, colours[i]);
        char p[64];
        sub(p, sizeof p, "theme", colours[i]);
        if (v && (v->kind != FOLIO_V_STRING || !parse_colour(v->str, cdst[i])))
            bad(ld, p, "expected a colour \"#rrggbb\"");
    }
    char *family = get_string(ld, "theme", theme, "font", false);
    if (family && !*family)
        bad(ld, "theme.font", "expected a font family name, e.g. \"DejaVu Serif\"");
    else if (family)
        load_family(ld, family);
    ld->fallback = get_table(ld, "theme", theme, "fallback", false, "a list of font families { \"DejaVu Sans\", ... }");
    const folio_value *fonts =
        get_table(ld, "theme", theme, "fonts", false, "{ regular =, bold =, italic =, bold_italic = }");
    if (!fonts)
        return;
    check_fields(ld, "theme.fonts", fonts, faces);
    for (int i = 0; faces[i]; i++) {
        char p[64];
        sub(p, sizeof p, "theme.fonts", faces[i]);
        char *file = get_string(ld, "theme.fonts", fonts, faces[i], false);
        if (!file)
            continue;
        char *path = file[0] == '/' ? own_str(ld->r, file) : own(ld->r, xasprintf("%s/%s", ld->r->dir, file));
        char why[FOLIO_MAX_MESSAGE];
        if (!is_file(path))
            bad(ld, p, "no file %s/%s", ld->dir_display, file);
        else if (!folio_fontreg_check_file(path, why, sizeof why))
            bad(ld, p, "%s", why);
        else
            ld->r->font_files[i] = path;
        if (!family)
            ld->r->font_family = NULL; /* the faces are files, not a family */
    }
}

/* The fallback chain: theme.fallback's families (each must be installed), else the default
 * chain (families missing here are skipped quietly). The main family is never its own
 * fallback. */
static void load_fallback(loader *ld)
{
    folio_report *r = ld->r;
    static const char *const defaults[] = {FOLIO_DEFAULT_FALLBACK};
    size_t n = ld->fallback ? folio_value_len(ld->fallback) : sizeof defaults / sizeof *defaults;
    if (ld->fallback && n != ld->fallback->n)
        bad(ld, "theme.fallback", "expected a list of font families { \"DejaVu Sans\", ... }");
    r->fallback_families = xcalloc(n ? n : 1, sizeof *r->fallback_families);
    r->fallback_files = xcalloc(n ? n * FOLIO_FACES : 1, sizeof *r->fallback_files);
    for (size_t k = 0; k < n; k++) {
        const char *family = ld->fallback ? NULL : defaults[k];
        char p[64];
        snprintf(p, sizeof p, "theme.fallback[%zu]", k + 1);
        if (ld->fallback) {
            const folio_value *v = &ld->fallback->vals[k];
            if (v->kind != FOLIO_V_STRING || !*v->str) {
                bad(ld, p, "expected a font family name, got %s", folio_value_type(v));
                continue;
            }
            family = v->str;
        }
        const char *main_family = r->font_family ? r->font_family : FOLIO_BUNDLED_FAMILY;
        if (!strcasecmp(family, main_family))
            continue;
        const char *files[FOLIO_FACES];
        bool found = true;
        for (int i = 0; i < FOLIO_FACES && found; i++) {
            char err[FOLIO_MAX_MESSAGE];
            files[i] = folio_fontreg_find(ld->fonts, family, i, err, sizeof err);
            found = files[i] != NULL;
            if (!found && ld->fallback)
                bad(ld, p, "%s", err);
        }
        if (!found)
            continue;
        r->fallback_families[r->nfallback] = own_str(r, family);
        for (int i = 0; i < FOLIO_FACES; i++)
            r->fallback_files[r->nfallback * FOLIO_FACES + (size_t)i] = own_str(r, files[i]);
        r->nfallback++;
    }
}

/* ---- inputs ---- */

static const char *const type_names[] = {"text", "integer", "number", "date", "yesno", "code", "multi", NULL};

static bool is_name(const char *s)
{
    if (!*s || isdigit((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

/* One schema entry: "type" or { "type", values =, min =, max =, optional =, required = }. */
static void load_column(loader *ld, const char *path, const char *name, const folio_value *v,
                        folio_colspec *c)
{
    static const char *const fields[] = {"values", "min", "max", "optional", "required", NULL};
    folio_report *r = ld->r;
    c->name = own_str(r, name);
    const folio_value *type = v;
    if (v->kind == FOLIO_V_TABLE) {
        size_t n = folio_value_len(v);
        type = n >= 1 ? &v->vals[0] : NULL;
        if (n > 1)
            bad(ld, path,
                "expected { \"type\", values =, min =, max =, optional =, required = }; "
                "only the type goes first");
        folio_value named = *v;
        named.keys += n;
        named.vals += n;
        named.n -= n;
        check_fields(ld, path, &named, fields);
    } else if (v->kind != FOLIO_V_STRING) {
        bad(ld, path, "expected a type (\"text\", \"code\", ...) or { \"type\", ... }, got %s",
            folio_value_type(v));
        return;
    }
    if (!type || type->kind != FOLIO_V_STRING) {
        bad(ld, path, "expected the column's type first, e.g. { \"code\", values = { ... } }");
        return;
    }
    int t = 0;
    while (type_names[t] && strcmp(type_names[t], type->str) != 0)
        t++;
    if (!type_names[t]) {
        bad(ld, path, "unknown type \"%s\"; expected one of text, integer, number, date, yesno, code, multi",
            type->str);
        return;
    }
    c->type = (folio_type)t;
    if (v->kind != FOLIO_V_TABLE)
        return;

    char p[512];
    const folio_value *values = field(v, "values");
    sub(p, sizeof p, path, "values");
    if (values && c->type != FOLIO_CODE && c->type != FOLIO_MULTI) {
        bad(ld, p, "only code and multi columns have values");
    } else if (values) {
        size_t n = folio_value_len(values);
        if (values->kind != FOLIO_V_TABLE || n != values->n || n == 0) {
            bad(ld, p, "expected a list of codes");
        } else if (n > FOLIO_MAX_CODES) {
            bad(ld, p, "%zu codes; at most %d are allowed", n, FOLIO_MAX_CODES);
        } else {
            const char **codes = own(r, xcalloc(n, sizeof *codes));
            bool ok = true;
            for (size_t i = 0; i < n; i++) {
                const folio_value *code = &values->vals[i];
                size_t tlen = code->kind == FOLIO_V_STRING ? code->len : 0;
                if (tlen)
                    (void)folio_trim(code->str, &tlen);
                if (code->kind != FOLIO_V_STRING || tlen == 0) {
                    bad(ld, p, "code %zu: expected a non-empty string", i + 1);
                    ok = false;
                    continue;
                }
                if (tlen != code->len) { /* answers are trimmed, so " a" could never match */
                    bad(ld, p, "code %zu: \"%s\" has spaces around it; write it without", i + 1, code->str);
                    ok = false;
                    continue;
                }
                for (size_t j = 0; j < i; j++)
                    if (codes[j] && folio_code_equal(codes[j], strlen(codes[j]), code->str)) {
                        bad(ld, p, "code \"%s\" is listed twice", code->str);
                        ok = false;
                    }
                codes[i] = own_str(r, code->str);
            }
            if (ok) {
                c->codes = codes;
                c->ncodes = n;
            }
        }
    }
    const folio_value *min = field(v, "min"), *max = field(v, "max");
    if ((min || max) && c->type != FOLIO_INTEGER && c->type != FOLIO_NUMBER) {
        bad(ld, path, "only integer and number columns have min and max");
    } else if (min || max) {
        c->has_range = true;
        c->min = -HUGE_VAL;
        c->max = HUGE_VAL;
        if (min && min->kind != FOLIO_V_NUMBER) {
            sub(p, sizeof p, path, "min");
            bad(ld, p, "expected a number, got %s", folio_value_type(min));
        } else if (min) {
            c->min = min->num;
        }
        if (max && max->kind != FOLIO_V_NUMBER) {
            sub(p, sizeof p, path, "max");
            bad(ld, p, "expected a number, got %s", folio_value_type(max));
        } else if (max) {
            c->max = max->num;
        }
        if (c->min > c->max)
            bad(ld, path, "min is greater than max");
    }
    const char *flags[] = {"optional", "required"};
    bool *fdst[] = {&c->optional, &c->required_value};
    for (int i = 0; i < 2; i++) {
        const folio_value *f = field(v, flags[i]);
        sub(p, sizeof p, path, flags[i]);
        if (f && f->kind != FOLIO_V_BOOL)
            bad(ld, p, "expected true or false, got %s", folio_value_type(f));
        else if (f)
            *fdst[i] = f->b;
    }
}

static folio_colspec *find_col(folio_input *in, const char *name)
{
    for (size_t i = 0; i < in->spec.ncols; i++)
        if (strcmp(in->cols[i].name, name) == 0)
            return &in->cols[i];
    return NULL;
}

/* columns = { contract name = "header in the file" } */
static void load_headers(loader *ld, const char *path, const folio_value *cols, folio_input *in)
{
    for (size_t i = 0; i < cols->n; i++) {
        char p[512];
        folio_value_path(p, sizeof p, path, &cols->keys[i]);
        folio_colspec *c = cols->keys[i].kind == FOLIO_V_STRING ? find_col(in, cols->keys[i].str) : NULL;
        if (!c)
            bad(ld, p, "not a column of the schema");
        else if (cols->vals[i].kind != FOLIO_V_STRING)
            bad(ld, p, "expected the column's header in the file (a string), got %s",
                folio_value_type(&cols->vals[i]));
        else
            c->header = own_str(ld->r, cols->vals[i].str);
    }
}

/* values = { column = { ["raw answer"] = "code", ... } } */
static void load_values(loader *ld, const char *path, const folio_value *vals, folio_input *in)
{
    for (size_t i = 0; i < vals->n; i++) {
        char p[512];
        folio_value_path(p, sizeof p, path, &vals->keys[i]);
        folio_colspec *c = vals->keys[i].kind == FOLIO_V_STRING ? find_col(in, vals->keys[i].str) : NULL;
        const folio_value *map = &vals->vals[i];
        if (!c) {
            bad(ld, p, "not a column of the schema");
            continue;
        }
        if (c->type != FOLIO_CODE && c->type != FOLIO_MULTI && c->type != FOLIO_YESNO) {
            bad(ld, p, "only code, multi and yesno columns can map answers to codes");
            continue;
        }
        if (map->kind != FOLIO_V_TABLE) {
            bad(ld, p, "expected { [\"raw answer\"] = \"code\", ... }, got %s", folio_value_type(map));
            continue;
        }
        const char **from = own(ld->r, xcalloc(map->n ? map->n : 1, sizeof *from));
        const char **to = own(ld->r, xcalloc(map->n ? map->n : 1, sizeof *to));
        size_t n = 0;
        for (size_t j = 0; j < map->n; j++) {
            char q[600];
            folio_value_path(q, sizeof q, p, &map->keys[j]);
            const folio_value *k = &map->keys[j], *v = &map->vals[j];
            if (k->kind != FOLIO_V_STRING || v->kind != FOLIO_V_STRING) {
                bad(ld, q, "expected [\"raw answer\"] = \"code\"");
                continue;
            }
            bool known = !c->codes;
            for (size_t m = 0; m < c->ncodes && !known; m++)
                known = folio_code_equal(c->codes[m], strlen(c->codes[m]), v->str);
            if (!known) {
                bad(ld, q, "\"%s\" is not one of the column's codes", v->str);
                continue;
            }
            from[n] = own_str(ld->r, k->str);
            to[n] = own_str(ld->r, v->str);
            n++;
        }
        c->map_from = from;
        c->map_to = to;
        c->nmap = n;
    }
}

static void load_input(loader *ld, const char *name, const folio_value *v, folio_input *in)
{
    static const char *const fields[] = {"file",    "date",   "key",    "period",
                                         "columns", "values", "schema", NULL};
    folio_report *r = ld->r;
    char path[300], p[400];
    snprintf(path, sizeof path, "inputs.%s", name);
    in->spec.name = own_str(r, name);
    in->spec.from = r->period.from;
    in->spec.to = r->period.to;
    in->spec.has_previous = r->period.has_previous;
    in->spec.prev_from = r->period.prev_from;
    in->spec.prev_to = r->period.prev_to;
    if (v->kind != FOLIO_V_TABLE) {
        bad(ld, path, "expected { file =, schema = { ... } }, got %s", folio_value_type(v));
        return;
    }
    check_fields(ld, path, v, fields);

    char *file = get_string(ld, path, v, "file", true);
    if (file) {
        in->file = file;
        /* Messages and the report name the file as report.lua does, wherever it is read from,
         * so that --data gives the same report word for word. */
        in->spec.display_path = file;
        if (ld->opt && ld->opt->data_dir) {
            const char *base = strrchr(file, '/');
            in->spec.path = own(r, xasprintf("%s/%s", ld->opt->data_dir, base ? base + 1 : file));
        } else if (file[0] == '/') {
            in->spec.path = file;
        } else {
            in->spec.path = own(r, xasprintf("%s/%s", r->dir, file));
        }
    }

    /* schema: column name -> type; the columns in name order */
    const folio_value *schema = get_table(ld, path, v, "schema", true, "{ column = \"type\", ... }");
    if (schema) {
        in->cols = xcalloc(schema->n ? schema->n : 1, sizeof *in->cols);
        sub(p, sizeof p, path, "schema");
        if (schema->n == 0)
            bad(ld, p, "expected at least one column");
        if (schema->n > FOLIO_MAX_COLUMNS)
            bad(ld, p, "more than %d columns", FOLIO_MAX_COLUMNS);
        for (size_t i = 0; i < schema->n; i++) {
            const folio_value *k = &schema->keys[i];
            char q[600];
            folio_value_path(q, sizeof q, p, k);
            if (k->kind != FOLIO_V_STRING || !is_name(k->str)) {
                bad(ld, q, "expected a column name (letters, digits and _) as the key");
                continue;
            }
            load_column(ld, q, k->str, &schema->vals[i], &in->cols[in->spec.ncols++]);
        }
        in->spec.cols = in->cols;
    }

    char *date = get_string(ld, path, v, "date", false);
    char *key = get_string(ld, path, v, "key", false);
    if (date && schema) {
        folio_colspec *c = find_col(in, date);
        sub(p, sizeof p, path, "date");
        if (!c)
            bad(ld, p, "\"%s\" is not a column of the schema", date);
        else if (c->type != FOLIO_DATE)
            bad(ld, p, "\"%s\" must be a date column", date);
        else
            in->spec.date_col = date;
    }
    if (key && schema) {
        sub(p, sizeof p, path, "key");
        if (!find_col(in, key))
            bad(ld, p, "\"%s\" is not a column of the schema", key);
        else
            in->spec.key_col = key;
    }
    in->spec.period_rule = date ? FOLIO_PERIOD_WITHIN : FOLIO_PERIOD_NONE;
    const folio_value *period = field(v, "period");
    sub(p, sizeof p, path, "period");
    if (period) {
        static const char *const rules[] = {"within", "until", "none"};
        int i = 0;
        while (i < 3 && !(period->kind == FOLIO_V_STRING && strcmp(period->str, rules[i]) == 0))
            i++;
        if (i == 3)
            bad(ld, p, "expected \"within\", \"until\" or \"none\"");
        else if (i < 2 && !date)
            bad(ld, p, "\"%s\" needs a date column (date = \"column\")", rules[i]);
        else
            in->spec.period_rule = (folio_period_rule)i;
    }
    if (schema) {
        const folio_value *cols =
            get_table(ld, path, v, "columns", false, "{ column = \"header in the file\" }");
        sub(p, sizeof p, path, "columns");
        if (cols)
            load_headers(ld, p, cols, in);
        const folio_value *vals =
            get_table(ld, path, v, "values", false, "{ column = { [\"answer\"] = \"code\" } }");
        sub(p, sizeof p, path, "values");
        if (vals)
            load_values(ld, p, vals, in);
    }
}

/* ---- sections ---- */

static void load_sections(loader *ld, const folio_value *secs)
{
    folio_report *r = ld->r;
    size_t n = folio_value_len(secs);
    if (n != secs->n) {
        bad(ld, "sections", "expected a list { { \"plugin\", option = value }, ... }");
        return;
    }
    if (n == 0) {
        bad(ld, "sections", "expected at least one section");
        return;
    }
    if (n > FOLIO_MAX_SECTIONS) {
        bad(ld, "sections", "%zu sections; at most %d are allowed", n, FOLIO_MAX_SECTIONS);
        return;
    }
    r->sections = xcalloc(n, sizeof *r->sections);
    r->nsections = n;
    for (size_t i = 0; i < n; i++) {
        folio_section *s = &r->sections[i];
        const folio_value *v = &secs->vals[i];
        char p[64];
        snprintf(p, sizeof p, "section %zu", i + 1);
        s->options = (folio_value){.kind = FOLIO_V_TABLE};
        if (v->kind != FOLIO_V_TABLE || folio_value_len(v) < 1 || v->vals[0].kind != FOLIO_V_STRING) {
            bad(ld, p, "expected { \"plugin-name\", option = value, ... }");
            s->plugin = xstrdup("");
            continue;
        }
        s->plugin = xstrdup(v->vals[0].str);
        size_t nopt = v->n - 1;
        s->options.keys = xcalloc(nopt ? nopt : 1, sizeof *s->options.keys);
        s->options.vals = xcalloc(nopt ? nopt : 1, sizeof *s->options.vals);
        for (size_t j = 1; j < v->n; j++) {
            const folio_value *k = &v->keys[j];
            if (k->kind != FOLIO_V_STRING) {
                char key[300];
                folio_value_path(key, sizeof key, p, k);
                bad(ld, key, "options are written name = value, after the plugin's name");
                continue;
            }
            folio_value_copy(&s->options.keys[s->options.n], k);
            folio_value_copy(&s->options.vals[s->options.n], &v->vals[j]);
            s->options.n++;
        }
    }
}

/* labels = { kind = { code = "label", ... } }: how plugins write codes (ctx.report.labels). */
static void load_labels(loader *ld, const folio_value *labels)
{
    for (size_t i = 0; i < labels->n; i++) {
        char p[300];
        folio_value_path(p, sizeof p, "labels", &labels->keys[i]);
        const folio_value *map = &labels->vals[i];
        if (labels->keys[i].kind != FOLIO_V_STRING || map->kind != FOLIO_V_TABLE) {
            bad(ld, p, "expected kind = { code = \"label\", ... }");
            continue;
        }
        for (size_t j = 0; j < map->n; j++)
            if (map->keys[j].kind != FOLIO_V_STRING || map->vals[j].kind != FOLIO_V_STRING) {
                char q[600];
                folio_value_path(q, sizeof q, p, &map->keys[j]);
                bad(ld, q, "expected code = \"label\" (strings)");
            }
    }
}

/* ---- limits ---- */

/* limits = { memory = "512 MiB" or bytes, instructions = N, seconds = N }: the sandbox's budget
 * for every plugin run. Each is read as the command line reads it (a number as its digits). */
static void load_limits(loader *ld, const folio_value *t)
{
    static const char *const fields[] = {"memory", "instructions", "seconds", NULL};
    static const char *const help[] = {FOLIO_LIMITS_MEMORY_HELP, FOLIO_LIMITS_INSTRUCTIONS_HELP,
                                       FOLIO_LIMITS_SECONDS_HELP};
    folio_limits *lim = &ld->r->limits;
    check_fields(ld, "limits", t, fields);
    for (int i = 0; fields[i]; i++) {
        const folio_value *v = field(t, fields[i]);
        if (!v)
            continue;
        char p[64], text[64], shown[80];
        sub(p, sizeof p, "limits", fields[i]);
        if (v->kind == FOLIO_V_NUMBER) {
            snprintf(text, sizeof text, "%.17g", v->num);
            snprintf(shown, sizeof shown, "%s", text);
        } else if (v->kind == FOLIO_V_STRING) {
            folio_format_cut(text, sizeof text, "%s", v->str);
            folio_format_cut(shown, sizeof shown, "\"%s\"", v->str);
        } else {
            bad(ld, p, "expected %s, got %s", help[i], folio_value_type(v));
            continue;
        }
        bool ok = (v->kind == FOLIO_V_STRING && v->len >= sizeof text) ? false
                  : i == 0 ? folio_limits_parse_memory(text, &lim->memory)
                  : i == 1 ? folio_limits_parse_instructions(text, &lim->instructions)
                           : folio_limits_parse_seconds(text, &lim->seconds);
        if (!ok)
            bad(ld, p, "expected %s, got %s", help[i], shown);
    }
}

/* The year's first day (year_start = "MM-DD") and the run's period from the options. */
static void load_period(loader *ld, const folio_value *t)
{
    folio_period *p = &ld->r->period;
    p->start_month = p->start_day = 1;
    const folio_value *v = field(t, "year_start");
    if (v &&
        (v->kind != FOLIO_V_STRING || !folio_period_parse_start(v->str, &p->start_month, &p->start_day))) {
        char shown[80];
        if (v->kind == FOLIO_V_STRING)
            folio_format_cut(shown, sizeof shown, "\"%s\"", v->str);
        else
            snprintf(shown, sizeof shown, "%s", folio_value_type(v));
        bad(ld, "year_start",
            "expected the year's first day as \"MM-DD\", such as \"04-01\" for 1 April (UK financial "
            "years), got %s",
            shown);
    }
    const folio_report_options *o = ld->opt;
    folio_period_set(p, o ? o->year : 0, o ? o->from : FOLIO_DATE_NONE, o ? o->to : FOLIO_DATE_NONE);
}

/* pdf_standard = "a-2b" or { "ua-1", "a-2a" } or "none" (pdf/pdfa.h). */
#define PDF_STANDARD_LUA_HELP                                                                                \
    "\"a-2b\", \"a-2a\", \"ua-1\" or \"none\", or a list such as { \"ua-1\", \"a-2a\" }"
static void load_pdf_standard(loader *ld, const folio_value *v)
{
    if (v->kind != FOLIO_V_STRING && (v->kind != FOLIO_V_TABLE || v->n == 0)) {
        bad(ld, "pdf_standard", "expected " PDF_STANDARD_LUA_HELP ", got %s",
            v->kind == FOLIO_V_TABLE ? "an empty table" : folio_value_type(v));
        return;
    }
    folio_buf list = {0};
    folio_buf_append(&list, "", 0);
    for (size_t i = 0; v->kind == FOLIO_V_TABLE && i < v->n; i++) {
        const folio_value *k = &v->keys[i], *e = &v->vals[i];
        if (!(k->kind == FOLIO_V_NUMBER && k->is_int && k->num == (double)(i + 1)) ||
            e->kind != FOLIO_V_STRING || memchr(e->str, ',', e->len) || e->len >= FOLIO_PDF_MAX_STANDARD) {
            char p[64];
            snprintf(p, sizeof p, "pdf_standard[%zu]", i + 1);
            bad(ld, p, "expected \"a-2b\", \"a-2a\", \"ua-1\" or \"none\", got %s",
                e->kind == FOLIO_V_STRING ? "a longer string" : folio_value_type(e));
            folio_buf_free(&list);
            return;
        }
        folio_buf_printf(&list, "%s%s", i ? "," : "", e->str);
    }
    char why[160];
    const char *text = v->kind == FOLIO_V_STRING ? v->str : list.data;
    if (folio_pdf_standard_parse(text, &ld->r->pdf_standards, why, sizeof why))
        ld->r->pdf_standards_set = true;
    else
        bad(ld, "pdf_standard", "%s; expected " PDF_STANDARD_LUA_HELP, why);
    folio_buf_free(&list);
}

/* ---- the whole file ---- */

static bool find_input(const folio_report *r, const char *name)
{
    for (size_t i = 0; i < r->ninputs; i++)
        if (r->inputs[i].spec.name && !strcmp(r->inputs[i].spec.name, name))
            return true;
    return false;
}

static void load_all(loader *ld, const folio_value *t)
{
    static const char *const fields[] = {"title", "subtitle",   "publisher", "lang",   "page",
                                         "theme", "labels",     "limits",    "inputs", "sections",
                                         "logo",  "year_start", "main",      "tagged", "pdf_standard", NULL};
    folio_report *r = ld->r;
    if (t->kind != FOLIO_V_TABLE) {
        bad(ld, "", "report.lua must return a table { title =, inputs =, sections = }, got %s",
            folio_value_type(t));
        return;
    }
    check_fields(ld, "", t, fields);
    r->title = get_string(ld, "", t, "title", true);
    r->subtitle = get_string(ld, "", t, "subtitle", false);
    r->publisher = get_string(ld, "", t, "publisher", false);
    r->logo = get_string(ld, "", t, "logo", false);
    if (r->logo && !folio_image_name_ok(r->logo))
        bad(ld, "logo", "\"%.200s\" must name a PNG or JPEG file inside the report folder (no absolute path, no \"..\")",
            r->logo);
    r->lang = get_string(ld, "", t, "lang", false);
    if (!r->lang)
        r->lang = own_str(r, "en-GB");
    load_period(ld, t);
    const folio_value *tagged = field(t, "tagged"); /* tagged PDF unless tagged = false */
    if (tagged && tagged->kind != FOLIO_V_BOOL)
        bad(ld, "tagged", "expected true or false, got %s", folio_value_type(tagged));
    r->untagged = tagged && tagged->kind == FOLIO_V_BOOL && !tagged->b;

    const folio_value *standard = field(t, "pdf_standard");
    if (standard)
        load_pdf_standard(ld, standard);

    const folio_value *page = get_table(ld, "", t, "page", false, "{ size =, margins = }");
    if (page)
        load_page(ld, page);
    const folio_value *theme = get_table(ld, "", t, "theme", false, "{ font_size =, accent =, fonts = }");
    if (theme)
        load_theme(ld, theme);

    const folio_value *labels = get_table(ld, "", t, "labels", false, "{ kind = { code = \"label\" } }");
    if (labels)
        load_labels(ld, labels);
    const folio_value *limits =
        get_table(ld, "", t, "limits", false, "{ memory =, instructions =, seconds = }");
    if (limits)
        load_limits(ld, limits);

    const folio_value *inputs = get_table(ld, "", t, "inputs", false, "{ name = { file =, schema = } }");
    if (inputs && inputs->n) {
        r->inputs = xcalloc(inputs->n, sizeof *r->inputs);
        for (size_t i = 0; i < inputs->n; i++) { /* sorted by name already */
            const folio_value *k = &inputs->keys[i];
            if (k->kind != FOLIO_V_STRING || !is_name(k->str)) {
                char key[300];
                folio_value_path(key, sizeof key, "inputs", k);
                bad(ld, key, "expected an input name (letters, digits and _) as the key");
                continue;
            }
            load_input(ld, k->str, &inputs->vals[i], &r->inputs[r->ninputs++]);
        }
    }
    r->main_input = get_string(ld, "", t, "main", false);
    if (r->main_input && !find_input(r, r->main_input))
        bad(ld, "main", "\"%.200s\" is not one of the inputs", r->main_input);
    const folio_value *secs =
        get_table(ld, "", t, "sections", true, "a list of sections { \"plugin\", ... }");
    if (secs)
        load_sections(ld, secs);
}

/* Works out the folder, the file and how messages name it. false after reporting. */
static bool locate(folio_report *r, const char *report, folio_diag *diag)
{
    size_t n = strlen(report);
    while (n > 1 && report[n - 1] == '/')
        n--;
    char *given = xstrndup(report, n);
    struct stat st;
    if (stat(given, &st) == 0 && S_ISDIR(st.st_mode)) {
        r->dir = own(r, given);
        r->path = own(r, xasprintf("%s/report.lua", given));
        r->display = r->path;
        if (!is_file(r->path)) {
            folio_diag_add(diag, FOLIO_ERROR, given, 0, 0, "no report.lua here");
            return false;
        }
        return true;
    }
    if (stat(given, &st) != 0 || !S_ISREG(st.st_mode)) {
        folio_diag_add(diag, FOLIO_ERROR, given, 0, 0,
                       "no such report (a folder holding report.lua, or the file)");
        free(given);
        return false;
    }
    r->path = own(r, given);
    r->display = r->path;
    const char *slash = strrchr(given, '/');
    r->dir = own(r, slash ? xstrndup(given, slash == given ? 1 : (size_t)(slash - given)) : xstrdup("."));
    return true;
}

folio_report *folio_report_load(const char *report, const folio_report_options *opt, folio_diag *diag)
{
    if (!report || !diag)
        return NULL;
    folio_report *r = xcalloc(1, sizeof *r);
    loader ld = {.r = r, .opt = opt, .diag = diag};
    size_t before = diag->errors;
    folio_theme_default(&r->theme);
    if (!locate(r, report, diag)) {
        folio_report_free(r);
        return NULL;
    }
    const char *slash = strrchr(r->display, '/');
    snprintf(ld.dir_display, sizeof ld.dir_display, "%.*s", slash ? (int)(slash - r->display) : 1,
             slash ? r->display : ".");
    ld.fonts = folio_fontreg_create();
    folio_fontreg_add_bundled(ld.fonts, opt && opt->fonts_dir ? opt->fonts_dir : "fonts");
    folio_fontreg_add_default_fallback(ld.fonts);
    for (int i = 0; i < FOLIO_FACES; i++)
        r->font_files[i] = own_str(r, folio_fontreg_find(ld.fonts, FOLIO_BUNDLED_FAMILY, i, NULL, 0));
    r->font_family = own_str(r, FOLIO_BUNDLED_FAMILY);

    /* Evaluate report.lua in the sandbox and copy what it returns. */
    size_t len;
    char *text = folio_read_file(r->path, &len);
    if (!text) {
        folio_diag_add(diag, FOLIO_ERROR, r->display, 0, 0, "cannot read the file");
        folio_fontreg_free(ld.fonts);
        folio_report_free(r);
        return NULL;
    }
    /* report.lua runs under the command line's limits (its own are not known yet) */
    char err[FOLIO_MAX_MESSAGE];
    folio_limits cli = opt ? opt->limits : (folio_limits){0};
    folio_limits limits = folio_limits_merge(folio_limits_default(), cli);
    folio_sandbox *sb = folio_sandbox_create("report.lua", &limits, err, sizeof err);
    if (!sb) {
        folio_diag_add(diag, FOLIO_ERROR, r->display, 0, 0, "%s", err);
        free(text);
        folio_fontreg_free(ld.fonts);
        folio_report_free(r);
        return NULL;
    }
    char *chunk = xasprintf("@%s", r->display);
    int status = folio_sandbox_load(sb, text, len, chunk);
    free(chunk);
    free(text);
    if (status == LUA_OK)
        status = folio_sandbox_call(sb, 0, 1);
    if (status != LUA_OK) {
        folio_sandbox_report_error(diag, sb, r->display);
    } else if (!folio_value_from_lua(folio_sandbox_state(sb), -1, &r->table, "", err, sizeof err)) {
        folio_diag_add(diag, FOLIO_ERROR, r->display, 0, 0, "%s", err);
    } else {
        load_all(&ld, &r->table);
        load_fallback(&ld);
    }
    folio_sandbox_free(sb);
    folio_fontreg_free(ld.fonts);
    if (diag->errors != before) {
        folio_report_free(r);
        return NULL;
    }
    r->limits = folio_limits_merge(folio_limits_merge(folio_limits_default(), r->limits), cli);
    return r;
}

void folio_report_free(folio_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ninputs; i++)
        free(r->inputs[i].cols);
    free(r->inputs);
    for (size_t i = 0; i < r->nsections; i++) {
        free(r->sections[i].plugin);
        folio_value_free(&r->sections[i].options);
    }
    free(r->sections);
    free(r->fallback_families);
    free(r->fallback_files);
    folio_value_free(&r->table);
    for (size_t i = 0; i < r->nowned; i++)
        free(r->owned[i]);
    free(r->owned);
    free(r);
}
