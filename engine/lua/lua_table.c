/* The "folio.table" userdata: a view (table + selection of rows) of an input, with methods
 * that count, filter and group in C. Only rows() makes Lua tables per row. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "core/util.h"
#include "data/table.h"
#include "lua/bindings.h"
#include "lua/sandbox.h"

#define TABLE_MT "folio.table"
#define SCRATCH_MT "folio.table.scratch"
#define MAX_SCALE_POINTS 1000      /* t:scale(COL, LO, HI) allows at most this many points */
#define MAX_SCALE_BOUND 1000000000 /* |LO| and |HI| of a scale */
#define MAX_ERROR 512              /* an error text from folio_table_filter */

/* One table object. The selection is owned; `all` means every row (sel unused). A view made by
 * t:where(COL, ...) is counted at once but keeps its condition instead of its rows (`pending`)
 * until a method needs them: `where(...):count()`, the usual question, never builds a list of
 * rows. A pending view's user values are the view it narrows and the value compared with. */
typedef struct view {
    folio_table *t; /* NULL once collected */
    folio_rows sel;
    bool all;
    bool pending;     /* the rows are not listed yet: they are those of user value 1 matching */
    size_t pending_n; /* how many they are */
    int col;          /* the condition: column, comparison; the value is user value 2 */
    folio_cmp op;
} view;

/* C results that must be freed even if building their Lua form raises (memory cap). */
typedef struct scratch {
    enum { SCRATCH_NONE, SCRATCH_COUNTS, SCRATCH_CROSSTAB } kind;
    folio_counts counts;
    folio_crosstab x;
} scratch;

/* Bits for the column types a method accepts. */
#define T_BIT(type) (1u << (type))
#define T_NUMERIC (T_BIT(FOLIO_INTEGER) | T_BIT(FOLIO_NUMBER))
#define T_ORDERED (T_NUMERIC | T_BIT(FOLIO_DATE))
#define T_CODES (T_BIT(FOLIO_CODE) | T_BIT(FOLIO_MULTI))

static const char *type_name(folio_type type)
{
    switch (type) {
    case FOLIO_TEXT: return "text";
    case FOLIO_INTEGER: return "integer";
    case FOLIO_NUMBER: return "number";
    case FOLIO_DATE: return "date";
    case FOLIO_YESNO: return "yes/no";
    case FOLIO_CODE: return "code";
    case FOLIO_MULTI: return "multi-select";
    }
    return "unknown";
}

/* ---- the view userdata ---- */

static const folio_rows *view_sel(const view *v)
{
    return v->all ? NULL : &v->sel;
}

static size_t view_count(const view *v)
{
    if (v->pending)
        return v->pending_n;
    return v->all ? folio_table_row_count(v->t) : v->sel.n;
}

/* Row index (in the table) of the i-th row of the view. */
static size_t view_row(const view *v, size_t i)
{
    return v->all ? i : v->sel.idx[i];
}

/* The view at `arg`, whose rows may still be pending (for methods that only count them). */
static view *check_view_counted(lua_State *L, int arg)
{
    view *v = luaL_checkudata(L, arg, TABLE_MT);
    if (!v->t)
        luaL_argerror(L, arg, "table object used after it was collected");
    return v;
}

/* Lists the rows of the pending view at `arg` (their memory was charged when it was made). */
static void list_rows(lua_State *L, int arg, view *v)
{
    arg = lua_absindex(L, arg);
    lua_getiuservalue(L, arg, 1); /* ... parent */
    lua_getiuservalue(L, arg, 2); /* ... parent value */
    const view *parent = lua_touserdata(L, -2);
    char err[MAX_ERROR] = "";
    folio_rows r = {0};
    if (!parent || !folio_table_filter(v->t, parent->all ? NULL : &parent->sel, v->col, v->op,
                                       lua_tostring(L, -1), &r, err, sizeof err)) {
        folio_rows_free(&r);
        luaL_error(L, "cannot list the rows of a where(): %s", err); /* (it was read once already) */
    }
    lua_pop(L, 2); /* ... */
    v->sel = r;
    v->all = false;
    v->pending = false;
    lua_pushnil(L); /* ... nil: the parent may go now */
    lua_setiuservalue(L, arg, 1);
    lua_pushnil(L);
    lua_setiuservalue(L, arg, 2);
}

/* The view at `arg`, with its rows listed. */
static view *check_view(lua_State *L, int arg)
{
    view *v = check_view_counted(L, arg);
    if (v->pending)
        list_rows(L, arg, v);
    return v;
}

