local c = blocks.canvas { width = 200, height = 100, alt = "A drawing", caption = "Caption" }
c:line(0, 0, 10, 10, { colour = "#ff0000", width = 2, dash = 3 }):rect(5, 5, 20, 10, { fill = "accent" })
c:circle(50, 50, 20):arc(50, 50, 30, 180, 360):wedge(100, 50, 30, -90, 30, { fill = "palette2" })
c:path({ { "move", 0, 0 }, { "curve", 1, 2, 3, 4, 5, 6 }, { "line", 9, 9 }, { "close" } }, { stroke = "muted" })
c:text(100, 90, "Label", { align = "center", bold = true })
return { c, { kind = "canvas", width = 10, height = 10, alt = "x", ops = { { "path", { { "line", 0, 0 } } } } } }
