-- Tests of plugins/usage-reach.lua on five survey responses (fixtures/survey5.csv) and three
-- signatories: 3 of the 5 organisations use the standards, 3 of the 5 respondents heard of 4Pi.
local LEVELS = { "individual", "community", "services", "strategic" }
local DOMAINS = { "principles", "purpose", "presence", "process", "impact" }

local survey = {
  file = "fixtures/survey5.csv",
  date = "submitted_at",
  schema = {
    respondent_id = "text",
    submitted_at = "date",
    org_type = { "code", values = { "nhs_trust", "voluntary", "other" } },
    heard_of_4pi = "yesno",
    signed_up = { "code", values = { "yes", "no", "not_sure" } },
    use_of_standards = { "code", values = { "not_using", "planning", "some_areas", "whole_organisation" } },
    levels_used = { "multi", values = LEVELS },
    domains_used = { "multi", values = DOMAINS },
  },
}

local signatories = {
  date = "signed_up_on",
  schema = { region = "text", signed_up_on = "date", status = { "code", values = { "active", "lapsed" } } },
  rows = {
    { "region", "signed_up_on", "status" },
    { "London", "2024-03-01", "active" },
    { "London", "2024-06-01", "lapsed" },
    { "North East", "2025-01-10", "active" },
  },
}

local labels = { org_type = { nhs_trust = "NHS mental health trust", voluntary = "Voluntary sector" } }

local function build(t, options)
  return t:build({
    plugin = "usage-reach",
    options = options,
    inputs = { survey = survey, signatories = signatories },
    report = { labels = labels },
  })
end

test("the introduction counts who heard of 4Pi and who uses the standards", function(t)
  local out = build(t)
  t:eq(out[1], { kind = "heading", level = 1, text = "Usage reach" })
  t:contains(out[2], "from 5 survey responses. 3 (60%) of respondents had heard of 4Pi, and 3 (60%) work in")
end)

test("the table by organisation type uses the report's labels and ends with a bold total", function(t)
  local tbl = t:has_block(build(t), "table")
  t:eq(tbl.caption, "Responses by type of organisation")
  t:eq(tbl.rows[1], { "NHS mental health trust", "2", "2 (100%)", "1 (50%)", "2 (100%)" })
  t:eq(tbl.rows[2], { "Voluntary sector", "2", "1 (50%)", "0 (0%)", "1 (50%)" })
  t:eq(tbl.rows[3], { "other", "1", "0 (0%)", "0 (0%)", "0 (0%)" })
  t:eq(tbl.rows[4], { "All responses", "5", "3 (60%)", "1 (20%)", "3 (60%)", bold = true })
end)

test("the use chart lists every code with its count and share", function(t)
  local chart = t:has_block(build(t), "chart")
  t:eq(chart.title, "Use of the standards")
  t:eq(chart.series[1].values, { 1, 1, 2, 1 })
  t:eq(chart.series[1].labels, { "1 (20%)", "1 (20%)", "2 (40%)", "1 (20%)" })
end)

test("NHS trusts and signatories are counted", function(t)
  local out = build(t)
  t:contains(out, "2 responses came from NHS mental health trusts. Of these, ")
  t:contains(out, "3 organisations have signed up to the standards since 2024; 2 are active and 1 has lapsed.")
  local regions = t:blocks_of(out, "table")[2]
  t:eq(regions.rows, {
    { "London", "1", "1", "2" },
    { "North East", "1", "0", "1" },
    { "All regions", "2", "1", "3", bold = true },
  })
end)

test("levels are shares of the respondents whose organisation uses the standards", function(t)
  local charts = t:blocks_of(build(t), "chart")
  local levels = charts[#charts - 1]
  t:eq(levels.categories, LEVELS)
  t:eq(levels.series[1].labels, { "2 (67%)", "0 (0%)", "1 (33%)", "1 (33%)" })
end)

test("the title option", function(t)
  t:eq(build(t, { title = "Reach" })[1].text, "Reach")
end)

test("the page shows the figures", function(t)
  local pages = t:render({ plugin = "usage-reach", inputs = { survey = survey, signatories = signatories } })
  t:contains(pages[1], "Usage reach")
  t:contains(pages[1], "3 (60%) of respondents had heard of 4Pi")
end)

test("the previous period's reach, where it has responses", function(t)
  -- 1 July to 30 September 2025 (92 days) against 31 March to 30 June 2025: R1 and R2, both
  -- heard of 4Pi and both using the standards
  local out = t:build({ plugin = "usage-reach", inputs = { survey = survey, signatories = signatories },
    from = "2025-07-01", to = "2025-09-30" })
  t:contains(out, "In 31 Mar to 30 Jun 2025, 100% of 2 respondents had heard of 4Pi and 100% worked in "
    .. "organisations that used the standards.")
  -- with --year 2025 the year before has no responses: nothing is said about it
  out = t:build({ plugin = "usage-reach", inputs = { survey = survey, signatories = signatories }, year = 2025 })
  t:ok(not t:text(out):find("In 2024", 1, true), "no sentence on 2024")
  -- but it has signatories (2 signed up in 2024, 1 in 2025)
  t:contains(out, "1 organisation has signed up to the standards since 2025 (1 fewer than 2024);")
  out = t:build({ plugin = "usage-reach", inputs = { survey = survey, signatories = signatories }, year = 2025,
    options = { compare = false } })
  t:contains(out, "1 organisation has signed up to the standards since 2025;")
end)
