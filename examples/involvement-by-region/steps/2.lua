-- involvement-by-region, step 2: a table of the counts, with shares and a total row.
return {
  name = "involvement-by-region",
  version = "0.2.0",
  needs = { survey = { "region" } },
  options = { title = "Involvement by region" },
  build = function(ctx)
    local survey = ctx.inputs.survey
    local n = survey:count()
    local rows = {}
    for _, g in ipairs(survey:count_by("region")) do
      rows[#rows + 1] = { g.value, fmt.int(g.count), fmt.pct(g.count, n) }
    end
    rows[#rows + 1] = { "All regions", fmt.int(n), "100%", bold = true }
    return {
      blocks.heading(1, ctx.options.title),
      blocks.table {
        caption = "Survey responses by region",
        columns = {
          { title = "Region", width = 3 },
          { title = "Responses", align = "right", width = 1 },
          { title = "Share", align = "right", width = 1 },
        },
        rows = rows,
      },
    }
  end,
}
