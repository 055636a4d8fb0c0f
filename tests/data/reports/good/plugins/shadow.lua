-- The report's own "shadow" plugin: found before tests/data/plugins/shadow.lua.
return {
  name = "shadow",
  version = "local",
  build = function(ctx) return { blocks.paragraph("local shadow") } end,
}
