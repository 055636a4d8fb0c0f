-- Prints what one report of a burst sees: the value, its label and the rows of each input. The
-- value "Fail" fails; "Hang" spins until its worker is killed (or the instruction limit ends it).
return {
  name = "place",
  version = "1.0.0",
  build = function(ctx)
    local b = ctx.burst
    if b and b.value == "Fail" then
      error("no report for Fail")
    end
    if b and b.value == "Hang" then
      while true do end
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
