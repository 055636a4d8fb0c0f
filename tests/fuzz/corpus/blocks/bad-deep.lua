local t = "x"
for _ = 1, 20 do t = { t } end
return { { kind = "paragraph", text = t } }
