-- Stress paragraphs for line breaking (tests/e2e/test_paragraphs.sh): an over-long URL, a long
-- German compound, numbers with units and no-break spaces, words to hyphenate.
return {
  title = "Paragraphs",
  publisher = "folio tests",
  lang = "en-GB",
  sections = {
    { "text", file = "text.md" },
  },
}
