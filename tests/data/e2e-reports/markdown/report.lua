-- Prose only: every Markdown construct the text plugin sets (tests/e2e/test_markdown.sh).
return {
  title = "Markdown",
  publisher = "folio tests",
  inputs = {},
  sections = { { "text", file = "prose.md" } },
}
