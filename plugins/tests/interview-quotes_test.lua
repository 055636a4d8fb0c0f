-- Tests of plugins/interview-quotes.lua: consent, grouping, redaction.
local ROLES = { "manager", "clinician", "other" }
local interviews = {
  schema = {
    interview_id = "text",
    role = { "code", values = ROLES },
    level = { "code", values = { "individual", "community", "services", "strategic" } },
    domain = { "code", values = { "principles", "purpose", "presence", "process", "impact" } },
    quote = "text",
    consent = "text",
  },
  rows = {
    { "interview_id", "role", "level", "domain", "quote", "consent" },
    { "I01", "manager", "services", "process", "Users sit on every panel.", "yes" },
    { "I01", "manager", "individual", "purpose", "Call me on 0207 946 0123 or a.b@example.org.", " Yes " },
    { "I02", "clinician", "services", "impact", "This must never be printed.", "no" },
    { "I03", "other", "strategic", "impact", "Also withheld.", "" },
  },
}
local labels = { role = { manager = "Manager" }, level_title = { services = "Services level" } }

test("only consented excerpts, grouped by level in the level order", function(t)
  local out = t:build({ plugin = "interview-quotes", inputs = { interviews = interviews }, report = { labels = labels } })
  t:contains(out[2], "2 excerpts from 3 interviews are quoted below, grouped by the level")
  t:contains(out[2], "2 excerpts were withheld")
  local quotes = t:blocks_of(out, "quote")
  t:eq(#quotes, 2)
  t:eq(out[3], { kind = "heading", level = 2, text = "individual" })
  t:eq(out[5], { kind = "heading", level = 2, text = "Services level" })
  t:eq(quotes[2].attribution, "Manager, interview 1")
  t:ok(not t:text(out):find("never be printed", 1, true), "a withheld excerpt reached the blocks")
end)

test("e-mail addresses and telephone numbers are removed", function(t)
  local out = t:build({ plugin = "interview-quotes", inputs = { interviews = interviews } })
  t:contains(out, "Call me on [phone number withheld] or [e-mail withheld].")
end)

test("group_by = domain", function(t)
  local out = t:build({ plugin = "interview-quotes", options = { group_by = "domain" }, inputs = { interviews = interviews } })
  t:eq(out[3].text, "purpose")
  t:eq(out[5].text, "process")
end)

test("a bad group_by names the allowed values", function(t)
  t:fails(function()
    t:build({ plugin = "interview-quotes", options = { group_by = "role" }, inputs = { interviews = interviews } })
  end, "group_by must be \"level\" or \"domain\", not \"role\"")
end)

test("the page", function(t)
  local pages = t:render({ plugin = "interview-quotes", inputs = { interviews = interviews } })
  t:contains(pages[1], "Users sit on every panel.")
end)
