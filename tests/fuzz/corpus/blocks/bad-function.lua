return { { kind = "paragraph", text = print } }
