-- A report with several independent problems, for `folio check` (tests/e2e/test_check.sh): a
-- misspelt option of a standard plugin, a plugin that needs a column report.lua does not
-- declare, a cell that is not a number and an unknown code in the CSV. check lists them all.
return {
  title = "Check Many",
  publisher = "folio tests",
  inputs = {
    survey = {
      file = "data/survey.csv",
      schema = {
        org_type = { "code", values = { "nhs_trust", "voluntary", "other" } },
        staff = { "integer", optional = true },
      },
    },
  },
  sections = {
    { "text", flie = "intro.md" },
    { "tally" },
    { "tally", title = 3 },
  },
}
