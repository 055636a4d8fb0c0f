---@meta folio
-- Definitions of folio's plugin API for the Lua Language Server (LuaLS, sumneko): editors
-- that use it autocomplete `ctx`, the table methods, `blocks` and `fmt`, and show their types.
-- This file is never run by folio; the real API is engine/lua/prelude.lua (blocks, fmt),
-- engine/lua/lua_table.c (table objects) and engine/lua/host.c (ctx).
-- tests/e2e/test_lua_defs.sh checks that the names here match those.
-- How to use it: docs/plugins.md, "Editor support".

------------------------------------------------------------------------------------------
-- The plugin file
------------------------------------------------------------------------------------------

---What a plugin file returns. Annotate it: `---@type folio.Plugin` above `return {`.
---@class folio.Plugin
---@field name string must equal the file name without `.lua`
---@field version string e.g. "1.0.0"
---@field needs? table<string, string[]> input name -> columns the plugin reads (checked before build)
---@field previous? boolean|string[] inputs read over the previous period (ctx.previous): true = all
---@field options? table<string, any> option -> default value (never nil); a report may override each
---@field build fun(ctx: folio.Ctx): folio.Block[] makes the section's blocks

------------------------------------------------------------------------------------------
-- ctx
------------------------------------------------------------------------------------------

---The argument of `build`. Strict: reading a field that does not exist raises.
---@class folio.Ctx
---@field inputs table<string, folio.Table> the report's inputs by name, as table objects
---@field options table<string, any> the plugin's option defaults overridden by the section's options
---@field report folio.Report the report's metadata
---@field period folio.Period the reporting period
---@field previous folio.Previous|nil the same inputs over the previous period; nil when the period has
---none (no --year, nor both --from and --to) or the plugin does not declare `previous`
---@field plugins folio.PluginInfo[] every section of the report, in order
---@field engine { name: string, version: string } `{ name = "folio", version = "0.1.0" }`
---@field burst folio.Burst|false the value this report is for in a burst (`folio render --each`), else false
local Ctx = {}

---The blocks of a Markdown file in the report folder (relative path, no `..`).
---@param file string e.g. "introduction.md"
---@return folio.Block[]
function Ctx.markdown(file) end

---Records a warning naming the plugin file and line.
---@param message string
function Ctx.warn(message) end

---@class folio.Report
---@field title string
---@field subtitle? string
---@field publisher? string
---@field lang? string
---@field name string the report folder's name
---@field date string the run date "YYYY-MM-DD"
---@field labels? table<string, table<string, string>> report.lua's labels: `labels.org_type.nhs_trust`
---@field logo? string the cover's image file, or nil

---One report of a burst (docs/bursting.md).
---@class folio.Burst
---@field column string the column the burst splits by, e.g. "region"
---@field input string the main input, e.g. "survey"
---@field value string this report's value as the data writes it, e.g. "North West"
---@field label string how to print it: report.lua's labels[column][value], else the value
---@field inputs string[] the inputs narrowed to the value (those with the column)

---@class folio.Period
---@field from? string "YYYY-MM-DD", or nil (no start)
---@field to? string "YYYY-MM-DD", or nil (no end)
---@field label string "All dates" or "1 April 2025 to 31 March 2026"
---@field short string "2025-26" (a year from year_start), "2025" (a calendar year), "1 Mar to 30 Jun 2025"
---@field year? integer --year: the year the period starts in
---@field year_start string the year's first day, "MM-DD" (report.lua year_start, default "01-01")
---@field previous? folio.PeriodBounds the period before (the year before, or as many days before from)

---@class folio.PeriodBounds
---@field from string "YYYY-MM-DD"
---@field to string "YYYY-MM-DD"
---@field label string "1 April 2024 to 31 March 2025"
---@field short string "2024-25"
---@field year? integer

---@class folio.Previous
---@field inputs table<string, folio.Table> the inputs the plugin declares in `previous`, over that period
---@field period folio.PeriodBounds

---@class folio.PluginInfo
---@field name string
---@field version string
---@field file string
---@field section integer

------------------------------------------------------------------------------------------
-- Table objects (ctx.inputs.NAME)
------------------------------------------------------------------------------------------

---@alias folio.Cell string|number|boolean
---@alias folio.Op "=="|"~="|"<"|"<="|">"|">="|"has"|"missing"|"present"

---A view of an input's rows; counting runs in C. `#t` is the number of rows.
---@class folio.Table
---@operator len: integer
local Table = {}

---The number of rows in the view (the same as `#t`).
---@return integer
function Table:count() end

---A new view: the rows whose COL equals VALUE; or `where(COL, OP, VALUE)`; or
---`where{ COL = VALUE, ... }` (all conditions). OP "missing"/"present" take no VALUE.
---@param col string|table<string, folio.Cell>
---@param op_or_value? folio.Op|folio.Cell
---@param value? folio.Cell
---@return folio.Table
function Table:where(col, op_or_value, value) end

---@class folio.Group
---@field value string the code or value ("yes"/"no" for a yes/no column)
---@field count integer

