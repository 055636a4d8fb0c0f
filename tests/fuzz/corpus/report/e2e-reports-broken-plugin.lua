-- A report whose second section fails at run time (tests/e2e/test_errors.sh).
return {
  title = "Broken plugin",
  publisher = "folio tests",
  inputs = {
    survey = {
      file = "survey.csv",
      date = "submitted_at",
      schema = { submitted_at = "date", org_type = "code" },
    },
  },
  sections = {
    { "contents" },
    { "broken" },
  },
}
