-- A plugin that fails on line 9: indexing a nil value.
return {
  name = "broken",
  version = "0.0.1",
  needs = { survey = { "org_type" } },
  build = function(ctx)
    local n = ctx.inputs.survey:count()
    local missing = nil
    return { blocks.paragraph("rows: " .. n .. missing.field) }
  end,
}
