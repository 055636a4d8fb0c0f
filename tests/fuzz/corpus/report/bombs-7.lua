-- Each of these is stopped by a limit or a blocked function; only one runs per input.
local which = 7
if which == 1 then while true do end end
if which == 2 then local s = string.rep("x", 1 << 40) end
if which == 3 then local t = {} for i = 1, 1e9 do t[i] = i end end
if which == 4 then while true do pcall(function() while true do end end) end end
if which == 5 then local co = coroutine.wrap(function() while true do end end) co() end
if which == 6 then setmetatable({}, { __gc = function() while true do end end }) end
if which == 7 then error(setmetatable({}, { __tostring = function() while true do end end })) end
if which == 8 then local function f() return f() + 1 end f() end
if which == 9 then os.execute("true") end
if which == 10 then io.open("/etc/passwd") end
if which == 11 then require("os") end
if which == 12 then load("return 1")() end
if which == 13 then string.find(string.rep("a", 5000), "a-a-a-a-a-b") end
if which == 14 then local s = "x" while true do s = s .. s end end
if which == 15 then xpcall(function() while true do end end, function() while true do end end) end
return { title = "Bombs", sections = { { "cover" } } }