/* Pushes a new view of all rows of t and returns it. */
static view *new_view(lua_State *L, folio_table *t)
{
    view *v = lua_newuserdatauv(L, sizeof *v, 2); /* ... ud */
    *v = (view){.t = t, .all = true};
    luaL_setmetatable(L, TABLE_MT);
    return v;
}

/* Pushes "no column 'NAME' in FILE.csv; did you mean 'NEAREST'?" (the suggestion only when a
 * column's name is close), or that the column was not loaded, and returns it. */
static const char *push_no_column(lua_State *L, const view *v, const char *name)
{
    size_t n = folio_table_column_count(v->t);
    const char **names = lua_newuserdatauv(L, (n ? n : 1) * sizeof *names, 0); /* ... names */
    for (size_t i = 0; i < n; i++)
        names[i] = folio_table_column_name(v->t, (int)i);
    if (folio_table_column_is_unread(v->t, name)) {
        /* the report's inputs store only the columns some plugin's needs name */
        lua_pushfstring(L,
                        "column '%s' of input \"%s\" was not loaded: no plugin lists it in needs (add it to "
                        "this plugin's needs)",
                        name, folio_table_name(v->t));
        lua_remove(L, -2); /* ... message */
        return lua_tostring(L, -1);
    }
    const char *near = folio_nearest_name(name, names, n);
    const char *path = folio_table_path(v->t);
    const char *slash = path ? strrchr(path, '/') : NULL;
    const char *file = slash ? slash + 1 : path ? path : folio_table_name(v->t);
    if (near)
        lua_pushfstring(L, "no column '%s' in %s; did you mean '%s'?", name, file, near);
    else
        lua_pushfstring(L, "no column '%s' in %s", name, file);
    lua_remove(L, -2); /* ... message */
    return lua_tostring(L, -1);
}

/* Column name at `arg` -> column index, or raises naming the column and the input's file. */
static int check_column(lua_State *L, const view *v, int arg)
{
    const char *name = luaL_checkstring(L, arg);
    int col = folio_table_column_index(v->t, name);
    if (col < 0)
        luaL_argerror(L, arg, push_no_column(L, v, name));
    return col;
}

/* Raises unless column `col` (named at `arg`) has one of the types in `mask`. */
static void check_column_type(lua_State *L, const view *v, int arg, int col, unsigned mask,
                              const char *wanted)
{
    folio_type type = folio_table_column_type(v->t, col);
    if (!(mask & T_BIT(type)))
        luaL_argerror(L, arg,
                      lua_pushfstring(L, "column \"%s\" of input \"%s\" is a %s column, not %s",
                                      folio_table_column_name(v->t, col), folio_table_name(v->t),
                                      type_name(type), wanted));
}

/* ---- pushing values ---- */

static void push_date(lua_State *L, int32_t days)
{
    if (days == FOLIO_DATE_NONE) {
        lua_pushnil(L);
        return;
    }
    char buf[11];
    folio_date_format(days, buf);
    lua_pushstring(L, buf);
}

/* An INTEGER column's values are Lua integers, a NUMBER column's are floats. */
static void push_number(lua_State *L, folio_type type, double d)
{
    if (type == FOLIO_INTEGER && d >= -9007199254740992.0 && d <= 9007199254740992.0 &&
        (double)(lua_Integer)d == d)
        lua_pushinteger(L, (lua_Integer)d);
    else
        lua_pushnumber(L, (lua_Number)d);
}

/* A group label as count_by gives it: numbers for number columns, strings otherwise. */
static void push_label(lua_State *L, folio_type type, const char *label)
{
    if (type == FOLIO_INTEGER || type == FOLIO_NUMBER) {
        if (lua_stringtonumber(L, label) != 0) { /* ... n */
            double d = (double)lua_tonumber(L, -1);
            lua_pop(L, 1);
            push_number(L, type, d);
            return;
        }
    }
    lua_pushstring(L, label);
}

