/* Lua sources compiled into the binary (every .lua file in engine/lua, see cmake/embed.cmake). */
#ifndef FOLIO_EMBEDDED_H
#define FOLIO_EMBEDDED_H

#include <stddef.h>

typedef struct folio_embedded_file {
    const char *name; /* file name, e.g. "prelude.lua" */
    const char *text;
    size_t len;
} folio_embedded_file;

extern const folio_embedded_file folio_embedded[]; /* ends with a NULL name */

#endif
