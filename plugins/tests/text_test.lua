-- Tests of plugins/text.lua: a Markdown file of the report becomes headings and paragraphs.
local files = { ["intro.md"] = "# Introduction\n\nThe standards are used **widely**.\n\n- one\n- two\n" }

test("Markdown becomes blocks", function(t)
  local out = t:build({ plugin = "text", options = { file = "intro.md" }, files = files })
  t:eq(out[1], { kind = "heading", level = 1, text = "Introduction" })
  t:eq(out[2].kind, "paragraph")
  t:contains(out[2], "widely")
  t:eq(t:has_block(out, "list").items, { "one", "two" })
end)

test("no file option is an error naming the option", function(t)
  t:fails(function()
    t:build({ plugin = "text", files = files })
  end, "the text section needs a file option")
end)

test("a missing file is named", function(t)
  t:fails(function()
    t:build({ plugin = "text", options = { file = "nothing.md" } })
  end, "ctx.markdown: no file ")
  t:fails(function()
    t:build({ plugin = "text", options = { file = "nothing.md" } })
  end, "/nothing.md")
end)

test("the page", function(t)
  local pages = t:render({ plugin = "text", options = { file = "intro.md" }, files = files })
  t:contains(pages[1], "The standards are used widely.")
end)
