-- Canvas blocks (tests/e2e/test_canvas.sh): one drawing using every command, and, through the
-- section's `mode` option, the mistakes a plugin can make with a canvas.
return {
  title = "Canvas",
  publisher = "folio tests",
  inputs = {},
  sections = { { "drawing" } },
}
