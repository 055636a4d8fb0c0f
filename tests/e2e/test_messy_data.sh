# Real exports are messy: a BOM, CRLF, shuffled and extra columns, odd case, stray spaces,
# Y/TRUE/1 for yes. The same data, tidy or messy, must give the same report, word for word.
source "$(dirname "$0")/lib.sh"
"$FOLIO" render reports/4pi-reality-impact -o "$TMP/tidy.pdf" 2>"$TMP/tidy.err"
check "tidy renders" test $? -eq 0
"$FOLIO" render reports/4pi-reality-impact --data tests/data/same-messy -o "$TMP/messy.pdf" 2>"$TMP/messy.err"
check "messy export renders" test $? -eq 0
check "messy export gives no warnings" test ! -s "$TMP/messy.err" -o "$(grep -c warning "$TMP/messy.err")" -eq 0
pdftotext -layout "$TMP/tidy.pdf" "$TMP/tidy.txt"
pdftotext -layout "$TMP/messy.pdf" "$TMP/messy.txt"
check "same text from the tidy and the messy export" cmp -s "$TMP/tidy.txt" "$TMP/messy.txt"
if ! cmp -s "$TMP/tidy.txt" "$TMP/messy.txt"; then diff "$TMP/tidy.txt" "$TMP/messy.txt" | head -20 >&2; fi

# A generated messy export (multi-line quotes, any script, e-mail and phone numbers in quotes).
"$FOLIO" render reports/4pi-reality-impact --data tests/data/messy -o "$TMP/gen.pdf" 2>"$TMP/gen.err"
check "generated messy export renders" test $? -eq 0
check "qpdf --check on it" qpdf --check "$TMP/gen.pdf" >/dev/null 2>&1
pdf_text "$TMP/gen.pdf" "$TMP/gen.txt"
python3 tests/tools/figures.py tests/data/messy >"$TMP/expected"
get() { sed -n "s/^$1=//p" "$TMP/expected"; }
line=$(one_line "$TMP/gen.txt")
has() { case "$line" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
check "responses $(get responses)" has "$(get responses) survey responses"
check "share using $(get using_pct)" has "$(get using_pct) of respondents' organisations use the standards $(get using_of)"
for lv in individual community services strategic; do
    check "agreement $lv: $(get agree_$lv)" has "$(get agree_$lv) agree"
done
check "no e-mail address" lacks "$TMP/gen.txt" "@example.org"
check "no phone number" lacks "$TMP/gen.txt" "07700"
check "redaction shown" contains "$TMP/gen.txt" "[e-mail withheld]"
finish
