-- key-figures: "At a glance": responses, interviews, signatories, and the share using the standards,
-- each with its change against the previous period when that period has data.
local function using_count(t)
  return t:where("use_of_standards", "some_areas"):count() + t:where("use_of_standards", "whole_organisation"):count()
end

-- The period in which a signatory counts as new: the report's period (named by its year with
-- --year), else the calendar year of the latest survey response.
local function new_since(ctx, survey)
  if ctx.period.from then
    return ctx.period.from, ctx.period.year and ("in " .. ctx.period.short) or "in the period"
  end
  local last = survey:stats().last_date
  if not last then return nil end
  return last:sub(1, 4) .. "-01-01", "in " .. last:sub(1, 4)
end

-- The figures of one period (the survey, interviews and signatories tables of it; since = the
-- first day from which a signatory counts as new).
local function figures_of(survey, interviews, sig, since)
  local active = sig:where("status", "active"):count()
  return {
    n = survey:count(),
    using = using_count(survey),
    heard = survey:where("heard_of_4pi", true):count(),
    interviews = interviews:count_distinct("interview_id"),
    active = active,
    lapsed = sig:count() - active,
    new = since and sig:where("signed_up_on", ">=", since):count() or 0,
  }
end

-- The previous period's figures, or nil when there is none or it holds no data at all.
local function previous_figures(ctx)
  local prev = ctx.options.compare and ctx.previous
  if not prev then return nil end
  local p = prev.inputs
  local f = figures_of(p.survey, p.interviews, p.signatories, prev.period.from)
  if f.n == 0 and f.interviews == 0 and p.signatories:count() == 0 then return nil end
  return f, prev.period.short
end

return {
  name = "key-figures",
  version = "1.1.0",
  needs = {
    survey = { "use_of_standards", "heard_of_4pi" },
    interviews = { "interview_id" },
    signatories = { "signed_up_on", "status" },
  },
  previous = { "survey", "interviews", "signatories" },
  options = {
    title = "At a glance",
    compare = true, -- show the change against the previous period (--year, or --from with --to)
    more = "{n} more than {period}", -- the wording of a change: {n} the difference, {period} e.g. 2024-25
    fewer = "{n} fewer than {period}",
    same = "the same as {period}",
    share_before = "{pct} in {period}", -- a share in the previous period: {pct} e.g. 45%
  },
  build = function(ctx)
    local survey, interviews, sig = ctx.inputs.survey, ctx.inputs.interviews, ctx.inputs.signatories
    local since, when = new_since(ctx, survey)
    local f = figures_of(survey, interviews, sig, since)
    local before, period = previous_figures(ctx)
    local words = { more = ctx.options.more, fewer = ctx.options.fewer, same = ctx.options.same }

    -- label, then "; 6 more than 2024-25" when the previous period has data for it
    local function change(label, key, has)
      if not before or not has then return label end
      return label .. "; " .. fmt.change(f[key], before[key], period, words)
    end
    local function share(label, key)
      if not before or before.n == 0 then return label end
      local pct = fmt.pct(before[key], before.n)
      return label .. "; " .. (ctx.options.share_before:gsub("{(%a+)}", { pct = pct, period = period }))
    end
    local has_survey = before and before.n > 0
    local has_interviews = before and before.interviews > 0
    local has_sig = before and (before.active + before.lapsed) > 0
    local n = f.n
    local figures = {
      { value = fmt.int(n), label = change("survey responses", "n", has_survey) },
      { value = fmt.int(f.interviews), label = change("interviews held", "interviews", has_interviews) },
      {
        value = fmt.int(f.active),
        label = change("signatory organisations active (" .. fmt.int(f.lapsed) .. " lapsed)", "active", has_sig),
      },
      { value = fmt.int(f.new), label = change("organisations signed up " .. (when or "in the period"), "new", has_sig) },
      {
        value = fmt.pct(f.using, n),
        label = share("of respondents' organisations use the standards (" .. fmt.int(f.using) .. " of " .. fmt.int(n) .. ")", "using"),
      },
      {
        value = fmt.pct(f.heard, n),
        label = share("of respondents had heard of 4Pi (" .. fmt.int(f.heard) .. " of " .. fmt.int(n) .. ")", "heard"),
      },
    }
    return {
      blocks.heading(1, ctx.options.title),
      blocks.key_figures(figures),
      blocks.paragraph("Using the standards means using them in some areas or across the whole organisation. "
        .. "Each figure is computed from the data files listed in About the data.", { style = "small" }),
    }
  end,
}
