/* Block tables returned by build(ctx) -> document blocks. Every field is checked against the
 * shapes of docs/plugin-api.md (see the top of prelude.lua) and each problem named by its
 * path: "build() result [3].rows[2][1]: expected a string or number, got table". The data
 * was copied out of Lua first (value.c), so nothing here runs Lua or raises. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/util.h"
#include "lua/sandbox.h"

#define MAX_ERRORS 20 /* problems reported per build() result */
#define ALT_MAX 2000  /* generated chart descriptions stop about here */

typedef struct conv {
    folio_doc *doc;     /* NULL while checking: nothing is built */
    const char *source; /* the plugin's display path (doc-owned copy when building) */
    folio_diag *diag;
    int errors;
} conv;

static void problem(conv *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(conv *c, const char *path, const char *fmt, ...)
{
    c->errors++;
    if (c->errors > MAX_ERRORS)
        return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->errors == MAX_ERRORS)
        folio_diag_add(c->diag, FOLIO_ERROR, c->source, 0, 0,
                       "build() result%s%s: %s (and maybe more problems)", *path ? " " : "", path, msg);
    else
        folio_diag_add(c->diag, FOLIO_ERROR, c->source, 0, 0, "build() result%s%s: %s", *path ? " " : "",
                       path, msg);
}

static void *dalloc(conv *c, size_t n)
{
    return c->doc ? folio_doc_alloc(c->doc, n) : NULL;
}

static char *dstr(conv *c, const char *s)
{
    return c->doc ? folio_doc_strdup(c->doc, s) : NULL;
}

/* Writes a number without locale surprises: integers in full, others with up to 14 digits. */
static void format_number(double v, char *out, size_t size)
{
    if (v == floor(v) && fabs(v) < 1e15)
        snprintf(out, size, "%.0f", v);
    else
        snprintf(out, size, "%.14g", v);
    for (char *p = out; *p; p++)
        if (*p == ',')
            *p = '.';
}

/* Writes path, then the pieces, into buf, cut to size - 1 bytes as snprintf would. The path of
 * every field checked is written, so this is plain copying, not a formatted print. */
static void join(char *buf, size_t size, const char *path, const char *a, const char *b, const char *c)
{
    const char *parts[] = {path, a, b, c};
    size_t used = 0;
    for (size_t i = 0; i < 4 && size; i++) {
        size_t n = strlen(parts[i]);
        if (n > size - 1 - used)
            n = size - 1 - used;
        memcpy(buf + used, parts[i], n);
        used += n;
    }
    if (size)
        buf[used] = '\0';
}

static void sub(char *buf, size_t size, const char *path, const char *field)
{
    join(buf, size, path, ".", field, "");
}

static void item(char *buf, size_t size, const char *path, size_t i)
{
    char digits[24], *d = digits + sizeof digits;
    *--d = '\0';
    size_t k = i + 1;
    do
        *--d = (char)('0' + k % 10);
    while ((k /= 10) > 0);
    join(buf, size, path, "[", d, "]");
}

/* True when t is a TABLE holding only the keys 1..n, plus the string keys in `extra`. */
static bool is_list(const folio_value *t, const char *const *extra)
{
    if (!t || t->kind != FOLIO_V_TABLE)
        return false;
    for (size_t i = folio_value_len(t); i < t->n; i++) {
        const folio_value *k = &t->keys[i];
        bool ok = false;
        for (const char *const *e = extra; e && *e && !ok; e++)
            ok = k->kind == FOLIO_V_STRING && strcmp(k->str, *e) == 0;
        if (!ok)
            return false;
    }
    return true;
}

