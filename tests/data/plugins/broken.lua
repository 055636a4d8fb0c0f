-- A plugin with a runtime error two calls deep (tests/unit/test_host.c checks file:line).
local function helper(t)
  local x = t.missing
  return x.field
end

return {
  name = "broken",
  version = "0.1.0",
  build = function(ctx)
    local result = helper({})
    return result
  end,
}
