local s = {}
for i = 1, 300 do s[i] = { i % 2 == 0 and "cover" or "text", file = "p" .. i .. ".md" } end
local schema = {}
for i = 1, 70 do schema["c" .. i] = { "code", values = { "a", "b" } } end
local codes = {}
for i = 1, 65 do codes[i] = "k" .. i end
return { title = "Many", sections = s,
  inputs = { wide = { file = "w.csv", schema = schema }, codes = { file = "c.csv", schema = { c = { "multi", values = codes } } } } }