/* Reports every key of t that is not one of `fields` (a NULL-ended list). */
static void check_fields(conv *c, const char *path, const folio_value *t, const char *what,
                         const char *const *fields)
{
    for (size_t i = 0; i < t->n; i++) {
        const folio_value *k = &t->keys[i];
        bool ok = false;
        for (const char *const *f = fields; *f && !ok; f++)
            ok = k->kind == FOLIO_V_STRING && strcmp(k->str, *f) == 0;
        if (ok)
            continue;
        char list[256] = "";
        for (const char *const *f = fields; *f; f++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", f == fields ? "" : ", ", *f);
        char key[300];
        folio_value_path(key, sizeof key, "", k);
        problem(c, path, "unknown field %s%s%s for %s; expected one of %s",
                k->kind == FOLIO_V_STRING ? "\"" : "", key, k->kind == FOLIO_V_STRING ? "\"" : "", what,
                list);
    }
}

static const folio_value *field(const folio_value *t, const char *name)
{
    const folio_value *v = folio_value_get(t, name);
    return v && v->kind != FOLIO_V_NIL ? v : NULL;
}

/* An optional (or required) string field; its doc copy when building, else NULL. */
static char *get_string(conv *c, const char *path, const folio_value *t, const char *name, bool required,
                        bool *present)
{
    const folio_value *v = field(t, name);
    char p[512];
    sub(p, sizeof p, path, name);
    if (present)
        *present = v != NULL;
    if (!v) {
        if (required)
            problem(c, p, "missing; expected a string");
        return NULL;
    }
    if (v->kind != FOLIO_V_STRING) {
        problem(c, p, "expected a string, got %s", folio_value_type(v));
        return NULL;
    }
    return dstr(c, v->str);
}

/* Reads one of `names` (NULL-ended); its index, or `dflt` when absent or wrong. */
static int get_enum(conv *c, const char *path, const folio_value *t, const char *name,
                    const char *const *names, int dflt)
{
    const folio_value *v = field(t, name);
    if (!v)
        return dflt;
    char p[512];
    sub(p, sizeof p, path, name);
    char list[200] = "";
    for (const char *const *n = names; *n; n++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s\"%s\"", n == names ? "" : ", ", *n);
    if (v->kind != FOLIO_V_STRING) {
        problem(c, p, "expected one of %s, got %s", list, folio_value_type(v));
        return dflt;
    }
    for (int i = 0; names[i]; i++)
        if (strcmp(v->str, names[i]) == 0)
            return i;
    problem(c, p, "unknown value \"%.60s\"; expected one of %s", v->str, list);
    return dflt;
}

static bool get_bool(conv *c, const char *path, const folio_value *t, const char *name)
{
    const folio_value *v = field(t, name);
    if (!v)
        return false;
    if (v->kind != FOLIO_V_BOOL) {
        char p[512];
        sub(p, sizeof p, path, name);
        problem(c, p, "expected true or false, got %s", folio_value_type(v));
        return false;
    }
    return v->b;
}

/* ---- text ---- */

static const char *const span_fields[] = {"text", "bold", "italic", "code", "link", "url", "kind", NULL};

/* A span table { text =, bold =, italic =, code =, link = } appended to out. */
static void add_span(conv *c, const char *path, const folio_value *s, folio_text *out)
{
    check_fields(c, path, s, "a span", span_fields);
    char *text = get_string(c, path, s, "text", true, NULL);
    unsigned style = 0;
    if (get_bool(c, path, s, "bold"))
        style |= FOLIO_BOLD;
    if (get_bool(c, path, s, "italic"))
        style |= FOLIO_ITALIC;
    if (get_bool(c, path, s, "code"))
        style |= FOLIO_CODE_STYLE;
    const folio_value *kind = field(s, "kind");
    if (kind && kind->kind == FOLIO_V_STRING) {
        if (strcmp(kind->str, "bold") == 0)
            style |= FOLIO_BOLD;
        else if (strcmp(kind->str, "italic") == 0)
            style |= FOLIO_ITALIC;
    }
    char *link = get_string(c, path, s, "link", false, NULL);
    if (!link)
        link = get_string(c, path, s, "url", false, NULL);
    if (c->doc && text)
        folio_text_add(c->doc, out, text, style, link);
}

/* TEXT: a string, a span, or a list of strings and spans. With `number`, a number too (a
 * table cell). Fills out when building. */
static void get_text_value(conv *c, const char *path, const folio_value *v, folio_text *out, bool number)
{
    const char *expected = number ? "a string or number" : "a string or a list of spans";
    if (!v || v->kind == FOLIO_V_NIL) {
        problem(c, path, "missing; expected %s", expected);
        return;
    }
    if (v->kind == FOLIO_V_STRING) {
        if (c->doc)
            folio_text_add(c->doc, out, v->str, 0, NULL);
        return;
    }
    if (v->kind == FOLIO_V_NUMBER && number) {
        char buf[64];
        format_number(v->num, buf, sizeof buf);
        if (c->doc)
            folio_text_add(c->doc, out, buf, 0, NULL);
        return;
    }
    if (v->kind != FOLIO_V_TABLE) {
        problem(c, path, "expected %s, got %s", expected, folio_value_type(v));
        return;
    }
    if (folio_value_get(v, "text")) {
        add_span(c, path, v, out);
        return;
    }
    if (number && folio_value_len(v) == 0) {
        problem(c, path, "expected %s, got table", expected);
        return;
    }
    if (!is_list(v, NULL)) {
        problem(c, path, "expected %s, got table", expected);
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        char p[512];
        item(p, sizeof p, path, i);
        const folio_value *e = &v->vals[i];
        if (e->kind == FOLIO_V_STRING) {
            if (c->doc)
                folio_text_add(c->doc, out, e->str, 0, NULL);
        } else if (e->kind == FOLIO_V_TABLE) {
            add_span(c, p, e, out);
        } else {
            problem(c, p, "expected a string or a span (blocks.bold, blocks.italic, blocks.link), got %s",
                    folio_value_type(e));
        }
    }
}

static void get_text(conv *c, const char *path, const folio_value *t, const char *name, folio_text *out,
                     bool required)
{
    const folio_value *v = field(t, name);
    if (!v && !required)
        return;
    char p[512];
    sub(p, sizeof p, path, name);
    get_text_value(c, p, v, out, false);
}

/* A list field; NULL (after a problem) when it is not one. */
static const folio_value *get_list(conv *c, const char *path, const folio_value *t, const char *name,
                                   bool required, const char *of)
{
    const folio_value *v = field(t, name);
    char p[512];
    sub(p, sizeof p, path, name);
    if (!v) {
        if (required)
            problem(c, p, "missing; expected a list of %s", of);
        return NULL;
    }
    if (!is_list(v, NULL)) {
        problem(c, p, "expected a list of %s, got %s", of,
                v->kind == FOLIO_V_TABLE ? "a table with other keys" : folio_value_type(v));
        return NULL;
    }
    return v;
}

/* ---- one kind each ---- */

static void heading(conv *c, const char *path, const folio_value *b, folio_block *out)
{
    static const char *const fields[] = {"kind", "level", "text", "id", NULL};
    check_fields(c, path, b, "a heading", fields);
    const folio_value *level = field(b, "level");
    char p[512];
    sub(p, sizeof p, path, "level");
    int lv = 1;
    if (!level)
        problem(c, p, "missing; expected 1, 2 or 3");
    else if (level->kind != FOLIO_V_NUMBER || level->num != floor(level->num) || level->num < 1 ||
             level->num > 3)
        problem(c, p, "expected 1, 2 or 3");
    else
        lv = (int)level->num;
    folio_text text = {0};
    get_text(c, path, b, "text", &text, true);
    char *id = get_string(c, path, b, "id", false, NULL);
    if (out) {
        out->u.heading.level = lv;
        out->u.heading.text = text;
        out->u.heading.id = id;
    }
}

static const char *const align_names[] = {"justify", "left", "center", "right", NULL};

static void paragraph(conv *c, const char *path, const folio_value *b, folio_block *out)
{
    static const char *const fields[] = {"kind", "text", "align", "style", NULL};
    static const char *const styles[] = {"body", "lead", "small", NULL};
    check_fields(c, path, b, "a paragraph", fields);
    folio_text text = {0};
    get_text(c, path, b, "text", &text, true);
    int align = get_enum(c, path, b, "align", align_names, FOLIO_ALIGN_JUSTIFY);
    int style = get_enum(c, path, b, "style", styles, FOLIO_PARA_BODY);
    if (out) {
        out->u.paragraph.text = text;
        out->u.paragraph.align = (folio_align)align;
        out->u.paragraph.style = (folio_para_style)style;
    }
}

/* The items of a list and of the lists nested in it, flattened in reading order. */
typedef struct list_acc {
    folio_text *texts;
    unsigned char *levels;
    bool *numbered;
    size_t n, cap;
    bool nested;
    bool ordered; /* the outer list's */
} list_acc;

static void list_items(conv *c, const char *path, const folio_value *b, int level, list_acc *acc)
{
    static const char *const fields[] = {"kind", "items", "ordered", NULL};
    check_fields(c, path, b, "a list", fields);
    const folio_value *items = get_list(c, path, b, "items", true, "texts or nested lists");
    bool ordered = get_bool(c, path, b, "ordered");
    if (level == 0)
        acc->ordered = ordered;
    char p[512], q[512];
    sub(p, sizeof p, path, "items");
    for (size_t i = 0; items && i < items->n; i++) {
        item(q, sizeof q, p, i);
        const folio_value *v = &items->vals[i];
        const folio_value *kind = v->kind == FOLIO_V_TABLE ? field(v, "kind") : NULL;
        if (kind && kind->kind == FOLIO_V_STRING && strcmp(kind->str, "list") == 0) {
            if (i == 0)
                problem(c, q, "a nested list must follow the item it belongs to");
            else if (level + 1 >= FOLIO_LIST_DEPTH)
                problem(c, q, "lists nest at most %d deep", FOLIO_LIST_DEPTH);
            else
                list_items(c, q, v, level + 1, acc);
            acc->nested = true;
            continue;
        }
        folio_text t = {0};
        get_text_value(c, q, v, &t, false);
        if (acc->n == acc->cap) {
            acc->cap = acc->cap ? acc->cap * 2 : 8;
            acc->texts = xrealloc(acc->texts, acc->cap * sizeof *acc->texts);
            acc->levels = xrealloc(acc->levels, acc->cap * sizeof *acc->levels);
            acc->numbered = xrealloc(acc->numbered, acc->cap * sizeof *acc->numbered);
        }
        acc->texts[acc->n] = t;
        acc->levels[acc->n] = (unsigned char)level;
        acc->numbered[acc->n] = ordered;
        acc->n++;
    }
}

static void list(conv *c, const char *path, const folio_value *b, folio_block *out)
{
    list_acc acc = {0};
    list_items(c, path, b, 0, &acc);
    if (out && acc.n) {
        size_t n = acc.n;
        out->u.list.items = dalloc(c, n * sizeof *out->u.list.items);
        memcpy(out->u.list.items, acc.texts, n * sizeof *acc.texts);
        out->u.list.n = n;
        out->u.list.ordered = acc.ordered;
        if (acc.nested) {
            out->u.list.levels = dalloc(c, n * sizeof *acc.levels);
            out->u.list.numbered = dalloc(c, n * sizeof *acc.numbered);
            memcpy(out->u.list.levels, acc.levels, n * sizeof *acc.levels);
            memcpy(out->u.list.numbered, acc.numbered, n * sizeof *acc.numbered);
        }
    }
    free(acc.texts);
    free(acc.levels);
    free(acc.numbered);
}

static void table(conv *c, const char *path, const folio_value *b, folio_block *out)
{
    static const char *const fields[] = {"kind", "columns", "rows", "caption", "continued", NULL};
    static const char *const col_fields[] = {"title", "align", "width", NULL};
    static const char *const row_extra[] = {"bold", NULL};
    check_fields(c, path, b, "a table", fields);
    const folio_value *cols = get_list(c, path, b, "columns", true, "columns { title =, align =, width = }");
    const folio_value *rows = field(b, "rows");
    char rp[512];
    sub(rp, sizeof rp, path, "rows");
    if (!rows) {
        problem(c, rp, "missing; expected a list of rows");
    } else if (!is_list(rows, NULL)) {
        problem(c, rp, "expected a list of rows, got %s",
                rows->kind == FOLIO_V_TABLE ? "a table with other keys" : folio_value_type(rows));
        rows = NULL;
    }
    size_t ncols = cols ? cols->n : 0, nrows = rows ? rows->n : 0;
    char cp[512], p[512], q[512];
    sub(cp, sizeof cp, path, "columns");
    if (cols && ncols == 0)
        problem(c, cp, "expected at least one column");

    /* Columns: titles (a header row when any), alignment, widths (all or none). */
    bool header = false, any_width = false, all_width = true;
    int *align = xcalloc(ncols ? ncols : 1, sizeof *align);
    for (size_t j = 0; j < ncols; j++) {
        item(p, sizeof p, cp, j);
        const folio_value *col = &cols->vals[j];
        align[j] = -1;
        if (col->kind != FOLIO_V_TABLE) {
            problem(c, p, "expected a column { title =, align =, width = }, got %s", folio_value_type(col));
            continue;
        }
        check_fields(c, p, col, "a column", col_fields);
        header |= field(col, "title") != NULL;
        if (field(col, "align"))
            align[j] = get_enum(c, p, col, "align", align_names, FOLIO_ALIGN_LEFT);
        const folio_value *w = field(col, "width");
        if (w && (w->kind != FOLIO_V_NUMBER || !(w->num > 0) || !isfinite(w->num))) {
            sub(q, sizeof q, p, "width");
            problem(c, q, "expected a positive number (a relative width)");
        }
        any_width |= w != NULL;
        all_width &= w != NULL;
    }
    if (any_width && !all_width)
        problem(c, cp, "give every column a width, or none");

    /* Rows: ncols cells each, TEXT or number, with an optional bold = true. */
    size_t hdr = header ? 1 : 0;
    folio_table_cell *cells = dalloc(c, (nrows + hdr) * (ncols ? ncols : 1) * sizeof *cells);
    bool *numeric = xcalloc(ncols ? ncols : 1, sizeof *numeric);
    for (size_t j = 0; j < ncols; j++)
        numeric[j] = true;
    for (size_t i = 0; i < nrows; i++) {
        item(p, sizeof p, rp, i);
        const folio_value *row = &rows->vals[i];
        if (!is_list(row, row_extra)) {
            problem(c, p, "expected a row (a list of cells), got %s",
                    row->kind == FOLIO_V_TABLE ? "a table with other keys" : folio_value_type(row));
            continue;
        }
        size_t n = folio_value_len(row);
        if (cols && n != ncols) {
            problem(c, p, "expected %zu cells (one per column), got %zu", ncols, n);
            continue;
        }
        bool bold = get_bool(c, p, row, "bold");
        for (size_t j = 0; j < n && j < ncols; j++) {
            item(q, sizeof q, p, j);
            const folio_value *cell = &row->vals[j];
            folio_table_cell tc = {.bold = bold};
            get_text_value(c, q, cell, &tc.text, true);
            if (cell->kind != FOLIO_V_NUMBER && !(cell->kind == FOLIO_V_STRING && cell->len == 0))
                numeric[j] = false;
            if (cells)
                cells[(i + hdr) * ncols + j] = tc;
        }
    }
    folio_text caption = {0};
    get_text(c, path, b, "caption", &caption, false);
    /* continued = true (the report language's "(continued)") or a text of its own. */
    const folio_value *cont = field(b, "continued");
    char *continued = NULL;
    if (cont && cont->kind == FOLIO_V_BOOL) {
        continued = cont->b ? dstr(c, "") : NULL;
    } else if (cont && cont->kind == FOLIO_V_STRING) {
        continued = dstr(c, cont->str);
    } else if (cont) {
        sub(p, sizeof p, path, "continued");
        problem(c, p, "expected true, false or a string, got %s", folio_value_type(cont));
    }

    if (out && cells) {
        out->u.table.ncols = ncols;
        out->u.table.nrows = nrows + hdr;
        out->u.table.header_rows = hdr;
        out->u.table.cells = cells;
        out->u.table.align = dalloc(c, ncols * sizeof *out->u.table.align);
        out->u.table.widths = any_width ? dalloc(c, ncols * sizeof(double)) : NULL;
        for (size_t j = 0; j < ncols; j++) {
            const folio_value *col = &cols->vals[j];
            if (hdr)
                get_text(c, path, col, "title", &cells[j].text, false);
            out->u.table.align[j] = align[j] >= 0           ? (folio_align)align[j]
                                    : (nrows && numeric[j]) ? FOLIO_ALIGN_RIGHT
                                                            : FOLIO_ALIGN_LEFT;
            if (any_width)
                out->u.table.widths[j] = field(col, "width")->num;
        }
        out->u.table.caption = caption;
        out->u.table.continued = continued;
    } else if (hdr) {
        for (size_t j = 0; j < ncols; j++) { /* check the titles */
            const folio_value *col = &cols->vals[j];
            if (col->kind == FOLIO_V_TABLE && field(col, "title")) {
                item(p, sizeof p, cp, j);
                folio_text t = {0};
                get_text(c, p, col, "title", &t, false);
            }
        }
    }
    free(align);
    free(numeric);
}

/* A short text for a value (key figure, category): a string, or a number written out. */
static char *value_text(conv *c, const char *path, const folio_value *v, const char *what)
{
    char buf[64];
    if (v && v->kind == FOLIO_V_STRING)
        return dstr(c, v->str);
    if (v && v->kind == FOLIO_V_NUMBER) {
        format_number(v->num, buf, sizeof buf);
        return dstr(c, buf);
    }
    if (!v || v->kind == FOLIO_V_NIL)
        problem(c, path, "missing; expected %s", what);
    else
        problem(c, path, "expected %s, got %s", what, folio_value_type(v));
    return NULL;
}

static void key_figures(conv *c, const char *path, const folio_value *b, folio_block *out)
{
    static const char *const fields[] = {"kind", "items", NULL};
    static const char *const item_fields[] = {"value", "label", NULL};
    check_fields(c, path, b, "key figures", fields);
    const folio_value *items = get_list(c, path, b, "items", true, "{ value =, label = }");
    size_t n = items ? items->n : 0;
    char ip[512], p[512], q[512];
    sub(ip, sizeof ip, path, "items");
    if (items && n == 0)
        problem(c, ip, "expected at least one figure");
    char **values = dalloc(c, n * sizeof *values), **labels = dalloc(c, n * sizeof *labels);
    for (size_t i = 0; i < n; i++) {
        item(p, sizeof p, ip, i);
        const folio_value *f = &items->vals[i];
        if (f->kind != FOLIO_V_TABLE) {
            problem(c, p, "expected { value =, label = }, got %s", folio_value_type(f));
            continue;
        }
        check_fields(c, p, f, "a key figure", item_fields);
        sub(q, sizeof q, p, "value");
        char *value = value_text(c, q, field(f, "value"), "a string or number");
        char *label = get_string(c, p, f, "label", true, NULL);
        if (values) {
            values[i] = value;
            labels[i] = label;
        }
    }
    if (out) {
        out->u.figures.values = values;
        out->u.figures.labels = labels;
        out->u.figures.n = n;
    }
}

static void quote(conv *c, const char *path, const folio_value *b, folio_block *out)
{
    static const char *const fields[] = {"kind", "text", "attribution", NULL};
    check_fields(c, path, b, "a quote", fields);
    folio_text text = {0}, attribution = {0};
    get_text(c, path, b, "text", &text, true);
    get_text(c, path, b, "attribution", &attribution, false);
    if (out) {
        out->u.quote.text = text;
        if (attribution.n) {
            char *flat = folio_text_flatten(&attribution);
            out->u.quote.attribution = dstr(c, flat);
            free(flat);
        }
    }
}

/* The text alternative of a chart: "Bar chart: TITLE. Cat 5, Cat 7" (series named when many). */
static char *chart_alt(conv *c, const folio_block *b)
{
    static const char *const kinds[] = {"Bar chart",         "Horizontal bar chart", "Stacked bar chart",
                                        "Grouped bar chart", "Diverging bar chart",  "Line chart",
                                        "Dot plot"};
    folio_buf alt = {0};
    const char *kind = kinds[b->u.chart.kind];
    if (b->u.chart.kind == FOLIO_CHART_STACKED && b->u.chart.percent)
        kind = "100% stacked bar chart";
    folio_buf_puts(&alt, kind);
    if (b->u.chart.title)
        folio_buf_printf(&alt, ": %s", b->u.chart.title);
    folio_buf_puts(&alt, ".");
    size_t nc = b->u.chart.ncats;
    if (nc == 0)
        folio_buf_puts(&alt, " No data.");
    for (size_t s = 0; s < b->u.chart.nseries && nc && alt.len < ALT_MAX; s++) {
        folio_buf_puts(&alt, s ? "; " : " ");
        if (b->u.chart.nseries > 1 && b->u.chart.series && b->u.chart.series[s])
            folio_buf_printf(&alt, "%s: ", b->u.chart.series[s]);
        for (size_t k = 0; k < nc && alt.len < ALT_MAX; k++) {
            char num[64];
            double v = b->u.chart.values[s * nc + k];
            const char *label = b->u.chart.value_labels ? b->u.chart.value_labels[s * nc + k] : NULL;
            if (isnan(v)) {
                label = "no data";
            } else if (!label || !*label) { /* an empty label (a hidden zero) still has its number */
                format_number(v, num, sizeof num);
                if (b->u.chart.suffix)
                    snprintf(num + strlen(num), sizeof num - strlen(num), "%s", b->u.chart.suffix);
                label = num;
            }
            folio_buf_printf(&alt, "%s%s %s", k ? ", " : "", b->u.chart.categories[k], label);
        }
    }
    if (b->u.chart.n_all > 0) {
        char num[64];
        format_number(b->u.chart.n_all, num, sizeof num);
        folio_buf_printf(&alt, ". n = %s", num);
    }
    if (b->u.chart.note)
        folio_buf_printf(&alt, ". %s", b->u.chart.note);
    char *r = dstr(c, alt.data);
    folio_buf_free(&alt);
    return r;
}

/* An optional finite number field; NAN when absent or wrong (reported). */
static double get_number(conv *c, const char *path, const folio_value *t, const char *name, double lo,
                         double hi)
{
    const folio_value *v = field(t, name);
    if (!v)
        return NAN;
    char p[512];
    sub(p, sizeof p, path, name);
    if (v->kind != FOLIO_V_NUMBER || !isfinite(v->num)) {
        problem(c, p, "expected a number, got %s", folio_value_type(v));
        return NAN;
    }
    if (v->num < lo || v->num > hi) {
        problem(c, p, "expected a number from %g to %g, got %g", lo, hi, v->num);
        return NAN;
    }
    return v->num;
}

static void chart(conv *c, const char *path, const folio_value *b, folio_block *out)
{
    static const char *const fields[] = {
        "kind",   "type",       "title",   "categories",  "series",     "x_title", "y_title", "note",
        "alt",    "horizontal", "percent", "cumulative",  "neutral",    "n",       "sort",    "decimals",
        "suffix", "min",        "max",     "label_width", "data_table", NULL};
    static const char *const series_fields[] = {"name", "values", "labels", NULL};
    static const char *const types[] = {"bar",       "hbar", "stacked", "grouped",
                                        "diverging", "line", "dot",     NULL};
    static const char *const sorts[] = {"given", "value", NULL};
    check_fields(c, path, b, "a chart", fields);
    char p[512], q[512], r[512], sp[512];
    sub(p, sizeof p, path, "type");
    if (!field(b, "type"))
        problem(c, p,
                "missing; expected one of \"bar\", \"hbar\", \"stacked\", \"grouped\", \"diverging\", "
                "\"line\", \"dot\"");
    int type = get_enum(c, path, b, "type", types, FOLIO_CHART_BAR);
    /* Stacked and diverging bars count answers: no negative values. */
    bool counts = type == FOLIO_CHART_STACKED || type == FOLIO_CHART_DIVERGING;
    char *title = get_string(c, path, b, "title", false, NULL);
    const folio_value *cats = get_list(c, path, b, "categories", true, "category names");
    const folio_value *series = get_list(c, path, b, "series", true, "series { name =, values =, labels = }");
    size_t nc = cats ? cats->n : 0, ns = series ? series->n : 0;
    sub(sp, sizeof sp, path, "series");
    if (series && ns == 0)
        problem(c, sp, "expected at least one series");
    sub(p, sizeof p, path, "categories");
    char **categories = dalloc(c, nc * sizeof *categories);
    for (size_t k = 0; k < nc; k++) {
        item(q, sizeof q, p, k);
        char *s = value_text(c, q, &cats->vals[k], "a string");
        if (categories)
            categories[k] = s;
    }
    char **names = dalloc(c, ns * sizeof *names);
    double *values = dalloc(c, (ns * nc + 1) * sizeof *values);
    char **labels = NULL;
    bool any_labels = false;
    for (size_t s = 0; s < ns; s++) {
        const folio_value *e = &series->vals[s];
        any_labels |= e->kind == FOLIO_V_TABLE && field(e, "labels");
    }
    if (any_labels)
        labels = dalloc(c, (ns * nc + 1) * sizeof *labels);
    for (size_t s = 0; s < ns; s++) {
        item(p, sizeof p, sp, s);
        const folio_value *e = &series->vals[s];
        if (e->kind != FOLIO_V_TABLE) {
            problem(c, p, "expected a series { name =, values =, labels = }, got %s", folio_value_type(e));
            continue;
        }
        check_fields(c, p, e, "a series", series_fields);
        char *name = get_string(c, p, e, "name", ns > 1, NULL);
        if (names)
            names[s] = name;
        const folio_value *vals = get_list(c, p, e, "values", true, "numbers (false for a missing value)");
        sub(q, sizeof q, p, "values");
        if (vals && cats && vals->n != nc)
            problem(c, q, "expected %zu values (one per category), got %zu", nc, vals->n);
        for (size_t k = 0; values && k < nc; k++)
            values[s * nc + k] = NAN;
        for (size_t k = 0; vals && k < vals->n && k < nc; k++) {
            item(r, sizeof r, q, k);
            const folio_value *v = &vals->vals[k];
            if (v->kind == FOLIO_V_BOOL && !v->b)
                continue; /* false: missing */
            if (v->kind != FOLIO_V_NUMBER || !isfinite(v->num))
                problem(c, r, "expected a number (or false for a missing value), got %s",
                        folio_value_type(v));
            else if (counts && v->num < 0)
                problem(c, r, "expected a number of at least 0 (a %s chart adds its values up), got %g",
                        types[type], v->num);
            else if (values)
                values[s * nc + k] = v->num;
        }
        const folio_value *lab = get_list(c, p, e, "labels", false, "value labels");
        sub(q, sizeof q, p, "labels");
        if (lab && cats && lab->n != nc)
            problem(c, q, "expected %zu labels (one per category), got %zu", nc, lab->n);
        for (size_t k = 0; lab && k < lab->n && k < nc; k++) {
            item(r, sizeof r, q, k);
            char *l = value_text(c, r, &lab->vals[k], "a string or number");
            if (labels)
                labels[s * nc + k] = l;
        }
        if (labels && !lab) /* a series without labels among labelled ones shows its numbers */
            for (size_t k = 0; k < nc; k++) {
                char num[64];
                if (isnan(values[s * nc + k]))
                    continue;
                format_number(values[s * nc + k], num, sizeof num);
                labels[s * nc + k] = dstr(c, num);
            }
    }
    char *x_title = get_string(c, path, b, "x_title", false, NULL);
    char *y_title = get_string(c, path, b, "y_title", false, NULL);
    char *note = get_string(c, path, b, "note", false, NULL);
    char *alt = get_string(c, path, b, "alt", false, NULL);
    bool horizontal_given = field(b, "horizontal") != NULL;
    bool horizontal = get_bool(c, path, b, "horizontal");
    bool percent = get_bool(c, path, b, "percent");
    bool cumulative = get_bool(c, path, b, "cumulative");
    sub(p, sizeof p, path, "horizontal");
    if (horizontal_given && type != FOLIO_CHART_GROUPED && type != FOLIO_CHART_STACKED &&
        type != FOLIO_CHART_BAR)
        problem(c, p, "only for a \"bar\", \"grouped\" or \"stacked\" chart");
    sub(p, sizeof p, path, "percent");
    if (field(b, "percent") && type != FOLIO_CHART_STACKED)
        problem(c, p, "only for a \"stacked\" chart");
    sub(p, sizeof p, path, "cumulative");
    if (field(b, "cumulative") && type != FOLIO_CHART_LINE)
        problem(c, p, "only for a \"line\" chart");
    double neutral = get_number(c, path, b, "neutral", 1, ns ? (double)ns : 1);
    sub(p, sizeof p, path, "neutral");
    if (!isnan(neutral) && neutral != floor(neutral))
        problem(c, p, "expected the index of a series (a whole number), got %g", neutral);
    if (field(b, "neutral") && type != FOLIO_CHART_DIVERGING)
        problem(c, p, "only for a \"diverging\" chart");
    /* n: one base, or one per category. */
    double n_all = NAN, *n = NULL;
    const folio_value *nv = field(b, "n");
    sub(p, sizeof p, path, "n");
    if (nv && nv->kind == FOLIO_V_NUMBER) {
        n_all = get_number(c, path, b, "n", 0, 1e15);
    } else if (nv && nv->kind == FOLIO_V_TABLE) {
        const folio_value *list = get_list(c, path, b, "n", false, "numbers (one per category)");
        if (list && cats && list->n != nc)
            problem(c, p, "expected %zu numbers (one per category), got %zu", nc, list->n);
        n = dalloc(c, (nc + 1) * sizeof *n);
        for (size_t k = 0; n && k < nc; k++)
            n[k] = NAN;
        for (size_t k = 0; list && k < list->n && k < nc; k++) {
            item(q, sizeof q, p, k);
            const folio_value *v = &list->vals[k];
            if (v->kind == FOLIO_V_BOOL && !v->b)
                continue;
            if (v->kind != FOLIO_V_NUMBER || !isfinite(v->num) || v->num < 0)
                problem(c, q, "expected a number of at least 0 (or false), got %s", folio_value_type(v));
            else if (n)
                n[k] = v->num;
        }
    } else if (nv) {
        problem(c, p, "expected a number or a list of numbers (one per category), got %s",
                folio_value_type(nv));
    }
    int sort = get_enum(c, path, b, "sort", sorts, FOLIO_SORT_GIVEN);
    double decimals = get_number(c, path, b, "decimals", 0, 6);
    sub(p, sizeof p, path, "decimals");
    if (!isnan(decimals) && decimals != floor(decimals))
        problem(c, p, "expected a whole number from 0 to 6, got %g", decimals);
    char *suffix = get_string(c, path, b, "suffix", false, NULL);
    double amin = get_number(c, path, b, "min", -1e15, 1e15),
           amax = get_number(c, path, b, "max", -1e15, 1e15);
    sub(p, sizeof p, path, "max");
    if (!isnan(amin) && !isnan(amax) && amax <= amin)
        problem(c, p, "expected more than min (%g), got %g", amin, amax);
    double label_width = get_number(c, path, b, "label_width", 0.1, 0.6);
    bool data_table = get_bool(c, path, b, "data_table");
    if (out) {
        out->u.chart.data_table = data_table;
        out->u.chart.kind = (folio_chart_kind)type;
        out->u.chart.title = title;
        out->u.chart.ncats = nc;
        out->u.chart.nseries = ns;
        out->u.chart.categories = categories;
        out->u.chart.series = names;
        out->u.chart.values = values;
        out->u.chart.value_labels = labels;
        out->u.chart.x_title = x_title;
        out->u.chart.y_title = y_title;
        out->u.chart.note = note;
        out->u.chart.horizontal = type == FOLIO_CHART_STACKED && !horizontal_given ? true : horizontal;
        if (type == FOLIO_CHART_BAR && horizontal)
            out->u.chart.kind = FOLIO_CHART_HBAR;
        out->u.chart.percent = percent;
        out->u.chart.cumulative = cumulative;
        out->u.chart.neutral = isnan(neutral) ? 0 : (size_t)neutral;
        out->u.chart.n = n;
        out->u.chart.n_all = isnan(n_all) ? 0 : n_all;
        out->u.chart.sort = (folio_chart_sort)sort;
        out->u.chart.fixed_decimals = !isnan(decimals);
        out->u.chart.decimals = isnan(decimals) ? 0 : (int)decimals;
        out->u.chart.suffix = suffix;
        out->u.chart.axis_min = amin;
        out->u.chart.axis_max = amax;
        out->u.chart.label_width = isnan(label_width) ? 0 : label_width;
        out->u.chart.alt = alt && *alt ? alt : chart_alt(c, out);
    }
}

/* An image file named relative to the report folder; it is read after validation (host.c). */
static char *image_file(conv *c, const char *path, const folio_value *t, const char *name, bool required)
{
    char *file = get_string(c, path, t, name, required, NULL);
    const folio_value *v = field(t, name);
    if (v && v->kind == FOLIO_V_STRING && !folio_image_name_ok(v->str)) {
        char p[512];
        sub(p, sizeof p, path, name);
        problem(
            c, p,
            "\"%.200s\" must name a PNG or JPEG file inside the report folder (no absolute path, no \"..\")",
            v->str);
    }
    return file;
}

static void image(conv *c, const char *path, const folio_value *b, folio_block *out)
{
    static const char *const fields[] = {"kind", "file", "alt", "caption", "width", "align", NULL};
    static const char *const aligns[] = {"left", "center", "right", NULL};
    check_fields(c, path, b, "an image", fields);
    char *file = image_file(c, path, b, "file", true);
    char p[512];
    sub(p, sizeof p, path, "alt");
    const folio_value *alt = field(b, "alt");
    if (!alt)
        problem(c, p,
                "missing; expected a text alternative (what the image shows, for readers who cannot see it)");
    else if (alt->kind == FOLIO_V_STRING && !alt->str[strspn(alt->str, " \t\r\n")])
        problem(c, p, "is empty; expected a text alternative (what the image shows)");
    char *alt_text = alt ? get_string(c, path, b, "alt", true, NULL) : NULL;
    folio_text caption = {0};
    get_text(c, path, b, "caption", &caption, false);
    const folio_value *w = field(b, "width");
    sub(p, sizeof p, path, "width");
    if (w && (w->kind != FOLIO_V_NUMBER || !(w->num > 0) || !isfinite(w->num)))
        problem(c, p, "expected a positive number: a fraction of the column up to 1, or points above 1");
    int align = get_enum(c, path, b, "align", aligns, 1);
    if (out) {
        out->u.image.file = file;
        out->u.image.alt = alt_text;
        out->u.image.caption = caption;
        out->u.image.width = w && w->kind == FOLIO_V_NUMBER && w->num > 0 && isfinite(w->num) ? w->num : 0;
        out->u.image.align = align == 0   ? FOLIO_ALIGN_LEFT
                             : align == 2 ? FOLIO_ALIGN_RIGHT
                                          : FOLIO_ALIGN_CENTER;
    }
}

/* ---- canvas: a box and drawing commands (docs/canvas.md) ---- */

#define CANVAS_MAX_COORD 1e6    /* canvas coordinates and angles, either side of 0 */
#define CANVAS_MAX_WIDTH 1000.0 /* line width, dash length, font size */

static const char colour_expected[] =
    "expected \"#rrggbb\", \"none\" or a theme colour (\"text\", \"muted\", \"accent\", \"rule\", \"light\", "
    "\"palette1\" to \"palette8\")";

/* A colour field: "#rrggbb", "none" or a theme colour's name; `dflt` when absent or wrong. */
static uint32_t get_colour(conv *c, const char *path, const folio_value *t, const char *name, uint32_t dflt)
{
    static const char *const names[] = {"text", "muted", "accent", "rule", "light", NULL};
    const folio_value *v = field(t, name);
    if (!v)
        return dflt;
    char p[512];
    sub(p, sizeof p, path, name);
    if (v->kind != FOLIO_V_STRING) {
        problem(c, p, "%s, got %s", colour_expected, folio_value_type(v));
        return dflt;
    }
    const char *s = v->str;
    if (s[0] == '#' && strlen(s) == 7 && strspn(s + 1, "0123456789abcdefABCDEF") == 6)
        return (uint32_t)strtoul(s + 1, NULL, 16);
    if (strcmp(s, "none") == 0)
        return FOLIO_COLOUR_NONE;
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0)
            return FOLIO_COLOUR_THEME + (uint32_t)i;
    if (strncmp(s, "palette", 7) == 0 && s[7] >= '1' && s[7] <= '8' && !s[8])
        return FOLIO_COLOUR_THEME + FOLIO_TC_PALETTE + (uint32_t)(s[7] - '1');
    problem(c, p, "unknown colour \"%.40s\"; %s", s, colour_expected);
    return dflt;
}

