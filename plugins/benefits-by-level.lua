-- benefits-by-level: what difference the standards make at each level of involvement: the 1-5
-- agreement answers, the share who agree, and the benefits respondents have seen.
local LEVELS = { "individual", "community", "services", "strategic" }
local SCALE_NAMES = { "1 Strongly disagree", "2 Disagree", "3 Neither", "4 Agree", "5 Strongly agree" }

local function label(ctx, kind, code)
  local map = ctx.report.labels and ctx.report.labels[kind]
  return (map and map[code]) or code
end

-- The benefits catalogue of one level: { {code=, label=, order=} ... } in catalogue order.
local function catalogue(benefits, level)
  local list = {}
  for row in benefits:where("level", level):rows("code", "label") do
    list[#list + 1] = { code = row.code:lower(), label = row.label, order = #list + 1 }
  end
  return list
end

local function agreement_chart(ctx, survey)
  local cats, values, labels, n = {}, {}, {}, {}
  for s = 1, 5 do values[s], labels[s] = {}, {} end
  local notes = {}
  for i, lv in ipairs(LEVELS) do
    local d = survey:scale("difference_" .. lv, 1, 5)
    cats[i] = label(ctx, "level", lv)
    n[i] = d.answered
    for s = 1, 5 do
      values[s][i] = d.counts[s]
      labels[s][i] = d.counts[s] > 0 and fmt.int(d.counts[s]) or ""
    end
    notes[#notes + 1] = label(ctx, "level", lv) .. " " .. fmt.int(d.missing)
  end
  local series = {}
  for s = 1, 5 do
    series[s] = { name = SCALE_NAMES[s], values = values[s], labels = labels[s] }
  end
  return blocks.chart {
    type = "diverging",
    neutral = 3,
    title = "The standards have made a difference to involvement at this level",
    categories = cats,
    n = n,
    series = series,
    x_title = "Share of answers: disagree to the left, agree to the right; numbers in the bars are respondents",
    note = "Bars are centred on the neutral answer; the bold figures are the shares who disagree (1-2) and agree "
      .. "(4-5). Not applicable (left out): " .. table.concat(notes, ", ") .. ".",
  }
end

return {
  name = "benefits-by-level",
  version = "1.0.0",
  needs = {
    survey = { "difference_individual", "difference_community", "difference_services",
               "difference_strategic", "benefits_seen" },
    benefits = { "code", "level", "label" },
  },
  options = { title = "Benefits by involvement level", new_page = true },
  build = function(ctx)
    local survey, benefits = ctx.inputs.survey, ctx.inputs.benefits
    local seen = {}
    for _, g in ipairs(survey:count_by("benefits_seen")) do seen[g.value:lower()] = g.count end
    local out = {
      blocks.heading(1, ctx.options.title),
      blocks.paragraph("Respondents who use the standards at a level said how far they agree that "
        .. "\u{201C}using the standards has made a difference to involvement at this level\u{201D}, from 1 "
        .. "(strongly disagree) to 5 (strongly agree). Answers left empty (not applicable) are left "
        .. "out of the bars and counted separately."),
      agreement_chart(ctx, survey),
    }
    for _, lv in ipairs(LEVELS) do
      local d = survey:scale("difference_" .. lv, 1, 5)
      local agree = d.counts[4] + d.counts[5]
      out[#out + 1] = blocks.heading(2, label(ctx, "level_title", lv))
      if d.answered == 0 then
        out[#out + 1] = blocks.paragraph("No respondent answered for this level; "
          .. fmt.int(d.missing) .. " left it unanswered (not applicable).")
      else
        out[#out + 1] = blocks.paragraph {
          blocks.bold(fmt.int(agree) .. " of " .. fmt.plural(d.answered, "respondent", "respondents")
            .. " (" .. fmt.pct(agree, d.answered) .. ") agree that the standards made a difference "
            .. label(ctx, "level_phrase", lv) .. "."),
          " " .. fmt.int(d.missing) .. " left the question unanswered (not applicable).",
        }
      end
      local list = catalogue(benefits, lv)
      for _, b in ipairs(list) do b.count = seen[b.code] or 0 end
      table.sort(list, function(p, q)
        if p.count ~= q.count then return p.count > q.count end
        return p.order < q.order
      end)
      if #list > 0 then
        local cats, values = {}, {}
        for i, b in ipairs(list) do cats[i], values[i] = b.label, b.count end
        out[#out + 1] = blocks.chart {
          type = "hbar",
          title = "Benefits seen: " .. label(ctx, "level", lv):lower() .. " level",
          categories = cats,
          series = { { name = "Respondents", values = values } },
          x_title = "Respondents who have seen the benefit",
          label_width = 0.34,
        }
      end
    end
    return out
  end,
}
