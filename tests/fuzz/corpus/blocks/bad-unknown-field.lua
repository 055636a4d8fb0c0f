return { { kind = "paragraph", text = "x", titel = "y" } }
