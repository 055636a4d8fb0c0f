-- Tests of plugins/about-the-data.lua: rows read, used, outside the period and rejected.
local survey = {
  date = "submitted_at",
  schema = { submitted_at = "date", rating = { "integer", min = 1, max = 5 } },
  csv = "submitted_at,rating\n2025-01-10,4\n2025-02-10,lots\n2024-12-31,2\n2025-03-01,5\n",
}

test("rows per file and the rejected ones", function(t)
  local out, warnings = t:build({ plugin = "about-the-data", inputs = { survey = survey }, from = "2025-01-01", to = "2025-12-31" })
  t:eq(#warnings, 1, "warnings")
  local tables = t:blocks_of(out, "table")
  t:eq(tables[1].rows, { { "data/survey.csv", "4", "2", "1", "1" } })
  t:contains(out, "1 row were rejected because a value could not be read")
  t:eq(#tables[2].rows, 1)
  t:contains(out, "The reporting period is 1 January 2025 to 31 December 2025.")
end)

test("without a period every row is used", function(t)
  local good = { date = "submitted_at", schema = { submitted_at = "date" }, csv = "submitted_at\n2025-01-10\n2025-03-01\n" }
  local out = t:build({ plugin = "about-the-data", inputs = { survey = good } })
  t:contains(out, "No reporting period was set")
  t:contains(out, "No rows were rejected.")
  t:contains(out, "data/survey.csv: 10 January 2025 to 1 March 2025")
  t:eq(t:blocks_of(out, "table")[2].rows[2], { "about-the-data", "1.0.0", "plugins/about-the-data.lua" })
end)
