-- The smallest useful report: one input, one local plugin (tests/e2e/test_errors.sh).
return {
  title = "Minimal",
  publisher = "folio tests",
  inputs = {
    survey = {
      file = "survey.csv",
      date = "submitted_at",
      schema = {
        submitted_at = "date",
        org_type = { "code", values = { "nhs_trust", "voluntary", "other" } },
        score = { "integer", min = 1, max = 5 },
      },
    },
  },
  sections = { { "count" } },
}
