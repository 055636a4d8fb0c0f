-- Every chart kind from fixed data, and the edge cases, one chart a page (tests/e2e/test_charts.sh
-- compares each page with tests/data/charts-reference/).
return {
  title = "Charts",
  publisher = "folio tests",
  inputs = {},
  sections = { { "gallery" } },
}
