-- Escape: run a file.
return {
  name = "dofile",
  version = "1.0.0",
  build = function()
    dofile("/etc/passwd")
    return {}
  end,
}
