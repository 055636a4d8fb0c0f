-- The prelude: run in every plugin's sandbox before the plugin, it defines the `blocks`
-- constructors and the `fmt` helpers of docs/plugin-api.md. Blocks are plain tables; the
-- host checks every field when build() returns (engine/lua/blocks.c), so the checks here
-- are only the ones that give a better line number (errors point at the plugin's call).
--
-- Shapes made here (and by ctx.markdown):
--   TEXT  = "string" | { "string" or SPAN, ... } | SPAN
--   SPAN  = { text = "string", bold = true, italic = true, link = "url" }
--   { kind = "heading", level = 1..3, text = TEXT }
--   { kind = "paragraph", text = TEXT, align = "justify"|"left"|"center"|"right", style = "body"|"lead"|"small" }
--   { kind = "list", items = { TEXT or a nested list (after its item), ... }, ordered = false }
--   { kind = "table", columns = { { title = TEXT, align = "left"|"right"|..., width = W }, ... },
--     rows = { { CELL, ..., bold = true }, ... }, caption = TEXT,
--     continued = true | "text" }     CELL = TEXT | number
--   { kind = "key_figures", items = { { value = "29" or 29, label = "..." }, ... } }
--   { kind = "quote", text = TEXT, attribution = "..." }
--   { kind = "chart", type = "bar"|"hbar"|"grouped"|"stacked"|"diverging"|"line"|"dot", title =,
--     categories = {...}, series = { { name =, values = { N or false, ... }, labels = {...} }, ... },
--     x_title =, y_title =, note =, alt =, horizontal = B, percent = B, cumulative = B, neutral = K,
--     n = N | { N, ... }, sort = "given"|"value", decimals = D, suffix = "%", min =, max =,
--     label_width = 0.1..0.6, data_table = B }      (docs/charts.md)
--   { kind = "page_break" }, { kind = "contents", title = },
--   { kind = "cover", title =, subtitle =, publisher =, date =, logo = "images/logo.png" },
--   { kind = "note", text = TEXT },
--   { kind = "image", file = "images/x.png", alt = "...", caption = TEXT, width = W, align = "left"|"center"|"right" }
--   { kind = "canvas", width = W, height = H, alt = "...", caption = TEXT, ops = { OP, ... } }
--     OP = { "line", x1, y1, x2, y2, STYLE } | { "rect", x, y, w, h, STYLE } | { "circle", cx, cy, r, STYLE }
--        | { "arc" or "wedge", cx, cy, r, from_deg, to_deg, STYLE } | { "path", { SEG, ... }, STYLE }
--        | { "text", x, y, "text", STYLE }
--     SEG = { "move", x, y } | { "line", x, y } | { "curve", x1, y1, x2, y2, x, y } | { "close" }
--     STYLE = { colour =, fill =, stroke =, width =, dash =, size =, bold =, italic =, align = } (docs/canvas.md)

-- luacheck: globals blocks fmt

local type, error, pairs, tostring, tonumber = type, error, pairs, tostring, tonumber
local floor, tointeger = math.floor, math.tointeger
local concat = table.concat
local format = string.format

-- Raises at the plugin's line (level 3: the caller of the constructor that called us).
local function check(ok, message)
  if not ok then
    error(message, 3)
  end
end

local function copy(t)
  local c = {}
  for k, v in pairs(t) do
    c[k] = v
  end
  return c
end

local function is_text(t)
  return type(t) == "string" or type(t) == "table"
end

blocks = {}

function blocks.bold(s)
  check(type(s) == "string" or type(s) == "table", "blocks.bold: expected a string")
  local span = type(s) == "table" and copy(s) or { text = s }
  span.bold = true
  return span
end

function blocks.italic(s)
  check(type(s) == "string" or type(s) == "table", "blocks.italic: expected a string")
  local span = type(s) == "table" and copy(s) or { text = s }
  span.italic = true
  return span
end

function blocks.link(s, url)
  check(type(s) == "string", "blocks.link: expected a string (the text)")
  check(type(url) == "string", "blocks.link: expected a string (the URL)")
  return { text = s, link = url }
end

function blocks.heading(level, text)
  check(level == 1 or level == 2 or level == 3, "blocks.heading: the level must be 1, 2 or 3")
  check(is_text(text), "blocks.heading: expected a text (a string or a list of spans)")
  return { kind = "heading", level = level, text = text }
end

function blocks.paragraph(text, opts)
  check(is_text(text), "blocks.paragraph: expected a text (a string or a list of spans)")
  check(opts == nil or type(opts) == "table", "blocks.paragraph: options must be a table")
  opts = opts or {}
  return { kind = "paragraph", text = text, align = opts.align, style = opts.style }
end

function blocks.list(items, opts)
  check(type(items) == "table", "blocks.list: expected a list of items")
  check(opts == nil or type(opts) == "table", "blocks.list: options must be a table")
  return { kind = "list", items = items, ordered = (opts and opts.ordered) or false }
end

function blocks.table(t)
  check(type(t) == "table", "blocks.table: expected a table { columns = ..., rows = ... }")
  return { kind = "table", columns = t.columns, rows = t.rows, caption = t.caption, continued = t.continued }
end

function blocks.key_figures(items)
  check(type(items) == "table", "blocks.key_figures: expected a list of { value =, label = }")
  return { kind = "key_figures", items = items }
end

function blocks.quote(text, attribution)
  check(is_text(text), "blocks.quote: expected a text (a string or a list of spans)")
  return { kind = "quote", text = text, attribution = attribution }
end

function blocks.chart(t)
  check(type(t) == "table", "blocks.chart: expected a table { type =, categories =, series = }")
  local c = copy(t)
  c.kind = "chart"
  return c
end

function blocks.page_break()
  return { kind = "page_break" }
end

function blocks.contents(t)
  check(t == nil or type(t) == "table", "blocks.contents: expected a table { title = }")
  return { kind = "contents", title = (t and t.title) or "Contents" }
end

function blocks.cover(t)
  check(type(t) == "table", "blocks.cover: expected a table { title =, subtitle =, publisher =, date =, logo = }")
  return { kind = "cover", title = t.title, subtitle = t.subtitle, publisher = t.publisher, date = t.date,
    logo = t.logo }
end

function blocks.note(text)
  check(is_text(text), "blocks.note: expected a text (a string or a list of spans)")
  return { kind = "note", text = text }
end

-- An image file of the report folder; alt (what it shows) is required.
function blocks.image(t)
  check(type(t) == "table", "blocks.image: expected a table { file =, alt =, caption =, width =, align = }")
  check(type(t.file) == "string", "blocks.image: expected file = \"images/NAME.png\" (in the report folder)")
  check(type(t.alt) == "string" and t.alt:find("%S") ~= nil,
    "blocks.image: expected alt = \"...\": a text alternative saying what the image shows")
  return { kind = "image", file = t.file, alt = t.alt, caption = t.caption, width = t.width, align = t.align }
end

-- A canvas: a box `width` x `height` points that the plugin draws in with c:line, c:rect, ...
-- (docs/canvas.md). The block is the plain table itself; the methods come from its metatable.
local MAX_CANVAS_COMMANDS = 40000 -- FOLIO_MAX_CANVAS_COMMANDS in engine/core/limits.h
local canvas = {}
local canvas_meta = { __index = canvas }
local canvas_cost = setmetatable({}, { __mode = "k" }) -- commands drawn so far, per canvas

local function is_number(v)
  return type(v) == "number" and v == v and v ~= math.huge and v ~= -math.huge
end

-- Checks the numbers of a command (raising at the plugin's line) and appends it.
local function draw(self, name, cost, op, first, last, style)
  check(getmetatable(self) == canvas_meta, "canvas:" .. name .. ": call it with a colon: c:" .. name .. "(...)")
  for i = first, last do
    if not is_number(op[i]) then
      error(format("canvas:%s: argument %d must be a number, got %s", name, i - 1,
        op[i] ~= op[i] and "nan" or type(op[i]) == "number" and tostring(op[i]) or type(op[i])), 3)
    end
  end
  check(style == nil or type(style) == "table", "canvas:" .. name .. ": the style must be a table { ... }")
  local n = (canvas_cost[self] or 0) + cost
  check(n <= MAX_CANVAS_COMMANDS, format("canvas:%s: more than %d drawing commands in one canvas (each path "
    .. "segment counts as one); draw less, or split the drawing into several canvases", name, MAX_CANVAS_COMMANDS))
  canvas_cost[self] = n
  op[#op + 1] = style
  local ops = self.ops
  ops[#ops + 1] = op
  return self
end

function canvas.line(self, x1, y1, x2, y2, style)
  return draw(self, "line", 1, { "line", x1, y1, x2, y2 }, 2, 5, style)
end

function canvas.rect(self, x, y, w, h, style)
  return draw(self, "rect", 1, { "rect", x, y, w, h }, 2, 5, style)
end

function canvas.circle(self, cx, cy, r, style)
  return draw(self, "circle", 1, { "circle", cx, cy, r }, 2, 4, style)
end

function canvas.arc(self, cx, cy, r, from, to, style)
  return draw(self, "arc", 1, { "arc", cx, cy, r, from, to }, 2, 6, style)
end

function canvas.wedge(self, cx, cy, r, from, to, style)
  return draw(self, "wedge", 1, { "wedge", cx, cy, r, from, to }, 2, 6, style)
end

function canvas.path(self, segments, style)
  check(type(segments) == "table", "canvas:path: expected a list of segments { {\"move\", x, y}, ... }")
  return draw(self, "path", 1 + #segments, { "path", segments }, 2, 1, style)
end

function canvas.text(self, x, y, text, style)
  check(type(text) == "string" or type(text) == "number", "canvas:text: expected the text (a string) after x, y")
  return draw(self, "text", 1, { "text", x, y, text }, 2, 3, style)
end

function blocks.canvas(t)
  check(type(t) == "table", "blocks.canvas: expected a table { width =, height =, alt =, caption = }")
  check(is_number(t.width) and t.width > 0 and is_number(t.height) and t.height > 0,
    "blocks.canvas: expected width = and height = in points (positive numbers)")
  check(type(t.alt) == "string" and t.alt:find("%S") ~= nil,
    "blocks.canvas: expected alt = \"...\": a text alternative saying what the drawing shows")
  return setmetatable({ kind = "canvas", width = t.width, height = t.height, alt = t.alt, caption = t.caption,
    ops = {} }, canvas_meta)
end

fmt = {}

-- n as an integer (rounded half up); raises at the line that called fmt.NAME.
local function integer(n, name)
  if type(n) ~= "number" or n ~= n or n == math.huge or n == -math.huge then
    error(name .. ": expected a number, got " .. type(n), 3)
  end
  local i = tointeger(n)
  if not i then
    i = tointeger(floor(n + 0.5))
  end
  return i
end

-- 1234567 -> "1,234,567" (non-integers are rounded half up).
function fmt.int(n)
  local i = integer(n, "fmt.int")
  local digits = tostring(i < 0 and -i or i)
  local groups = {}
  local first = #digits % 3
  if first > 0 then
    groups[1] = digits:sub(1, first)
  end
  for at = first + 1, #digits, 3 do
    groups[#groups + 1] = digits:sub(at, at + 2)
  end
  return (i < 0 and "-" or "") .. concat(groups, ",")
end

-- The integer percentage of k in n, rounded half up: (200k + n) // 2n; 0 when n is 0.
function fmt.percent(k, n)
  k = integer(k, "fmt.percent")
  n = integer(n, "fmt.percent")
  if n == 0 then
    return 0
  end
  return (200 * k + n) // (2 * n)
end

function fmt.pct(k, n)
  return tostring(fmt.percent(k, n)) .. "%"
end

local MONTHS = { "January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December" }

-- "2026-03-31" -> "31 March 2026"
function fmt.date(s)
  check(type(s) == "string", "fmt.date: expected a date \"YYYY-MM-DD\"")
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)")
  m, d = tonumber(m), tonumber(d)
  check(y and m >= 1 and m <= 12 and d >= 1 and d <= 31, format("fmt.date: %q is not a date \"YYYY-MM-DD\"", s))
  return format("%d %s %s", d, MONTHS[m], y)
end

-- The change from `before` to `now` against a period's name: fmt.change(74, 68, "2024-25") ->
-- "6 more than 2024-25", "6 fewer than ...", "the same as 2024-25". words = { more =, fewer =,
-- same = } replaces the wording: templates where {n} is the difference and {period} the name.
local CHANGE_WORDS = { more = "{n} more than {period}", fewer = "{n} fewer than {period}", same = "the same as {period}" }

function fmt.change(now, before, period, words)
  now = integer(now, "fmt.change")
  before = integer(before, "fmt.change")
  check(type(period) == "string", "fmt.change: expected the previous period's name, such as \"2024-25\"")
  check(words == nil or type(words) == "table", "fmt.change: words must be a table { more =, fewer =, same = }")
  local kind = now > before and "more" or now < before and "fewer" or "same"
  local template = words and words[kind] or CHANGE_WORDS[kind]
  check(type(template) == "string", "fmt.change: words." .. kind .. " must be a string")
  local n = fmt.int(now > before and now - before or before - now)
  return (template:gsub("{(%a+)}", function(k)
    if k == "n" then return n end
    if k == "period" then return period end
  end))
end

-- fmt.plural(1, "response", "responses") -> "1 response"; 1234 -> "1,234 responses".
function fmt.plural(n, one, many)
  check(type(one) == "string", "fmt.plural: expected the singular word")
  check(many == nil or type(many) == "string", "fmt.plural: expected the plural word")
  return fmt.int(n) .. " " .. (n == 1 and one or many or one .. "s")
end
