-- Works: counts the rows.
return {
  name = "counted",
  version = "1.0.0",
  needs = { survey = { "org_type" } },
  options = { title = "Counted" },
  build = function(ctx)
    local t = ctx.inputs.survey
    return {
      blocks.heading(1, ctx.options.title),
      blocks.paragraph("Rows counted: " .. t:count() .. "; NHS trusts: " .. #t:where("org_type", "nhs_trust") .. "."),
    }
  end,
}
