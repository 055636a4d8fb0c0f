-- Never stops: the instruction limit of report.lua ends it.
return {
  name = "spinning",
  version = "1.0.0",
  build = function()
    while true do end
  end,
}
