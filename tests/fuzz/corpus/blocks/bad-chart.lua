return { blocks.chart { type = "pie", categories = { "a", "b" }, series = { { values = { 1, 2, 3 } } } } }
