-- A report whose sections partly fail, for --keep-going (tests/e2e/test_keep_going.sh): a
-- runtime error, a limit, blocks that are not blocks and a plugin that is not there, between
-- sections that work.
return {
  title = "Keep Going",
  publisher = "folio tests",
  limits = { instructions = 20000000, seconds = 10 },
  inputs = {
    survey = {
      file = "survey.csv",
      schema = { org_type = { "code", values = { "nhs_trust", "voluntary", "other" } } },
    },
  },
  sections = {
    { "text", file = "intro.md" },
    { "broken" },
    { "counted" },
    { "spinning" },
    { "shapeless" },
    { "nowhere" },
    { "counted", title = "Counted again" },
  },
}
