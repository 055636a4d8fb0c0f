-- gallery: one image block per fixture, with a caption naming it; `only` shows one file instead
-- (the error tests point it at a broken one); `no_alt` returns an image block without alt text.
local FILES = {
  { "images/rgb8.png", "A solid red rectangle (PNG, RGB, 8-bit)" },
  { "images/grey8.png", "A dark grey rectangle (PNG, grey, 8-bit)" },
  { "images/grey1.png", "A black rectangle, its right half white (PNG, grey, 1-bit)" },
  { "images/rgba8.png", "A blue rectangle, its right half transparent (PNG, RGBA)" },
  { "images/greya8.png", "A black rectangle, its lower half transparent (PNG, grey and alpha)" },
  { "images/rgb16.png", "A solid green rectangle (PNG, RGB, 16-bit)" },
  { "images/greya16.png", "A black rectangle, its right half transparent (PNG, grey and alpha, 16-bit)" },
  { "images/palette.png", "A red rectangle, its right half transparent (PNG, palette with tRNS)" },
  { "images/interlaced.png", "Red above blue (PNG, Adam7 interlaced)" },
  { "images/gamma0.png", "A solid red rectangle (PNG with a zero gAMA chunk)" },
  { "images/red.jpg", "A solid red rectangle (JPEG, YCbCr)" },
  { "images/grey.jpg", "A dark grey rectangle (JPEG, grey)" },
  { "images/progressive.jpg", "A solid blue rectangle (JPEG, progressive)" },
  { "images/cmyk.jpg", "A solid cyan rectangle (JPEG, Adobe CMYK)" },
}

return {
  name = "gallery",
  version = "1.0.0",
  options = { only = "", width = 0.3, markdown = "prose.md", no_alt = false },
  build = function(ctx)
    local out = { blocks.heading(1, "Gallery") }
    if ctx.options.no_alt then -- made by hand: the host's validation catches it
      out[#out + 1] = { kind = "image", file = ctx.options.only }
      return out
    end
    if ctx.options.only ~= "" then
      out[#out + 1] = blocks.image { file = ctx.options.only, alt = "the image under test" }
      return out
    end
    local aligns = { "left", "center", "right" }
    for i, f in ipairs(FILES) do
      out[#out + 1] = blocks.image {
        file = f[1],
        alt = f[2],
        caption = { blocks.bold(string.format("Figure %d. ", i)), f[2] },
        width = ctx.options.width,
        align = aligns[(i - 1) % 3 + 1],
      }
    end
    -- The same file again: embedded once.
    out[#out + 1] = blocks.paragraph("The first figure again, at 120 points wide:")
    out[#out + 1] = blocks.image { file = "images/rgb8.png", alt = "A solid red rectangle, again", width = 120 }
    for _, b in ipairs(ctx.markdown(ctx.options.markdown)) do
      out[#out + 1] = b
    end
    return out
  end,
}
