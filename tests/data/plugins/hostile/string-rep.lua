-- Bomb: a string of 2^40 bytes.
return {
  name = "string-rep",
  version = "1.0.0",
  build = function()
    string.rep("x", 2 ^ 40)
    return {}
  end,
}
