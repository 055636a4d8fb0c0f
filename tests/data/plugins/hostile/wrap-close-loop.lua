-- Bomb: a coroutine stopped by the limit whose to-be-closed variable loops when closed.
return {
  name = "wrap-close-loop",
  version = "1.0.0",
  build = function()
    coroutine.wrap(function() local _ <close> = setmetatable({}, { __close = function() while true do end end }) while true do end end)()
    return {}
  end,
}
