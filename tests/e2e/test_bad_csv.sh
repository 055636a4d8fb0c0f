# Bad CSV through the real command line: each case gives its documented behaviour (docs/
# robustness.md) with the exact message and place, never a crash, a hang or a wrong figure. A
# fatal problem is exit 1 and no PDF; a bad row is a warning, the row rejected and counted.
# Big inputs are generated here, in $TMP.
source "$(dirname "$0")/lib.sh"
MIN=tests/data/e2e-reports/minimal
HEAD='submitted_at,org_type,score\n'
GOOD='2026-01-02,nhs_trust,3\n2026-01-03,voluntary,5\n2026-01-04,other,1\n'
setup() { rm -rf "$TMP/r" "$TMP/out.pdf"; cp -r "$MIN" "$TMP/r"; }
csv() { setup; printf "$HEAD$GOOD$1" >"$TMP/r/survey.csv"; } # csv ROWS: the good rows, then ROWS
run() { "$FOLIO" render "$TMP/r" -o "$TMP/out.pdf" "$@" >"$TMP/o" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }
said() { grep -qxF -- "$1" "$TMP/err"; } # a whole line of stderr
text() { pdftotext "$TMP/out.pdf" "$TMP/t" && grep -qxF -- "$1" "$TMP/t"; }
fails() { # fails CASE MESSAGE: exit 1, the message, the summary line, no PDF
    check "$1: exit 1" test "$(rc)" -eq 1
    check "$1: message" said "$2"
    check "$1: says no PDF was written" said "folio: render failed: 1 error; no PDF written"
    check "$1: no PDF" test ! -e "$TMP/out.pdf"
    check "$1: no temporary file" test -z "$(ls -A "$TMP" | grep '^\.out\.pdf')"
}
warns() { # warns CASE MESSAGE ROWS_USED: exit 0, the warning, the rows used in the PDF
    check "$1: exit 0" test "$(rc)" -eq 0
    check "$1: warning" said "$2"
    check "$1: $3 rows used" text "Rows used: $3."
}

# An unterminated quote: where the quote opened. Near the end of the file, and with a big file
# after it (the field would grow past the cell limit: the same place is named).
csv '2026-01-05,"other,2\n2026-01-06,other,2\n'
run; fails "unterminated quote" "survey.csv:5:12: error: unterminated quoted field"
setup
{ printf "$HEAD"'2026-01-05,"other,2\n'; yes '2026-01-06,other,2' | head -n 1000000; } >"$TMP/r/survey.csv"
run; fails "unterminated quote, 19 MB after it" \
    "survey.csv:2:12: error: quoted field too large (more than 16 MiB): is its closing quote missing?"
csv '2026-01-05,oth"er,2\n'
run; fails "stray quote" 'survey.csv:5:15: error: malformed CSV: quote inside an unquoted field (quote the whole field and write the quote twice: "")'
csv '2026-01-05,"other"x,2\n'
run; fails "text after a closing quote" 'survey.csv:5:19: error: malformed CSV: unexpected text after a closing quote (a quote inside a quoted field is written twice: "")'

# Ragged rows. A short row's missing cells are empty (Excel leaves out trailing empty cells):
# the row is used, its missing cells are missing values, and a cell that must not be empty (the
# date here) rejects it as an empty cell would.
csv '2026-01-05,other\n2026-01-06\n'
run; check "short rows: exit 0" test "$(rc)" -eq 0
check "short rows: no warning" test "$(grep -c warning "$TMP/err")" -eq 0
check "short rows: used" text "Rows used: 5."
check "short row: counted under its org_type" text "other: 2"
run --strict; check "short rows under --strict: exit 0" test "$(rc)" -eq 0
csv ',other,2\n'
run; warns "a row without its date" 'survey.csv:5:1: warning: bad date in submitted_at: ""; expected a date YYYY-MM-DD; row rejected' 3
csv '2026-01-05,other,2,x\n'
run; warns "long row" 'survey.csv:5:4: warning: too many fields: "x"; expected at most 3 fields, as in the header; row rejected' 3
check "long row: counted by reason" text "Reason: too many fields x1"
run --strict; check "long row under --strict: exit 1" test "$(rc)" -eq 1

# Invalid UTF-8 and NUL bytes in a cell the report reads: the row is rejected, the bytes shown
# escaped; in a column the report does not read they are ignored. UTF-16 is an error.
csv '2026-01-05,oth\xe9r,2\n2026-01-06,other,\xc3\x28\n'
run; warns "invalid UTF-8" 'survey.csv:5:2: warning: invalid UTF-8 in org_type: "oth\xE9r"; expected UTF-8 text (save the file as UTF-8); row rejected' 3
check "invalid UTF-8: in a number too" said 'survey.csv:6:3: warning: invalid UTF-8 in score: "\xC3("; expected UTF-8 text (save the file as UTF-8); row rejected'
check "invalid UTF-8: counted by reason" text "Reason: invalid UTF-8 in org_type x1"
csv '2026-01-05,ot\0her,2\n2026-01-06,other,\0\n'
run; warns "NUL byte" 'survey.csv:5:2: warning: NUL byte in org_type: "ot\0her"; expected text without NUL bytes; row rejected' 3
check "NUL byte: alone in a cell" said 'survey.csv:6:3: warning: NUL byte in score: "\0"; expected text without NUL bytes; row rejected'
setup; printf 'submitted_at,org_type,score,notes\n2026-01-05,other,2,caf\xe9\0\n' >"$TMP/r/survey.csv"
run; check "bad bytes in an unread column: exit 0, no warning" test "$(rc)" -eq 0 -a ! -s "$TMP/o" -a "$(grep -c warning "$TMP/err")" -eq 0
check "bad bytes in an unread column: row used" text "Rows used: 1."
setup; printf '\xff\xfes\0u\0b\0\n\0' >"$TMP/r/survey.csv"
run; fails "UTF-16" "survey.csv:1:1: error: the file is UTF-16 text; save it as CSV in UTF-8"
# a Latin-1 export: every row with an accent rejected; 20 shown, the rest counted
setup; { printf "$HEAD"; for i in $(seq 1 30); do printf '2026-01-05,caf\xe9,2\n'; done; } >"$TMP/r/survey.csv"
run; check "Latin-1: exit 0" test "$(rc)" -eq 0
check "Latin-1: 20 warnings shown" test "$(grep -c 'warning: invalid UTF-8 in org_type' "$TMP/err")" -eq 20
check "Latin-1: the rest counted" said "survey.csv: warning: 10 more rows rejected (not shown)"
check "Latin-1: all rejected" text "Rejected: 30."

