-- Bomb: an xpcall message handler that loops (Lua runs handlers of hook errors with hooks off).
return {
  name = "xpcall-handler-loop",
  version = "1.0.0",
  build = function()
    xpcall(function() while true do end end, function() while true do end end)
    return {}
  end,
}
