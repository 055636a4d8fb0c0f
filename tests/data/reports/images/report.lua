-- A report of images (tests/e2e/test_images.sh): every kind of PNG and JPEG folio reads, a logo
-- on the cover, figure blocks of each width and alignment, and images from Markdown.
return {
  title = "Images",
  publisher = "folio tests",
  logo = "images/palette.png",
  inputs = {},
  sections = {
    { "cover", period_input = "" },
    { "gallery" },
  },
}
