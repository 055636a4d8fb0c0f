-- Needs a column and an input that the test report does not declare.
return {
  name = "needy",
  version = "1.0.0",
  needs = { survey = { "org_type", "org_typ" }, surveys = { "x" } },
  build = function(ctx) return {} end,
}
