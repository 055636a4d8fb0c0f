# Paragraphs: no word ever passes the right margin (the default report and a stress report with
# a 60-character URL and a long German compound), hyphenated line ends read back as the right
# words, numbers keep their units, no-break spaces hold, kerning moves glyphs, and an unknown
# language gives one warning and no hyphenation.
source "$(dirname "$0")/lib.sh"

# words_inside PDF: every word's xMax (pdftotext -bbox) is at most the right margin + 0.5 pt
# (A4 with 20 mm margins: 595.276 - 56.693 = 538.583).
words_inside() {
    pdftotext -bbox "$1" - 2>/dev/null | awk -F'"' '/<word / { if ($6 + 0 > 539.083) { print "over: " $0 > "/dev/stderr"; bad++ } n++ }
        END { exit !(n > 100 && bad == 0) }'
}

"$FOLIO" render reports/4pi-reality-impact -o "$TMP/r.pdf" 2>"$TMP/err"
check "default report renders" test $? -eq 0
check "default report: no word past the margin" words_inside "$TMP/r.pdf"
check "default report: pdffonts without warnings" test -z "$(pdffonts "$TMP/r.pdf" 2>&1 >/dev/null)"

R=tests/data/reports/paragraphs
"$FOLIO" render "$R" -o "$TMP/p.pdf" 2>"$TMP/err"
check "stress report renders" test $? -eq 0
check "stress report: no warnings" test -z "$(grep -v '^folio: wrote' "$TMP/err")"
check "stress report: qpdf --check" qpdf --check "$TMP/p.pdf"
check "stress report: no word past the margin" words_inside "$TMP/p.pdf"
pdf_text "$TMP/p.pdf" "$TMP/t"
TEXT=$(one_line "$TMP/t")
has() { case "$TEXT" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
# Lines, each with its last word: a hyphenated line end (U+00AD) joins the next line's first word.
pdftotext -raw "$TMP/p.pdf" "$TMP/raw"
check "some words are hyphenated" grep -q $'\xc2\xad$' "$TMP/raw"
# The hyphenated word, joined, is a word of the source text.
hyph_words() {
    awk '{ if (prev ~ /\xc2\xad$/) { n = split(prev, a, " "); sub(/\xc2\xad$/, "", a[n]); split($0, b, " "); print a[n] b[1] } prev = $0 }' "$TMP/raw"
}
hyph_words >"$TMP/hw"
check "hyphenated words read back whole" test -s "$TMP/hw"
while read -r w; do
    check "hyphenated '$w' is a word of the text" grep -qF -- "$w" "$R/text.md"
done <"$TMP/hw"
check "no digit word hyphenated" test -z "$(grep '[0-9]' "$TMP/hw")"
check "acronym not hyphenated" has "UNCHARACTERISTICALLY loud"
check "URL reads back (joined)" test -n "$(tr -d ' \n' <"$TMP/raw" | grep -o 'https://example.org/reports/2026/annual-involvement-standards-survey-results.html')"
# Numbers and units, and no-break spaces, never split across lines.
for pair in "25 %" "40 kg" "12 km" "300 MB" "18 °C" "Mr Smith" "10 000" "5 %"; do
    check "'$pair' on one line, both times" test "$(grep -cF -- "$pair" "$TMP/raw")" -ge 2
done
check "no line starts with a unit" test -z "$(grep -E '^(%|kg|km|MB|°C)( |$)' "$TMP/raw")"

# Kerning: "AVAV" in Open Sans at 10 pt is 2 x (632 + 595) / 100 = 24.54 pt of advances, less
# three A-V / V-A kerns of 20/1000 em: 23.94 pt.
mkdir -p "$TMP/k"
cp "$R/report.lua" "$TMP/k/"
printf '# Kerning\n\nAVAV To\n' >"$TMP/k/text.md"
"$FOLIO" render "$TMP/k" -o "$TMP/k.pdf" 2>"$TMP/err"
check "kerning report renders" test $? -eq 0
pdftotext -bbox "$TMP/k.pdf" "$TMP/k.html"
avav=$(awk -F'"' '/>AVAV</ { printf "%.2f", $6 - $2 }' "$TMP/k.html")
check "AVAV kerned to 23.94 pt (got $avav)" awk -v w="$avav" 'BEGIN { exit !(w > 23.89 && w < 23.99) }'

# An unknown language: one warning naming it, and no hyphenation.
mkdir -p "$TMP/xx"
sed 's/lang = "en-GB"/lang = "xx-YY"/' "$R/report.lua" >"$TMP/xx/report.lua"
cp "$R/text.md" "$TMP/xx/"
"$FOLIO" render "$TMP/xx" -o "$TMP/xx.pdf" 2>"$TMP/err"
check "unknown language renders" test $? -eq 0
check "one warning for the language" test "$(grep -c 'xx-YY' "$TMP/err")" -eq 1
check "the warning says there is no hyphenation" grep -q 'not hyphenated' "$TMP/err"
check "unknown language: no word past the margin" words_inside "$TMP/xx.pdf"
check "unknown language: no hyphenated words" test -z "$(pdftotext -raw "$TMP/xx.pdf" - | grep $'\xc2\xad')"

# theme.ragged_right: lines end short of the margin by different amounts; a bad value is an error.
mkdir -p "$TMP/rr"
sed 's/lang = "en-GB",/lang = "en-GB", theme = { ragged_right = true },/' "$R/report.lua" >"$TMP/rr/report.lua"
cp "$R/text.md" "$TMP/rr/"
"$FOLIO" render "$TMP/rr" -o "$TMP/rr.pdf" 2>"$TMP/err"
check "ragged report renders" test $? -eq 0
check "ragged: no word past the margin" words_inside "$TMP/rr.pdf"
# The right end of each line (its last word's xMax), rounded: justified, the 13 body lines give 7
# distinct values (with the heading, header and footer); ragged, nearly every line its own.
ends() { pdftotext -bbox-layout "$1" - | awk -F'"' '/<word / { x = $6 } /<\/line>/ { printf "%.0f\n", x }' | sort -u | wc -l; }
check "justified: right edges equal (got $(ends "$TMP/p.pdf") distinct)" test "$(ends "$TMP/p.pdf")" -le 8
check "ragged: right edges differ (got $(ends "$TMP/rr.pdf") distinct)" test "$(ends "$TMP/rr.pdf")" -ge 12
sed -i 's/ragged_right = true/ragged_right = "yes"/' "$TMP/rr/report.lua"
"$FOLIO" render "$TMP/rr" -o "$TMP/rr2.pdf" 2>"$TMP/err"
check "ragged_right = \"yes\": exit 1" test $? -eq 1
check "ragged_right = \"yes\": says what was expected" grep -q 'report.lua: error: theme.ragged_right: expected true or false' "$TMP/err"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
