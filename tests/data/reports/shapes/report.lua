-- Every line below has a problem that folio_report_load must report (all of them).
return {
  titel = "Typo",
  labels = { org_type = { nhs_trust = 1 } },
  page = { size = "A5", margins = { top = -1 } },
  theme = { accent = "blue", fonts = { regular = "no-such-font.ttf" } },
  limits = { memory = "lots", instructions = 2.5, seconds = -1, cpu = 1 },
  inputs = {
    survey = {
      file = "data/survey.csv",
      period = "until",
      schema = {
        org_type = "cod",
        role = { "code", values = { "a", "A" } },
        team = { "code", values = { "x", " ", " y" } },
        age = { "text", min = 1 },
      },
      columns = { nope = "Header" },
    },
    other = { schema = {} },
  },
  sections = { { "good" }, "text", { "good", "extra" } },
}
