-- summaries: long prose for the stress report: per level and domain, paragraphs of three to
-- eight excerpts run together, so that paragraphs of every length meet page ends.
local LEVELS = { "individual", "community", "services", "strategic" }
local DOMAINS = { "principles", "purpose", "presence", "process", "impact" }

return {
  name = "summaries",
  version = "1.0.0",
  needs = { interviews = { "level", "domain", "quote" } },
  options = { title = "Interview summaries" },
  build = function(ctx)
    local by = {}
    for row in ctx.inputs.interviews:rows("level", "domain", "quote") do
      local key = row.level .. "/" .. row.domain
      by[key] = by[key] or {}
      table.insert(by[key], row.quote)
    end
    local out = {
      blocks.heading(1, ctx.options.title),
      blocks.paragraph("What the interviewees said, level by level and domain by domain, summarised "
        .. "from every excerpt, whether or not it may be quoted.", { style = "lead" }),
    }
    for _, level in ipairs(LEVELS) do
      out[#out + 1] = blocks.heading(2, ctx.report.labels.level_title[level])
      for _, domain in ipairs(DOMAINS) do
        local quotes = by[level .. "/" .. domain]
        if quotes then
          out[#out + 1] = blocks.heading(3, ctx.report.labels.domain[domain])
          local i, size = 1, 3
          while i <= #quotes do
            local part = {}
            for k = i, math.min(#quotes, i + size - 1) do part[#part + 1] = quotes[k] end
            out[#out + 1] = blocks.paragraph(table.concat(part, " "))
            i = i + size
            size = size % 8 + 1 -- 1 to 8 excerpts: paragraphs of one line to a dozen
          end
        end
      end
    end
    return out
  end,
}
