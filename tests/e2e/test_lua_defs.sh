# The Lua Language Server definitions (lua/folio.d.lua) parse, and name exactly the blocks
# constructors, fmt helpers and canvas methods of engine/lua/prelude.lua, the table methods of
# engine/lua/lua_table.c and the ctx fields of engine/lua/host.c: they cannot fall behind.
source "$(dirname "$0")/lib.sh"
DEFS=lua/folio.d.lua
check "luac -p $DEFS" luac5.4 -p "$DEFS"
check "$DEFS is a ---@meta file" grep -q '^---@meta' "$DEFS"

# same WHAT A B: the sorted name lists in files A and B are equal (a difference is printed)
same() {
    if diff "$2" "$3" >"$TMP/diff"; then ok; else
        fail "$1: the definitions (<) and the engine (>) differ:"
        cat "$TMP/diff" >&2
    fi
}
names() { sed -n "s/$1/\1/p" "$2" | sort -u; }

names '^function blocks\.\([a-z_]*\)(.*' "$DEFS" >"$TMP/d.blocks"
names '^function blocks\.\([a-z_]*\)(.*' engine/lua/prelude.lua >"$TMP/e.blocks"
same "blocks constructors" "$TMP/d.blocks" "$TMP/e.blocks"

names '^function fmt\.\([a-z_]*\)(.*' "$DEFS" >"$TMP/d.fmt"
names '^function fmt\.\([a-z_]*\)(.*' engine/lua/prelude.lua >"$TMP/e.fmt"
same "fmt helpers" "$TMP/d.fmt" "$TMP/e.fmt"

names '^function Canvas:\([a-z_]*\)(.*' "$DEFS" >"$TMP/d.canvas"
names '^function canvas\.\([a-z_]*\)(.*' engine/lua/prelude.lua >"$TMP/e.canvas"
same "canvas methods" "$TMP/d.canvas" "$TMP/e.canvas"

names '^function Table:\([a-z_]*\)(.*' "$DEFS" >"$TMP/d.table"
sed -n '/^static const luaL_Reg methods\[\]/,/};/p' engine/lua/lua_table.c | grep -o '{"[a-z_]*"' |
    tr -d '{"' | sort -u >"$TMP/e.table"
same "table methods" "$TMP/d.table" "$TMP/e.table"

# ctx: the fields (---@field of folio.Ctx) and functions (Ctx.NAME) against host.c's strict list
sed -n '/^---@class folio.Ctx$/,/^local Ctx/s/^---@field \([a-z_]*\) .*/\1/p' "$DEFS" >"$TMP/d.ctx"
names '^function Ctx\.\([a-z_]*\)(.*' "$DEFS" >>"$TMP/d.ctx"
sort -u -o "$TMP/d.ctx" "$TMP/d.ctx"
sed -n 's/.*set_strict(L, "ctx", "\([a-z_, ]*\)");.*/\1/p' engine/lua/host.c | tr ', ' '\n\n' | grep . |
    sort -u >"$TMP/e.ctx"
same "ctx fields" "$TMP/d.ctx" "$TMP/e.ctx"

# the lists are not empty (a pattern that stopped matching would make every comparison pass)
for f in blocks fmt canvas table ctx; do
    check "engine's $f names found" test "$(wc -l <"$TMP/e.$f")" -ge 5
done
finish
