-- involvement-by-region, step 1: count the responses by region.
return {
  name = "involvement-by-region",
  version = "0.1.0",
  needs = { survey = { "region" } },
  options = { title = "Involvement by region" },
  build = function(ctx)
    local survey = ctx.inputs.survey
    local out = { blocks.heading(1, ctx.options.title) }
    for _, g in ipairs(survey:count_by("region")) do
      out[#out + 1] = blocks.paragraph(g.value .. ": " .. fmt.int(g.count))
    end
    return out
  end,
}
