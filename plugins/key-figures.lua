-- key-figures: "At a glance": responses, interviews, signatories, and the share using the standards.
local function using_count(t)
  return t:where("use_of_standards", "some_areas"):count() + t:where("use_of_standards", "whole_organisation"):count()
end

-- The period in which a signatory counts as new: the report's period, else the calendar year
-- of the latest survey response.
local function new_since(ctx, survey)
  if ctx.period.from then
    return ctx.period.from, "in the period"
  end
  local last = survey:stats().last_date
  if not last then return nil end
  return last:sub(1, 4) .. "-01-01", "in " .. last:sub(1, 4)
end

return {
  name = "key-figures",
  version = "1.0.0",
  needs = {
    survey = { "use_of_standards", "heard_of_4pi" },
    interviews = { "interview_id" },
    signatories = { "signed_up_on", "status" },
  },
  options = { title = "At a glance" },
  build = function(ctx)
    local survey, interviews, sig = ctx.inputs.survey, ctx.inputs.interviews, ctx.inputs.signatories
    local n = survey:count()
    local using = using_count(survey)
    local heard = survey:where("heard_of_4pi", true):count()
    local active = sig:where("status", "active"):count()
    local lapsed = sig:count() - active
    local since, when = new_since(ctx, survey)
    local new = since and sig:where("signed_up_on", ">=", since):count() or 0
    local figures = {
      { value = fmt.int(n), label = "survey responses" },
      { value = fmt.int(interviews:count_distinct("interview_id")), label = "interviews held" },
      { value = fmt.int(active), label = "signatory organisations active (" .. fmt.int(lapsed) .. " lapsed)" },
      { value = fmt.int(new), label = "organisations signed up " .. (when or "in the period") },
      { value = fmt.pct(using, n), label = "of respondents' organisations use the standards (" .. fmt.int(using) .. " of " .. fmt.int(n) .. ")" },
      { value = fmt.pct(heard, n), label = "of respondents had heard of 4Pi (" .. fmt.int(heard) .. " of " .. fmt.int(n) .. ")" },
    }
    return {
      blocks.heading(1, ctx.options.title),
      blocks.key_figures(figures),
      blocks.paragraph("Using the standards means using them in some areas or across the whole organisation. "
        .. "Each figure is computed from the data files listed in About the data.", { style = "small" }),
    }
  end,
}