/* Pushes the cell (row, col) as rows() gives it; nil when missing. */
static void push_cell(lua_State *L, const folio_table *t, size_t row, int col)
{
    if (folio_table_is_missing(t, row, col)) {
        lua_pushnil(L);
        return;
    }
    folio_type type = folio_table_column_type(t, col);
    switch (type) {
    case FOLIO_INTEGER:
    case FOLIO_NUMBER: push_number(L, type, folio_table_get_number(t, row, col)); break;
    case FOLIO_DATE: push_date(L, folio_table_get_date(t, row, col)); break;
    case FOLIO_YESNO: {
        int yes = folio_table_get_yesno(t, row, col);
        if (yes < 0)
            lua_pushnil(L);
        else
            lua_pushboolean(L, yes);
        break;
    }
    case FOLIO_MULTI: {
        uint64_t bits = folio_table_get_multi(t, row, col);
        size_t ncodes = folio_table_code_count(t, col);
        lua_createtable(L, 0, 0); /* ... list */
        lua_Integer k = 0;
        for (size_t i = 0; i < ncodes && i < 64; i++) {
            if (bits & ((uint64_t)1 << i)) {
                lua_pushstring(L, folio_table_code_name(t, col, i)); /* ... list code */
                lua_rawseti(L, -2, ++k);                             /* ... list */
            }
        }
        break;
    }
    case FOLIO_TEXT:
    case FOLIO_CODE:
    default: {
        size_t len = 0;
        const char *s = folio_table_get_text(t, row, col, &len);
        if (s)
            lua_pushlstring(L, s, len);
        else
            lua_pushnil(L);
        break;
    }
    }
}

/* ---- scratch: C results owned by a userdata until converted ---- */

static int scratch_gc(lua_State *L)
{
    scratch *s = luaL_checkudata(L, 1, SCRATCH_MT);
    if (s->kind == SCRATCH_COUNTS)
        folio_counts_free(&s->counts);
    else if (s->kind == SCRATCH_CROSSTAB)
        folio_crosstab_free(&s->x);
    s->kind = SCRATCH_NONE;
    return 0;
}

static scratch *new_scratch(lua_State *L)
{
    scratch *s = lua_newuserdatauv(L, sizeof *s, 0); /* ... scratch */
    memset(s, 0, sizeof *s);
    luaL_setmetatable(L, SCRATCH_MT);
    return s;
}

/* Frees the scratch at `idx` now and removes it from the stack. */
static void drop_scratch(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_pushcfunction(L, scratch_gc); /* ... scratch ... gc */
    lua_pushvalue(L, idx);            /* ... scratch ... gc scratch */
    lua_call(L, 1, 0);                /* ... scratch ... */
    lua_remove(L, idx);
}

/* Sets t[key] = n on the table at the top. */
static void set_count(lua_State *L, const char *key, size_t n)
{
    lua_pushinteger(L, (lua_Integer)n); /* ... t n */
    lua_setfield(L, -2, key);           /* ... t */
}

/* Pushes the list of group values of c. */
static void push_values(lua_State *L, folio_type type, const folio_counts *c)
{
    lua_createtable(L, (int)c->n, 0); /* ... list */
    for (size_t i = 0; i < c->n; i++) {
        push_label(L, type, c->groups[i].label); /* ... list value */
        lua_rawseti(L, -2, (lua_Integer)i + 1);  /* ... list */
    }
}

/* ---- methods ---- */

static int t_count(lua_State *L)
{
    view *v = check_view_counted(L, 1);
    lua_pushinteger(L, (lua_Integer)view_count(v));
    return 1;
}

static int t_tostring(lua_State *L)
{
    view *v = check_view_counted(L, 1);
    size_t n = view_count(v);
    lua_pushfstring(L, "folio.table %s (%I %s)", folio_table_name(v->t), (lua_Integer)n,
                    n == 1 ? "row" : "rows");
    return 1;
}

static int t_gc(lua_State *L)
{
    view *v = luaL_checkudata(L, 1, TABLE_MT);
    if (v->pending) {
        folio_sandbox_release(L, v->pending_n * sizeof(uint32_t));
    } else if (!v->all) {
        folio_sandbox_release(L, v->sel.n * sizeof(uint32_t));
        folio_rows_free(&v->sel);
    }
    v->sel = (folio_rows){0};
    v->all = true;
    v->pending = false;
    v->t = NULL;
    return 0;
}

static int t_name(lua_State *L)
{
    view *v = check_view_counted(L, 1);
    lua_pushstring(L, folio_table_name(v->t));
    return 1;
}

static int t_file(lua_State *L)
{
    view *v = check_view_counted(L, 1);
    lua_pushstring(L, folio_table_path(v->t));
    return 1;
}

/* The value at stack index `idx` written as a CSV cell for column `col`, into buf.
 * Booleans are taken by yes/no columns, numbers by number columns, strings by all;
 * `arg` is the argument blamed in errors. */
