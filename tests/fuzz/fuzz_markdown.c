/* Fuzz target: Markdown prose to blocks (folio_lua_push_markdown), in a plain lua_State. What
 * it returns must be blocks that the host accepts as they are (folio_blocks_add). Each input
 * is then parsed again in a state whose allocator fails after a number of bytes taken from the
 * input, so that every memory error on the way out is clean: no leak, no crash. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "core/diag.h"
#include "doc/doc.h"
#include "fuzz.h"
#include "lua/bindings.h"
#include "lua/sandbox.h"

typedef struct input {
    const char *text;
    size_t len;
} input;

/* Protected: [input] -> the list of blocks. */
static int parse(lua_State *L)
{
    const input *in = lua_touserdata(L, 1);
    return folio_lua_push_markdown(L, in->text, in->len, "introduction.md");
}

/* An allocator that refuses to grow past a cap (ud: { used, cap }). */
static void *capped(void *ud, void *ptr, size_t osize, size_t nsize)
{
    size_t *acct = ud; /* used, cap */
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        acct[0] -= old;
        return NULL;
    }
    if (nsize > old && acct[0] + (nsize - old) > acct[1])
        return NULL;
    void *p = realloc(ptr, nsize);
    if (p)
        acct[0] = acct[0] - old + nsize;
    return p;
}

/* The blocks at the top of L must validate. */
static void check_blocks(lua_State *L)
{
    folio_value v;
    char err[512];
    FUZZ_CHECK(folio_value_from_lua(L, -1, &v, "", err, sizeof err));
    folio_doc *doc = folio_doc_create();
    folio_diag d;
    folio_diag_init(&d);
    d.quiet = true;
    bool ok = folio_blocks_add(doc, &v, "introduction.md", &d);
    if (!ok) {
        for (size_t i = 0; i < d.n; i++) {
            char line[2048];
            folio_message_format(&d.items[i], line, sizeof line);
            fprintf(stderr, "%s\n", line);
        }
    }
    FUZZ_CHECK(ok);
    FUZZ_CHECK(doc->n == v.n);
    folio_diag_free(&d);
    folio_doc_free(doc);
    folio_value_free(&v);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {(const char *)data, size};
    lua_State *L = luaL_newstate();
    FUZZ_CHECK(L != NULL);
    lua_pushcfunction(L, parse);
    lua_pushlightuserdata(L, &in);
    int status = lua_pcall(L, 1, 1, 0);
    if (status == LUA_OK)
        check_blocks(L);
    else
        FUZZ_CHECK(status == LUA_ERRRUN && lua_type(L, -1) == LUA_TSTRING);
    size_t used = lua_gc(L, LUA_GCCOUNT, 0) * 1024u + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
    lua_close(L);

    /* again, with the memory running out somewhere on the way */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    size_t acct[2] = {0, SIZE_MAX};
    L = lua_newstate(capped, acct);
    FUZZ_CHECK(L != NULL);
    acct[1] = acct[0] + 1 + h % (used + 1);
    lua_pushcfunction(L, parse);
    lua_pushlightuserdata(L, &in);
    status = lua_pcall(L, 1, 1, 0);
    acct[1] = SIZE_MAX;
    if (status == LUA_OK)
        check_blocks(L);
    else
        FUZZ_CHECK(status == LUA_ERRRUN || status == LUA_ERRMEM);
    lua_close(L);
    return 0;
}
