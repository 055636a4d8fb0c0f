-- Escape: read a file.
return {
  name = "io-open",
  version = "1.0.0",
  build = function()
    io.open("/etc/passwd")
    return {}
  end,
}
