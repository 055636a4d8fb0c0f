-- contents: the list of sections with their page numbers, each entry a link.
return {
  name = "contents",
  version = "1.0.0",
  needs = {}, -- reads no input
  options = { title = "Contents", new_page = true },
  build = function(ctx)
    local out = { blocks.contents { title = ctx.options.title } }
    if ctx.options.new_page then out[#out + 1] = blocks.page_break() end -- what follows starts a page
    return out
  end,
}
