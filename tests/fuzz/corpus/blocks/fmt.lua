return { blocks.paragraph(fmt.int(-1234.5) .. fmt.pct(1, 3) .. fmt.date("2026-12-31") .. fmt.plural(2, "x")), blocks.paragraph(tostring(fmt.percent(0, 0))) }
