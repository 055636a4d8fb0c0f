return {
  name = "syntax",
  version = "1.0.0",
  build = function(ctx)
    return { blocks.paragraph("unclosed) }
  end,
}
