-- Returns a wrong build() result, chosen by the `case` option.
local cases = {
  cell = function()
    return {
      blocks.heading(1, "Title"),
      blocks.paragraph("Text"),
      blocks.table { columns = { { title = "A" } }, rows = { { "ok" }, { {} } } },
    }
  end,
  kind = function() return { { kind = "heding", level = 1, text = "x" } } end,
  continued = function()
    return { blocks.table { columns = { { title = "A" } }, rows = { { "ok" } }, continued = 1 } }
  end,
  single = function() return blocks.heading(1, "x") end,
  missing = function() return { { kind = "heading", text = "x" } } end,
  unknown_field = function() return { { kind = "paragraph", text = "x", titel = "y" } } end,
  cycle = function()
    local t = { kind = "paragraph" }
    t.text = t
    return { t }
  end,
  deep = function()
    local t = "x"
    for _ = 1, 20 do t = { t } end
    return { { kind = "paragraph", text = t } }
  end,
  ["function"] = function() return { { kind = "paragraph", text = print } } end,
  chart_options = function()
    return { blocks.chart { type = "diverging", categories = { "a", "b" }, neutral = 9, sort = "size",
      decimals = 1.5, n = { 3 }, cumulative = true, min = 5, max = 1,
      series = { { name = "x", values = { 1, -2 } }, { name = "y", values = { "3", false } } } } }
  end,
  chart = function()
    return { blocks.chart { type = "pie", categories = { "a", "b" }, series = { { values = { 1, 2, 3 } } } } }
  end,
  metatable = function()
    return setmetatable({}, { __index = function() error("metamethod ran") end,
      __len = function() error("metamethod ran") end })
  end,
  nothing = function() return nil end,
  list_first = function() return { blocks.list { blocks.list { "orphan" }, "a" } } end,
  list_deep = function()
    local l = blocks.list { "d" }
    for _ = 1, 4 do l = blocks.list { "x", l } end
    return { l }
  end,
  list_item = function() return { blocks.list { "a", blocks.list { "b", { text = 1 } } } } end,
}

return {
  name = "bad-blocks",
  version = "1.0.0",
  options = { case = "" },
  build = function(ctx) return cases[ctx.options.case]() end,
}
