local t = { kind = "paragraph" }
t.text = t
return { t }
