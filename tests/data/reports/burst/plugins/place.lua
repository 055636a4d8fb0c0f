-- Prints what one report of a burst sees: the value, its label and the rows of each input.
return {
  name = "place",
  version = "1.0.0",
  build = function(ctx)
    local b = ctx.burst
    if b and b.value == "Fail" then
      error("no report for Fail")
    end
    local v = ctx.inputs.visits
    return {
      blocks.heading(1, "Place"),
      blocks.paragraph("Burst: " .. (b and (b.column .. " = [" .. b.value .. "] label [" .. b.label .. "] from "
        .. b.input .. ", narrowed: " .. table.concat(b.inputs, " ")) or "none") .. "."),
      blocks.paragraph("Visits: " .. v:count() .. "; walks: " .. #v:where("kind", "walk") .. "; notes: "
        .. ctx.inputs.notes:count() .. "; kinds: " .. ctx.inputs.kinds:count() .. "."),
    }
  end,
}
