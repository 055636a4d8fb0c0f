-- Escape: change the string metatable (shared by every string of the state).
return {
  name = "string-metatable",
  version = "1.0.0",
  build = function()
    getmetatable("").__index = { upper = function() return "pwned" end }
    return {}
  end,
}
