/* folio_value: plain data (report.lua, section options, build() results) copied out of Lua
 * into C, so that it can be checked and used with no Lua state and no metamethods. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "core/limits.h"
#include "core/util.h"
#include "lua/sandbox.h"

void folio_value_free(folio_value *v)
{
    if (!v)
        return;
    if (v->kind == FOLIO_V_STRING)
        free(v->str);
    if (v->kind == FOLIO_V_TABLE) {
        for (size_t i = 0; i < v->n; i++) {
            folio_value_free(&v->keys[i]);
            folio_value_free(&v->vals[i]);
        }
        free(v->keys);
        free(v->vals);
    }
    *v = (folio_value){0};
}

void folio_value_copy(folio_value *dst, const folio_value *src)
{
    *dst = *src;
    if (src->kind == FOLIO_V_STRING) {
        dst->str = xmalloc(src->len + 1);
        memcpy(dst->str, src->str, src->len);
        dst->str[src->len] = '\0';
    } else if (src->kind == FOLIO_V_TABLE) {
        dst->keys = xcalloc(src->n ? src->n : 1, sizeof *dst->keys);
        dst->vals = xcalloc(src->n ? src->n : 1, sizeof *dst->vals);
        for (size_t i = 0; i < src->n; i++) {
            folio_value_copy(&dst->keys[i], &src->keys[i]);
            folio_value_copy(&dst->vals[i], &src->vals[i]);
        }
    }
}

const folio_value *folio_value_get(const folio_value *t, const char *key)
{
    if (!t || t->kind != FOLIO_V_TABLE)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < t->n; i++)
        if (t->keys[i].kind == FOLIO_V_STRING && t->keys[i].len == n && memcmp(t->keys[i].str, key, n) == 0)
            return &t->vals[i];
    return NULL;
}

size_t folio_value_len(const folio_value *t)
{
    if (!t || t->kind != FOLIO_V_TABLE)
        return 0;
    size_t n = 0;
    while (n < t->n && t->keys[n].kind == FOLIO_V_NUMBER && t->keys[n].is_int &&
           t->keys[n].num == (double)(n + 1))
        n++;
    return n;
}

const char *folio_value_type(const folio_value *v)
{
    static const char *const names[] = {"nil", "boolean", "number", "string", "table"};
    return v ? names[v->kind] : "nil";
}

/* True when s[0..n) is a Lua name (so that a path can read ".name"). */
static bool is_name(const char *s, size_t n)
{
    if (n == 0 || isdigit((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

void folio_value_path(char *buf, size_t size, const char *prefix, const folio_value *k)
{
    if (k->kind == FOLIO_V_STRING && is_name(k->str, k->len))
        snprintf(buf, size, "%s%s%.*s", prefix, *prefix ? "." : "", (int)k->len, k->str);
    else if (k->kind == FOLIO_V_STRING)
        snprintf(buf, size, "%s[\"%.*s\"]", prefix, (int)(k->len > 60 ? 60 : k->len), k->str);
    else if (k->kind == FOLIO_V_NUMBER && k->is_int)
        snprintf(buf, size, "%s[%lld]", prefix, (long long)k->num);
    else if (k->kind == FOLIO_V_NUMBER)
        snprintf(buf, size, "%s[%.14g]", prefix, k->num);
    else
        snprintf(buf, size, "%s[%s]", prefix, k->b ? "true" : "false");
}

/* ---- Lua -> folio_value ---- */

/* A copy in progress. The path of the value being copied ("[2].rows[1]") is only written out
 * for a message: the root's path and the key taken at each depth. */
typedef struct conv {
    lua_State *L;
    const void *stack[FOLIO_MAX_BLOCK_DEPTH + 1]; /* tables being copied, for cycles */
    const folio_value *keys[FOLIO_MAX_BLOCK_DEPTH + 1];
    const char *root;
    size_t nodes, bytes;
    char *err;
    size_t errlen;
} conv;

/* The depth of a key being copied: its path is "". */
#define KEY_DEPTH (-1)

/* Orders keys: booleans (false first), then numbers, then strings (bytewise). */
static int key_cmp(const folio_value *a, const folio_value *b)
{
    if (a->kind != b->kind)
        return a->kind == FOLIO_V_BOOL     ? -1
               : b->kind == FOLIO_V_BOOL   ? 1
               : a->kind == FOLIO_V_NUMBER ? -1
                                           : 1;
    switch (a->kind) {
    case FOLIO_V_BOOL: return (int)a->b - (int)b->b;
    case FOLIO_V_NUMBER: return a->num < b->num ? -1 : a->num > b->num;
    default: {
        size_t n = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->str, b->str, n);
        return c ? c : (a->len < b->len ? -1 : a->len > b->len);
    }
    }
}

/* A key and its value, sorted together. */
typedef struct pair {
    folio_value k, v;
} pair;

static int pair_cmp(const void *a, const void *b)
{
    return key_cmp(&((const pair *)a)->k, &((const pair *)b)->k);
}

static bool is_index(const folio_value *k, size_t i)
{
    return k->kind == FOLIO_V_NUMBER && k->is_int && k->num == (double)i;
}

/* Whether p[0..n) is in the order order_pairs gives: the list part (1, 2, ... m) first, then the
 * other keys ascending, m + 1 not among them. Lua's lua_next gives a list in this order. */
static bool in_order(const pair *p, size_t n)
{
    size_t m = 0;
    while (m < n && is_index(&p[m].k, m + 1))
        m++;
    for (size_t i = m; i < n; i++)
        if ((i > m && key_cmp(&p[i - 1].k, &p[i].k) >= 0) || is_index(&p[i].k, m + 1))
            return false;
    return true;
}

/* Puts the list part (integer keys 1, 2, ... n) first, in order, then the other keys sorted. */
static void order_pairs(pair *p, size_t n)
{
    if (in_order(p, n))
        return;
    qsort(p, n, sizeof *p, pair_cmp);
    size_t a = 0;
    while (a < n && !is_index(&p[a].k, 1))
        a++;
    if (a == n || a == 0)
        return;
    size_t b = a;
    while (b < n && is_index(&p[b].k, b - a + 1))
        b++;
    /* rotate [0, a) behind [a, b) */
    pair *tmp = xmalloc(a * sizeof *tmp);
    memcpy(tmp, p, a * sizeof *tmp);
    memmove(p, p + a, (b - a) * sizeof *p);
    memcpy(p + (b - a), tmp, a * sizeof *tmp);
    free(tmp);
}

/* Writes the path of the value at `depth` (the root's path, then a segment per key). */
static void path_at(const conv *c, int depth, char *buf, size_t size)
{
    snprintf(buf, size, "%s", depth == KEY_DEPTH ? "" : c->root);
    for (int i = 0; i < depth; i++) {
        char sub[512];
        folio_value_path(sub, sizeof sub, buf, c->keys[i]);
        snprintf(buf, size, "%s", sub);
    }
}

/* Records the first problem, at the path of the value at `depth` (with `suffix` after it). */
static bool fail(conv *c, int depth, const char *suffix, const char *what)
{
    if (c->err && !*c->err) {
        char path[512], full[600];
        path_at(c, depth, path, sizeof path);
        snprintf(full, sizeof full, "%s%s", path, suffix);
        snprintf(c->err, c->errlen, "%s%s%s", full, *full ? ": " : "", what);
    }
    return false;
}

static bool convert(conv *c, int idx, folio_value *out, int depth);

/* Copies a key (string, number or boolean); false for other keys. Raises nothing. */
static bool convert_key(conv *c, int idx, folio_value *out)
{
    lua_State *L = c->L;
    switch (lua_type(L, idx)) {
    case LUA_TSTRING:
    case LUA_TNUMBER:
    case LUA_TBOOLEAN: return convert(c, idx, out, KEY_DEPTH);
    default: return false;
    }
}

#define INLINE_PAIRS 16 /* pairs of a table collected on the C stack before any allocation */

static bool convert_table(conv *c, int idx, folio_value *out, int depth)
{
    lua_State *L = c->L;
    const void *self = lua_topointer(L, idx);
    for (int i = 0; i < depth; i++)
        if (c->stack[i] == self)
            return fail(c, depth, "", "a table that contains itself (a cycle)");
    if (depth >= FOLIO_MAX_BLOCK_DEPTH)
        return fail(c, depth, "", "tables nested too deeply");
    c->stack[depth] = self;
    if (!lua_checkstack(L, 4))
        return fail(c, depth, "", "out of Lua stack");

    /* Collect the pairs first, then order them. */
    pair local[INLINE_PAIRS], *p = local;
    size_t n = 0, cap = INLINE_PAIRS;
    bool ok = true;
    lua_pushnil(L);            /* ... nil */
    while (lua_next(L, idx)) { /* ... key value */
        if (n == cap) {
            cap *= 2;
            if (p == local) {
                p = xmalloc(cap * sizeof *p);
                memcpy(p, local, n * sizeof *p);
            } else {
                p = xrealloc(p, cap * sizeof *p);
            }
        }
        pair *e = &p[n++];
        e->v = (folio_value){0};
        if (!convert_key(c, lua_absindex(L, -2), &e->k)) {
            char sub[64];
            snprintf(sub, sizeof sub, "[%s]", luaL_typename(L, -2));
            ok = fail(c, depth, sub, "table keys must be strings, numbers or booleans");
        } else {
            c->keys[depth] = &e->k;
            ok = convert(c, lua_absindex(L, -1), &e->v, depth + 1);
        }
        lua_pop(L, 1); /* ... key */
        if (!ok) {
            lua_pop(L, 1); /* ... */
            break;
        }
    }
    if (!ok) {
        for (size_t i = 0; i < n; i++) {
            folio_value_free(&p[i].k);
            folio_value_free(&p[i].v);
        }
        if (p != local)
            free(p);
        return false;
    }
    order_pairs(p, n);
    out->kind = FOLIO_V_TABLE;
    out->n = n;
    out->keys = xmalloc((n ? n : 1) * sizeof *out->keys);
    out->vals = xmalloc((n ? n : 1) * sizeof *out->vals);
    for (size_t i = 0; i < n; i++) {
        out->keys[i] = p[i].k;
        out->vals[i] = p[i].v;
    }
    if (p != local)
        free(p);
    return true;
}

static bool convert(conv *c, int idx, folio_value *out, int depth)
{
    lua_State *L = c->L;
    *out = (folio_value){0};
    if (++c->nodes > FOLIO_VALUE_MAX_NODES) {
        char what[160];
        snprintf(what, sizeof what,
                 "more than %u values, too large a result for a report section (is a table shared "
                 "many times over?)",
                 FOLIO_VALUE_MAX_NODES);
        return fail(c, depth, "", what);
    }
    switch (lua_type(L, idx)) {
    case LUA_TNIL: return true;
    case LUA_TBOOLEAN:
        out->kind = FOLIO_V_BOOL;
        out->b = lua_toboolean(L, idx);
        return true;
    case LUA_TNUMBER:
        out->kind = FOLIO_V_NUMBER;
        if (lua_isinteger(L, idx)) {
            out->is_int = true;
            out->num = (double)lua_tointeger(L, idx);
        } else {
            out->num = lua_tonumber(L, idx);
        }
        return true;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len); /* a string already: no conversion */
        c->bytes += len;
        if (c->bytes > FOLIO_VALUE_MAX_BYTES) {
            char what[120];
            snprintf(what, sizeof what, "more than %u MiB of text, too large a result for a report section",
                     FOLIO_VALUE_MAX_BYTES >> 20);
            return fail(c, depth, "", what);
        }
        out->kind = FOLIO_V_STRING;
        out->str = xmalloc(len + 1);
        memcpy(out->str, s, len);
        out->str[len] = '\0';
        out->len = len;
        return true;
    }
    case LUA_TTABLE: return convert_table(c, lua_absindex(L, idx), out, depth);
    default: {
        char what[128];
        snprintf(what, sizeof what, "expected plain data (a string, number, boolean or table), got %s",
                 luaL_typename(L, idx));
        return fail(c, depth, "", what);
    }
    }
}

bool folio_value_from_lua(lua_State *L, int idx, folio_value *out, const char *path, char *err, size_t errlen)
{
    conv c = {.L = L, .root = path ? path : "", .err = err, .errlen = errlen};
    if (err && errlen)
        *err = '\0';
    if (!convert(&c, lua_absindex(L, idx), out, 0)) {
        folio_value_free(out);
        return false;
    }
    return true;
}

/* ---- folio_value -> Lua ---- */

void folio_value_push(lua_State *L, const folio_value *v)
{
    luaL_checkstack(L, 3, NULL);
    switch (v->kind) {
    case FOLIO_V_NIL: lua_pushnil(L); break;
    case FOLIO_V_BOOL: lua_pushboolean(L, v->b); break;
    case FOLIO_V_NUMBER:
        if (v->is_int)
            lua_pushinteger(L, (lua_Integer)v->num);
        else
            lua_pushnumber(L, v->num);
        break;
    case FOLIO_V_STRING: lua_pushlstring(L, v->str, v->len); break;
    case FOLIO_V_TABLE: {
        size_t list = folio_value_len(v);
        lua_createtable(L, (int)list, (int)(v->n - list)); /* ... t */
        for (size_t i = 0; i < v->n; i++) {
            folio_value_push(L, &v->keys[i]); /* ... t k */
            folio_value_push(L, &v->vals[i]); /* ... t k v */
            lua_rawset(L, -3);                /* ... t */
        }
        break;
    }
    }
}
