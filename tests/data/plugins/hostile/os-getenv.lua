-- Escape: read the environment (secrets live there).
return {
  name = "os-getenv",
  version = "1.0.0",
  build = function()
    os.getenv("HOME")
    return {}
  end,
}
