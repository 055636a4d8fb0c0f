-- Every field and column type of report.lua, with answer maps, odd headers and a period rule each.
local SCALE = { "integer", min = 1, max = 5 }
return {
  title = "All types", subtitle = "", publisher = "P", lang = "cy",
  page = { size = "letter", margins = { top = 0, bottom = 100, left = 12.5, right = 20 } },
  theme = { font_size = 6, leading = 3, accent = "#A0b1C2", text = "#000000", muted = "#ffffff" },
  limits = { memory = "64 MiB", instructions = 2e9, seconds = 0.5 },
  labels = { org_type = { nhs_trust = "NHS" }, empty = {} },
  inputs = {
    survey = {
      file = "data/survey.csv", date = "submitted_at", key = "respondent_id", period = "within",
      columns = { org_type = "Q3 \"Organisation\", type", region = "Region\nname", comments = "" },
      values = {
        org_type = { ["NHS Mental Health Trust"] = "nhs_trust", ["  charity "] = "VOLUNTARY" },
        levels_used = { Individual = "individual" },
        heard_of_4pi = { Aye = "yes", Nae = "no" },
      },
      schema = {
        respondent_id = { "text", required = true },
        submitted_at = "date",
        org_type = { "code", values = { "nhs_trust", "voluntary", "other" } },
        region = "text",
        heard_of_4pi = "yesno",
        levels_used = { "multi", values = { "individual", "community", "services", "strategic" } },
        benefits_seen = "multi",
        score = SCALE,
        amount = { "number", min = -1.5, max = 1e300, optional = true },
        count = { "integer", min = -2147483647 },
        comments = { "text", optional = true },
      },
    },
    signatories = {
      file = "/dev/null", date = "signed_up_on", period = "until",
      schema = { signed_up_on = "date", status = { "code", values = { "active", "lapsed" } } },
    },
    keyed = {
      file = "k.csv", key = "day", period = "none",
      schema = { day = "date", n = { "integer", max = 3 }, flag = "yesno", c = "code" },
    },
  },
  sections = {
    { "cover" }, { "contents", title = "In this report" },
    { "text", file = "introduction.md", new_page = true, n = 1, x = 2.5, t = { 1, 2, { a = "b" } } },
  },
}
