local s = string.rep("word ", 5000)
return { blocks.paragraph(s), blocks.heading(1, s:sub(1, 300)), { kind = "unknown " .. s } }
