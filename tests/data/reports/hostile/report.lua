-- The report of the hostile-plugin tests (tests/e2e/test_hostile.sh). The test copies this
-- folder, puts one plugin of tests/data/plugins/hostile/ in its plugins/ and writes that
-- plugin's name for HOSTILE below. The limits keep every bomb to a fraction of a second.
return {
  title = "Hostile",
  limits = { memory = "128 MiB", instructions = 20000000, seconds = 10 },
  sections = { { "HOSTILE" } },
}
