-- Returns something that is not a list of blocks.
return {
  name = "shapeless",
  version = "1.0.0",
  build = function()
    return { { kind = "heding", text = "Oops" } }
  end,
}
