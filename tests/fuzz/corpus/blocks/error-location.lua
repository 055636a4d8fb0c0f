local function f() error("deep problem") end
local function g() f() end
g()
