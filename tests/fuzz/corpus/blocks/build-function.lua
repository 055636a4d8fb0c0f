return function(ctx)
  return { blocks.heading(1, "Built"), blocks.paragraph("by a function, as build(ctx) is") }
end
