-- 4Pi Reality and Impact: how widely the 4Pi National Involvement Standards are used,
-- and what difference they make. The report definition: metadata, page, inputs, sections.

local LEVELS = { "individual", "community", "services", "strategic" }
local DOMAINS = { "principles", "purpose", "presence", "process", "impact" }
local ORG_TYPES = { "nhs_trust", "voluntary", "user_led", "local_authority", "commissioner", "other" }
local ROLES = { "service_user_or_carer", "involvement_lead", "manager", "clinician", "other" }
local SCALE = { "integer", min = 1, max = 5 }

return {
  title = "4Pi Reality and Impact",
  subtitle = "How widely the 4Pi National Involvement Standards are used, and what difference they make",
  publisher = "National Survivor User Network (NSUN)",
  lang = "en-GB",

  page = { size = "A4", margins = { top = 25, bottom = 22, left = 20, right = 20 } }, -- millimetres

  main = "survey", -- the input --each splits by (folio render --each region)
  inputs = {
    survey = {
      file = "data/survey.csv",
      date = "submitted_at",
      key = "respondent_id",
      schema = {
        respondent_id = "text",
        submitted_at = "date",
        organisation = { "text", optional = true },
        org_type = { "code", values = ORG_TYPES },
        region = "text",
        role = { "code", values = ROLES },
        heard_of_4pi = "yesno",
        signed_up = { "code", values = { "yes", "no", "not_sure" } },
        use_of_standards = { "code", values = { "not_using", "planning", "some_areas", "whole_organisation" } },
        levels_used = { "multi", values = LEVELS },
        domains_used = { "multi", values = DOMAINS },
        difference_individual = SCALE,
        difference_community = SCALE,
        difference_services = SCALE,
        difference_strategic = SCALE,
        benefits_seen = "multi",
        comments = { "text", optional = true },
        interview_ok = { "yesno", optional = true },
      },
    },
    interviews = {
      file = "data/interviews.csv",
      date = "interviewed_on",
      schema = {
        interview_id = "text",
        interviewed_on = "date",
        role = { "code", values = ROLES },
        org_type = { "text", optional = true },
        level = { "code", values = LEVELS },
        domain = { "code", values = DOMAINS },
        quote = "text",
        consent = "text", -- anything but yes withholds the excerpt, so it is read as text
      },
    },
    signatories = {
      file = "data/signatories.csv",
      date = "signed_up_on",
      period = "until", -- an organisation counts once it has signed up
      schema = {
        organisation = "text",
        region = "text",
        signed_up_on = "date",
        status = { "code", values = { "active", "lapsed" } },
      },
    },
    benefits = {
      file = "data/benefits.csv",
      key = "code",
      period = "none",
      schema = {
        code = { "text", required = true },
        level = { "code", values = LEVELS },
        label = "text",
      },
    },
  },

  -- How codes are written in the report.
  labels = {
    org_type = {
      nhs_trust = "NHS mental health trust", voluntary = "Voluntary sector", user_led = "User-led group",
      local_authority = "Local authority", commissioner = "Commissioner", other = "Other",
    },
    role = {
      service_user_or_carer = "Service user or carer", involvement_lead = "Involvement lead",
      manager = "Manager", clinician = "Clinician", other = "Other role",
    },
    use_of_standards = {
      not_using = "Not using", planning = "Planning to use", some_areas = "Using in some areas",
      whole_organisation = "Using across the organisation",
    },
    level = { individual = "Individual", community = "Community", services = "Services", strategic = "Strategic" },
    level_title = {
      individual = "Individual: involvement in their own care",
      community = "Community: involvement in their communities",
      services = "Services: involvement in service delivery and evaluation",
      strategic = "Strategic: involvement in governance and strategy",
    },
    level_phrase = {
      individual = "to involvement in people's own care",
      community = "to involvement in communities",
      services = "in service delivery and evaluation",
      strategic = "in organisational governance and strategy",
    },
    domain = { principles = "Principles", purpose = "Purpose", presence = "Presence", process = "Process", impact = "Impact" },
    status = { active = "Active", lapsed = "Lapsed" },
  },

  sections = {
    { "cover" },
    { "contents" },
    { "text", file = "introduction.md" },
    { "key-figures" },
    { "usage-reach" },
    { "benefits-by-level" },
    { "interview-quotes", group_by = "level" },
    { "text", file = "conclusion.md" },
    { "about-the-data" },
  },
}
