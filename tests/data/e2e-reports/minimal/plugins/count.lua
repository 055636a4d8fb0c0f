-- Counts the rows by organisation type.
return {
  name = "count",
  version = "1.0.0",
  needs = { survey = { "org_type", "score" } },
  build = function(ctx)
    local t = ctx.inputs.survey
    local out = { blocks.heading(1, "Counts"), blocks.paragraph("Rows used: " .. t:count() .. ".") }
    for _, g in ipairs(t:count_by("org_type")) do
      out[#out + 1] = blocks.paragraph(g.value .. ": " .. g.count)
    end
    local s = t:stats()
    out[#out + 1] = blocks.paragraph("Rejected: " .. s.rejected .. ".")
    for _, r in ipairs(s.reasons) do
      out[#out + 1] = blocks.paragraph("Reason: " .. r.reason .. " x" .. r.count)
    end
    return out
  end,
}
