return {
  { kind = "heading", level = 4, text = 1 },
  { kind = "table", columns = {}, rows = { {} } },
  { kind = "table", columns = { { width = 1 }, { title = "b" } }, rows = { { 1 } }, x = 1 },
  { kind = "chart", type = "bar", categories = {}, series = { { values = { -1, 0 / 0, 1 / 0 } } } },
  { kind = "chart", categories = { "a" }, series = { "s", { values = { "1" }, labels = { {} } } } },
  { kind = "key_figures", items = {} },
  { kind = "list", items = { 1, true } },
  { kind = 7 }, "text", 42, { kind = "note" },
  [1.5] = "x",
}