/* A finite number v with lo <= v <= hi at `path`; false after a problem. */
static bool number_in(conv *c, const char *path, const folio_value *v, double lo, double hi, double *out)
{
    if (!v || v->kind == FOLIO_V_NIL) {
        problem(c, path, "missing; expected a number");
        return false;
    }
    if (v->kind != FOLIO_V_NUMBER) {
        problem(c, path, "expected a number, got %s", folio_value_type(v));
        return false;
    }
    if (!isfinite(v->num)) {
        problem(c, path, "expected a number from %g to %g, got %s", lo, hi,
                isnan(v->num) ? "NaN (0/0)"
                : v->num > 0  ? "infinity"
                              : "-infinity");
        return false;
    }
    if (v->num < lo || v->num > hi) {
        problem(c, path, "expected a number from %g to %g, got %g", lo, hi, v->num);
        return false;
    }
    *out = v->num;
    return true;
}

/* An optional number field in lo..hi; `dflt` when absent or wrong. */
static double get_number_or(conv *c, const char *path, const folio_value *t, const char *name, double lo,
                            double hi, double dflt)
{
    const folio_value *v = field(t, name);
    if (!v)
        return dflt;
    char p[512];
    sub(p, sizeof p, path, name);
    double x = dflt;
    number_in(c, p, v, lo, hi, &x);
    return x;
}

