-- prose: a heading and a few paragraphs; with heading_then_break, a page break right after the
-- heading (a layout the pagination rules forbid: tests/tools/pagecheck.py must catch it).
return {
  name = "prose",
  version = "1.0.0",
  options = { title = "Section", heading_then_break = false },
  build = function(ctx)
    local out = { blocks.heading(1, ctx.options.title) }
    if ctx.options.heading_then_break then out[#out + 1] = blocks.page_break() end
    for i = 1, 3 do
      out[#out + 1] = blocks.paragraph(string.rep("Paragraph " .. i .. " of " .. ctx.options.title
        .. " says what the section is about, at some length. ", 4))
    end
    return out
  end,
}
