-- involvement-by-region, step 3: the same counts as a bar chart under the table.
local function region_table(groups, n)
  local rows = {}
  for _, g in ipairs(groups) do
    rows[#rows + 1] = { g.value, fmt.int(g.count), fmt.pct(g.count, n) }
  end
  rows[#rows + 1] = { "All regions", fmt.int(n), "100%", bold = true }
  return blocks.table {
    caption = "Survey responses by region",
    columns = {
      { title = "Region", width = 3 },
      { title = "Responses", align = "right", width = 1 },
      { title = "Share", align = "right", width = 1 },
    },
    rows = rows,
  }
end

local function region_chart(groups, n)
  local categories, values = {}, {}
  for _, g in ipairs(groups) do
    categories[#categories + 1] = g.value
    values[#values + 1] = g.count
  end
  return blocks.chart {
    type = "hbar",
    title = "Responses by region",
    categories = categories,
    series = { { name = "Responses", values = values } },
    x_title = "Responses",
    note = "n = " .. fmt.int(n) .. " responses.",
  }
end

return {
  name = "involvement-by-region",
  version = "0.3.0",
  needs = { survey = { "region" } },
  options = { title = "Involvement by region" },
  build = function(ctx)
    local survey = ctx.inputs.survey
    local n = survey:count()
    local groups = survey:count_by("region")
    return {
      blocks.heading(1, ctx.options.title),
      region_table(groups, n),
      region_chart(groups, n),
    }
  end,
}