static const char *value_text(lua_State *L, const view *v, int idx, int arg, int col, char *buf, size_t size)
{
    folio_type type = folio_table_column_type(v->t, col);
    const char *name = folio_table_column_name(v->t, col);
    switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        if (strlen(s) != len)
            luaL_argerror(L, arg, lua_pushfstring(L, "value for column \"%s\" contains a NUL byte", name));
        return s;
    }
    case LUA_TBOOLEAN:
        if (type != FOLIO_YESNO)
            break;
        return lua_toboolean(L, idx) ? "yes" : "no";
    case LUA_TNUMBER:
        if (type != FOLIO_INTEGER && type != FOLIO_NUMBER)
            break;
        if (lua_isinteger(L, idx))
            snprintf(buf, size, "%lld", (long long)lua_tointeger(L, idx));
        else
            snprintf(buf, size, "%.17g", (double)lua_tonumber(L, idx));
        return buf;
    case LUA_TNIL:
    case LUA_TNONE:
        luaL_argerror(L, arg, lua_pushfstring(L, "value expected for column \"%s\"", name));
        break;
    default: break;
    }
    luaL_argerror(L, arg,
                  lua_pushfstring(L, "%s given for %s column \"%s\" (expected %s)", luaL_typename(L, idx),
                                  type_name(type), name,
                                  type == FOLIO_YESNO                             ? "true, false or a string"
                                  : type == FOLIO_INTEGER || type == FOLIO_NUMBER ? "a number or a string"
                                                                                  : "a string"));
    return NULL;
}

static const struct {
    const char *name;
    folio_cmp op;
} ops[] = {
    {"==", FOLIO_EQ},
    {"~=", FOLIO_NE},
    {"<", FOLIO_LT},
    {"<=", FOLIO_LE},
    {">", FOLIO_GT},
    {">=", FOLIO_GE},
    {"has", FOLIO_HAS},
    {"missing", FOLIO_MISSING},
    {"present", FOLIO_PRESENT},
};

static bool find_op(const char *s, folio_cmp *op)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(s, ops[i].name) == 0) {
            *op = ops[i].op;
            return true;
        }
    }
    return false;
}

/* Narrows the selection of `out` (a fresh view; `in` is the selection to start from) by one
 * condition. Raises blaming `arg` if the value cannot be read for the column. */
static void narrow(lua_State *L, view *out, const folio_rows *in, int col, folio_cmp op, const char *value,
                   int arg)
{
    char err[MAX_ERROR] = "";
    folio_rows r = {0};
    /* A view's row list counts against the plugin's memory limit: charge the most it can
     * take before filtering (charging may raise, and nothing is allocated yet), then give
     * back what the result does not use. */
    size_t bound = (in ? in->n : folio_table_row_count(out->t)) * sizeof(uint32_t);
    folio_sandbox_charge(L, bound);
    if (!folio_table_filter(out->t, in, col, op, value, &r, err, sizeof err)) {
        folio_rows_free(&r);
        folio_sandbox_release(L, bound);
        luaL_argerror(L, arg, lua_pushstring(L, err[0] ? err : "cannot filter on this value"));
    }
    folio_sandbox_release(L, bound - r.n * sizeof(uint32_t));
    if (!out->all) {
        folio_sandbox_release(L, out->sel.n * sizeof(uint32_t));
        folio_rows_free(&out->sel);
    }
    out->sel = r;
    out->all = false;
}

/* Raises if `op` cannot apply to column `col`. */
static void check_op_type(lua_State *L, const view *v, int arg, int col, folio_cmp op, const char *opname)
{
    folio_type type = folio_table_column_type(v->t, col);
    const char *name = folio_table_column_name(v->t, col);
    if ((op == FOLIO_LT || op == FOLIO_LE || op == FOLIO_GT || op == FOLIO_GE) && !(T_ORDERED & T_BIT(type)))
        luaL_argerror(L, arg,
                      lua_pushfstring(L, "\"%s\" needs a number or date column; \"%s\" is a %s column",
                                      opname, name, type_name(type)));
    if (op == FOLIO_HAS && type != FOLIO_MULTI)
        luaL_argerror(L, arg,
                      lua_pushfstring(L, "\"has\" needs a multi-select column; \"%s\" is a %s column", name,
                                      type_name(type)));
}

/* Sorts the key strings (insertion sort: a where{} has a handful of keys). */
static void sort_keys(const char **keys, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const char *k = keys[i];
        size_t j = i;
        while (j > 0 && strcmp(keys[j - 1], k) > 0) {
            keys[j] = keys[j - 1];
            j--;
        }
        keys[j] = k;
    }
}

