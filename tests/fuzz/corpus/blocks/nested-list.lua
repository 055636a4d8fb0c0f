return { blocks.list({ "a", blocks.list({ "b", blocks.list({ "c", blocks.list({ "d" }) }) }, { ordered = true }), "e" }),
  { kind = "list", items = { { kind = "list", items = { "x" } } } },
  blocks.image { file = "images/x.png", alt = "an image" } }
