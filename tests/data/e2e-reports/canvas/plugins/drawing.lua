-- drawing: a 400 x 200 pt canvas with every drawing command (docs/canvas.md). Pure colours
-- (#ff0000, #0000ff, #00ff00) so that the test can find them on the rendered page: a red disc
-- centred at (60, 60), a blue square whose lower-right part lies outside the box (cut at the
-- box's edge), a green line. `mode` makes one mistake instead (test_canvas.sh).
return {
  name = "drawing",
  version = "1.0.0",
  options = { mode = "good" },
  build = function(ctx)
    local mode = ctx.options.mode
    if mode == "noalt" then
      return { blocks.canvas{ width = 100, height = 100 } }
    elseif mode == "noalt_by_hand" then
      return { { kind = "canvas", width = 100, height = 100, ops = {} } }
    end
    local c = blocks.canvas{ width = 400, height = 200, alt = "A test drawing: a red disc, a blue square "
      .. "cut by the box's edge, lines, an arc, a pie slice, a curve and three labels.",
      caption = "Figure 1. Every canvas command." }
    c:rect(0, 0, 400, 200, { fill = "light", stroke = "rule" })
    c:circle(60, 60, 40, { fill = "#ff0000" })
    c:rect(340, 150, 100, 100, { fill = "#0000ff" })
    c:line(120, 20, 220, 20, { colour = "#00ff00", width = 6 })
    c:line(120, 40, 220, 40, { colour = "muted", width = 1, dash = 4 })
    c:arc(170, 110, 40, 180, 360, { colour = "accent", width = 3 })
    c:wedge(300, 70, 50, -90, 30, { fill = "palette2", stroke = "text", width = 0.5 })
    c:wedge(300, 70, 50, 30, 270, { fill = "palette1" })
    c:path({ { "move", 20, 180 }, { "curve", 60, 120, 100, 220, 140, 160 }, { "line", 140, 190 }, { "close" } },
      { fill = "palette4", stroke = "accent" })
    c:text(20, 140, "Left label", { size = 11, bold = true })
    c:text(200, 190, "Centred label", { align = "center", italic = true, colour = "accent" })
    c:text(390, 15, "Right label", { align = "right", size = 9, colour = "muted" })
    if mode == "bad" then
      c.ops[#c.ops + 1] = { "line", 0, "ten", 10, 10 }
    elseif mode == "bad_call" then
      c:line(0, 0, "ten", 10)
    elseif mode == "bad_colour" then
      c:circle(10, 10, 5, { fill = "purple-ish" })
    elseif mode == "many" then
      for i = 1, 40001 do
        c:line(0, i % 200, 400, i % 200)
      end
    elseif mode == "many_by_hand" then -- one path of 40,001 segments, past the constructor's check
      local segs = { { "move", 0, 0 } }
      for i = 1, 40000 do
        segs[#segs + 1] = { "line", i % 400, i % 200 }
      end
      c.ops[#c.ops + 1] = { "path", segs }
    end
    return { blocks.heading(1, "Drawing"), blocks.paragraph("A paragraph before the drawing."), c,
      blocks.paragraph("A paragraph after the drawing.") }
  end,
}
