# folio test and folio new-plugin: the standard plugins' Lua tests pass; a failing assertion, a
# Lua error and a bad fixture are each one line FILE:LINE: ...; exit codes 0, 1, 2; a scaffolded
# plugin's test passes at once and the plugin renders in a report.
source "$(dirname "$0")/lib.sh"
run() { "$FOLIO" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }
said() { grep -qF -- "$1" "$TMP/out"; }
err() { grep -qF -- "$1" "$TMP/err"; }

# Every standard plugin has tests, and they pass (folio test with no PATH runs them).
for p in plugins/*.lua; do
    n=$(basename "$p" .lua)
    check "$n has tests" test -f "plugins/tests/${n}_test.lua"
done
run test
check "standard plugin tests pass (exit 0)" test "$(rc)" -eq 0
check "final line N passed, 0 failed" grep -qE '^[1-9][0-9]* passed, 0 failed$' "$TMP/out"
[ "$(rc)" -eq 0 ] || cat "$TMP/out" >&2
run test plugins/tests/usage-reach_test.lua
check "usage-reach on 5 rows: all its tests pass" said "8 passed, 0 failed"

# A failing test file: one line per failure with the test file's line, then the count; exit 1.
mkdir -p "$TMP/p/tests"
cp plugins/usage-reach.lua "$TMP/p/"
cat >"$TMP/p/tests/bad_test.lua" <<'LUA'
local survey = { schema = { org_type = { "code", values = { "nhs_trust", "voluntary" } }, heard_of_4pi = "yesno",
  signed_up = "text", use_of_standards = { "code", values = { "some_areas", "not_using", "whole_organisation" } },
  levels_used = "multi", domains_used = "multi" },
  csv = "org_type,heard_of_4pi,signed_up,use_of_standards,levels_used,domains_used\nnhs_trust,yes,yes,some_areas,,\nvoluntary,no,no,not_using,,\n" }
local sig = { schema = { signed_up_on = "date", status = "text", region = "text" }, csv = "signed_up_on,status,region\n" }
test("passes", function(t)
  t:contains(t:build({ plugin = "usage-reach", inputs = { survey = survey, signatories = sig } }), "1 (50%)")
end)
test("wrong figure", function(t)
  local out = t:build({ plugin = "usage-reach", inputs = { survey = survey, signatories = sig } })
  t:contains(out, "2 (100%) of respondents")
  t:eq(out[1].text, "Reach")
end)
test("lua error", function(t)
  local x
  return x.field
end)
test("missing column", function(t)
  t:build({ plugin = "usage-reach", inputs = { survey = { schema = { orgtype = "text" }, csv = "orgtype\na\n" }, signatories = sig } })
end)
test("missing fixture", function(t)
  t:build({ plugin = "usage-reach", inputs = { survey = { schema = {}, file = "nope.csv" } } })
end)
LUA
run test "$TMP/p/tests/bad_test.lua"
check "a failure is exit 1" test "$(rc)" -eq 1
check "failed assertion names its line" said "$TMP/p/tests/bad_test.lua:11: wrong figure: expected the text \"2 (100%) of respondents\""
check "second assertion of the same test also reported" said "bad_test.lua:12: wrong figure: expected \"Reach\", got \"Usage reach\""
check "a Lua error in the test is a failure at its line" said "bad_test.lua:16: attempt to index a nil value (local 'x')"
check "a plugin's needs against the fixture schema" said "needs column \"org_type\" of input \"survey\", which report.lua does not declare"
check "the missing column failure names the t:build line" grep -qE 'bad_test.lua:19: .*the section could not be made' "$TMP/out"
check "a missing fixture file is named" said "bad_test.lua:22: no fixture file nope.csv"
check "final count" said "1 passed, 4 failed"
check "the count is the last line" test "$(tail -n 1 "$TMP/out")" = "1 passed, 4 failed"

# Usage errors: exit 2.
run test "$TMP/nowhere"
check "a missing PATH is exit 2" test "$(rc)" -eq 2
check "and names it" err "$TMP/nowhere is not a test file"
run test --bogus
check "an unknown option is exit 2" test "$(rc)" -eq 2

# new-plugin: into a copy of the 4Pi report; its test passes at once; the report renders with it.
cp -r reports/4pi-reality-impact "$TMP/r"
rm -rf "$TMP/r/plugins"
run new-plugin involvement-by-region --report "$TMP/r"
check "new-plugin exit 0" test "$(rc)" -eq 0
check "plugin written" test -f "$TMP/r/plugins/involvement-by-region.lua"
check "test written" test -f "$TMP/r/plugins/tests/involvement-by-region_test.lua"
check "luacheck passes on the new plugin" luacheck -q --no-color "$TMP/r/plugins/involvement-by-region.lua"
run test "$TMP/r"
check "its test passes at once" said "4 passed, 0 failed"
check "exit 0" test "$(rc)" -eq 0
sed -i 's/{ "about-the-data" },/{ "involvement-by-region", title = "Who answered" },\n    { "about-the-data" },/' "$TMP/r/report.lua"
run render "$TMP/r" -o "$TMP/r.pdf"
check "the report renders with the new plugin" test "$(rc)" -eq 0
pdf_text "$TMP/r.pdf" "$TMP/r.txt"
check "its section is in the PDF" contains "$TMP/r.txt" "Who answered"
check "with the figure it counts" contains "$TMP/r.txt" "29 survey responses."
check "and the report's labels" contains "$TMP/r.txt" "NHS mental health trust 6"
run plugins "$TMP/r"
check "listed as the report's own plugin" grep -qE "^involvement-by-region +0\.1\.0 +report +.*/plugins/involvement-by-region\.lua$" "$TMP/out"

run new-plugin involvement-by-region --report "$TMP/r"
check "an existing plugin is refused (exit 2)" test "$(rc)" -eq 2
check "naming the file" err "involvement-by-region.lua already exists"
run new-plugin "Bad Name" --report "$TMP/r"
check "a bad name is refused (exit 2)" test "$(rc)" -eq 2
check "saying what a name may hold" err "\"Bad Name\" is not a plugin name: use a lowercase letter, then a-z, 0-9, _ or -"
run new-plugin ok --report "$TMP/none"
check "a missing report folder is exit 2" test "$(rc)" -eq 2
run new-plugin
check "no NAME is exit 2" test "$(rc)" -eq 2
finish
