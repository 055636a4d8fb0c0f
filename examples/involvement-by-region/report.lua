-- The tutorial report of docs/plugins.md: one report-local section, "involvement by region",
-- built from the 4Pi survey of reports/4pi-reality-impact (read where it is, not copied).
return {
  title = "Involvement by region",
  publisher = "National Survivor User Network (NSUN)",
  lang = "en-GB",
  inputs = {
    survey = {
      file = "../../reports/4pi-reality-impact/data/survey.csv",
      date = "submitted_at",
      key = "respondent_id",
      schema = {
        respondent_id = "text",
        submitted_at = "date",
        region = "text",
      },
    },
  },
  sections = {
    { "involvement-by-region", new_page = false },
  },
}
