-- Bomb: one list shared 4,000 times: cheap in Lua, 4 million values to copy and lay out.
return {
  name = "shared-value",
  version = "1.0.0",
  build = function()
    local row = {}
    for i = 1, 1000 do row[i] = "x" end
    local items = {}
    for i = 1, 4000 do items[i] = row end
    return { { kind = "list", items = items } }
  end,
}