---@class folio.Groups: folio.Group[]
---@field missing integer rows with no value
---@field base integer rows with a value

---Counts by value: code columns list every code in the schema's order (zeros included),
---multi-select columns count each code chosen, text columns most frequent first.
---@param col string
---@return folio.Groups
function Table:count_by(col) end

---@class folio.Crosstab
---@field rows string[] the values of ROWCOL
---@field cols string[] the values of COLCOL
---@field cells integer[][] `cells[i][j]`: rows with rows[i] and cols[j]

---@param rowcol string
---@param colcol string
---@return folio.Crosstab
function Table:crosstab(rowcol, colcol) end

---@class folio.Scale
---@field counts integer[] `counts[1]` is the count of LO, ..., `counts[HI - LO + 1]` of HI
---@field answered integer values inside LO..HI
---@field missing integer
---@field other integer values outside LO..HI

---@param col string
---@param lo integer
---@param hi integer
---@return folio.Scale
function Table:scale(col, lo, hi) end

---The number of distinct non-empty values.
---@param col string
---@return integer
function Table:count_distinct(col) end

---The smallest number, or date "YYYY-MM-DD"; nil when there is none.
---@param col string
---@return number|string|nil
function Table:min(col) end

---The largest number, or date "YYYY-MM-DD"; nil when there is none.
---@param col string
---@return number|string|nil
function Table:max(col) end

---The sum of a number column, and the count of values.
---@param col string
---@return number sum
---@return integer count
function Table:sum(col) end

---The code list of a code or multi-select column.
---@param col string
---@return string[]
function Table:codes(col) end

---Iterates over the rows: `for row in t:rows("quote", "role") do ... end`. Each row has the
---columns named (all of them when none is) and `_line`, the file line. For small views only.
---@param ... string
---@return fun(): table<string, any>?
function Table:rows(...) end

---@class folio.Stats
---@field name string
---@field file string
---@field rows_read integer
---@field rows_used integer
---@field out_of_period integer
---@field previous_used? integer rows of the previous period (a dated input, when the period has one)
---@field rejected integer
---@field reasons { reason: string, count: integer }[]
---@field first_date? string
---@field last_date? string

---Statistics of the whole input.
---@return folio.Stats
function Table:stats() end

---The input's name.
---@return string
function Table:name() end

---The input's file, as report.lua names it.
---@return string
function Table:file() end

------------------------------------------------------------------------------------------
-- blocks
------------------------------------------------------------------------------------------

---@class folio.Span
---@field text string
---@field bold? boolean
---@field italic? boolean
---@field link? string a URL, or "#id" for a heading

---A string, a span, or a list of strings and spans.
---@alias folio.Text string|folio.Span|(string|folio.Span)[]

---A block: a plain table with a `kind`; made by the `blocks` constructors.
---@class folio.Block
---@field kind "heading"|"paragraph"|"list"|"table"|"key_figures"|"quote"|"chart"|"page_break"|"contents"|"cover"|"note"|"image"|"canvas"

---@class folio.ParagraphOptions
---@field align? "justify"|"left"|"center"|"right" default "justify"
---@field style? "body"|"lead"|"small" default "body"

---@class folio.ListOptions
---@field ordered? boolean default false

---@class folio.Column
---@field title folio.Text
---@field align? "left"|"right" numbers are right-aligned by default
---@field width? number a relative width; give it to every column or to none

---@class folio.TableSpec
---@field columns folio.Column[]
---@field rows (folio.Text|number)[][] a row may have `bold = true` (totals)
---@field caption? folio.Text
---@field continued? boolean|string "Caption (continued)" above the header repeated on later pages

---@class folio.KeyFigure
---@field value string|number
---@field label string

---@class folio.Series
---@field name string
---@field values (number|false)[] `false` for a missing value
---@field labels? string[] the value labels

---@class folio.ChartSpec (docs/charts.md)
---@field type "bar"|"hbar"|"grouped"|"stacked"|"diverging"|"line"|"dot"
---@field title? folio.Text
---@field categories string[]
---@field series folio.Series[]
---@field x_title? string
---@field y_title? string
---@field note? folio.Text
---@field alt? string generated from kind, title and values when absent
---@field horizontal? boolean
---@field percent? boolean
---@field cumulative? boolean
---@field neutral? integer
---@field n? integer|integer[]
---@field sort? "given"|"value"
---@field decimals? integer
---@field suffix? string
---@field min? number
---@field max? number
---@field label_width? number 0.1 to 0.6 of the width

---@class folio.ContentsSpec
---@field title? string default "Contents"

---@class folio.CoverSpec
---@field title? string
---@field subtitle? string
---@field publisher? string
---@field date? string
---@field logo? string an image file in the report folder

---@class folio.ImageSpec (docs/images.md)
---@field file string a PNG or JPEG in the report folder, e.g. "images/x.png"
---@field alt string what the image shows (required)
---@field caption? folio.Text
---@field width? number up to 1: a share of the column; above 1: points
---@field align? "left"|"center"|"right" default "center"

