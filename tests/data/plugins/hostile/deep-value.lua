-- Bomb: a returned value nested a million deep (copying it must not recurse that far).
return {
  name = "deep-value",
  version = "1.0.0",
  build = function()
    local t = "deep"
    for _ = 1, 1000000 do t = { t } end
    return { { kind = "paragraph", text = t } }
  end,
}