static const char *const draw_names[] = {"line", "rect", "circle", "arc", "wedge", "path", "text", NULL};
static const int draw_numbers[] = {4, 4, 3, 5, 5, 0, 2}; /* numbers after the name */
static const char *const draw_usage[] = {
    "{ \"line\", x1, y1, x2, y2, style }",       "{ \"rect\", x, y, w, h, style }",
    "{ \"circle\", cx, cy, r, style }",          "{ \"arc\", cx, cy, r, from, to, style }",
    "{ \"wedge\", cx, cy, r, from, to, style }", "{ \"path\", { segment, ... }, style }",
    "{ \"text\", x, y, \"text\", style }"};

/* The segments of a path command: { "move", x, y }, { "line", x, y },
 * { "curve", x1, y1, x2, y2, x, y }, { "close" }; the first one a move. */
static void canvas_path(conv *c, const char *path, const folio_value *v, folio_draw *d)
{
    static const char *const seg_names[] = {"move", "line", "curve", "close", NULL};
    static const int seg_numbers[] = {2, 2, 6, 0};
    if (!is_list(v, NULL) || v->n == 0) {
        problem(c, path,
                "expected a list of segments ({ \"move\", x, y }, { \"line\", x, y }, "
                "{ \"curve\", x1, y1, x2, y2, x, y }, { \"close\" }), got %s",
                v && v->kind == FOLIO_V_TABLE ? (v->n ? "a table with other keys" : "an empty table")
                                              : folio_value_type(v));
        return;
    }
    folio_pathseg *segs = dalloc(c, v->n * sizeof *segs);
    char p[512], q[512];
    for (size_t i = 0; i < v->n; i++) {
        item(p, sizeof p, path, i);
        const folio_value *s = &v->vals[i];
        const folio_value *name = is_list(s, NULL) && s->n ? &s->vals[0] : NULL;
        int k = -1;
        for (int j = 0; name && name->kind == FOLIO_V_STRING && seg_names[j]; j++)
            if (strcmp(name->str, seg_names[j]) == 0)
                k = j;
        if (k < 0) {
            problem(c, p,
                    "expected a segment { \"move\", x, y }, { \"line\", x, y }, "
                    "{ \"curve\", x1, y1, x2, y2, x, y } or { \"close\" }");
            continue;
        }
        if (i == 0 && k != FOLIO_PATH_MOVE) {
            problem(c, p, "a path starts with { \"move\", x, y }");
            continue;
        }
        if (s->n != (size_t)seg_numbers[k] + 1) {
            problem(c, p, "expected \"%s\" and %d numbers, got %zu values", seg_names[k], seg_numbers[k],
                    s->n);
            continue;
        }
        if (segs)
            segs[i].kind = (folio_pathseg_kind)k;
        for (int j = 0; j < seg_numbers[k]; j++) {
            item(q, sizeof q, p, (size_t)j + 1);
            double x = 0;
            number_in(c, q, &s->vals[j + 1], -CANVAS_MAX_COORD, CANVAS_MAX_COORD, &x);
            if (segs)
                segs[i].v[j] = x;
        }
    }
    if (d) {
        d->segs = segs;
        d->nsegs = v->n;
    }
}

