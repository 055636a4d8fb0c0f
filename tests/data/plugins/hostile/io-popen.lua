-- Escape: run a command and read its output.
return {
  name = "io-popen",
  version = "1.0.0",
  build = function()
    io.popen("id")
    return {}
  end,
}
