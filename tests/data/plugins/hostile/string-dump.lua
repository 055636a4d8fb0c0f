-- Escape: make bytecode to load later.
return {
  name = "string-dump",
  version = "1.0.0",
  build = function()
    string.dump(function() end)
    return {}
  end,
}
