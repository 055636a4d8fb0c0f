local t = { "x" }
local l = {}
for i = 1, 200 do l[i] = t end
return { blocks.list(l), blocks.list(l) }
