-- Bomb: an error object whose __tostring loops, for the host to call.
return {
  name = "tostring-error",
  version = "1.0.0",
  build = function()
    error(setmetatable({}, { __tostring = function() while true do end end }))
    return {}
  end,
}
