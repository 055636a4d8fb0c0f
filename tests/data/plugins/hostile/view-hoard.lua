-- Hoards views: each where() keeps a row list in C; 2,000 views over 200,000 rows would be
-- 1.6 GB if those lists did not count against the plugin's memory limit.
return {
  name = "view-hoard",
  version = "1.0.0",
  needs = { rows = { "n" } },
  build = function(ctx)
    local keep = {}
    for i = 1, 2000 do keep[i] = ctx.inputs.rows:where("n", ">=", 0) end
    return { blocks.paragraph(tostring(#keep)) }
  end,
}