/* t:where{ COL = VALUE, ... }: every condition, equality. Conditions apply in column-name
 * order so the first error reported does not depend on the hash order. */
static int where_table(lua_State *L, view *v)
{
    size_t n = 0;
    lua_pushnil(L);          /* self conds nil */
    while (lua_next(L, 2)) { /* self conds key value */
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_argerror(L, 2, "keys must be column names");
        n++;
        lua_pop(L, 1); /* self conds key */
    }
    if (n == 0) {
        lua_settop(L, 1); /* self: views never change, so the same view is the answer */
        return 1;
    }
    const char **keys = lua_newuserdatauv(L, n * sizeof *keys, 0); /* self conds keys */
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, 2)) { /* self conds keys key value; keys stay anchored in conds */
        keys[k++] = lua_tostring(L, -2);
        lua_pop(L, 1);
    }
    sort_keys(keys, n);

    view *out = new_view(L, v->t); /* self conds keys out */
    for (size_t i = 0; i < n; i++) {
        int col = folio_table_column_index(v->t, keys[i]);
        if (col < 0)
            luaL_argerror(L, 2, push_no_column(L, v, keys[i]));
        char buf[64];
        lua_getfield(L, 2, keys[i]); /* self conds keys out value */
        const char *value = value_text(L, v, -1, 2, col, buf, sizeof buf);
        narrow(L, out, i == 0 ? view_sel(v) : &out->sel, col, FOLIO_EQ, value, 2);
        lua_pop(L, 1); /* self conds keys out */
    }
    return 1;
}

/* t:where(COL, VALUE), t:where(COL, OP, VALUE), t:where(COL, "missing"|"present"),
 * t:where{ COL = VALUE, ... }: a new view of the rows that match. */
static int t_where(lua_State *L)
{
    view *v = check_view(L, 1);
    if (lua_type(L, 2) == LUA_TTABLE)
        return where_table(L, v);
    int col = check_column(L, v, 2);
    int top = lua_gettop(L);
    folio_cmp op = FOLIO_EQ;
    int value_arg = 3;
    const char *opname = "==";
    if (top >= 4) {
        opname = luaL_checkstring(L, 3);
        if (!find_op(opname, &op))
            luaL_argerror(L, 3,
                          lua_pushfstring(L,
                                          "unknown operator \"%s\" (expected ==, ~=, <, <=, >, >=, "
                                          "has, missing or present)",
                                          opname));
        value_arg = 4;
    } else if (top == 3 && lua_type(L, 3) == LUA_TSTRING) {
        const char *s = lua_tostring(L, 3);
        if (strcmp(s, "missing") == 0 || strcmp(s, "present") == 0) {
            opname = s;
            op = strcmp(s, "missing") == 0 ? FOLIO_MISSING : FOLIO_PRESENT;
        }
    }
    check_op_type(L, v, value_arg == 4 ? 3 : 2, col, op, opname);

    const char *value = "";
    char buf[64];
    if (op == FOLIO_MISSING || op == FOLIO_PRESENT) {
        if (!lua_isnoneornil(L, 4))
            luaL_argerror(L, 4, lua_pushfstring(L, "no value expected after \"%s\"", opname));
    } else {
        value = value_text(L, v, value_arg, value_arg, col, buf, sizeof buf);
    }
    /* counted now (a bad value raises here), listed when a method needs the rows; the memory
     * of the list is charged now, as narrow() does */
    int blame = op == FOLIO_MISSING || op == FOLIO_PRESENT ? 3 : value_arg;
    const folio_rows *in = view_sel(v);
    size_t bound = (in ? in->n : folio_table_row_count(v->t)) * sizeof(uint32_t), n = 0;
    char err[MAX_ERROR] = "";
    folio_sandbox_charge(L, bound);
    if (!folio_table_count_where(v->t, in, col, op, value, &n, err, sizeof err)) {
        folio_sandbox_release(L, bound);
        luaL_argerror(L, blame, lua_pushstring(L, err[0] ? err : "cannot filter on this value"));
    }
    folio_sandbox_release(L, bound - n * sizeof(uint32_t));
    view *out = new_view(L, v->t); /* ... out */
    out->all = false;
    out->pending = true;
    out->pending_n = n;
    out->col = col;
    out->op = op;
    lua_pushvalue(L, 1); /* ... out parent */
    lua_setiuservalue(L, -2, 1);
    lua_pushstring(L, value); /* ... out value */
    lua_setiuservalue(L, -2, 2);
    return 1;
}

