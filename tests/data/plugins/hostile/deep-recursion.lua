-- Bomb: recursion without end.
return {
  name = "deep-recursion",
  version = "1.0.0",
  build = function()
    local function f(n) return f(n + 1) + 1 end f(1)
    return {}
  end,
}
