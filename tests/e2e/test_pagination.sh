# Pagination and navigation read back from the PDF with tests/tools/pagecheck.py: no page ends
# with a heading, no widows or orphans, a 320-row table with its header on every page,
# contents numbers = the headings' page labels, links resolve, page labels i, ii, 1, ..., the
# tools quiet and qpdf --check clean; on the default report and on a ~300-page stress report.
# Each rule of the checker is shown to catch a violation (its self-test, and real bad PDFs).
source "$(dirname "$0")/lib.sh"
CHECK=tests/tools/pagecheck.py
RULES=tests/data/e2e-reports/pagination

# The checker catches every kind of violation on made-up pages.
python3 "$CHECK" --self-test >"$TMP/self" 2>&1
check "checker self-test: every rule catches its violation" test $? -eq 0
grep FAIL "$TMP/self" >&2

# The default report.
"$FOLIO" render reports/4pi-reality-impact -o "$TMP/default.pdf" 2>"$TMP/err"
check "default report renders" test $? -eq 0
python3 "$CHECK" "$TMP/default.pdf" --contents Contents --labels i,ii,1,2 >"$TMP/default.out"
check "default report: every pagination rule holds" test $? -eq 0
grep FAIL "$TMP/default.out" >&2
for rule in tools links labels headings bookmarks orphans widows contents; do
    check "default report: rule $rule checked" grep -q "^ok $rule:" "$TMP/default.out"
done

# The stress report: generated data, rendered once, every rule checked.
python3 tests/tools/bigdata.py "$TMP/stress" 30 --interviews 1850 --signatories 320 >/dev/null
start=$(date +%s.%N)
"$FOLIO" render tests/data/e2e-reports/stress --data "$TMP/stress" -o "$TMP/stress.pdf" 2>"$TMP/err"
check "stress report renders" test $? -eq 0
end=$(date +%s.%N)
pages=$(pdfinfo "$TMP/stress.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
check "stress report has about 300 pages ($pages)" test "${pages:-0}" -ge 280
echo "stress report: $pages pages in $(echo "$end - $start" | bc 2>/dev/null || echo "?") s" >&2
python3 "$CHECK" "$TMP/stress.pdf" --contents Contents --labels i,ii,1,2 \
    --table "Ref Organisation Region Signed up Status" '^(R[0-9]{4}) ' 320 --lines "$TMP/stress.txt" >"$TMP/stress.out"
check "stress report: every pagination rule holds" test $? -eq 0
grep FAIL "$TMP/stress.out" >&2
for rule in tools links labels headings bookmarks orphans widows tables contents; do
    check "stress report: rule $rule checked" grep -q "^ok $rule:" "$TMP/stress.out"
done
# The rules met real page ends: paragraphs split over pages, the table over several pages.
split=$(sed -n 's/^ok orphans: .*(\([0-9]*\) paragraphs split)$/\1/p' "$TMP/stress.out")
check "stress report: paragraphs split over pages (${split:-0})" test "${split:-0}" -ge 20
spanned=$(sed -n 's/^ok tables: 320 rows over \([0-9]*\) pages.*/\1/p' "$TMP/stress.out")
check "stress report: the table runs over pages (${spanned:-0})" test "${spanned:-0}" -ge 5
cont=$(grep -c '	Signatory organisations (continued)$' "$TMP/stress.txt")
check "\"(continued)\" on every page the table runs onto ($cont)" test "$cont" -eq $((spanned - 1))
check "the tall cell runs on with its own continued line" grep -q '	Notes (notes continued)$' "$TMP/stress.txt"
check "the last page is labelled $((pages - 2))" grep -q "^$pages	$((pages - 2))	" "$TMP/stress.txt"

# new_page: an engine option of every section (the prose plugin does not declare it).
"$FOLIO" render "$RULES" -o "$TMP/rules.pdf" 2>"$TMP/err"
check "pagination report renders" test $? -eq 0
page_of() { # page_of PDF TEXT: the first page whose text has a line equal to TEXT
    local p n
    n=$(pdfinfo "$1" | awk '/^Pages:/ { print $2 }')
    for p in $(seq 1 "$n"); do
        if pdftotext -f "$p" -l "$p" -layout "$1" - | sed 's/^ *//; s/ *$//' | grep -qxF "$2"; then
            echo "$p"
            return
        fi
    done
}
check "new_page = true starts the section on a new page" \
    test "$(page_of "$TMP/rules.pdf" "Third section")" -gt "$(page_of "$TMP/rules.pdf" "Second section")"
check "new_page = false keeps the section on the page" \
    test "$(page_of "$TMP/rules.pdf" "Second section")" -eq "$(page_of "$TMP/rules.pdf" "First section")"
python3 "$CHECK" "$TMP/rules.pdf" --contents Contents --labels i,1 >"$TMP/rules.out"
check "pagination report: every rule holds" test $? -eq 0
grep FAIL "$TMP/rules.out" >&2

# A section option new_page that is not true or false is an error naming the section.
mkdir -p "$TMP/badopt"
cp -r "$RULES/plugins" "$TMP/badopt/"
sed 's/new_page = true/new_page = "yes"/' "$RULES/report.lua" >"$TMP/badopt/report.lua"
"$FOLIO" render "$TMP/badopt" -o "$TMP/badopt.pdf" 2>"$TMP/err"
check "new_page = \"yes\" fails (exit 1)" test $? -eq 1
check "the message names the section and the option" \
    contains "$TMP/err" 'section 4 (prose): option "new_page" must be true or false; got string'

# The checker on real bad PDFs: a page that ends with a heading (a page break right after it),
# and a damaged file.
mkdir -p "$TMP/bad"
cp -r "$RULES/plugins" "$TMP/bad/"
sed 's/title = "Second section", new_page = false/title = "Second section", new_page = false, heading_then_break = true/' \
    "$RULES/report.lua" >"$TMP/bad/report.lua"
"$FOLIO" render "$TMP/bad" -o "$TMP/bad.pdf" 2>/dev/null
python3 "$CHECK" "$TMP/bad.pdf" >"$TMP/bad.out"
check "checker fails a PDF with a page ending in a heading" test $? -eq 1
check "and says which page and heading" grep -q '^FAIL headings: page 2 (1) ends with the heading "Second section"' "$TMP/bad.out"
head -c 30000 "$TMP/default.pdf" >"$TMP/cut.pdf"
python3 "$CHECK" "$TMP/cut.pdf" >"$TMP/cut.out"
check "checker fails a damaged PDF" test $? -eq 1
check "through the tools' complaints" grep -q '^FAIL tools: ' "$TMP/cut.out"
finish