/* One drawing command { "name", numbers..., style } into d (NULL while checking). */
static void canvas_command(conv *c, const char *path, const folio_value *v, folio_draw *d)
{
    static const char *const line_style[] = {"colour", "color", "width", "dash", NULL};
    static const char *const shape_style[] = {"fill", "stroke", "width", "dash", NULL};
    static const char *const text_style[] = {"colour", "color", "size", "bold", "italic", "align", NULL};
    static const char *const text_aligns[] = {"left", "center", "right", NULL};
    const folio_value *name = is_list(v, NULL) && v->n ? &v->vals[0] : NULL;
    int k = -1;
    for (int j = 0; name && name->kind == FOLIO_V_STRING && draw_names[j]; j++)
        if (strcmp(name->str, draw_names[j]) == 0)
            k = j;
    char p[512];
    if (k < 0) {
        item(p, sizeof p, path, 0);
        if (!name)
            problem(c, path, "expected a drawing command { \"line\", x1, y1, x2, y2, style }, ..., got %s",
                    v->kind == FOLIO_V_TABLE ? "a table with other keys" : folio_value_type(v));
        else if (name->kind != FOLIO_V_STRING)
            problem(c, p,
                    "expected the command's name (\"line\", \"rect\", \"circle\", \"arc\", \"wedge\", "
                    "\"path\" or \"text\"), got %s",
                    folio_value_type(name));
        else
            problem(c, p,
                    "unknown drawing command \"%.40s\"; expected \"line\", \"rect\", \"circle\", \"arc\", "
                    "\"wedge\", \"path\" or \"text\"",
                    name->str);
        return;
    }
    /* name, numbers (or the path's segments), the text, then an optional style table */
    size_t nargs = 1 + (size_t)draw_numbers[k] + (k == FOLIO_DRAW_PATH || k == FOLIO_DRAW_TEXT);
    if (v->n < nargs || v->n > nargs + 1) {
        problem(c, path, "expected %s, got %zu values", draw_usage[k], v->n);
        return;
    }
    if (d)
        d->kind = (folio_draw_kind)k;
    for (int j = 0; j < draw_numbers[k]; j++) {
        item(p, sizeof p, path, (size_t)j + 1);
        double x = 0;
        bool size =
            (k == FOLIO_DRAW_RECT && j >= 2) || ((k >= FOLIO_DRAW_CIRCLE && k <= FOLIO_DRAW_WEDGE) && j == 2);
        number_in(c, p, &v->vals[j + 1], size ? 0 : -CANVAS_MAX_COORD, CANVAS_MAX_COORD, &x);
        if (d)
            d->v[j] = x;
    }
    if (k == FOLIO_DRAW_PATH) {
        item(p, sizeof p, path, 1);
        canvas_path(c, p, &v->vals[1], d);
    }
    if (k == FOLIO_DRAW_TEXT) {
        item(p, sizeof p, path, 3);
        char *text = value_text(c, p, &v->vals[3], "a string (the text)");
        if (d)
            d->text = text;
    }
    const folio_value *style = v->n > nargs ? &v->vals[nargs] : NULL;
    static const folio_value empty = {.kind = FOLIO_V_TABLE};
    item(p, sizeof p, path, nargs);
    if (style && style->kind != FOLIO_V_TABLE && style->kind != FOLIO_V_NIL) {
        problem(c, p, "expected a style table { ... }, got %s", folio_value_type(style));
        style = NULL;
    }
    if (!style || style->kind == FOLIO_V_NIL)
        style = &empty;
    uint32_t none = FOLIO_COLOUR_NONE, text = FOLIO_COLOUR_THEME + FOLIO_TC_TEXT;
    uint32_t fill = none, stroke = none;
    double width = 1, dash = 0, size = 0;
    unsigned st = 0;
    int align = 0;
    if (k == FOLIO_DRAW_TEXT) {
        check_fields(c, p, style, "a text's style", text_style);
        fill = get_colour(c, p, style, field(style, "colour") ? "colour" : "color", text);
        size = get_number_or(c, p, style, "size", 0.1, CANVAS_MAX_WIDTH, 0);
        st = (get_bool(c, p, style, "bold") ? FOLIO_BOLD : 0) |
             (get_bool(c, p, style, "italic") ? FOLIO_ITALIC : 0);
        align = get_enum(c, p, style, "align", text_aligns, 0);
    } else if (k == FOLIO_DRAW_LINE || k == FOLIO_DRAW_ARC) {
        check_fields(c, p, style, k == FOLIO_DRAW_LINE ? "a line's style" : "an arc's style", line_style);
        stroke = get_colour(c, p, style, field(style, "colour") ? "colour" : "color", text);
    } else {
        check_fields(c, p, style, "a shape's style", shape_style);
        fill = get_colour(c, p, style, "fill", none);
        /* Neither fill nor stroke given: an outline in the text colour. */
        stroke =
            get_colour(c, p, style, "stroke", field(style, "fill") && !field(style, "width") ? none : text);
    }
    if (k != FOLIO_DRAW_TEXT) {
        width = get_number_or(c, p, style, "width", 0, CANVAS_MAX_WIDTH, 1);
        dash = get_number_or(c, p, style, "dash", 0, CANVAS_MAX_WIDTH, 0);
    }
    if (d) {
        d->fill = fill;
        d->stroke = stroke;
        d->width = width;
        d->dash = dash;
        d->size = size;
        d->style = st;
        d->align = align == 1 ? FOLIO_ALIGN_CENTER : align == 2 ? FOLIO_ALIGN_RIGHT : FOLIO_ALIGN_LEFT;
    }
}

