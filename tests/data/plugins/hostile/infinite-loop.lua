-- Bomb: an infinite loop.
return {
  name = "infinite-loop",
  version = "1.0.0",
  build = function()
    while true do end
    return {}
  end,
}
