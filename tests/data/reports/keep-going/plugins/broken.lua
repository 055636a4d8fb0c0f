-- Fails on line 8: indexing a nil value.
return {
  name = "broken",
  version = "1.0.0",
  needs = { survey = { "org_type" } },
  build = function(ctx)
    local missing = nil
    return { blocks.paragraph("rows: " .. ctx.inputs.survey:count() .. missing.field) }
  end,
}
