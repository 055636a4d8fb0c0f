-- Bomb: a plain find that compares (n - m + 1) x m bytes in one C call.
return {
  name = "plain-find",
  version = "1.0.0",
  build = function()
    string.find(("a"):rep(2000000), ("a"):rep(1000000) .. "b", 1, true)
    return {}
  end,
}
