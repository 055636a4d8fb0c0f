-- Tagged PDF (tests/e2e/test_tagged.sh): one section with every kind of block whose structure
-- the test reads back: headings, a paragraph with a link, a nested list, a table, key figures,
-- a quotation with its attribution, a chart with its data table, a canvas.
return {
  title = "Tagged structure",
  publisher = "folio tests",
  lang = "en-GB",
  inputs = {},
  sections = { { "everything" } },
}
