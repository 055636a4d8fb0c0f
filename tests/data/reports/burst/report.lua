-- A report to burst (tests/e2e/test_burst.sh): places whose names need making safe as file
-- names, a second input narrowed by the same column, a lookup input shared whole, and a place
-- whose report fails.
return {
  title = "Places",
  publisher = "folio tests",
  main = "visits",
  inputs = {
    visits = {
      file = "data/visits.csv",
      date = "day",
      schema = { id = "integer", day = "date", place = "text", kind = { "code", values = { "walk", "ride" } } },
    },
    notes = {
      file = "data/notes.csv",
      schema = { place = "text", note = "text" },
    },
    kinds = {
      file = "data/kinds.csv",
      schema = { code = "text", label = "text" },
    },
  },
  labels = { place = { ["North West"] = "the North West of England" } },
  sections = {
    { "cover" , period_input = "visits" },
    { "place" },
  },
}
