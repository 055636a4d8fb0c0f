# The default report, rendered as a user would, read back from the PDF: structure, sections,
# every key figure against an independent computation over the CSV files, fonts, outline.
source "$(dirname "$0")/lib.sh"
PDF=$TMP/report.pdf
"$FOLIO" render reports/4pi-reality-impact -o "$PDF" 2>"$TMP/stderr"
check "render exits 0" test $? -eq 0
check "PDF written" test -s "$PDF"
check "qpdf --check passes" qpdf --check "$PDF" >/dev/null 2>&1

pdf_text "$PDF" "$TMP/text"
check "pdftotext prints no warnings" test ! -s "$TMP/text.err"
pdffonts "$PDF" >"$TMP/fonts" 2>"$TMP/fonts.err"
check "pdffonts prints no warnings" test ! -s "$TMP/fonts.err"
check "every font embedded" awk 'NR > 2 && $(NF-4) != "yes" { bad = 1 } END { exit bad }' "$TMP/fonts"
check "Open Sans embedded" contains "$TMP/fonts" "OpenSans"

pdfinfo "$PDF" >"$TMP/info"
check "title in metadata" contains "$TMP/info" "Title:           4Pi Reality and Impact"
check "author in metadata" contains "$TMP/info" "National Survivor User Network"
check "A4 pages" contains "$TMP/info" "595.276 x 841.89 pts (A4)"
pages=$(awk '/^Pages:/ { print $2 }' "$TMP/info")
check "several pages ($pages)" test "${pages:-0}" -ge 6
body=$((pages - 2)) # the cover and the contents are pages i and ii; the body counts from 1
check "footer on the last page" contains "$TMP/text" "Page $body of $body"
check "footer on the first body page" test "$(pdftotext -f 3 -l 3 "$PDF" - | grep -c "Page 1 of $body")" -eq 1
check "contents page footer is its label" test "$(pdftotext -f 2 -l 2 "$PDF" - | grep -cx 'Page ii')" -eq 1
check "no footer on the cover" test "$(pdftotext -f 1 -l 1 "$PDF" - | grep -c 'Page ')" -eq 0

for s in "Contents" "Introduction" "At a glance" "Usage reach" "Benefits by involvement level" \
         "Voices from the interviews" "Conclusion" "About the data"; do
    check "section $s" contains "$TMP/text" "$s"
done
check "cover title" contains "$TMP/text" "4Pi Reality and Impact"
check "cover period" contains "$TMP/text" "Annual report 2026"
check "cover date" contains "$TMP/text" "Published 23 November 2026"

# Every key figure equals the independent computation.
python3 tests/tools/figures.py reports/4pi-reality-impact/data >"$TMP/expected"
get() { sed -n "s/^$1=//p" "$TMP/expected"; }
line=$(one_line "$TMP/text")
has() { case "$line" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
check "responses $(get responses)" has "$(get responses) survey responses"
check "interviews $(get interviews)" has "$(get interviews) interviews held"
check "active signatories $(get active)" has "$(get active) signatory organisations active ($(get lapsed) lapsed)"
check "new signatories $(get new)" has "$(get new) organisations signed up in 2026"
check "share using $(get using_pct)" has "$(get using_pct) of respondents' organisations use the standards $(get using_of)"
check "heard of 4Pi $(get heard_pct)" has "$(get heard_pct) of respondents had heard of 4Pi"
for lv in individual community services strategic; do
    check "agreement $lv: $(get agree_$lv)" has "$(get agree_$lv) agree"
done
check "withheld count" has "$(get withheld) excerpts were withheld"

# Bookmarks: one per level-1 heading, pointing into the document.
qpdf --json "$PDF" >"$TMP/json" 2>/dev/null
for s in "Usage reach" "About the data"; do
    check "bookmark $s" grep -q "\"title\": \"$s\"" "$TMP/json"
done
# Contents entries are links to pages.
links=$(grep -c '"/Subtype": "/Link"' "$TMP/json")
check "one contents link per section ($links)" test "$links" -eq 7

# Same inputs, same engine: byte-identical PDF.
"$FOLIO" render reports/4pi-reality-impact -o "$TMP/again.pdf" 2>/dev/null
check "byte-identical on a second run" cmp -s "$PDF" "$TMP/again.pdf"
finish
