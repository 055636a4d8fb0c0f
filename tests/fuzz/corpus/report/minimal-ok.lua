return { title = "T", inputs = { s = { file = "s.csv", schema = { a = "text" } } }, sections = { { "cover" } } }
