return blocks.heading(1, "x")
