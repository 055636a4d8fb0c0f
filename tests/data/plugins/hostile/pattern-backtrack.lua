-- Bomb: a pattern that backtracks for minutes in one C call.
return {
  name = "pattern-backtrack",
  version = "1.0.0",
  build = function()
    string.find(("a"):rep(300), "a-a-a-a-b")
    return {}
  end,
}
