# Bad input gets a clear message naming file, line and column, and nothing is lost: exit 1,
# no partial PDF, the previous PDF intact. A bad command line is exit 2.
source "$(dirname "$0")/lib.sh"
MIN=tests/data/e2e-reports/minimal
setup() { rm -rf "$TMP/r"; cp -r "$MIN" "$TMP/r"; }
run() { "$FOLIO" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }
said() { grep -qF -- "$1" "$TMP/err"; }

# A good run first: the PDF that later failures must leave untouched.
setup
run render "$TMP/r" -o "$TMP/keep/report.pdf"
check "minimal report renders (its missing output folder made)" test "$(rc)" -eq 0 -a -d "$TMP/keep"
cp "$TMP/keep/report.pdf" "$TMP/before.pdf"
pdftotext "$TMP/keep/report.pdf" "$TMP/t"
check "minimal report counts 3 rows" grep -q "Rows used: 3." "$TMP/t"
check "codes compare case-insensitively" grep -q "voluntary: 1" "$TMP/t"
unchanged() { cmp -s "$TMP/before.pdf" "$TMP/keep/report.pdf" && [ -z "$(ls -A "$TMP/keep" | grep -v '^report.pdf$')" ]; }

# Missing file.
setup; rm "$TMP/r/survey.csv"
run render "$TMP/r" -o "$TMP/keep/report.pdf"
check "missing file: exit 1" test "$(rc)" -eq 1
check "missing file: message" said "survey.csv: error: cannot open: No such file or directory"
check "missing file: previous PDF intact, no temp file" unchanged

# Missing column.
setup; printf 'submitted_at,score\n2026-01-02,3\n' >"$TMP/r/survey.csv"
run render "$TMP/r" -o "$TMP/keep/report.pdf"
check "missing column: exit 1" test "$(rc)" -eq 1
check "missing column: message" said 'survey.csv:1: error: missing column "org_type"'
check "missing column: previous PDF intact" unchanged

# Broken CSV: an unterminated quote.
setup; printf '2026-01-05,"other,2\n2026-01-06,other,2\n' >>"$TMP/r/survey.csv"
run render "$TMP/r" -o "$TMP/keep/report.pdf"
check "unterminated quote: exit 1" test "$(rc)" -eq 1
check "unterminated quote: message with line and column" said "survey.csv:5:12: error: unterminated quoted field"
check "unterminated quote: previous PDF intact" unchanged

# One bad value: the row is rejected with a warning, counted, and the report is made.
setup; printf '2026-01-05,hospital,2\n2026-01-06,other,9\n2026-13-01,other,2\n' >>"$TMP/r/survey.csv"
run render "$TMP/r" -o "$TMP/bad.pdf"
check "bad values: exit 0" test "$(rc)" -eq 0
check "bad code: warning with line and column" said 'survey.csv:5:2: warning: unknown org_type: "hospital"; expected one of nhs_trust, voluntary, other; row rejected'
check "out of range: warning" said 'survey.csv:6:3: warning: score out of range 1-5: "9"'
check "bad date: warning" said 'survey.csv:7:1: warning: bad date in submitted_at: "2026-13-01"'
pdftotext "$TMP/bad.pdf" "$TMP/t"
check "rejected rows counted in the report" grep -q "Rejected: 3." "$TMP/t"
check "reason counted" grep -q "Reason: unknown org_type x1" "$TMP/t"
check "good rows still used" grep -q "Rows used: 3." "$TMP/t"
run render "$TMP/r" --strict -o "$TMP/keep/report.pdf"
check "--strict: warnings fail the run" test "$(rc)" -eq 1
check "--strict: previous PDF intact" unchanged
run check "$TMP/r"
check "check: exit 0 with warnings" test "$(rc)" -eq 0
check "check: names the report" grep -q "ok" "$TMP/out"

# A failing plugin names its file and line; no PDF.
run render tests/data/e2e-reports/broken-plugin -o "$TMP/keep/report.pdf"
check "plugin error: exit 1" test "$(rc)" -eq 1
check "plugin error: file and line" said "plugins/broken.lua:9:"
check "plugin error: what went wrong" said "attempt to index a nil value (local 'missing')"
check "plugin error: previous PDF intact" unchanged

# No report.lua.
run render "$TMP" -o "$TMP/keep/report.pdf"
check "no report.lua: exit 1" test "$(rc)" -eq 1
check "no report.lua: message" said "no report.lua"

# The command line.
run; check "no command: exit 2" test "$(rc)" -eq 2
run render; check "render without REPORT: exit 2" test "$(rc)" -eq 2
run render "$MIN" --bogus; check "unknown option: exit 2" test "$(rc)" -eq 2
check "unknown option: message" said "unknown option --bogus"
run render "$MIN" --year 26; check "bad --year: exit 2" test "$(rc)" -eq 2
run frobnicate "$MIN"; check "unknown command: exit 2" test "$(rc)" -eq 2
run --version; check "--version" grep -q "^folio [0-9]" "$TMP/out"
run --help; check "--help lists exit status" grep -q "Exit status" "$TMP/out"
finish
