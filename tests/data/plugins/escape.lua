-- Sandbox escape attempts, one per `attack` option; each must fail clearly (test_host.c).
-- luacheck: ignore
local attacks = {
  os_execute = function() return os.execute("true") end,
  io_open = function() return io.open("/etc/passwd") end,
  require = function() return require("os") end,
  load = function() return load("return 1") end,
  string_dump = function() return string.dump(function() end) end,
  dump_method = function() return (""):dump() end,
  string_mt = function() return getmetatable("").__index end,
  gc = function() return setmetatable({}, { __gc = function() while true do end end }) end,
  env_mt = function() return setmetatable(_ENV, nil) end,
  debug = function() return debug.getinfo(1) end,
  getenv = function() return os.getenv("HOME") end,
  collectgarbage = function() return collectgarbage("stop") end,
  coroutine_close = function() return coroutine.close(coroutine.create(print)) end,
  loop = function() while true do end end,
  pcall_loop = function()
    while true do
      pcall(function() while true do end end)
    end
  end,
  xpcall_loop = function()
    return xpcall(function() while true do end end, function() while true do end end)
  end,
  coroutine_loop = function()
    local co = coroutine.wrap(function() while true do coroutine.yield() end end)
    while true do co() end
  end,
  coroutine_swarm = function()
    while true do coroutine.wrap(function() end)() end
  end,
  rep_bomb = function() return string.rep("x", 1 << 30) end,
  pcall_bomb = function()
    local ok = pcall(string.rep, "x", 1 << 30)
    return ok, string.rep("y", 10)
  end,
  table_bomb = function()
    local t = {}
    for i = 1, math.huge do t[i] = i end
  end,
  recursion = function()
    local function f(n) return f(n + 1) + 1 end
    return f(1)
  end,
  pattern = function() return string.find(("a"):rep(300), "a-a-a-a-b") end,
  pattern_method = function() return (("a"):rep(300)):match("a-a-a-a-b") end,
  undefined = function() return undefined_thing end,
  xpcall_handler_loop = function()
    return xpcall(function() error("first") end, function() while true do end end)
  end,
  pattern_quadratic = function() return (("a"):rep(30000)):find(".-b") end,
  table_move = function() return table.move({}, 1, 1 << 40, 2) end,
  table_insert = function()
    local t = setmetatable({}, { __len = function() return 1 << 40 end })
    return table.insert(t, 1, "x")
  end,
  close_loop = function()
    local guard <close> = setmetatable({}, { __close = function() while true do end end })
    while true do end
  end,
  wrap_close_loop = function()
    local co = coroutine.wrap(function()
      local guard <close> = setmetatable({}, { __close = function() while true do end end })
      while true do end
    end)
    co()
  end,
  find_plain = function() return (("a"):rep(2000000)):find(("a"):rep(1000000) .. "b", 1, true) end,
  find_literal = function() return (("a"):rep(300000)):find(("a"):rep(100000) .. "b") end,
  pattern_literal = function() return (("a"):rep(5000000)):gsub(("a"):rep(60) .. "b", "") end,
  pattern_set = function() return (("x"):rep(100000)):gsub("[" .. ("b"):rep(100000) .. "a]", "") end,
  tostring_error = function()
    error(setmetatable({}, { __tostring = function() while true do end end }))
  end,
}

return {
  name = "escape",
  version = "1.0.0",
  options = { attack = "" },
  build = function(ctx)
    attacks[ctx.options.attack]()
    return {}
  end,
}
