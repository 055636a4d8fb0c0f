-- involvement-by-region: survey responses by region: a sentence naming the region with the
-- most responses, a table of counts and shares, and a bar chart (the tutorial of docs/plugins.md).

-- "London (6 of 29 responses, 21%)"; ties are named together: "London and Wales (...each)".
local function top_sentence(groups, n)
  if n == 0 then
    return blocks.paragraph("No survey responses were received in this period.")
  end
  local top = {}
  for _, g in ipairs(groups) do
    if g.count == groups[1].count then
      top[#top + 1] = g.value
    end
  end
  local count = groups[1].count
  local names = #top == 1 and top[1] or table.concat(top, ", ", 1, #top - 1) .. " and " .. top[#top]
  return blocks.paragraph {
    "Most responses came from ", blocks.bold(names), ": ",
    fmt.plural(count, "response") .. (#top > 1 and " each" or ""), " of ", fmt.int(n),
    " (" .. fmt.pct(count, n) .. "). Responses came from ",
    fmt.plural(#groups, "region") .. " in all.",
  }
end

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

---@type folio.Plugin
return {
  name = "involvement-by-region",
  version = "1.0.0",
  needs = { survey = { "region" } },
  options = { title = "Involvement by region", chart = true },
  build = function(ctx)
    local survey = ctx.inputs.survey
    local n = survey:count()
    local groups = survey:count_by("region")
    local out = {
      blocks.heading(1, ctx.options.title),
      top_sentence(groups, n),
      region_table(groups, n),
    }
    if ctx.options.chart then
      out[#out + 1] = region_chart(groups, n)
    end
    return out
  end,
}
