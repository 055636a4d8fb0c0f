-- folio test: what a plugin test file sees besides the plugin globals: test(NAME, FN) and the
-- t object of assertions. Run in the test file's sandbox by engine/cli/test_cmd.c, which
-- passes `native` (build, read, where, report) and calls the returned run().
local native = ...

local cases = {}

-- test(NAME, function(t) ... end): declares one case; they run after the file has run.
function test(name, fn)
  if type(name) ~= "string" or type(fn) ~= "function" then
    error("test: expected test(\"name\", function(t) ... end)", 2)
  end
  cases[#cases + 1] = { name = name, fn = fn, where = native.where() }
end

-- Lua source for plain data (numbers round-trip exactly with %q).
local function serialize(v, out, depth)
  local kind = type(v)
  if kind == "string" or kind == "number" then
    out[#out + 1] = string.format("%q", v)
  elseif kind == "boolean" then
    out[#out + 1] = tostring(v)
  elseif kind == "table" then
    if depth > 32 then
      error("fixture nested too deeply", 0)
    end
    out[#out + 1] = "{"
    local n = #v
    for i = 1, n do
      serialize(v[i], out, depth + 1)
      out[#out + 1] = ","
    end
    local keys = {}
    for k in pairs(v) do
      if not (math.type(k) == "integer" and k >= 1 and k <= n) then
        keys[#keys + 1] = k
      end
    end
    table.sort(keys, function(a, b)
      return tostring(a) < tostring(b)
    end)
    for _, k in ipairs(keys) do
      out[#out + 1] = "["
      serialize(k, out, depth + 1)
      out[#out + 1] = "]="
      serialize(v[k], out, depth + 1)
      out[#out + 1] = ","
    end
    out[#out + 1] = "}"
  else
    error("a fixture holds plain data only, not a " .. kind, 0)
  end
end

local function source(v)
  local out = {}
  serialize(v, out, 0)
  return table.concat(out)
end

-- CSV text from a list of rows, the first the header.
local function csv_of(rows)
  local lines = {}
  for _, row in ipairs(rows) do
    local cells = {}
    for i, cell in ipairs(row) do
      local s = tostring(cell)
      if s:find("[,\"\r\n]") then
        s = "\"" .. s:gsub("\"", "\"\"") .. "\""
      end
      cells[i] = s
    end
    lines[#lines + 1] = table.concat(cells, ",")
  end
  return table.concat(lines, "\n") .. "\n"
end

-- The text of blocks, one string or number per line: what a reader would see (kinds,
-- alignments and styles left out).
local SKIP = { kind = true, align = true, style = true, type = true, level = true }
local function flatten(v, out, seen)
  local kind = type(v)
  if kind == "string" or kind == "number" then
    out[#out + 1] = tostring(v)
  elseif kind == "table" and not seen[v] then
    seen[v] = true
    local n = #v
    for i = 1, n do
      flatten(v[i], out, seen)
    end
    local keys = {}
    for k in pairs(v) do
      if type(k) == "string" and not SKIP[k] then
        keys[#keys + 1] = k
      end
    end
    table.sort(keys)
    for _, k in ipairs(keys) do
      flatten(v[k], out, seen)
    end
  end
  return out
end

local function text_of(v)
  return table.concat(flatten(v, {}, {}), "\n")
end

local function equal(a, b)
  if a == b then
    return true
  end
  if type(a) ~= "table" or type(b) ~= "table" then
    return false
  end
  for k, va in pairs(a) do
    if not equal(va, b[k]) then
      return false
    end
  end
  for k in pairs(b) do
    if a[k] == nil then
      return false
    end
  end
  return true
end

local function show(v)
  local ok, s = pcall(source, v)
  s = ok and s:gsub(",}", "}"):gsub("\\\n", " | ") or tostring(v)
  if #s > 200 then
    s = s:sub(1, 197) .. "..."
  end
  return s
end

-- One t per case: assertions record a failure at the test file's line and go on.
local T = {}
T.__index = T

function T:fail(message)
  self.failures[#self.failures + 1] = native.where() .. ": " .. self.name .. ": " .. tostring(message)
  return false
end

function T:ok(value, message)
  if not value then
    return self:fail(message or "expected a true value, got " .. show(value))
  end
  return true
end

function T:eq(got, expected, message)
  if not equal(got, expected) then
    return self:fail((message and message .. ": " or "") .. "expected " .. show(expected) .. ", got " .. show(got))
  end
  return true
end

function T:text(blocks)
  return text_of(blocks)
end

function T:contains(blocks, text)
  -- line breaks and runs of spaces count as one space, so a phrase may wrap on the page
  local all = (type(blocks) == "string" and blocks or text_of(blocks)):gsub("%s+", " ")
  if not all:find((text:gsub("%s+", " ")), 1, true) then
    return self:fail(string.format("expected the text %q in %s", text, show(all)))
  end
  return true
end

function T:has_block(blocks, kind)
  for _, b in ipairs(type(blocks) == "table" and blocks or {}) do
    if type(b) == "table" and b.kind == kind then
      return b
    end
  end
  local kinds = {}
  for _, b in ipairs(type(blocks) == "table" and blocks or {}) do
    kinds[#kinds + 1] = type(b) == "table" and tostring(b.kind) or type(b)
  end
  self:fail(string.format("expected a %s block; the blocks are: %s", kind, table.concat(kinds, ", ")))
  return nil
end

function T:blocks_of(blocks, kind)
  local found = {}
  for _, b in ipairs(blocks) do
    if b.kind == kind then
      found[#found + 1] = b
    end
  end
  return found
end

function T:fails(fn, text)
  local ok, err = pcall(fn)
  if ok then
    return self:fail("expected an error" .. (text and (" containing " .. string.format("%q", text)) or ""))
  end
  if text and not tostring(err):find(text, 1, true) then
    return self:fail(string.format("expected an error containing %q, got %q", text, tostring(err)))
  end
  return true
end

-- t:build{ plugin =, options =, inputs = { NAME = { schema =, date =, key =, csv = TEXT |
-- rows = { header, row, ... } | file = PATH } }, report = { title =, labels =, ... },
-- files = { [PATH] = TEXT }, from =, to = | year = YYYY } -> blocks, warnings
local REPORT_FIELDS = {
  "title", "subtitle", "publisher", "lang", "labels", "logo", "page", "theme", "limits", "year_start",
}

-- raises MESSAGE at the test file's line (error levels miss it through tail calls)
local function raise(message)
  error(native.where() .. ": " .. message, 0)
end

local function build(_, spec, render)
  if type(spec) ~= "table" or type(spec.plugin) ~= "string" then
    raise("t:build: expected { plugin = \"name\", inputs = { ... }, options = { ... } }")
  end
  local files = {}
  for path, text in pairs(spec.files or {}) do
    files[path] = text
  end
  local report = { title = "Test report", inputs = {}, sections = {} }
  for _, k in ipairs(REPORT_FIELDS) do
    if spec.report and spec.report[k] ~= nil then
      report[k] = spec.report[k]
    end
  end
  for name, input in pairs(spec.inputs or {}) do
    local def = {}
    for k, v in pairs(input) do
      if k ~= "csv" and k ~= "rows" and k ~= "file" then
        def[k] = v
      end
    end
    local text = input.csv
    if input.rows then
      text = csv_of(input.rows)
    elseif input.file then
      local got, err = native.read(input.file)
      if not got then
        raise(err)
      end
      text = got
    end
    if type(text) ~= "string" then
      raise("t:build: input " .. name .. " needs csv = TEXT, rows = { header, row, ... } or file = PATH")
    end
    def.file = "data/" .. name .. ".csv"
    files[def.file] = text
    report.inputs[name] = def
  end
  local section = { spec.plugin }
  for k, v in pairs(spec.options or {}) do
    section[k] = v
  end
  report.sections[1] = section
  local result, warnings = native.build("return " .. source(report), files, spec.from, spec.to, render, spec.year)
  if result == nil then
    raise(warnings)
  end
  return result, warnings
end

function T:build(spec)
  return build(self, spec, false)
end

-- The text of the pages the plugin's blocks make, as laid out (one string per page).
function T:render(spec)
  return build(self, spec, true)
end

local function where_of(message, fallback)
  if type(message) == "string" and message:find("^[^:\n]+:%d+:") then
    return message
  end
  return fallback .. ": " .. tostring(message)
end

return function()
  local passed, failed = 0, 0
  for _, case in ipairs(cases) do
    local t = setmetatable({ name = case.name, failures = {} }, T)
    local ok, err = pcall(case.fn, t)
    if not ok then
      t.failures[#t.failures + 1] = where_of(err, case.where .. ": " .. case.name)
    end
    if #t.failures == 0 then
      passed = passed + 1
    else
      failed = failed + 1
      for _, line in ipairs(t.failures) do
        native.report(line)
      end
    end
  end
  if #cases == 0 then
    native.report(native.where() .. ": no test(...) cases in this file")
    failed = failed + 1
  end
  return passed, failed
end
