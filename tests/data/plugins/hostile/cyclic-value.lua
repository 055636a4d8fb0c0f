-- Bomb: a returned value that contains itself.
return {
  name = "cyclic-value",
  version = "1.0.0",
  build = function()
    local block = { kind = "paragraph" }
    block.text = block
    return { block }
  end,
}
