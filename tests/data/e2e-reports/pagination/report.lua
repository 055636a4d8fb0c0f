-- Pagination options and rules (tests/e2e/test_pagination.sh): a section that starts on a new
-- page through the engine's new_page option, and one that deliberately breaks the page right
-- after a heading (option heading_then_break), so the checker has a violation to find.
return {
  title = "Pagination",
  publisher = "folio tests",
  inputs = {},
  sections = {
    { "contents" },
    { "prose", title = "First section" },
    { "prose", title = "Second section", new_page = false },
    { "prose", title = "Third section", new_page = true },
  },
}
