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
  t:eq(items[4], { value = "1", label = "organisations signed up in the period" })
end)

test("the page", function(t)
  local pages = t:render({ plugin = "key-figures", inputs = inputs })
  t:contains(pages[1], "At a glance")
  t:contains(pages[1], "75%")
end)
