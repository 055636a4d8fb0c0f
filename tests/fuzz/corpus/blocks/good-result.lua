-- What plugins/good.lua builds, with its data written out.
local out = { blocks.heading(1, "Good section") }
local cats, values, rows = { "nhs_trust", "voluntary", "other" }, { 12, 7, 0 }, {}
for i, c in ipairs(cats) do rows[#rows + 1] = { c, values[i] } end
rows[#rows + 1] = { "Total", 19, bold = true }
out[#out + 1] = blocks.table { columns = { { title = "Type" }, { title = "Responses" } }, rows = rows,
  caption = { "Responses by ", blocks.italic("type") } }
out[#out + 1] = blocks.chart { type = "bar", title = "Types", categories = cats,
  series = { { name = "Responses", values = values } } }
out[#out + 1] = blocks.key_figures { { value = fmt.int(1234567), label = "big" },
  { value = 29, label = fmt.plural(29, "response", "responses") } }
out[#out + 1] = blocks.paragraph({ "Report ", blocks.bold("Title"), " for ", fmt.pct(18, 23), ", ",
  fmt.date("2026-03-31"), ", ", blocks.link("site", "https://example.org") }, { align = "left", style = "small" })
out[#out + 1] = blocks.list({ "one", "two", blocks.bold("three") }, { ordered = true })
out[#out + 1] = blocks.quote("A quote", "Involvement lead, interview 4")
out[#out + 1] = blocks.note("A note")
out[#out + 1] = blocks.page_break()
out[#out + 1] = blocks.contents()
out[#out + 1] = blocks.cover { title = "T", subtitle = "S", publisher = "P", date = "2026-01-01" }
return out
