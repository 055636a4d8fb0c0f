-- luacheck configuration: folio's plugin globals.
std = "lua54"
read_globals = { "blocks", "fmt" }
max_line_length = 150
files["reports/"] = { std = "lua54" }
