-- Tests of plugins/key-figures.lua: four responses (2 using, 3 heard of 4Pi), two interviews of
-- three excerpts, three signatories (one lapsed, two signed up in 2025).
local survey = {
  date = "submitted_at",
  schema = {
    submitted_at = "date",
    heard_of_4pi = "yesno",
    use_of_standards = { "code", values = { "not_using", "planning", "some_areas", "whole_organisation" } },
  },
  rows = {
    { "submitted_at", "heard_of_4pi", "use_of_standards" },
    { "2025-02-01", "yes", "some_areas" },
    { "2025-03-01", "yes", "whole_organisation" },
    { "2025-04-01", "yes", "planning" },
    { "2025-05-01", "no", "not_using" },
  },
}
local interviews = { schema = { interview_id = "text" }, csv = "interview_id\nI01\nI01\nI02\n" }
local signatories = {
  schema = { signed_up_on = "date", status = { "code", values = { "active", "lapsed" } } },
  csv = "signed_up_on,status\n2023-05-01,lapsed\n2025-01-15,active\n2025-06-30,active\n",
}
local inputs = { survey = survey, interviews = interviews, signatories = signatories }

test("the six figures", function(t)
  local out = t:build({ plugin = "key-figures", inputs = inputs })
  t:eq(out[1].text, "At a glance")
  local figures = t:has_block(out, "key_figures")
  t:eq(figures.items, {
    { value = "4", label = "survey responses" },
    { value = "2", label = "interviews held" },
    { value = "2", label = "signatory organisations active (1 lapsed)" },
    { value = "2", label = "organisations signed up in 2025" },
    { value = "50%", label = "of respondents' organisations use the standards (2 of 4)" },
    { value = "75%", label = "of respondents had heard of 4Pi (3 of 4)" },
  })
end)

test("with a period, new signatories are those since its start", function(t)
  local out = t:build({ plugin = "key-figures", inputs = inputs, from = "2025-03-01", to = "2025-12-31" })
  local items = t:has_block(out, "key_figures").items
  t:eq(items[1].value, "3", "responses in the period")
  -- the 306 days before (29 April 2024 to 28 February 2025) hold 1 response; the signatories are
  -- undated here, so both periods see all three (2 signed up since 29 April 2024)
  t:eq(items[1].label, "survey responses; 2 more than 29 Apr 2024 to 28 Feb 2025")
  t:eq(items[4], { value = "1", label = "organisations signed up in the period; 1 fewer than 29 Apr 2024 to 28 Feb 2025" })
end)

-- Two financial years of responses, interviews and signatories, with rows on 31 March and 1 April.
local two_years = {
  survey = {
    date = "submitted_at",
    schema = survey.schema,
    rows = {
      { "submitted_at", "heard_of_4pi", "use_of_standards" },
      { "2024-03-31", "no", "not_using" }, -- 2023-24
      { "2024-04-01", "yes", "some_areas" }, -- 2024-25 from here
      { "2024-10-01", "no", "planning" },
      { "2025-03-31", "yes", "not_using" },
      { "2025-04-01", "yes", "whole_organisation" }, -- 2025-26 from here
      { "2025-06-01", "yes", "some_areas" },
      { "2025-09-01", "no", "some_areas" },
      { "2026-03-31", "yes", "planning" },
      { "2026-04-01", "yes", "planning" }, -- 2026-27
    },
  },
  interviews = { date = "held_on", schema = { interview_id = "text", held_on = "date" },
    csv = "interview_id,held_on\nI01,2024-05-01\nI02,2025-05-01\n" },
  signatories = {
    date = "signed_up_on",
    period = "until",
    schema = signatories.schema,
    csv = "signed_up_on,status\n2023-05-01,lapsed\n2024-06-01,active\n2025-03-31,active\n"
      .. "2025-04-01,active\n2025-12-01,active\n2026-02-01,active\n2026-04-01,active\n",
  },
}

test("a financial year is compared with the one before", function(t)
  local out = t:build({ plugin = "key-figures", inputs = two_years, year = 2025, report = { year_start = "04-01" } })
  local items = t:has_block(out, "key_figures").items
  t:eq(items[1], { value = "4", label = "survey responses; 1 more than 2024-25" })
  t:eq(items[2], { value = "1", label = "interviews held; the same as 2024-25" })
  t:eq(items[3], { value = "5", label = "signatory organisations active (1 lapsed); 3 more than 2024-25" })
  t:eq(items[4], { value = "3", label = "organisations signed up in 2025-26; 1 more than 2024-25" })
  t:eq(items[5].label, "of respondents' organisations use the standards (3 of 4); 33% in 2024-25")
  t:eq(items[6].label, "of respondents had heard of 4Pi (3 of 4); 67% in 2024-25")
end)

test("fewer, and the wording from the options", function(t)
  local out = t:build({ plugin = "key-figures", inputs = two_years, year = 2024, report = { year_start = "04-01" },
    options = { fewer = "down {n} on {period}", share_before = "was {pct} in {period}" } })
  local items = t:has_block(out, "key_figures").items
  t:eq(items[1].label, "survey responses; 2 more than 2023-24")
  t:eq(items[2].label, "interviews held") -- no interviews in 2023-24: nothing said
  t:eq(items[3].label, "signatory organisations active (1 lapsed); 2 more than 2023-24")
  t:eq(items[5].label, "of respondents' organisations use the standards (1 of 3); was 0% in 2023-24")
  out = t:build({ plugin = "key-figures", inputs = two_years, year = 2026, report = { year_start = "04-01" },
    options = { fewer = "down {n} on {period}" } })
  t:eq(t:has_block(out, "key_figures").items[1].label, "survey responses; down 3 on 2025-26")
end)

test("no previous period, or compare = false: no change", function(t)
  local out = t:build({ plugin = "key-figures", inputs = two_years, from = "2024-04-01" })
  t:eq(t:has_block(out, "key_figures").items[1].label, "survey responses")
  out = t:build({ plugin = "key-figures", inputs = two_years, year = 2025, options = { compare = false } })
  t:eq(t:has_block(out, "key_figures").items[1].label, "survey responses")
end)

test("a previous period without any rows says nothing", function(t)
  local out = t:build({ plugin = "key-figures", inputs = two_years, year = 2023, report = { year_start = "04-01" } })
  local items = t:has_block(out, "key_figures").items
  t:eq(items[1], { value = "1", label = "survey responses" })
  t:eq(items[5].label, "of respondents' organisations use the standards (0 of 1)")
end)

test("the page", function(t)
  local pages = t:render({ plugin = "key-figures", inputs = inputs })
  t:contains(pages[1], "At a glance")
  t:contains(pages[1], "75%")
end)
