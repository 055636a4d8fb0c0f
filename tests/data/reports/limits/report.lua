-- report.lua's limits, as a size with a unit, a number and seconds (tests/unit/test_report.c).
return {
  title = "Limits",
  limits = { memory = "96 MiB", instructions = 5e7, seconds = 2.5 },
  sections = { { "good" } },
}