static void canvas(conv *c, const char *path, const folio_value *b, folio_block *out)
{
    static const char *const fields[] = {"kind", "width", "height", "alt", "caption", "ops", NULL};
    check_fields(c, path, b, "a canvas", fields);
    char p[512];
    double size[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        const char *name = i ? "height" : "width";
        sub(p, sizeof p, path, name);
        const folio_value *v = field(b, name);
        if (!v)
            problem(c, p, "missing; expected a number of points from 1 to %g", FOLIO_MAX_CANVAS_SIDE);
        else
            number_in(c, p, v, 1, FOLIO_MAX_CANVAS_SIDE, &size[i]);
    }
    sub(p, sizeof p, path, "alt");
    const folio_value *alt = field(b, "alt");
    if (!alt)
        problem(
            c, p,
            "missing; expected a text alternative (what the drawing shows, for readers who cannot see it)");
    else if (alt->kind == FOLIO_V_STRING && !alt->str[strspn(alt->str, " \t\r\n")])
        problem(c, p, "is empty; expected a text alternative (what the drawing shows)");
    char *alt_text = alt ? get_string(c, path, b, "alt", true, NULL) : NULL;
    folio_text caption = {0};
    get_text(c, path, b, "caption", &caption, false);
    const folio_value *ops = get_list(c, path, b, "ops", false, "drawing commands");
    size_t n = ops ? ops->n : 0, cost = n;
    for (size_t i = 0; i < n && cost <= FOLIO_MAX_CANVAS_COMMANDS; i++) {
        const folio_value *o = &ops->vals[i];
        if (is_list(o, NULL) && o->n >= 2 && o->vals[0].kind == FOLIO_V_STRING &&
            strcmp(o->vals[0].str, "path") == 0 && o->vals[1].kind == FOLIO_V_TABLE)
            cost += o->vals[1].n;
    }
    sub(p, sizeof p, path, "ops");
    if (cost > FOLIO_MAX_CANVAS_COMMANDS) {
        problem(c, p,
                "more than %u drawing commands (each path segment counts as one); draw less, or split "
                "the drawing into several canvases",
                FOLIO_MAX_CANVAS_COMMANDS);
        return;
    }
    folio_draw *draws = dalloc(c, n * sizeof *draws);
    for (size_t i = 0; i < n; i++) {
        char q[512];
        item(q, sizeof q, p, i);
        canvas_command(c, q, &ops->vals[i], draws ? &draws[i] : NULL);
    }
    if (out) {
        out->u.canvas.width = size[0];
        out->u.canvas.height = size[1];
        out->u.canvas.alt = alt_text;
        out->u.canvas.caption = caption;
        out->u.canvas.draws = draws;
        out->u.canvas.n = n;
    }
}