---@class folio.CanvasSpec (docs/canvas.md)
---@field width number points
---@field height number points
---@field alt string what the drawing shows (required)
---@field caption? folio.Text

---@class folio.Style
---@field colour? string "#RRGGBB" or a name
---@field fill? string
---@field stroke? string
---@field width? number
---@field dash? number[]
---@field size? number
---@field bold? boolean
---@field italic? boolean
---@field align? "left"|"center"|"right"

---A canvas block: draw with its methods; origin at the top-left, y down (docs/canvas.md).
---@class folio.Canvas: folio.Block
local Canvas = {}

---@param x1 number
---@param y1 number
---@param x2 number
---@param y2 number
---@param style? folio.Style
---@return folio.Canvas
function Canvas:line(x1, y1, x2, y2, style) end

---@param x number
---@param y number
---@param w number
---@param h number
---@param style? folio.Style
---@return folio.Canvas
function Canvas:rect(x, y, w, h, style) end

---@param cx number
---@param cy number
---@param r number
---@param style? folio.Style
---@return folio.Canvas
function Canvas:circle(cx, cy, r, style) end

---@param cx number
---@param cy number
---@param r number
---@param from number degrees
---@param to number degrees
---@param style? folio.Style
---@return folio.Canvas
function Canvas:arc(cx, cy, r, from, to, style) end

---@param cx number
---@param cy number
---@param r number
---@param from number degrees
---@param to number degrees
---@param style? folio.Style
---@return folio.Canvas
function Canvas:wedge(cx, cy, r, from, to, style) end

---@param segments table[] `{ {"move", x, y}, {"line", x, y}, {"curve", x1, y1, x2, y2, x, y}, {"close"} }`
---@param style? folio.Style
---@return folio.Canvas
function Canvas:path(segments, style) end

---@param x number
---@param y number
---@param text string|number
---@param style? folio.Style
---@return folio.Canvas
function Canvas:text(x, y, text, style) end

---The block constructors (a global in every plugin).
blocks = {}

---@param s string|folio.Span
---@return folio.Span
function blocks.bold(s) end

---@param s string|folio.Span
---@return folio.Span
function blocks.italic(s) end

---@param s string the text
---@param url string a URL, or "#id"
---@return folio.Span
function blocks.link(s, url) end

---Level 1 starts a section (bookmark, contents entry).
---@param level 1|2|3
---@param text folio.Text
---@return folio.Block
function blocks.heading(level, text) end

---@param text folio.Text
---@param opts? folio.ParagraphOptions
---@return folio.Block
function blocks.paragraph(text, opts) end

---Each item a text, or a `blocks.list` nested under the item before it (at most 4 levels).
---@param items (folio.Text|folio.Block)[]
---@param opts? folio.ListOptions
---@return folio.Block
function blocks.list(items, opts) end

---@param t folio.TableSpec
---@return folio.Block
function blocks.table(t) end

---@param items folio.KeyFigure[]
---@return folio.Block
function blocks.key_figures(items) end

---@param text folio.Text
---@param attribution? string
---@return folio.Block
function blocks.quote(text, attribution) end

---@param t folio.ChartSpec
---@return folio.Block
function blocks.chart(t) end

---@return folio.Block
function blocks.page_break() end

---@param t? folio.ContentsSpec
---@return folio.Block
function blocks.contents(t) end

---@param t folio.CoverSpec
---@return folio.Block
function blocks.cover(t) end

---@param text folio.Text
---@return folio.Block
function blocks.note(text) end

---@param t folio.ImageSpec
---@return folio.Block
function blocks.image(t) end

---@param t folio.CanvasSpec
---@return folio.Canvas
function blocks.canvas(t) end

------------------------------------------------------------------------------------------
-- fmt
------------------------------------------------------------------------------------------

---Formatting without locale surprises (a global in every plugin).
fmt = {}

---1234567 -> "1,234,567" (non-integers rounded half up).
---@param n number
---@return string
function fmt.int(n) end

---The integer percentage of k in n, rounded half up; 0 when n is 0.
---@param k number
---@param n number
---@return integer
function fmt.percent(k, n) end

---"78%".
---@param k number
---@param n number
---@return string
function fmt.pct(k, n) end

---"2026-03-31" -> "31 March 2026".
---@param s string
---@return string
function fmt.date(s) end

---The change from `before` to `now`: fmt.change(74, 68, "2024-25") -> "6 more than 2024-25";
---"6 fewer than 2024-25"; "the same as 2024-25".
---@param now number
---@param before number
---@param period string the previous period's name, e.g. ctx.previous.period.short
---@param words? { more?: string, fewer?: string, same?: string } templates with {n} and {period}
---@return string
function fmt.change(now, before, period, words) end

---fmt.plural(1, "response", "responses") -> "1 response"; 29 -> "29 responses".
---@param n number
---@param one string
---@param many? string default: `one .. "s"`
---@return string
function fmt.plural(n, one, many) end