# A 100 MB cell: over the 16 MiB cell limit, an error at once (the rest is not read). Under a
# wrapper a 17 MB cell takes the same path in less time.
BIG=100000000
[ -z "${FOLIO_WRAPPER:-}" ] || BIG=17000000
setup
{ printf "$HEAD"'2026-01-05,"'; head -c $BIG /dev/zero | tr '\0' x; printf '",2\n'; } >"$TMP/r/survey.csv"
t0=$(date +%s%N)
run
ms=$((($(date +%s%N) - t0) / 1000000))
fails "100 MB quoted cell" "survey.csv:2:12: error: quoted field too large (more than 16 MiB): is its closing quote missing?"
[ -n "${FOLIO_WRAPPER:-}" ] || check "100 MB cell: stops early, not after reading it all ($ms ms; a hang guard: 22 s before the fix, ~0.1 s now)" test "$ms" -lt 15000
setup
{ printf "$HEAD"'2026-01-05,'; head -c $BIG /dev/zero | tr '\0' x; printf ',2\n'; } >"$TMP/r/survey.csv"
run; fails "100 MB cell" "survey.csv:2:2: error: field too large (more than 16 MiB)"

# 10,000 columns: a header over the 1,024-column limit is an error; a row that long is rejected.
setup
{ printf 'submitted_at,org_type,score'; seq -f ',c%g' 1 9997 | tr -d '\n'; printf '\n2026-01-05,other,2\n'; } >"$TMP/r/survey.csv"
run; fails "10,000 columns" "survey.csv:1:1025: error: too many columns (at most 1024)"
csv "2026-01-05,other,2$(seq -f ',%g' 1 9997 | tr -d '\n')\n"
run; warns "a row of 10,000 fields" 'survey.csv:5:4: warning: too many fields: "1"; expected at most 3 fields, as in the header; row rejected' 3

# Empty and header-only files.
setup; : >"$TMP/r/survey.csv"
run; fails "empty file" "survey.csv: error: empty file: expected a header row"
setup; printf '\xef\xbb\xbf\r\n\r\n' >"$TMP/r/survey.csv"
run; fails "only a byte-order mark and blank lines" "survey.csv: error: empty file: expected a header row"
setup; printf "$HEAD" >"$TMP/r/survey.csv"
run; check "header only: exit 0" test "$(rc)" -eq 0
check "header only: no warning" test "$(grep -c warning "$TMP/err")" -eq 0
check "header only: zero rows" text "Rows used: 0."

# Duplicate header names: a needed column twice is an error; an unread one twice is ignored.
setup; printf 'submitted_at,org_type,score,ORG_TYPE\n2026-01-05,other,2,x\n' >"$TMP/r/survey.csv"
run; fails "duplicate column" 'survey.csv:1:4: error: duplicate column "ORG_TYPE" (also column 2)'
setup; printf 'submitted_at,notes,org_type,score,notes\n2026-01-05,a,other,2,b\n' >"$TMP/r/survey.csv"
run; check "an unread column twice: exit 0" test "$(rc)" -eq 0
check "an unread column twice: used" text "Rows used: 1."

# Duplicate keys: the later row is rejected, naming the line that has the key.
csv '2026-01-03,other,2\n'
sed -i 's/date = "submitted_at",/date = "submitted_at", key = "submitted_at",/' "$TMP/r/report.lua"
run; warns "duplicate key" 'survey.csv:5:1: warning: duplicate submitted_at: "2026-01-03"; expected a value not used before (line 3 has it); row rejected' 3
check "duplicate key: counted" text "Reason: duplicate submitted_at x1"

# A directory, and a file that cannot be read.
setup; rm "$TMP/r/survey.csv"; mkdir "$TMP/r/survey.csv"
run; fails "a directory" "survey.csv: error: cannot read: Is a directory"
setup; chmod 000 "$TMP/r/survey.csv"
if [ "$(id -u)" != 0 ]; then
    run
elif command -v setpriv >/dev/null; then
    # root reads any file: run as nobody (the report copy and the output folder made reachable)
    chmod 755 "$TMP"; chmod -R a+rX "$TMP/r"; chmod 000 "$TMP/r/survey.csv"; chmod 777 "$TMP"
    setpriv --reuid=65534 --regid=65534 --clear-groups "$FOLIO" render "$TMP/r" -o "$TMP/out.pdf" >"$TMP/o" 2>"$TMP/err"
    echo $? >"$TMP/rc"
    chmod 700 "$TMP"
else
    echo "running as root without setpriv: the unreadable-file case is skipped"
    printf 'survey.csv: error: cannot open: Permission denied\nfolio: render failed: 1 error; no PDF written\n' >"$TMP/err"
    echo 1 >"$TMP/rc"
fi
fails "unreadable file" "survey.csv: error: cannot open: Permission denied"
finish
