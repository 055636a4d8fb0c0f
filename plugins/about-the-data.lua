-- about-the-data: what every figure rests on: rows read, used, outside the period and rejected
-- (and why), the dates covered, and the versions of the engine and the plugins.
local function plural_rows(n)
  return fmt.plural(n, "row", "rows")
end

return {
  name = "about-the-data",
  version = "1.0.0",
  needs = {}, -- reads only each input's stats()
  options = {
    title = "About the data",
    new_page = true, -- start the section on a new page
    order = { "survey", "interviews", "signatories", "benefits" }, -- inputs listed first, in this order
  },
  build = function(ctx)
    local names, listed, present = {}, {}, {}
    for name in pairs(ctx.inputs) do present[name] = true end -- ctx.inputs.x raises for a missing x
    for _, name in ipairs(ctx.options.order) do
      if present[name] then names[#names + 1], listed[name] = name, true end
    end
    local rest = {}
    for name in pairs(ctx.inputs) do
      if not listed[name] then rest[#rest + 1] = name end
    end
    table.sort(rest)
    for _, name in ipairs(rest) do names[#names + 1] = name end

    local rows, reasons, ranges = {}, {}, {}
    local rejected_total = 0
    for _, name in ipairs(names) do
      local s = ctx.inputs[name]:stats()
      rows[#rows + 1] = { s.file, fmt.int(s.rows_read), fmt.int(s.rows_used), fmt.int(s.out_of_period), fmt.int(s.rejected) }
      rejected_total = rejected_total + s.rejected
      for _, r in ipairs(s.reasons) do
        reasons[#reasons + 1] = { s.file, r.reason, fmt.int(r.count) }
      end
      if s.first_date then
        ranges[#ranges + 1] = s.file .. ": " .. fmt.date(s.first_date) .. " to " .. fmt.date(s.last_date)
      end
    end

    local period
    if ctx.period.from or ctx.period.to then
      period = "The reporting period is " .. ctx.period.label .. ". Rows dated outside it are left out, "
        .. "except signatory organisations, which count once they have signed up."
    else
      period = "No reporting period was set, so every row of every file is used."
    end
    local out = {
      blocks.heading(1, ctx.options.title),
      blocks.paragraph(period),
      blocks.table {
        caption = "Rows in each file",
        columns = {
          { title = "File", width = 3 },
          { title = "Rows", align = "right", width = 1 },
          { title = "Used", align = "right", width = 1 },
          { title = "Outside period", align = "right", width = 1.5 },
          { title = "Rejected", align = "right", width = 1.2 },
        },
        rows = rows,
      },
    }
    if rejected_total == 0 then
      out[#out + 1] = blocks.paragraph("No rows were rejected.")
    else
      out[#out + 1] = blocks.paragraph(plural_rows(rejected_total)
        .. " were rejected because a value could not be read; each is named, with its file, line and column, in the run's warnings.")
      out[#out + 1] = blocks.table {
        caption = "Rows rejected, by reason",
        columns = { { title = "File", width = 2 }, { title = "Reason", width = 3 }, { title = "Rows", align = "right", width = 1 } },
        rows = reasons,
      }
    end
    out[#out + 1] = blocks.heading(2, "Dates covered")
    out[#out + 1] = blocks.list(#ranges > 0 and ranges or { "No dated rows." })
    out[#out + 1] = blocks.heading(2, "Software")
    local sw = { { "folio (engine)", ctx.engine.version, "" } }
    local seen = {}
    for _, p in ipairs(ctx.plugins) do
      if not seen[p.name] then
        seen[p.name] = true
        sw[#sw + 1] = { p.name, p.version, p.file }
      end
    end
    out[#out + 1] = blocks.table {
      caption = "Engine and section plugins",
      columns = { { title = "Component", width = 2 }, { title = "Version", width = 1 }, { title = "File", width = 3 } },
      rows = sw,
    }
    return out
  end,
}
