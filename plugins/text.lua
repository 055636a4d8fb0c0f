-- text: prose from a Markdown file in the report folder (headings, paragraphs, lists, links).
return {
  name = "text",
  version = "1.0.0",
  needs = {}, -- reads no input
  options = { file = "" },
  build = function(ctx)
    if ctx.options.file == "" then
      error("the text section needs a file option, e.g. { \"text\", file = \"introduction.md\" }", 0)
    end
    return ctx.markdown(ctx.options.file)
  end,
}
