return { { kind = "heading", text = "x" } }
