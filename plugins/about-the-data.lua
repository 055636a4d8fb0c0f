-- about-the-data: what every figure rests on: rows read, used, outside the period and rejected
-- (and why), the rows of the previous period compared with, the dates covered, and the versions
-- of the engine and the plugins.
local function plural_rows(n)
  return fmt.plural(n, "row", "rows")
end

return {
  name = "about-the-data",
  version = "1.1.0",
  needs = {}, -- reads only each input's stats()
  options = {
    title = "About the data",
    new_page = true, -- start the section on a new page
    order = { "survey", "interviews", "signatories", "benefits" }, -- inputs listed first, in this order
    compare = true, -- with a previous period that has rows, count the rows each file has in it
    -- after the period's sentence; {period} e.g. 2024-25, {label} its dates
    previous_text = "Figures are compared with the previous period, {period} ({label}), where it has data.",
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

    -- the previous period's rows are shown when some dated input has any
    local prev = ctx.options.compare and ctx.period.previous
    local prev_total = 0
    for _, name in ipairs(names) do
      prev_total = prev_total + (ctx.inputs[name]:stats().previous_used or 0)
    end
    if prev_total == 0 then prev = nil end

    local rows, reasons, ranges = {}, {}, {}
    local rejected_total = 0
    for _, name in ipairs(names) do
      local s = ctx.inputs[name]:stats()
      rows[#rows + 1] = { s.file, fmt.int(s.rows_read), fmt.int(s.rows_used), fmt.int(s.out_of_period), fmt.int(s.rejected) }
      if prev then
        table.insert(rows[#rows], 4, s.previous_used and fmt.int(s.previous_used) or "-")
      end
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
      if prev then
        period = period .. " " .. (ctx.options.previous_text:gsub("{(%a+)}", { period = prev.short, label = prev.label }))
      end
    else
      period = "No reporting period was set, so every row of every file is used."
    end
    local columns = {
      { title = "File", width = 3 },
      { title = "Rows", align = "right", width = 1 },
      { title = "Used", align = "right", width = 1 },
      { title = "Outside period", align = "right", width = 1.5 },
      { title = "Rejected", align = "right", width = 1.2 },
    }
    if prev then
      table.insert(columns, 4, { title = "Used in " .. prev.short, align = "right", width = 1.5 })
    end
    local out = {
      blocks.heading(1, ctx.options.title),
      blocks.paragraph(period),
    }
    if ctx.burst then
      -- one report of a burst (folio render --each): say which rows it covers
      local files = {}
      for _, name in ipairs(ctx.burst.inputs) do files[#files + 1] = ctx.inputs[name]:stats().file end
      out[#out + 1] = blocks.paragraph("This report covers " .. ctx.burst.label .. " only: it uses the rows of "
        .. table.concat(files, " and ")
        .. " whose " .. ctx.burst.column .. " is \"" .. ctx.burst.value .. "\" (the Used column); "
        .. "the other files are used whole.")
    end
    out[#out + 1] = blocks.table { caption = "Rows in each file", columns = columns, rows = rows }
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
