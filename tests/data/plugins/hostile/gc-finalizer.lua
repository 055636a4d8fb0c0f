-- Bomb: a finalizer that loops (finalizers run with hooks off).
return {
  name = "gc-finalizer",
  version = "1.0.0",
  build = function()
    setmetatable({}, { __gc = function() while true do end end })
    return {}
  end,
}
