-- contents: the list of sections with their page numbers, each entry a link.
return {
  name = "contents",
  version = "1.0.0",
  options = { title = "Contents" },
  build = function(ctx)
    return { blocks.contents { title = ctx.options.title } }
  end,
}
