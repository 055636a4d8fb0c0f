return { { kind = "paragraph", text = "x", [true] = 1, [2] = "y", ["with space"] = 3 }, [print] = 1 }
