-- A small report that uses every field of report.lua (tests/unit/test_report.c).
local TYPES = { "nhs_trust", "voluntary", "other" }

return {
  title = "Good Report",
  subtitle = "A test",
  publisher = "Test Org",
  lang = "en-GB",
  page = { size = "letter", margins = { top = 25, bottom = 22, left = 20, right = 30 } },
  labels = { org_type = { nhs_trust = "NHS trust" } },
  theme = { font_size = 11, accent = "#336699", fonts = { bold = "../../../../fonts/OpenSans-Bold.ttf" } },
  inputs = {
    survey = {
      file = "data/survey.csv",
      date = "submitted_at",
      key = "respondent_id",
      columns = { org_type = "Organisation type" },
      values = { org_type = { ["NHS trust"] = "nhs_trust" } },
      schema = {
        respondent_id = "text",
        submitted_at = "date",
        org_type = { "code", values = TYPES },
        heard = "yesno",
        score = { "integer", min = 1, max = 5, optional = true },
      },
    },
    benefits = {
      file = "data/benefits.csv",
      period = "none",
      schema = { code = { "text", required = true } },
    },
  },
  sections = {
    { "good", title = "Hello" },
    { "shadow" },
    { "good", show_figures = false },
  },
}
