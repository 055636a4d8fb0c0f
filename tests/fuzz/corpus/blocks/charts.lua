local cats = {}
for i = 1, 12 do cats[i] = "category " .. i end
local function vals(k) local v = {} for i = 1, 12 do v[i] = (i * k) % 7 end return v end
return {
  blocks.chart { type = "hbar", categories = cats, series = { { values = vals(3) } } },
  blocks.chart { type = "bar", categories = cats, series = { { name = "a", values = vals(1), labels = vals(2) }, { name = "b", values = vals(5) } } },
  blocks.chart { type = "stacked", title = "s", alt = "described", categories = { "x" }, series = { { name = "a", values = { 1e300 } }, { name = "b", values = { 0 } } } },
}
