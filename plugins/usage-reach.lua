-- usage-reach: how widely the standards are known and used: use of the standards, by
-- organisation type, NHS mental health trusts, signatories by year and region, levels and domains.
local USING = { "some_areas", "whole_organisation" }

local function label(ctx, kind, code)
  local map = ctx.report.labels and ctx.report.labels[kind]
  return (map and map[code]) or code
end

-- "12 (41%)"
local function count_pct(k, n)
  return fmt.int(k) .. " (" .. fmt.pct(k, n) .. ")"
end

-- Rows whose organisation uses the standards (in some areas or across the organisation).
local function using_count(t)
  local n = 0
  for _, code in ipairs(USING) do
    n = n + t:where("use_of_standards", code):count()
  end
  return n
end

local function use_chart(ctx, survey)
  local n = survey:count()
  local cats, values, labels = {}, {}, {}
  for _, g in ipairs(survey:count_by("use_of_standards")) do
    cats[#cats + 1] = label(ctx, "use_of_standards", g.value)
    values[#values + 1] = g.count
    labels[#labels + 1] = count_pct(g.count, n)
  end
  return blocks.chart {
    type = "hbar",
    title = "Use of the standards",
    categories = cats,
    series = { { name = "Responses", values = values, labels = labels } },
    x_title = "Responses",
    label_width = 0.34,
    note = "n = " .. fmt.int(n) .. " responses; percentages of all responses.",
  }
end

local function org_type_table(ctx, survey)
  local rows = {}
  local total = { responses = 0, heard = 0, signed = 0, using = 0 }
  for _, g in ipairs(survey:count_by("org_type")) do
    local t = survey:where("org_type", g.value)
    local heard = t:where("heard_of_4pi", true):count()
    local signed = t:where("signed_up", "yes"):count()
    local using = using_count(t)
    rows[#rows + 1] = {
      label(ctx, "org_type", g.value), fmt.int(g.count),
      count_pct(heard, g.count), count_pct(signed, g.count), count_pct(using, g.count),
    }
    total.responses = total.responses + g.count
    total.heard, total.signed, total.using = total.heard + heard, total.signed + signed, total.using + using
  end
  local n = total.responses
  rows[#rows + 1] = {
    "All responses", fmt.int(n), count_pct(total.heard, n), count_pct(total.signed, n),
    count_pct(total.using, n), bold = true,
  }
  return blocks.table {
    caption = "Responses by type of organisation",
    columns = {
      { title = "Organisation type", width = 3 },
      { title = "Responses", align = "right", width = 1.4 },
      { title = "Heard of 4Pi", align = "right", width = 1.6 },
      { title = "Signed up", align = "right", width = 1.6 },
      { title = "Using", align = "right", width = 1.6 },
    },
    rows = rows,
  }
end

local function nhs_paragraph(survey)
  local nhs = survey:where("org_type", "nhs_trust")
  local n = nhs:count()
  if n == 0 then
    return blocks.paragraph("No responses came from NHS mental health trusts.")
  end
  local heard = nhs:where("heard_of_4pi", true):count()
  local using = using_count(nhs)
  return blocks.paragraph {
    fmt.plural(n, "response", "responses") .. " came from NHS mental health trusts. Of these, ",
    blocks.bold(count_pct(heard, n)), " knew of the standards and ",
    blocks.bold(count_pct(using, n)), " use them in some areas or across the organisation.",
  }
end

-- " (6 more than 2024-25)" when the previous period has signatories, else "".
local function signatory_change(ctx, n)
  local prev = ctx.options.compare and ctx.previous
  if not prev then return "" end
  local before = prev.inputs.signatories:count()
  if before == 0 then return "" end
  return " (" .. fmt.change(n, before, prev.period.short, ctx.options.change_words) .. ")"
end

local function signatory_blocks(ctx, sig)
  local out = {}
  local n = sig:count()
  local active = sig:where("status", "active"):count()
  local first, last = sig:min("signed_up_on"), sig:max("signed_up_on")
  out[#out + 1] = blocks.heading(2, "Signatory organisations")
  if n == 0 then
    out[#out + 1] = blocks.paragraph("No organisation had signed up to the standards.")
    return out
  end
  out[#out + 1] = blocks.paragraph(fmt.plural(n, "organisation has", "organisations have")
    .. " signed up to the standards since " .. first:sub(1, 4) .. signatory_change(ctx, n) .. "; "
    .. fmt.int(active) .. " " .. (active == 1 and "is" or "are") .. " active and "
    .. fmt.int(n - active) .. " " .. ((n - active) == 1 and "has" or "have") .. " lapsed.")
  local years, active_by, lapsed_by = {}, {}, {}
  for y = tonumber(first:sub(1, 4)), tonumber(last:sub(1, 4)) do
    local t = sig:where("signed_up_on", ">=", y .. "-01-01"):where("signed_up_on", "<=", y .. "-12-31")
    local a = t:where("status", "active"):count()
    years[#years + 1] = tostring(y)
    active_by[#active_by + 1] = a
    lapsed_by[#lapsed_by + 1] = t:count() - a
  end
  out[#out + 1] = blocks.chart {
    type = "stacked",
    horizontal = false,
    title = "Organisations signing up, by year",
    categories = years,
    series = { { name = "Active", values = active_by }, { name = "Lapsed", values = lapsed_by } },
    y_title = "Organisations",
    n = n,
    note = "By the year they signed up; the figure over each bar is the year's total.",
  }
  local x = sig:crosstab("region", "status")
  local col = {}
  for j, v in ipairs(x.cols) do col[v] = j end
  local regions = {}
  for i, region in ipairs(x.rows) do
    local a, l = x.cells[i][col.active] or 0, x.cells[i][col.lapsed] or 0
    regions[#regions + 1] = { region = region, active = a, lapsed = l }
  end
  table.sort(regions, function(p, q)
    if p.active + p.lapsed ~= q.active + q.lapsed then return p.active + p.lapsed > q.active + q.lapsed end
    return p.region < q.region
  end)
  local rows = {}
  for _, r in ipairs(regions) do
    rows[#rows + 1] = { r.region, fmt.int(r.active), fmt.int(r.lapsed), fmt.int(r.active + r.lapsed) }
  end
  rows[#rows + 1] = { "All regions", fmt.int(active), fmt.int(n - active), fmt.int(n), bold = true }
  out[#out + 1] = blocks.table {
    caption = "Signatory organisations by region",
    columns = {
      { title = "Region", width = 3 },
      { title = "Active", align = "right", width = 1 },
      { title = "Lapsed", align = "right", width = 1 },
      { title = "Total", align = "right", width = 1 },
    },
    rows = rows,
  }
  return out
end

local function multi_chart(ctx, survey, column, kind, title)
  local base = using_count(survey)
  local cats, values, labels = {}, {}, {}
  for _, g in ipairs(survey:count_by(column)) do
    cats[#cats + 1] = label(ctx, kind, g.value)
    values[#values + 1] = g.count
    labels[#labels + 1] = count_pct(g.count, base)
  end
  return blocks.chart {
    type = "hbar",
    title = title,
    categories = cats,
    series = { { name = "Respondents", values = values, labels = labels } },
    x_title = "Respondents",
    label_width = 0.34,
    note = "Several answers allowed; percentages of the " .. fmt.plural(base, "respondent", "respondents")
      .. " whose organisation uses the standards.",
  }
end

-- " In 2024-25, 70% of 40 respondents ..." when the previous period has responses, else "".
local function previous_reach(ctx)
  local prev = ctx.options.compare and ctx.previous
  if not prev then return "" end
  local survey = prev.inputs.survey
  local n = survey:count()
  if n == 0 then return "" end
  local values = {
    period = prev.period.short,
    n = fmt.int(n),
    heard = fmt.pct(survey:where("heard_of_4pi", true):count(), n),
    using = fmt.pct(using_count(survey), n),
  }
  return " " .. (ctx.options.previous_reach:gsub("{(%a+)}", values))
end

return {
  name = "usage-reach",
  version = "1.1.0",
  needs = {
    survey = { "org_type", "heard_of_4pi", "signed_up", "use_of_standards", "levels_used", "domains_used" },
    signatories = { "signed_up_on", "status", "region" },
  },
  previous = { "survey", "signatories" },
  options = {
    title = "Usage reach",
    new_page = true,
    compare = true, -- compare reach and signatories with the previous period, where it has data
    -- the previous period's reach; {period} e.g. 2024-25, {n} its responses, {heard}, {using} shares
    previous_reach = "In {period}, {heard} of {n} respondents had heard of 4Pi and {using} worked in organisations that used the standards.",
    change_words = { more = "{n} more than {period}", fewer = "{n} fewer than {period}", same = "the same as {period}" },
  },
  build = function(ctx)
    local survey, sig = ctx.inputs.survey, ctx.inputs.signatories
    local n = survey:count()
    local using = using_count(survey)
    local heard = survey:where("heard_of_4pi", true):count()
    local intro = "No survey responses fall in the reporting period, so there is nothing to count."
    if n > 0 then
      intro = "How widely the standards are known and used, from " .. fmt.plural(n, "survey response", "survey responses")
        .. ". " .. count_pct(heard, n) .. " of respondents had heard of 4Pi, and "
        .. count_pct(using, n) .. " work in organisations that use the standards."
      intro = intro .. previous_reach(ctx)
    end
    local out = {
      blocks.heading(1, ctx.options.title),
      blocks.paragraph(intro),
      use_chart(ctx, survey),
      blocks.heading(2, "By type of organisation"),
      org_type_table(ctx, survey),
      blocks.heading(2, "NHS mental health trusts"),
      nhs_paragraph(survey),
    }
    for _, b in ipairs(signatory_blocks(ctx, sig)) do out[#out + 1] = b end
    out[#out + 1] = blocks.heading(2, "Levels and domains")
    out[#out + 1] = blocks.paragraph("Where the standards are used, the levels and the domains at which respondents use them.")
    out[#out + 1] = multi_chart(ctx, survey, "levels_used", "level", "Levels at which the standards are used")
    out[#out + 1] = multi_chart(ctx, survey, "domains_used", "domain", "Domains in which the standards are used")
    return out
  end,
}
