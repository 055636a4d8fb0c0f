-- One paragraph per comment, then a line of the plugin's own with a character no font has.
return {
  name = "notes",
  version = "1.0.0",
  needs = { notes = { "id", "comment" } },
  build = function(ctx)
    local out = { blocks.heading(1, "Comments") }
    for row in ctx.inputs.notes:rows("id", "comment") do
      out[#out + 1] = blocks.paragraph(row.id .. ". " .. row.comment)
    end
    out[#out + 1] = blocks.paragraph("From the plugin: \u{E001} end.")
    out[#out + 1] = blocks.paragraph({ blocks.bold("Bold fallback: x \u{2713} y"), " and ", blocks.italic("italic \u{2190}") })
    return out
  end,
}