static void simple(conv *c, const char *path, const folio_value *b, folio_block *out, folio_block_kind kind)
{
    switch (kind) {
    case FOLIO_BLOCK_PAGE_BREAK: {
        static const char *const fields[] = {"kind", NULL};
        check_fields(c, path, b, "a page break", fields);
        break;
    }
    case FOLIO_BLOCK_CONTENTS: {
        static const char *const fields[] = {"kind", "title", NULL};
        check_fields(c, path, b, "a contents list", fields);
        bool present;
        char *title = get_string(c, path, b, "title", false, &present);
        if (out)
            out->u.contents.title = present ? title : dstr(c, "Contents");
        break;
    }
    case FOLIO_BLOCK_COVER: {
        static const char *const fields[] = {"kind", "title", "subtitle", "publisher", "date", "logo", NULL};
        check_fields(c, path, b, "a cover", fields);
        char *logo = image_file(c, path, b, "logo", false);
        char *title = get_string(c, path, b, "title", false, NULL);
        char *subtitle = get_string(c, path, b, "subtitle", false, NULL);
        char *publisher = get_string(c, path, b, "publisher", false, NULL);
        char *date = get_string(c, path, b, "date", false, NULL);
        if (out) {
            out->u.cover.title = title;
            out->u.cover.subtitle = subtitle;
            out->u.cover.publisher = publisher;
            out->u.cover.date = date;
            out->u.cover.logo = logo;
        }
        break;
    }
    case FOLIO_BLOCK_NOTE: {
        static const char *const fields[] = {"kind", "text", NULL};
        check_fields(c, path, b, "a note", fields);
        folio_text text = {0};
        get_text(c, path, b, "text", &text, true);
        if (out)
            out->u.note.text = text;
        break;
    }
    default: break;
    }
}

