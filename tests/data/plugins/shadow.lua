-- The standard "shadow" plugin; the good report's own plugins/shadow.lua wins over it.
return { name = "shadow", version = "std", build = function(ctx) return {} end }