/* Pushes {{value=, count=}, ..., missing=, base=} of a count. */
static void push_counts(lua_State *L, folio_type type, const folio_counts *c)
{
    lua_createtable(L, (int)c->n, 2); /* ... list */
    for (size_t i = 0; i < c->n; i++) {
        lua_createtable(L, 0, 2);                /* ... list group */
        push_label(L, type, c->groups[i].label); /* ... list group value */
        lua_setfield(L, -2, "value");            /* ... list group */
        set_count(L, "count", c->groups[i].count);
        lua_rawseti(L, -2, (lua_Integer)i + 1); /* ... list */
    }
    set_count(L, "missing", c->missing);
    set_count(L, "base", c->base);
}

static int t_count_by(lua_State *L)
{
    view *v = check_view(L, 1);
    int col = check_column(L, v, 2);
    scratch *s = new_scratch(L); /* self col scratch */
    s->kind = SCRATCH_COUNTS;
    if (!folio_table_count_by(v->t, view_sel(v), col, &s->counts))
        return luaL_error(L, "cannot count column \"%s\" of input \"%s\"", folio_table_column_name(v->t, col),
                          folio_table_name(v->t));
    push_counts(L, folio_table_column_type(v->t, col), &s->counts); /* self col scratch result */
    drop_scratch(L, -2);                                            /* self col result */
    return 1;
}

static int t_crosstab(lua_State *L)
{
    view *v = check_view(L, 1);
    int rcol = check_column(L, v, 2);
    int ccol = check_column(L, v, 3);
    scratch *s = new_scratch(L); /* self rcol ccol scratch */
    s->kind = SCRATCH_CROSSTAB;
    if (!folio_table_crosstab(v->t, view_sel(v), rcol, ccol, &s->x))
        return luaL_error(L, "cannot cross-tabulate columns \"%s\" and \"%s\" of input \"%s\"",
                          folio_table_column_name(v->t, rcol), folio_table_column_name(v->t, ccol),
                          folio_table_name(v->t));
    const folio_crosstab *x = &s->x;
    lua_createtable(L, 0, 3); /* ... scratch result */
    push_values(L, folio_table_column_type(v->t, rcol), &x->rows);
    lua_setfield(L, -2, "rows");
    push_values(L, folio_table_column_type(v->t, ccol), &x->cols);
    lua_setfield(L, -2, "cols");
    lua_createtable(L, (int)x->rows.n, 0); /* ... scratch result cells */
    for (size_t i = 0; i < x->rows.n; i++) {
        lua_createtable(L, (int)x->cols.n, 0); /* ... cells row */
        for (size_t j = 0; j < x->cols.n; j++) {
            lua_pushinteger(L, (lua_Integer)x->cells[i * x->cols.n + j]); /* ... cells row n */
            lua_rawseti(L, -2, (lua_Integer)j + 1);                       /* ... cells row */
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1); /* ... cells */
    }
    lua_setfield(L, -2, "cells"); /* ... scratch result */
    drop_scratch(L, -2);          /* ... result */
    return 1;
}

static int t_scale(lua_State *L)
{
    view *v = check_view(L, 1);
    int col = check_column(L, v, 2);
    check_column_type(L, v, 2, col, T_BIT(FOLIO_INTEGER), "an integer column");
    lua_Integer lo = luaL_checkinteger(L, 3);
    lua_Integer hi = luaL_checkinteger(L, 4);
    luaL_argcheck(L, lo >= -MAX_SCALE_BOUND && lo <= MAX_SCALE_BOUND, 3, "out of range");
    luaL_argcheck(L, hi >= -MAX_SCALE_BOUND && hi <= MAX_SCALE_BOUND, 4, "out of range");
    luaL_argcheck(L, hi >= lo, 4, "must not be less than LO");
    luaL_argcheck(L, hi - lo < MAX_SCALE_POINTS, 4, "too many points on the scale");
    size_t npoints = (size_t)(hi - lo + 1);
    size_t *counts = lua_newuserdatauv(L, npoints * sizeof *counts, 0); /* ... counts */
    memset(counts, 0, npoints * sizeof *counts);
    size_t missing = 0, other = 0;
    if (!folio_table_scale(v->t, view_sel(v), col, (int)lo, (int)hi, counts, &missing, &other))
        return luaL_error(L, "cannot count column \"%s\" of input \"%s\" on a scale",
                          folio_table_column_name(v->t, col), folio_table_name(v->t));
    size_t answered = 0;
    lua_createtable(L, 0, 4);            /* ... counts result */
    lua_createtable(L, (int)npoints, 0); /* ... counts result list */
    for (size_t i = 0; i < npoints; i++) {
        answered += counts[i];
        lua_pushinteger(L, (lua_Integer)counts[i]); /* ... counts result list n */
        lua_rawseti(L, -2, (lua_Integer)i + 1);     /* ... counts result list */
    }
    lua_setfield(L, -2, "counts"); /* ... counts result */
    set_count(L, "answered", answered);
    set_count(L, "missing", missing);
    set_count(L, "other", other);
    return 1;
}

