# --keep-going: sections that fail (a runtime error, a limit, blocks that are not blocks, a
# plugin that is not there) are replaced by a marked error box, the other sections are in the
# PDF, every failure is listed on stderr, and the exit status is 3. Without it the same report
# fails as a whole: exit 1, and the previous PDF is left as it was.
source "$(dirname "$0")/lib.sh"
R=tests/data/reports/keep-going
run() { "$FOLIO" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }
said() { grep -qxF -- "$1" "$TMP/err"; }

# Without --keep-going: exit 1, no PDF, the previous one untouched.
mkdir -p "$TMP/keep"
echo "previous" >"$TMP/keep/report.pdf"
run render "$R" -o "$TMP/keep/report.pdf"
check "default: exit 1 (got $(rc))" test "$(rc)" -eq 1
check "default: previous PDF untouched" test "$(cat "$TMP/keep/report.pdf")" = "previous"
check "default: no temporary file left" test "$(ls "$TMP/keep")" = "report.pdf"
check "default: says no PDF was written" grep -qF "no PDF written" "$TMP/err"

# With --keep-going: exit 3 and a PDF.
run render "$R" -o "$TMP/keep/report.pdf" --keep-going
check "--keep-going: exit 3 (got $(rc))" test "$(rc)" -eq 3
check "--keep-going: the PDF is valid" qpdf --check "$TMP/keep/report.pdf"
pdf_text "$TMP/keep/report.pdf" "$TMP/t"
TEXT=$(one_line "$TMP/t")
has() { case "$TEXT" in *"$1"*) return 0 ;; *) return 1 ;; esac; }

# The sections that work are there, in order, with their figures.
check "intro section is there" has "The first section works: this paragraph is in the PDF."
check "counted section is there" has "Counted Rows counted: 3; NHS trusts: 2."
check "second counted section is there" has "Counted again Rows counted: 3; NHS trusts: 2."

# Each failure has its box, with the plugin file, line and message.
P=$R/plugins
check "box: runtime error" has "This section could not be made: $P/broken.lua:8: attempt to index a nil value (local 'missing')"
check "box: instruction limit" has "This section could not be made: $P/spinning.lua:6: spinning: exceeded the instruction limit of 20000000"
check "box: bad blocks" has "This section could not be made: $P/shapeless.lua: build() result [1].kind: unknown kind \"heding\""
check "box: missing plugin" has "This section could not be made: $R/report.lua: section 6: no plugin \"nowhere\""
order() { # the boxes and sections appear in the report's order
    local rest=$TEXT piece
    for piece in "this paragraph is in the PDF" "broken.lua:8" "Rows counted" "spinning.lua:6" "shapeless.lua" \
        'no plugin "nowhere"' "Counted again"; do
        case "$rest" in *"$piece"*) rest=${rest#*"$piece"} ;; *) return 1 ;; esac
    done
}
check "sections and boxes in the report's order" order
check "exactly four boxes" test "$(grep -o "This section could not be made" "$TMP/t" | wc -l)" -eq 4

# stderr: each error as it happened, then the list of failed sections, then the summary.
check "stderr: runtime error" said "$P/broken.lua:8: error: attempt to index a nil value (local 'missing')"
check "stderr: limit" said "$P/spinning.lua:6: error: spinning: exceeded the instruction limit of 20000000"
check "stderr: list, runtime error" said "folio: section 2 (broken) could not be made: $P/broken.lua:8: attempt to index a nil value (local 'missing')"
check "stderr: list, limit" said "folio: section 4 (spinning) could not be made: $P/spinning.lua:6: spinning: exceeded the instruction limit of 20000000"
check "stderr: list, bad blocks" grep -qF "folio: section 5 (shapeless) could not be made: $P/shapeless.lua: build() result [1].kind: unknown kind" "$TMP/err"
check "stderr: list, missing plugin" grep -qF "folio: section 6 (nowhere) could not be made: $R/report.lua: section 6: no plugin \"nowhere\"" "$TMP/err"
check "stderr: summary" said "folio: 4 sections could not be made and are marked in the PDF (--keep-going)"

# A report with no failing section: --keep-going changes nothing (exit 0).
run render tests/data/e2e-reports/minimal -o "$TMP/minimal.pdf" --keep-going
check "no failure: exit 0 (got $(rc))" test "$(rc)" -eq 0

# What --keep-going does not forgive: a report-wide problem (an unreadable input) is exit 1.
cp -r "$R" "$TMP/r"
rm "$TMP/r/survey.csv"
run render "$TMP/r" -o "$TMP/r.pdf" --keep-going
check "missing input: exit 1 even with --keep-going (got $(rc))" test "$(rc)" -eq 1
check "missing input: no PDF" test ! -e "$TMP/r.pdf"

# --keep-going is for render only; --help documents exit status 3.
run check "$R" --keep-going
check "check --keep-going: exit 2" test "$(rc)" -eq 2
run --help
check "--help: exit status 3" grep -qF "3 (--keep-going) the PDF" "$TMP/out"
check "--help: --keep-going" grep -qF -- "--keep-going" "$TMP/out"
finish
