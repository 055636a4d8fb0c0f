return { blocks.paragraph(tostring(pcall(os.execute, "true"))), blocks.paragraph(tostring(pcall(io.open, "/etc/passwd"))) }
