/* Bytecode of the chunks a process loads (the prelude and plugin files), so that each text is
 * parsed at most once per process, and the prelude and the standard plugins not at all: their
 * code was made at build time (cmake/embed_lua.c). Every byte here was made by folio's own Lua
 * from a text loaded in mode "t" (lua_dump); a chunk's code is found only by its chunk name and
 * the exact bytes of its text, so a changed file is parsed again. Plugins never load bytecode. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>

#include "core/util.h"
#include "lua/sandbox.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcomment" /* embedded.h's first line holds a slash-star */
#include "lua/embedded.h"
#pragma GCC diagnostic pop

/* One text and the code made of it; never changed or freed once kept. */
typedef struct chunk {
    char *name;
    char *text;
    size_t len;
    folio_buf code;
} chunk;

static struct {
    pthread_mutex_t lock;
    chunk *items;
    size_t n, cap;
    size_t bytes; /* text and code held */
} kept = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Whether an entry is the code of this text under this name. */
static bool same(const char *name, const char *text, size_t len, const char *ename, const char *etext,
                 size_t elen)
{
    return elen == len && strcmp(ename, name) == 0 && memcmp(etext, text, len) == 0;
}

bool folio_chunk_find(const char *chunkname, const char *text, size_t len, const unsigned char **code,
                      size_t *code_len)
{
    for (const folio_embedded_file *f = folio_embedded; f->name; f++)
        if (f->code && same(chunkname, text, len, f->chunkname, f->text, f->len)) {
            *code = f->code;
            *code_len = f->code_len;
            return true;
        }
    bool found = false;
    pthread_mutex_lock(&kept.lock);
    for (size_t i = 0; i < kept.n && !found; i++)
        if (same(chunkname, text, len, kept.items[i].name, kept.items[i].text, kept.items[i].len)) {
            *code = (const unsigned char *)kept.items[i].code.data;
            *code_len = kept.items[i].code.len;
            found = true;
        }
    pthread_mutex_unlock(&kept.lock);
    return found;
}

static int dump_to_buf(lua_State *L, const void *p, size_t n, void *ud)
{
    (void)L;
    folio_buf_append(ud, p, n);
    return 0;
}

void folio_chunk_keep(lua_State *L, const char *chunkname, const char *text, size_t len)
{
    pthread_mutex_lock(&kept.lock);
    bool room = kept.n < FOLIO_CHUNKS_KEPT && kept.bytes + len <= FOLIO_CHUNK_BYTES_KEPT;
    pthread_mutex_unlock(&kept.lock);
    if (!room || !lua_isfunction(L, -1))
        return;
    chunk c = {0};
    if (lua_dump(L, dump_to_buf, &c.code, 0) != 0 || c.code.len == 0) {
        folio_buf_free(&c.code);
        return;
    }
    c.name = xstrdup(chunkname);
    c.text = xmalloc(len ? len : 1);
    memcpy(c.text, text, len);
    c.len = len;
    pthread_mutex_lock(&kept.lock);
    bool dup = false;
    for (size_t i = 0; i < kept.n && !dup; i++) /* another thread kept it meanwhile */
        dup = same(chunkname, text, len, kept.items[i].name, kept.items[i].text, kept.items[i].len);
    if (!dup && kept.n < FOLIO_CHUNKS_KEPT && kept.bytes + len + c.code.len <= FOLIO_CHUNK_BYTES_KEPT) {
        if (kept.n == kept.cap) {
            kept.cap = kept.cap ? kept.cap * 2 : 16;
            kept.items = xrealloc(kept.items, kept.cap * sizeof *kept.items);
        }
        kept.items[kept.n++] = c;
        kept.bytes += len + c.code.len;
        c = (chunk){0};
    }
    pthread_mutex_unlock(&kept.lock);
    free(c.name);
    free(c.text);
    folio_buf_free(&c.code);
}

size_t folio_chunks_kept(void)
{
    pthread_mutex_lock(&kept.lock);
    size_t n = kept.n;
    pthread_mutex_unlock(&kept.lock);
    return n;
}
