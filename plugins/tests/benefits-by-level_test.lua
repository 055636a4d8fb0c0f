-- Tests of plugins/benefits-by-level.lua: agreement per level and the benefits seen.
local SCALE = { "integer", min = 1, max = 5 }
local survey = {
  schema = {
    difference_individual = SCALE, difference_community = SCALE, difference_services = SCALE,
    difference_strategic = SCALE, benefits_seen = "multi",
  },
  rows = {
    { "difference_individual", "difference_community", "difference_services", "difference_strategic", "benefits_seen" },
    { "5", "", "4", "", "confidence;jobs" },
    { "4", "", "2", "", "confidence" },
    { "2", "", "", "", "confidence" },
    { "", "", "", "", "jobs" },
  },
}
local benefits = {
  schema = { code = "text", level = { "code", values = { "individual", "community", "services", "strategic" } }, label = "text" },
  csv = "code,level,label\njobs,individual,Into work\nconfidence,individual,More confidence\n",
}
local inputs = { survey = survey, benefits = benefits }

test("agreement per level", function(t)
  local out = t:build({ plugin = "benefits-by-level", inputs = inputs })
  t:contains(out, "2 of 3 respondents (67%) agree that the standards made a difference")
  t:contains(out, "1 left the question unanswered")
  t:contains(out, "1 of 2 respondents (50%) agree")
  t:contains(out, "No respondent answered for this level; 4 left it unanswered (not applicable).")
  local chart = t:blocks_of(out, "chart")[1]
  t:eq(chart.type, "diverging")
  t:eq(chart.series[5].values, { 1, 0, 0, 0 })
  t:eq(chart.n, { 3, 0, 2, 0 })
end)

test("benefits seen, most often first", function(t)
  local charts = t:blocks_of(t:build({ plugin = "benefits-by-level", inputs = inputs }), "chart")
  t:eq(charts[2].categories, { "More confidence", "Into work" })
  t:eq(charts[2].series[1].values, { 3, 2 })
end)