static int t_count_distinct(lua_State *L)
{
    view *v = check_view(L, 1);
    int col = check_column(L, v, 2);
    lua_pushinteger(L, (lua_Integer)folio_table_count_distinct(v->t, view_sel(v), col));
    return 1;
}

static int min_max(lua_State *L, bool want_max)
{
    view *v = check_view(L, 1);
    int col = check_column(L, v, 2);
    check_column_type(L, v, 2, col, T_ORDERED, "a number or date column");
    double lo, hi;
    if (!folio_table_min_max(v->t, view_sel(v), col, &lo, &hi)) {
        lua_pushnil(L);
        return 1;
    }
    double d = want_max ? hi : lo;
    folio_type type = folio_table_column_type(v->t, col);
    if (type == FOLIO_DATE)
        push_date(L, (int32_t)d);
    else
        push_number(L, type, d);
    return 1;
}

static int t_min(lua_State *L)
{
    return min_max(L, false);
}

static int t_max(lua_State *L)
{
    return min_max(L, true);
}

static int t_sum(lua_State *L)
{
    view *v = check_view(L, 1);
    int col = check_column(L, v, 2);
    check_column_type(L, v, 2, col, T_NUMERIC, "a number column");
    double sum = 0;
    size_t n = 0;
    if (!folio_table_sum(v->t, view_sel(v), col, &sum, &n))
        sum = 0, n = 0;
    push_number(L, folio_table_column_type(v->t, col), sum);
    lua_pushinteger(L, (lua_Integer)n);
    return 2;
}

static int t_codes(lua_State *L)
{
    view *v = check_view_counted(L, 1);
    int col = check_column(L, v, 2);
    check_column_type(L, v, 2, col, T_CODES, "a code or multi-select column");
    size_t n = folio_table_code_count(v->t, col);
    lua_createtable(L, (int)n, 0); /* ... list */
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, folio_table_code_name(v->t, col, i)); /* ... list code */
        lua_rawseti(L, -2, (lua_Integer)i + 1);                 /* ... list */
    }
    return 1;
}

/* State of a rows() iterator: the next position in the view and the columns to give. */
typedef struct row_iter {
    size_t pos;
    int ncols;
    int cols[];
} row_iter;

/* The iterator: upvalue 1 is the view (kept alive by the closure), upvalue 2 the state. */
static int rows_next(lua_State *L)
{
    view *v = lua_touserdata(L, lua_upvalueindex(1));
    row_iter *it = lua_touserdata(L, lua_upvalueindex(2));
    if (!v->t || it->pos >= view_count(v)) {
        lua_pushnil(L);
        return 1;
    }
    size_t row = view_row(v, it->pos++);
    luaL_checkstack(L, 4, NULL);
    lua_createtable(L, 0, it->ncols + 1); /* ... row */
    for (int i = 0; i < it->ncols; i++) {
        push_cell(L, v->t, row, it->cols[i]);                            /* ... row value */
        lua_setfield(L, -2, folio_table_column_name(v->t, it->cols[i])); /* ... row */
    }
    lua_pushinteger(L, folio_table_row_line(v->t, row)); /* ... row line */
    lua_setfield(L, -2, "_line");                        /* ... row */
    return 1;
}