static const struct {
    const char *name;
    folio_block_kind kind;
} kinds[] = {
    {"heading", FOLIO_BLOCK_HEADING},
    {"paragraph", FOLIO_BLOCK_PARAGRAPH},
    {"list", FOLIO_BLOCK_LIST},
    {"table", FOLIO_BLOCK_TABLE},
    {"key_figures", FOLIO_BLOCK_KEY_FIGURES},
    {"quote", FOLIO_BLOCK_QUOTE},
    {"chart", FOLIO_BLOCK_CHART},
    {"page_break", FOLIO_BLOCK_PAGE_BREAK},
    {"contents", FOLIO_BLOCK_CONTENTS},
    {"cover", FOLIO_BLOCK_COVER},
    {"note", FOLIO_BLOCK_NOTE},
    {"image", FOLIO_BLOCK_IMAGE},
    {"canvas", FOLIO_BLOCK_CANVAS},
};

/* Checks (doc NULL) or builds one block. */
static void block(conv *c, const char *path, const folio_value *b)
{
    if (b->kind != FOLIO_V_TABLE) {
        problem(c, path, "expected a block (a table made by blocks.*), got %s", folio_value_type(b));
        return;
    }
    const folio_value *kind = field(b, "kind");
    char p[512];
    sub(p, sizeof p, path, "kind");
    if (!kind || kind->kind != FOLIO_V_STRING) {
        problem(c, p, "expected the kind of block (a string), got %s", folio_value_type(kind));
        return;
    }
    size_t k = 0;
    while (k < sizeof kinds / sizeof kinds[0] && strcmp(kinds[k].name, kind->str) != 0)
        k++;
    if (k == sizeof kinds / sizeof kinds[0]) {
        char list[300] = "";
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", kinds[i].name);
        problem(c, p, "unknown kind \"%.60s\"; expected one of %s", kind->str, list);
        return;
    }
    folio_block *out = c->doc ? folio_doc_add_block(c->doc, kinds[k].kind) : NULL;
    if (out)
        out->source = c->source;
    switch (kinds[k].kind) {
    case FOLIO_BLOCK_HEADING: heading(c, path, b, out); break;
    case FOLIO_BLOCK_PARAGRAPH: paragraph(c, path, b, out); break;
    case FOLIO_BLOCK_LIST: list(c, path, b, out); break;
    case FOLIO_BLOCK_TABLE: table(c, path, b, out); break;
    case FOLIO_BLOCK_KEY_FIGURES: key_figures(c, path, b, out); break;
    case FOLIO_BLOCK_QUOTE: quote(c, path, b, out); break;
    case FOLIO_BLOCK_CHART: chart(c, path, b, out); break;
    case FOLIO_BLOCK_IMAGE: image(c, path, b, out); break;
    case FOLIO_BLOCK_CANVAS: canvas(c, path, b, out); break;
    default: simple(c, path, b, out, kinds[k].kind); break;
    }
}

bool folio_blocks_add(folio_doc *doc, const folio_value *v, const char *source, folio_diag *diag)
{
    conv c = {.doc = NULL, .source = source, .diag = diag};
    if (!v || v->kind != FOLIO_V_TABLE) {
        problem(&c, "", "expected a list of blocks, got %s", folio_value_type(v));
        return false;
    }
    if (!is_list(v, NULL)) {
        if (folio_value_get(v, "kind"))
            problem(&c, "", "expected a list of blocks, got one block (return { block, ... })");
        else
            problem(&c, "", "expected a list of blocks, got a table with other keys");
        return false;
    }
    char path[64];
    for (size_t i = 0; i < v->n; i++) { /* check everything first: nothing half-built goes in */
        item(path, sizeof path, "", i);
        block(&c, path, &v->vals[i]);
    }
    if (c.errors)
        return false;
    c.doc = doc;
    c.source = folio_doc_strdup(doc, source);
    for (size_t i = 0; i < v->n; i++) {
        item(path, sizeof path, "", i);
        block(&c, path, &v->vals[i]);
    }
    return c.errors == 0;
}
