/* Lua-facing bindings that the plugin host registers: table userdata and Markdown. */
#ifndef FOLIO_BINDINGS_H
#define FOLIO_BINDINGS_H

#include <lua.h>

#include "data/table.h"

/* Pushes a userdata of metatable "folio.table" viewing all rows of t. The table must outlive
 * the lua_State (the host frees tables after closing the state). */
void folio_lua_push_table(lua_State *L, folio_table *t);
/* Pushes a Lua list of block tables (as the prelude's constructors make them) parsed from
 * Markdown text with cmark. `name` names the file in messages. Returns 1 (values pushed) or
 * raises a Lua error. */
int folio_lua_push_markdown(lua_State *L, const char *text, size_t len, const char *name);

#endif
