-- Bomb: a loop that keeps resuming a coroutine (each coroutine has its own hook count).
return {
  name = "coroutine-loop",
  version = "1.0.0",
  build = function()
    local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end
    return {}
  end,
}