/* t:rows(COL, ...): an iterator of fresh row tables; no columns named = every column. */
static int t_rows(lua_State *L)
{
    view *v = check_view(L, 1);
    int top = lua_gettop(L);
    int ncols = top > 1 ? top - 1 : (int)folio_table_column_count(v->t);
    row_iter *it = lua_newuserdatauv(L, sizeof *it + (size_t)ncols * sizeof(int), 0); /* self cols... it */
    it->pos = 0;
    it->ncols = 0;
    for (int i = 0; i < ncols; i++) {
        if (top > 1)
            it->cols[it->ncols++] = check_column(L, v, i + 2);
        else if (!folio_table_column_is_unread(v->t, folio_table_column_name(v->t, i)))
            it->cols[it->ncols++] = i; /* every stored column */
    }
    lua_pushvalue(L, 1);               /* self cols... it self */
    lua_insert(L, -2);                 /* self cols... self it */
    lua_pushcclosure(L, rows_next, 2); /* self cols... iter */
    return 1;
}

static int t_stats(lua_State *L)
{
    view *v = check_view_counted(L, 1);
    folio_table_stats st;
    folio_table_get_stats(v->t, &st);
    lua_createtable(L, 0, 9); /* ... stats */
    lua_pushstring(L, folio_table_name(v->t));
    lua_setfield(L, -2, "name");
    lua_pushstring(L, folio_table_path(v->t));
    lua_setfield(L, -2, "file");
    set_count(L, "rows_read", st.rows_read);
    set_count(L, "rows_used", st.rows_used);
    set_count(L, "out_of_period", st.out_of_period);
    if (st.counts_previous)
        set_count(L, "previous_used", st.previous_used);
    set_count(L, "rejected", st.rejected);
    lua_createtable(L, (int)st.nreasons, 0); /* ... stats reasons */
    for (size_t i = 0; i < st.nreasons; i++) {
        lua_createtable(L, 0, 2); /* ... stats reasons reason */
        lua_pushstring(L, st.reasons[i].text);
        lua_setfield(L, -2, "reason");
        set_count(L, "count", st.reasons[i].count);
        lua_rawseti(L, -2, (lua_Integer)i + 1); /* ... stats reasons */
    }
    lua_setfield(L, -2, "reasons"); /* ... stats */
    push_date(L, st.first_date);
    lua_setfield(L, -2, "first_date");
    push_date(L, st.last_date);
    lua_setfield(L, -2, "last_date");
    return 1;
}

static const luaL_Reg methods[] = {
    {"count", t_count},       {"where", t_where}, {"count_by", t_count_by},
    {"crosstab", t_crosstab}, {"scale", t_scale}, {"count_distinct", t_count_distinct},
    {"min", t_min},           {"max", t_max},     {"sum", t_sum},
    {"codes", t_codes},       {"rows", t_rows},   {"stats", t_stats},
    {"name", t_name},         {"file", t_file},   {NULL, NULL},
};

/* __index of a table object (upvalue: the methods): a method, or an error naming the nearest
 * method ("no method 'count_bi' on table survey; did you mean 'count_by'?"). */
static int t_index(lua_State *L)
{
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) /* self key method */
        return 1;
    view *v = luaL_checkudata(L, 1, TABLE_MT);
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2);
    const char *names[sizeof methods / sizeof *methods];
    size_t n = 0;
    for (const luaL_Reg *m = methods; m->name; m++)
        names[n++] = m->name;
    const char *near = folio_nearest_name(key, names, n);
    const char *tname = v->t ? folio_table_name(v->t) : "?";
    if (near)
        return luaL_error(L, "no method '%s' on table %s; did you mean '%s'?", key, tname, near);
    return luaL_error(L, "no method '%s' on table %s", key, tname);
}

static const luaL_Reg metamethods[] = {
    {"__len", t_count},
    {"__tostring", t_tostring},
    {"__gc", t_gc},
    {NULL, NULL},
};

/* Creates the two metatables once per state. Both are protected: getmetatable() on a table
 * object gives the string "folio.table". */
static void ensure_metatables(lua_State *L)
{
    if (luaL_newmetatable(L, TABLE_MT)) { /* ... mt */
        luaL_setfuncs(L, metamethods, 0);
        luaL_newlib(L, methods);         /* ... mt methods */
        lua_pushcclosure(L, t_index, 1); /* ... mt index */
        lua_setfield(L, -2, "__index");  /* ... mt */
        lua_pushliteral(L, TABLE_MT);
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1);                          /* ... */
    if (luaL_newmetatable(L, SCRATCH_MT)) { /* ... mt */
        lua_pushcfunction(L, scratch_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushliteral(L, SCRATCH_MT);
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1); /* ... */
}

void folio_lua_push_table(lua_State *L, folio_table *t)
{
    luaL_checkstack(L, 4, NULL);
    ensure_metatables(L);
    new_view(L, t); /* ... ud */
}
