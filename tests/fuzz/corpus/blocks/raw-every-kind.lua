return {
  { kind = "heading", level = 2, text = { "a ", { text = "b", bold = true, italic = true, code = true, link = "u" } }, id = "h" },
  { kind = "paragraph", text = { text = "span", kind = "bold", url = "x" }, align = "justify", style = "lead" },
  { kind = "list", items = { "a", { "b", { text = "c", italic = true } } }, ordered = false },
  { kind = "table", columns = { { title = "A", align = "right", width = 2 }, { title = { "B" }, align = "center", width = 1.5 } },
    rows = { { 1, "x" }, { "", 2.5, bold = false }, { { text = "s" }, -3e10 } }, caption = "cap" },
  { kind = "key_figures", items = { { value = 1.5, label = "a" }, { value = "2", label = "b" } } },
  { kind = "quote", text = "q", attribution = { "who", { text = "where", italic = true } } },
  { kind = "chart", type = "stacked", title = "t", categories = { "a", 2 }, x_title = "x", y_title = "y", note = "n", alt = "",
    series = { { name = "s1", values = { 0, 1 }, labels = { "", 1 } }, { name = "s2", values = { 2, 3 } } } },
  { kind = "page_break" }, { kind = "contents", title = "C" }, { kind = "contents" },
  { kind = "cover", title = "T", subtitle = "S", publisher = "P", date = "D" },
  { kind = "note", text = "n" },
}
