-- Escape: load a C function from a shared library.
return {
  name = "package-loadlib",
  version = "1.0.0",
  build = function()
    package.loadlib("libc.so.6", "system")
    return {}
  end,
}
