-- A well-behaved plugin that touches every part of ctx, blocks and fmt
-- (tests/unit/test_host.c checks the blocks it makes).
return {
  name = "good",
  version = "2.1.0",
  needs = { survey = { "org_type", "heard" } },
  options = { title = "Good section", intro = "intro.md", show_figures = true },
  build = function(ctx)
    local survey = ctx.inputs.survey
    local out = { blocks.heading(1, ctx.options.title) }
    for _, b in ipairs(ctx.markdown(ctx.options.intro)) do
      out[#out + 1] = b
    end
    local counts = survey:count_by("org_type")
    local rows, cats, values = {}, {}, {}
    for _, g in ipairs(counts) do
      rows[#rows + 1] = { g.value, g.count }
      cats[#cats + 1] = g.value
      values[#values + 1] = g.count
    end
    rows[#rows + 1] = { "Total", #survey, bold = true }
    out[#out + 1] = blocks.table {
      columns = { { title = "Type" }, { title = "Responses" } },
      rows = rows,
      caption = { "Responses by ", blocks.italic("type") },
    }
    out[#out + 1] = blocks.chart { type = "bar", title = "Types", categories = cats,
      series = { { name = "Responses", values = values } } }
    if ctx.options.show_figures then
      out[#out + 1] = blocks.key_figures { { value = fmt.int(1234567), label = "big" },
        { value = 29, label = fmt.plural(29, "response", "responses") } }
    end
    out[#out + 1] = blocks.paragraph({ "Report ", blocks.bold(ctx.report.title), " for ",
      ctx.period.label, ", ", fmt.pct(18, 23), ", ", fmt.date("2026-03-31"), ", ",
      fmt.plural(1, "response"), ", engine ", ctx.engine.name, " ", ctx.engine.version, ", ",
      blocks.link("site", "https://example.org") }, { align = "left", style = "small" })
    out[#out + 1] = blocks.list({ ctx.plugins[1].name, ctx.plugins[1].file, ctx.report.date,
      ctx.report.labels.org_type.nhs_trust }, { ordered = true })
    out[#out + 1] = blocks.quote("A quote", "Involvement lead, interview 4")
    out[#out + 1] = blocks.note("A note")
    out[#out + 1] = blocks.page_break()
    out[#out + 1] = blocks.contents()
    out[#out + 1] = blocks.cover { title = ctx.report.title, date = ctx.report.date }
    ctx.warn("just so you know")
    return out
  end,
}
