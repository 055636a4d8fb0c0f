-- cover: the title page: the report's title, the reporting period, the publisher, the date,
-- and the logo if the report names one. In a burst (folio render --each), the value the report is
-- for leads the subtitle: "North West: 1 January 2026 to 31 December 2026".
return {
  name = "cover",
  version = "1.0.0",
  needs = {}, -- reads no input
  options = {
    period_input = "survey", -- the input whose dates describe the period when none is given ("" = none)
    logo = "", -- an image file in the report folder; "" = report.lua's `logo`, if any
  },
  build = function(ctx)
    local subtitle = ctx.period.label
    local input = ctx.options.period_input ~= "" and ctx.inputs[ctx.options.period_input] or nil
    if not (ctx.period.from or ctx.period.to) and input then
      local s = input:stats()
      local first, last = s.first_date, s.last_date
      if first and last and first:sub(1, 4) == last:sub(1, 4) then
        subtitle = "Annual report " .. first:sub(1, 4)
      elseif first and last then
        subtitle = fmt.date(first) .. " to " .. fmt.date(last)
      end
    end
    if ctx.burst then
      subtitle = ctx.burst.label .. ": " .. subtitle
    end
    return {
      blocks.cover {
        title = ctx.report.title,
        subtitle = subtitle,
        publisher = ctx.report.publisher,
        date = ctx.report.date and ("Published " .. fmt.date(ctx.report.date)) or nil,
        logo = ctx.options.logo ~= "" and ctx.options.logo or ctx.report.logo,
      },
    }
  end,
}
