-- Bomb: stop the collector, to grow without bound.
return {
  name = "gc-stop",
  version = "1.0.0",
  build = function()
    collectgarbage("stop")
    return {}
  end,
}
