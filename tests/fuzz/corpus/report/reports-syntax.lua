return {
  title = "Broken",
  sections = { { "good" } ,
}
