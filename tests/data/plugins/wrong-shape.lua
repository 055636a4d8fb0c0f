-- Declares the wrong name, no version and no build.
return {
  name = "something-else",
  options = { size = 3 },
}
