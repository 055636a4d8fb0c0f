-- Bomb: a string that doubles until memory runs out.
return {
  name = "doubling-concat",
  version = "1.0.0",
  build = function()
    local s = "x" while true do s = s .. s end
    return {}
  end,
}
