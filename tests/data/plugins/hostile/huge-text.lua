-- Bomb: one 9 MiB string shared 32 times: 288 MiB of text to lay out.
return {
  name = "huge-text",
  version = "1.0.0",
  build = function()
    local s = ("x"):rep(9 * 1024 * 1024)
    local items = {}
    for i = 1, 32 do items[i] = s end
    return { { kind = "list", items = items } }
  end,
}
