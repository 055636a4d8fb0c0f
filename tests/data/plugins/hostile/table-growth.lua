-- Bomb: a table that grows for ever, after trying to stop the collector.
return {
  name = "table-growth",
  version = "1.0.0",
  build = function()
    pcall(collectgarbage, "stop") local t = {} for i = 1, math.huge do t[i] = i end
    return {}
  end,
}
