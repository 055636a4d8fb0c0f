-- Escape: load a module (a C library could follow).
return {
  name = "require",
  version = "1.0.0",
  build = function()
    require("os")
    return {}
  end,
}
