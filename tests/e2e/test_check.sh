# folio check: a report with several independent problems (a misspelt option, a needed column
# report.lua does not declare, a wrongly typed option, a cell that is not a number, an unknown
# code) gets every one of them listed in one run, each with its location, and exit 1; a good
# report gets its summary line and exit 0; no PDF is ever written.
source "$(dirname "$0")/lib.sh"
R=tests/data/reports/check-many
run() { (cd "$TMP" && "$FOLIO" "$@" >"$TMP/out" 2>"$TMP/err"); echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }
said() { grep -qxF -- "$1" "$TMP/err" || { echo "  stderr was:" >&2; sed 's/^/    /' "$TMP/err" >&2; return 1; }; }

run check "$PWD/$R"
A=$PWD/$R
check "several problems: exit 1 (got $(rc))" test "$(rc)" -eq 1
check "bad option, with a suggestion" said \
    "$A/report.lua: error: section 1 (text): unknown option \"flie\"; did you mean \"file\"? The plugin's options are: file"
check "needed column not declared, with a suggestion" said \
    "$A/plugins/tally.lua:5: error: needs column \"orgtype\" of input \"survey\", which report.lua does not declare; did you mean \"org_type\"?"
check "option of the wrong type (the plugin's second section)" said \
    "$A/report.lua: error: section 3 (tally): option \"title\" must be a string, like its default; got number"
check "bad cell, with file:line:column" said \
    "data/survey.csv:3:2: warning: staff not a whole number: \"twelve\"; expected a whole number; row rejected"
check "unknown code, with file:line:column" said \
    "data/survey.csv:4:1: warning: unknown org_type: \"charity\"; expected one of nhs_trust, voluntary, other; row rejected"
check "summary counts them all" said "folio: check found 3 errors and 2 warnings"
check "exactly five problems and the summary" test "$(wc -l <"$TMP/err")" -eq 6
check "no PDF written" test -z "$(ls "$TMP" | grep -i '\.pdf')"

# A good report: the summary on stdout, exit 0; --strict turns the warnings of a report with
# bad rows into errors.
run check "$PWD/reports/4pi-reality-impact"
check "good report: exit 0 (got $(rc))" test "$(rc)" -eq 0
check "good report: summary" grep -qxF "$PWD/reports/4pi-reality-impact/report.lua: ok: 4 inputs (137 rows used), 9 sections, 0 warnings" "$TMP/out"
check "good report: nothing on stderr" test ! -s "$TMP/err"

# Only the data problems: warnings, exit 0 (they reject rows); --strict makes them fail.
mkdir -p "$TMP/rows/data" "$TMP/rows/plugins"
cp "$R/data/survey.csv" "$TMP/rows/data/"
cp "$R/plugins/tally.lua" "$TMP/rows/plugins/"
sed -i 's/"orgtype", //' "$TMP/rows/plugins/tally.lua"
cat >"$TMP/rows/report.lua" <<'LUA'
return {
  title = "Rows",
  inputs = { survey = { file = "data/survey.csv",
    schema = { org_type = { "code", values = { "nhs_trust", "voluntary", "other" } }, staff = { "integer", optional = true } } } },
  sections = { { "tally" } },
}
LUA
run check "$TMP/rows"
check "warnings only: exit 0 (got $(rc))" test "$(rc)" -eq 0
check "warnings only: summary counts them" grep -qxF "$TMP/rows/report.lua: ok: 1 inputs (2 rows used), 1 sections, 2 warnings" "$TMP/out"
run check "$TMP/rows" --strict
check "--strict: exit 1 (got $(rc))" test "$(rc)" -eq 1
finish
