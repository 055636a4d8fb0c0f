return { blocks.heading(1, "Title"), blocks.paragraph("Text"), blocks.table { columns = { { title = "A" } }, rows = { { "ok" }, { {} } } } }
