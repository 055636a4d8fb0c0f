-- Works a while (some 10^5 instructions) while being loaded, then is an ordinary plugin: the
-- time budget is checked while its file runs.
local sum = 0
for i = 1, 100000 do
  sum = sum + i % 7
end
return {
  name = "toplevel-work",
  version = "1.0.0",
  build = function(ctx)
    return { blocks.paragraph("sum " .. sum) }
  end,
}
