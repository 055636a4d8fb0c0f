-- everything: one block of each kind, with texts the test looks for in the structure tree.
return {
  name = "everything",
  version = "1.0.0",
  build = function()
    local c = blocks.canvas{ width = 200, height = 60, alt = "A green band on a grey ground.",
      caption = "Figure 2. A canvas." }
    c:rect(0, 0, 200, 60, { fill = "light" })
    c:rect(20, 20, 160, 20, { fill = "#00aa00" })
    return {
      blocks.heading(1, "Structure"),
      blocks.paragraph({ "A paragraph with ", blocks.link("a link to the standards", "https://example.org/4pi"),
        " in the middle of it." }),
      blocks.heading(2, "A list"),
      blocks.list({ "first item", "second item", blocks.list({ "nested item one", "nested item two" }), "third item" }),
      blocks.heading(2, "A table"),
      blocks.table{ caption = "Counts by kind",
        columns = { { title = "Kind" }, { title = "Count", align = "right" } },
        rows = { { "Alpha", 3 }, { "Beta", 5 } } },
      blocks.key_figures({ { value = "29", label = "survey responses" }, { value = "9", label = "interviews" } }),
      blocks.quote("Being involved changed how the service listened to us.", "Member, interview 4"),
      blocks.heading(2, "A chart"),
      blocks.chart{ type = "bar", title = "Answers by level", categories = { "Care", "Community", "Services" },
        series = { { name = "Answers", values = { 4, 7, 2 } } },
        alt = "Bar chart of answers by level: Care 4, Community 7, Services 2.", data_table = true },
      c,
    }
  end,
}
