-- Tests of plugins/contents.lua: the contents block and the page break after it.
test("a contents block, then a page break", function(t)
  local out = t:build({ plugin = "contents" })
  t:eq(out, { { kind = "contents", title = "Contents" }, { kind = "page_break" } })
end)

test("options: title, no page break", function(t)
  local out = t:build({ plugin = "contents", options = { title = "In this report", new_page = false } })
  t:eq(out, { { kind = "contents", title = "In this report" } })
end)
