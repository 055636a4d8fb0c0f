-- luacheck configuration: folio's plugin globals (blocks, fmt; see docs/plugins.md).
std = "lua54"
read_globals = { "blocks", "fmt" }
max_line_length = 150
files["reports/"] = { std = "lua54" }
-- The Lua Language Server definitions define the globals and leave every function empty.
files["lua/folio.d.lua"] = { globals = { "blocks", "fmt" }, unused_args = false, ignore = { "241" } }
-- Plugin tests (folio test, docs/testing-plugins.md) also see the `test` function.
files["**/tests/*_test.lua"] = { read_globals = { "blocks", "fmt", "test" } }
