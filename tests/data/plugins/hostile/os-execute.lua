-- Escape: run a shell command.
return {
  name = "os-execute",
  version = "1.0.0",
  build = function()
    os.execute("touch pwned")
    return {}
  end,
}
