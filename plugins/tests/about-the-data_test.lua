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
  -- the previous 365 days (2024-01-02 to 2024-12-31) hold the row of 2024-12-31
  t:eq(tables[1].rows, { { "data/survey.csv", "4", "2", "1", "1", "1" } })
  t:eq(tables[1].columns[4].title, "Used in 2 Jan to 31 Dec 2024")
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
  t:eq(t:blocks_of(out, "table")[2].rows[2], { "about-the-data", "1.1.0", "plugins/about-the-data.lua" })
end)

test("a previous period without rows adds no column", function(t)
  local out = t:build({ plugin = "about-the-data", inputs = { survey = survey }, year = 2027 })
  local tables = t:blocks_of(out, "table")
  t:eq(tables[1].rows, { { "data/survey.csv", "4", "0", "4", "0" } })
  t:ok(not t:text(out):find("compared with the previous period", 1, true), "no sentence on the previous period")
end)

test("a financial year: rows used in it and in the year before", function(t)
  -- the days either side of 1 April: 31 March 2024 is in 2023-24, 1 April 2025 in 2025-26
  local fy = { date = "submitted_at", schema = { submitted_at = "date" },
    csv = "submitted_at\n2024-03-31\n2024-04-01\n2025-03-31\n2025-04-01\n" }
  local out = t:build({ plugin = "about-the-data", inputs = { survey = fy }, year = 2024, report = { year_start = "04-01" } })
  local tables = t:blocks_of(out, "table")
  t:eq(tables[1].columns[4].title, "Used in 2023-24")
  t:eq(tables[1].rows, { { "data/survey.csv", "4", "2", "1", "2", "0" } })
  t:contains(out, "The reporting period is 1 April 2024 to 31 March 2025.")
  t:contains(out, "compared with the previous period, 2023-24 (1 April 2023 to 31 March 2024)")
end)
