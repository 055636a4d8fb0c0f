-- Bomb: a loop inside pcall, inside a loop: the limit's error must not be caught.
return {
  name = "pcall-loop",
  version = "1.0.0",
  build = function()
    while true do pcall(function() while true do end end) end
    return {}
  end,
}
