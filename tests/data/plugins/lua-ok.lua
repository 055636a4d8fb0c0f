-- Ordinary Lua must keep working inside the sandbox: pcall, xpcall, coroutines, metatables,
-- string methods and patterns on text of a realistic size. Any failed assert fails the test.
return {
  name = "lua-ok",
  version = "1.0.0",
  build = function(ctx)
    local ok, err = pcall(error, "boom", 0)
    assert(not ok and err == "boom")
    local r = { pcall(function(a, b) return a + b, "two" end, 1, 2) }
    assert(r[1] == true and r[2] == 3 and r[3] == "two")
    local handled
    ok, err = xpcall(function() error({ code = 7 }) end, function(e) handled = e.code; return "handled" end)
    assert(not ok and err == "handled" and handled == 7)
    local co = coroutine.wrap(function(a)
      local b = coroutine.yield(a + 1)
      return b * 2
    end)
    assert(co(1) == 2 and co(5) == 10)
    ok, err = pcall(co)
    assert(not ok and err == "cannot resume dead coroutine")
    local closed
    local failing = coroutine.wrap(function()
      local _ <close> = setmetatable({}, { __close = function() closed = true end })
      error("in wrap", 0)
    end)
    ok, err = pcall(failing)
    assert(not ok and err == "in wrap" and closed)
    local kb = collectgarbage("count")
    assert(type(kb) == "number" and kb > 0 and kb < 16 * 1024)
    local co2 = coroutine.create(function() error("inner", 0) end)
    ok, err = coroutine.resume(co2)
    assert(not ok and err == "inner")
    local yielded = coroutine.wrap(function() pcall(coroutine.yield, "through pcall") end)
    assert(yielded() == "through pcall")
    local v = setmetatable({}, { __index = function(_, k) return k .. "!" end })
    assert(v.hi == "hi!")
    assert(("abc"):upper() == "ABC" and #("x"):rep(10) == 10)
    local text = ("word "):rep(400) .. "someone@example.org and 0123 456 789"
    local redacted = text:gsub("[%w%.%-_]+@[%w%.%-]+%.%a+", "[e-mail]")
    assert(redacted:find("[e-mail]", 1, true))
    local trimmed = ("  x  "):match("^%s*(.-)%s*$")
    assert(trimmed == "x")
    local long = ("  "):rep(100) .. ("lorem ipsum "):rep(1500) .. "  "
    assert(#long:match("^%s*(.-)%s*$") == 12 * 1500 - 1)
    assert(long:find("ipsum", 1, true) == 207 and long:find("lorem ipsum lorem") == 201)
    assert(select(2, long:gsub("lorem", "")) == 1500)
    assert(select(2, (("a b  c\t"):rep(10000)):gsub("%s+", " ")) == 30000)
    local big = ("x"):rep(15000) .. "someone@example.org"
    assert(big:find("[%w%.%-_]+@[%w%.%-]+%.%a+") == 1)
    local n = 0
    for _ in (("a,"):rep(50000)):gmatch("[^,]+") do n = n + 1 end
    assert(n == 50000)
    assert(type(os.time()) == "number" and os.date("!%Y", 0) == "1970")
    assert(utf8.len("héllo") == 5 and table.concat({ 1, 2 }, "-") == "1-2")
    assert(_G == _ENV and _VERSION == "Lua 5.4")
    assert(getmetatable("") == false)
    assert(fmt.int(-1234) == "-1,234" and fmt.int(999) == "999" and fmt.int(1000) == "1,000")
    assert(fmt.percent(1, 3) == 33 and fmt.percent(2, 3) == 67 and fmt.percent(1, 2) == 50 and fmt.percent(5, 0) == 0)
    assert(fmt.pct(1, 8) == "13%")
    assert(fmt.date("2025-04-01") == "1 April 2025")
    assert(fmt.plural(0, "response") == "0 responses")
    print("printing goes to stderr")
    return { blocks.paragraph("all good") }
  end,
}
