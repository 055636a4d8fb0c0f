-- Values that are not plain data, or are plain data in odd shapes.
local t = { title = "Odd", sections = { { "cover" } } }
t.self = t
local deep = {}
local d = deep
for i = 1, 40 do d.next = {} d = d.next end
return setmetatable({
  title = "Odd values", subtitle = 0 / 0, publisher = 1e308 * 10, lang = "en\0GB",
  labels = { [1.5] = { a = "b" }, [true] = {}, [false] = { x = "y" }, [-1] = {}, [2^53] = {} },
  inputs = { ["not a name"] = { file = "x", schema = { a = "text" } }, _1 = { file = "y", schema = { ["1a"] = "text" } } },
  sections = { { "cover", f = print }, { "text", deep = deep }, { "x", [1.5] = 1 }, [4] = { "y" } },
}, { __index = function() return "meta" end, __pairs = function() error("pairs") end })
