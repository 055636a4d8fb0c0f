-- Misuses ctx, chosen by the `case` option.
local cases = {
  outside = function(ctx) return ctx.markdown("../syntax/report.lua") end,
  absolute = function(ctx) return ctx.markdown("/etc/passwd") end,
  missing = function(ctx) return ctx.markdown("nothing-here.md") end,
  input = function(ctx) return ctx.inputs.surveys end,
  option = function(ctx) return ctx.options.titel end,
  field = function(ctx) return ctx.optons end,
}

return {
  name = "ctx-errors",
  version = "1.0.0",
  options = { case = "" },
  build = function(ctx)
    cases[ctx.options.case](ctx)
    return {}
  end,
}
