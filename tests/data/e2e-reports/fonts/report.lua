-- Characters beyond the main font (tests/e2e/test_fonts.sh): Greek and Cyrillic (Open Sans has
-- them), arrows, a check mark and ≈ (only the fallback DejaVu Sans has them), a private-use
-- character and an emoji (no font can print them).
return {
  title = "Fonts",
  publisher = "folio tests",
  inputs = {
    notes = {
      file = "notes.csv",
      schema = { id = "integer", comment = "text" },
    },
  },
  sections = { { "notes" } },
}
