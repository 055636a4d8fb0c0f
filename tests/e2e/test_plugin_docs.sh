# docs/plugins.md's tutorial is real: each step of examples/involvement-by-region/steps/ is quoted
# in the doc word for word, renders, and gives the text the doc shows as its output; the example
# report (whose plugin is the last step) renders with the figures of the 4Pi survey.
source "$(dirname "$0")/lib.sh"
EX=examples/involvement-by-region
DOC=docs/plugins.md
DATA=reports/4pi-reality-impact/data

# in_doc FILE: the whole of FILE appears in the doc, verbatim
in_doc() { python3 -c 'import sys; sys.exit(open(sys.argv[1]).read() not in open(sys.argv[2]).read())' "$1" "$DOC"; }

check "the example's plugin is the tutorial's last step" cmp -s "$EX/steps/4.lua" "$EX/plugins/involvement-by-region.lua"
for step in 1 2 3 4; do
    dir=$TMP/step$step
    mkdir -p "$dir/plugins"
    cp "$EX/report.lua" "$dir/"
    cp "$EX/steps/$step.lua" "$dir/plugins/involvement-by-region.lua"
    check "step $step: quoted in $DOC" in_doc "$EX/steps/$step.lua"
    check "step $step: renders" "$FOLIO" render "$dir" --data "$DATA" -o "$dir/out.pdf" 2>"$dir/stderr"
    pdftotext -raw "$dir/out.pdf" "$dir/out.txt" 2>"$dir/pdftotext.err"
    check "step $step: pdftotext is quiet" test ! -s "$dir/pdftotext.err"
    check "step $step: its output is the one $DOC shows" in_doc "$dir/out.txt"
done

# The example itself, rendered where it is (its input is ../../reports/4pi-reality-impact/data).
check "the example renders" "$FOLIO" render "$EX" -o "$TMP/example.pdf" 2>"$TMP/example.err"
check "no warnings" lacks "$TMP/example.err" "warning"
pdf_text "$TMP/example.pdf" "$TMP/example.txt"
one_line "$TMP/example.txt" >"$TMP/example.line"
check "the top region sentence" contains "$TMP/example.line" \
    "Most responses came from London: 6 responses of 29 (21%). Responses came from 11 regions in all."
check "table row London" contains "$TMP/example.txt" "London 6 21%"
check "table row Wales" contains "$TMP/example.txt" "Wales 3 10%"
check "table total" contains "$TMP/example.txt" "All regions 29 100%"
check "chart note" contains "$TMP/example.txt" "n = 29 responses."
check "qpdf --check" qpdf --check "$TMP/example.pdf" >/dev/null
check "one page" sh -c "pdfinfo '$TMP/example.pdf' | grep -q '^Pages: *1$'"
# chart = false (an option the tutorial declares) drops the chart, keeps the table
sed 's/{ "involvement-by-region", new_page = false }/{ "involvement-by-region", new_page = false, chart = false }/' \
    "$EX/report.lua" >"$TMP/step4/report.lua"
check "chart = false renders" "$FOLIO" render "$TMP/step4" --data "$DATA" -o "$TMP/nochart.pdf" 2>/dev/null
pdf_text "$TMP/nochart.pdf" "$TMP/nochart.txt"
check "chart = false: no chart" lacks "$TMP/nochart.txt" "n = 29 responses."
check "chart = false: the table stays" contains "$TMP/nochart.txt" "All regions 29 100%"
finish
