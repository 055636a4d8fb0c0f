-- The chart gallery: each chart of CHARTS on a page of its own, under a heading naming it; the
-- names are the reference images' names (tests/data/charts-reference/NAME.png).
local YEARS = { "2019", "2020", "2021", "2022", "2023", "2024", "2025" }
local SCALE = { "Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree" }

local function forty()
  local cats, values = {}, {}
  for i = 1, 40 do
    cats[i] = "Category " .. i
    values[i] = (i * 37) % 23 + 1
  end
  return cats, values
end

local CHARTS = {
  { "bar", {
    type = "bar", title = "Use of the standards", y_title = "Responses", x_title = "Answer",
    categories = { "Not heard of them", "Heard of, not used", "Planning to use", "Using in some areas",
                   "Using across the organisation" },
    series = { { name = "Responses", values = { 4, 6, 3, 12, 7 },
                 labels = { "4 (13%)", "6 (19%)", "3 (9%)", "12 (38%)", "7 (22%)" } } },
    n = 32 } },
  { "hbar-sorted", {
    type = "hbar", title = "Benefits seen, most often first", sort = "value", x_title = "Respondents",
    categories = { "Greater satisfaction with services", "Increased self-esteem", "Improved outcomes",
                   "More choice and control over treatment", "Better information" },
    series = { { name = "Respondents", values = { 3, 9, 5, 14, 1 } } } } },
  { "grouped", {
    type = "grouped", title = "Respondents by region and year", y_title = "Respondents",
    categories = { "North", "Midlands", "South", "Wales" },
    series = { { name = "2024", values = { 12, 8, 15, 4 } }, { name = "2025", values = { 14, 9, 11, 6 } },
               { name = "2026", values = { 17, 7, 13, 9 } } } } },
  { "grouped-horizontal", {
    type = "grouped", horizontal = true, title = "Heard of and using, by type of organisation",
    categories = { "NHS mental health trust", "Voluntary sector", "User-led group", "Commissioner" },
    series = { { name = "Heard of 4Pi", values = { 4, 7, 4, 4 } }, { name = "Using", values = { 3, 7, 2, 4 } } },
    n = { 6, 9, 5, 6 }, x_title = "Respondents" } },
  { "stacked", {
    type = "stacked", horizontal = false, title = "Signatories by year they signed up", y_title = "Organisations",
    categories = YEARS,
    series = { { name = "Active", values = { 3, 4, 11, 3, 5, 9, 6 } }, { name = "Lapsed", values = { 0, 0, 2, 1, 1, 1, 1 } } } } },
  { "stacked-percent", {
    type = "stacked", percent = true, title = "Answers by type of organisation",
    categories = { "NHS trust", "Voluntary sector", "User-led group" },
    series = { { name = "Yes", values = { 10, 4, 7 } }, { name = "No", values = { 5, 8, 2 } },
               { name = "Don't know", values = { 2, 1, 3 } } } } },
  { "diverging", {
    type = "diverging", neutral = 3, title = "The standards have made a difference at this level",
    categories = { "Individual", "Community", "Services", "Strategic" },
    series = { { name = SCALE[1], values = { 0, 1, 1, 0 } }, { name = SCALE[2], values = { 0, 1, 2, 2 } },
               { name = SCALE[3], values = { 3, 1, 0, 0 } }, { name = SCALE[4], values = { 1, 4, 5, 7 } },
               { name = SCALE[5], values = { 1, 2, 2, 2 } } } } },
  { "line-cumulative", {
    type = "line", cumulative = true, title = "Signatories over time (cumulative)", y_title = "Organisations",
    categories = YEARS,
    series = { { name = "Active", values = { 3, 4, 11, 3, 5, 9, 6 } }, { name = "Lapsed", values = { 0, 0, 2, 1, 1, 1, 1 } } } } },
  { "line-missing", {
    type = "line", title = "Score by year, a year missing", y_title = "Score", decimals = 1,
    categories = YEARS,
    series = { { name = "Score", values = { 3.2, 3.5, false, 3.9, 4.1, 3.8, 4.4 } } }, min = 0, max = 5 } },
  { "dot", {
    type = "dot", title = "Share agreeing, 2025 and 2026", suffix = "%", sort = "value", x_title = "Share agreeing",
    categories = { "Individual", "Community", "Services", "Strategic" },
    series = { { name = "2025", values = { 35, 60, 72, 50 } }, { name = "2026", values = { 40, 75, 70, 82 } } },
    min = 0, max = 100 } },
  { "crowded", {
    type = "grouped", title = "Crowded: twelve categories, four series, wide labels", y_title = "Count",
    categories = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" },
    series = {
      { name = "A", values = { 1200, 1350, 1100, 1420, 1330, 1250, 1500, 1480, 1310, 1290, 1405, 1380 } },
      { name = "B", values = { 1190, 1340, 1120, 1400, 1320, 1260, 1490, 1470, 1320, 1300, 1400, 1370 } },
      { name = "C", values = { 900, 1000, 1050, 980, 1010, 990, 1020, 1005, 995, 1015, 985, 1000 } },
      { name = "D", values = { 1201, 1352, 1105, 1421, 1331, 1251, 1502, 1481, 1312, 1291, 1406, 1382 } } } } },
  { "negative", {
    type = "bar", title = "Change on last year: negative and zero values", y_title = "Change",
    categories = { "North", "Midlands", "South", "Wales", "National" },
    series = { { name = "Change", values = { -4, 0, 7, -12, 2.5 } } } } },
  { "negative-hbar", {
    type = "hbar", title = "Change on last year, across", x_title = "Change",
    categories = { "North", "Midlands", "South", "Wales", "National" },
    series = { { name = "Change", values = { -4, 0, 7, -12, 2.5 } } } } },
  { "one-category", {
    type = "bar", title = "One category", categories = { "Only" },
    series = { { name = "Responses", values = { 5 } } } } },
  { "forty", (function()
    local cats, values = forty()
    return { type = "bar", title = "Forty categories", categories = cats,
             series = { { name = "Count", values = values } }, x_title = "Count" }
  end)() },
  { "long-labels", {
    type = "hbar", title = "Very long category labels",
    categories = {
      "A category whose label goes on and on, far longer than any column could hold on one line, and then "
        .. "some more words so that it needs the ellipsis after three lines of text",
      "Short",
      "Supercalifragilisticexpialidociousunbreakablewordthatcannotwrap",
    },
    series = { { name = "Count", values = { 8, 3, 5 } } } } },
  { "long-labels-vertical", {
    type = "bar", title = "Very long labels under bars",
    categories = {
      "A category whose label goes on and on, far longer than a band could hold on three lines of text at all",
      "Short",
      "Another rather long label for the middle of the chart",
    },
    series = { { name = "Count", values = { 8, 3, 5 } } } } },
  { "no-categories", { type = "bar", title = "No categories", categories = {},
    series = { { name = "Count", values = {} } } } },
  { "all-missing", { type = "line", title = "All missing", categories = YEARS,
    series = { { name = "Count", values = { false, false, false, false, false, false, false } } } } },
}

return {
  name = "gallery",
  version = "1.0.0",
  build = function()
    local out = {}
    for i, c in ipairs(CHARTS) do
      if i > 1 then out[#out + 1] = blocks.page_break() end
      out[#out + 1] = blocks.heading(2, "Chart " .. c[1])
      out[#out + 1] = blocks.chart(c[2])
    end
    return out
  end,
}
