return { { kind = "heding", level = 1, text = "x" } }
