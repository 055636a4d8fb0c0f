-- Tests of plugins/cover.lua: the title page from report.lua's fields and the survey's dates.
local survey = { date = "submitted_at", schema = { submitted_at = "date" }, csv = "submitted_at\n2025-02-01\n2025-11-30\n" }
local report = { title = "Involvement in 2025", publisher = "NSUN" }

test("title, publisher, and the year the data covers", function(t)
  local out = t:build({ plugin = "cover", inputs = { survey = survey }, report = report })
  local cover = t:has_block(out, "cover")
  t:eq(cover.title, "Involvement in 2025")
  t:eq(cover.publisher, "NSUN")
  t:eq(cover.subtitle, "Annual report 2025")
  t:eq(cover.date, "Published 1 January 2026")
end)

test("a period gives the subtitle", function(t)
  local out = t:build({ plugin = "cover", inputs = { survey = survey }, report = report, from = "2025-04-01", to = "2026-03-31" })
  t:eq(t:has_block(out, "cover").subtitle, "1 April 2025 to 31 March 2026")
end)

test("without a dated input, the period label", function(t)
  local out = t:build({ plugin = "cover", options = { period_input = "" }, report = report })
  t:eq(t:has_block(out, "cover").subtitle, "All dates")
end)

test("the page", function(t)
  local pages = t:render({ plugin = "cover", inputs = { survey = survey }, report = report })
  t:contains(pages[1], "Involvement in 2025")
  t:contains(pages[1], "Annual report 2025")
end)
