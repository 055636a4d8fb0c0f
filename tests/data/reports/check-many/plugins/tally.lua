-- Counts organisations by type; needs a column the report does not declare (orgtype).
return {
  name = "tally",
  version = "0.2.0",
  needs = { survey = { "orgtype", "staff" } },
  options = { title = "Tally", by_region = false },
  build = function(ctx)
    return { blocks.heading(1, ctx.options.title) }
  end,
}
