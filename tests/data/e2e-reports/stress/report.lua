-- The stress report: about 300 pages from generated data (tests/tools/bigdata.py --interviews
-- --signatories), for the pagination rules (tests/e2e/test_pagination.sh) and bench/run.
-- Render it with --data DIR: the files below are read from DIR.
local LEVELS = { "individual", "community", "services", "strategic" }
local DOMAINS = { "principles", "purpose", "presence", "process", "impact" }
local ROLES = { "service_user_or_carer", "involvement_lead", "manager", "clinician", "other" }

return {
  title = "Stress test: a long report",
  subtitle = "Generated interviews and a register of signatory organisations",
  publisher = "folio tests",
  lang = "en-GB",
  page = { size = "A4", margins = { top = 25, bottom = 22, left = 20, right = 20 } },
  inputs = {
    interviews = {
      file = "interviews.csv",
      date = "interviewed_on",
      schema = {
        interview_id = "text",
        interviewed_on = "date",
        role = { "code", values = ROLES },
        org_type = { "text", optional = true },
        level = { "code", values = LEVELS },
        domain = { "code", values = DOMAINS },
        quote = "text",
        consent = "text",
      },
    },
    signatories = {
      file = "signatories.csv",
      date = "signed_up_on",
      period = "until",
      schema = {
        organisation = "text",
        region = "text",
        signed_up_on = "date",
        status = { "code", values = { "active", "lapsed" } },
      },
    },
  },
  labels = {
    role = {
      service_user_or_carer = "Service user or carer", involvement_lead = "Involvement lead",
      manager = "Manager", clinician = "Clinician", other = "Other role",
    },
    level_title = {
      individual = "Individual: involvement in their own care",
      community = "Community: involvement in their communities",
      services = "Services: involvement in service delivery and evaluation",
      strategic = "Strategic: involvement in governance and strategy",
    },
    domain = { principles = "Principles", purpose = "Purpose", presence = "Presence", process = "Process", impact = "Impact" },
  },
  sections = {
    { "cover", period_input = "interviews" },
    { "contents" },
    { "summaries", new_page = true },
    { "register" },
    { "interview-quotes", group_by = "domain" },
    { "about-the-data", order = { "interviews", "signatories" } },
  },
}
