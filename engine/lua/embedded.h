/* Lua sources compiled into the binary (every .lua file in engine/lua and the standard plugins,
 * see cmake/embed_lua.c), with the bytecode this build's Lua made of them. */
#ifndef FOLIO_EMBEDDED_H
#define FOLIO_EMBEDDED_H

#include <stddef.h>

typedef struct folio_embedded_file {
    const char *name;      /* file name: "prelude.lua", or "plugins/text.lua" for a standard plugin */
    const char *chunkname; /* the chunk name the code was made under ("=prelude"), NULL if none */
    const char *text;
    size_t len;
    const unsigned char *code; /* lua_dump of text as chunkname, with debug information; or NULL */
    size_t code_len;
} folio_embedded_file;

extern const folio_embedded_file folio_embedded[]; /* ends with a NULL name */

#endif
