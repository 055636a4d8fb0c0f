-- interview-quotes: "Voices from the interviews": consented excerpts only, grouped by level or
-- domain, e-mail addresses and telephone numbers redacted, the number withheld stated.
local GROUPS = {
  level = { "individual", "community", "services", "strategic" },
  domain = { "principles", "purpose", "presence", "process", "impact" },
}
local YES = { yes = true, y = true, ["true"] = true, ["1"] = true }

local function label(ctx, kind, code)
  local map = ctx.report.labels and ctx.report.labels[kind]
  return (map and map[code]) or code
end

-- Only an explicit yes publishes an excerpt; anything else (no, empty, unclear) withholds it.
local function consented(value)
  return value ~= nil and YES[value:lower():match("^%s*(.-)%s*$")] == true
end

-- Replaces e-mail addresses and telephone numbers (a digit, 7 or more digits, spaces, dashes or
-- brackets, a digit; an optional leading +) inside a quote.
local function redact(text)
  text = text:gsub("[%w%.%%%+%-_]+@[%w%.%-]+%.%a%a+", "[e-mail withheld]")
  text = text:gsub("%+?%d[%d %-%(%)]+%d", function(m)
    local body = m:gsub("^%+", "")
    if #body >= 9 then return "[phone number withheld]" end
  end)
  return text
end

local function interview_number(id)
  local digits = id:gsub("%D", "")
  if digits ~= "" then return tostring(tonumber(digits)) end
  return id
end

return {
  name = "interview-quotes",
  version = "1.0.0",
  needs = { interviews = { "interview_id", "role", "level", "domain", "quote", "consent" } },
  options = { title = "Voices from the interviews", new_page = true, group_by = "level" },
  build = function(ctx)
    local by = ctx.options.group_by
    if not GROUPS[by] then
      error("group_by must be \"level\" or \"domain\", not \"" .. tostring(by) .. "\"", 0)
    end
    local interviews = ctx.inputs.interviews
    local groups, withheld, shown = {}, 0, 0
    for row in interviews:rows("interview_id", "role", "level", "domain", "quote", "consent") do
      if not consented(row.consent) then
        withheld = withheld + 1
      elseif row.quote and row.quote ~= "" then
        local key = row[by] or ""
        groups[key] = groups[key] or {}
        local who = label(ctx, "role", row.role or "other") .. ", interview " .. interview_number(row.interview_id)
        table.insert(groups[key], { text = redact(row.quote), who = who })
        shown = shown + 1
      end
    end
    local out = {
      blocks.heading(1, ctx.options.title),
      blocks.paragraph(fmt.plural(shown, "excerpt", "excerpts") .. " from "
        .. fmt.plural(interviews:count_distinct("interview_id"), "interview", "interviews")
        .. " are quoted below, grouped by the " .. by .. " of involvement they speak about. "
        .. fmt.plural(withheld, "excerpt was", "excerpts were")
        .. " withheld because the interviewee did not consent to publication. "
        .. "E-mail addresses and telephone numbers are removed."),
    }
    local order = {}
    for _, code in ipairs(GROUPS[by]) do order[#order + 1] = code end
    order[#order + 1] = ""
    for _, code in ipairs(order) do
      local list = groups[code]
      if list then
        local title = code == "" and ("Not coded to a " .. by)
          or (by == "level" and label(ctx, "level_title", code) or label(ctx, "domain", code))
        out[#out + 1] = blocks.heading(2, title)
        for _, q in ipairs(list) do
          out[#out + 1] = blocks.quote(q.text, q.who)
        end
      end
    end
    if shown == 0 then
      out[#out + 1] = blocks.paragraph("No excerpt may be published.")
    end
    return out
  end,
}
