-- register: every signatory organisation in one long table (its header repeated on each page,
-- "(continued)" above it), then a table with a cell taller than a page.
return {
  name = "register",
  version = "1.0.0",
  needs = { signatories = { "organisation", "region", "signed_up_on", "status" }, interviews = { "quote" } },
  options = { title = "Register of signatory organisations", new_page = true },
  build = function(ctx)
    local rows, n = {}, 0
    for row in ctx.inputs.signatories:rows("organisation", "region", "signed_up_on", "status") do
      n = n + 1
      rows[#rows + 1] = { string.format("R%04d", n), row.organisation, row.region, fmt.date(row.signed_up_on),
        row.status == "active" and "Active" or "Lapsed" }
    end
    local notes, k = {}, 0
    for row in ctx.inputs.interviews:rows("quote") do
      k = k + 1
      if k > 90 then break end
      notes[#notes + 1] = row.quote
    end
    return {
      blocks.heading(1, ctx.options.title),
      blocks.paragraph(fmt.plural(n, "organisation has", "organisations have")
        .. " signed up to the standards. The register lists them in the order they were recorded."),
      blocks.table {
        caption = "Signatory organisations",
        continued = true,
        columns = {
          { title = "Ref", width = 1 }, { title = "Organisation", width = 3.8 }, { title = "Region", width = 2.1 },
          { title = "Signed up", width = 2.1 }, { title = "Status", width = 1.1 },
        },
        rows = rows,
      },
      blocks.heading(2, "Notes from the interviews"),
      blocks.table {
        caption = "Notes",
        continued = "(notes continued)",
        columns = { { title = "Topic", width = 1 }, { title = "Notes", width = 4 } },
        rows = { { "Before", "A short row before the long one." }, { "All", table.concat(notes, " ") },
                 { "After", "A short row after the long one." } },
      },
    }
  end,
}
