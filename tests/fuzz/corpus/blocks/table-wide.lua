local cols, rows = {}, {}
for j = 1, 30 do cols[j] = { title = "c" .. j, width = j } end
for i = 1, 40 do local r = {} for j = 1, 30 do r[j] = (i * j) % 3 == 0 and "" or i * j end rows[i] = r end
rows[5].bold = true
return { blocks.table { columns = cols, rows = rows } }
