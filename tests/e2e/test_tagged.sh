# Tagged PDF (issue 9: structure tree, marked content, reading order; docs/accessibility.md):
# the structure read back with `pdfinfo -struct-text`, and the machine-testable rules checked by
# tests/tools/tagcheck.py over qpdf's JSON, on the default report, the chart gallery, the stress
# report, the Markdown report and a report with every kind of block. The checker is shown to fail
# on a PDF broken on purpose, and `tagged = false` turns tagging off.
source "$(dirname "$0")/lib.sh"
TAGCHECK="python3 tests/tools/tagcheck.py"
struct() { pdfinfo -struct-text "$1" 2>"$2.err" >"$2"; }
quiet() { [ ! -s "$1" ]; }

# ---- the default report ----
"$FOLIO" render reports/4pi-reality-impact -o "$TMP/r.pdf" 2>"$TMP/err"
check "default report renders" test $? -eq 0
pdfinfo "$TMP/r.pdf" >"$TMP/info" 2>"$TMP/info.err"
check "pdfinfo: Tagged: yes" grep -q "^Tagged: *yes" "$TMP/info"
check "pdfinfo quiet" quiet "$TMP/info.err"
check "PDF 1.7" grep -q "^PDF version: *1.7" "$TMP/info"
struct "$TMP/r.pdf" "$TMP/s"
check "pdfinfo -struct-text quiet" quiet "$TMP/s.err"
# Headings in order: the report's title, then every section's.
grep -A1 -E '^  H[1-3]' "$TMP/s" | grep -E '^    "' | sed 's/^ *"//; s/"$//' >"$TMP/headings"
h1s=$(grep -A1 -E '^  H1' "$TMP/s" | grep -E '^    "' | sed 's/^ *"//; s/"$//' | tr '\n' '|')
check "H1s in reading order" test "$h1s" = "4Pi Reality and Impact|Introduction|At a glance|Usage reach|Benefits by involvement level|Voices from the interviews|Conclusion|About the data|"
check "H2s present" grep -q '^  H2' "$TMP/s"
# A paragraph is one P with its whole text, its lines' spaces kept.
check "paragraph text whole, with spaces" grep -qF '"The 4Pi National Involvement Standards describe how people who use mental health services, and carers, can be involved at four levels: in their own care, in their communities, in service delivery and evaluation, and in organisational governance and strategy.' "$TMP/s"
check "tables have TH cells with /Scope /Column" grep -qF '/Scope /Column' "$TMP/s"
check "figures are tagged" test "$(grep -c '^  Figure' "$TMP/s")" -ge 5
check "contents: TOC with TOCI and Links" grep -q '^    TOCI' "$TMP/s"
check "key figures read with their labels" grep -qF '"29 survey responses"' "$TMP/s"
check "quotations are BlockQuotes" grep -q '^  BlockQuote' "$TMP/s"
check "running header not in the structure" test "$(grep -c '"Page ' "$TMP/s")" -eq 0
check "tagcheck: default report" $TAGCHECK "$TMP/r.pdf" --quiet
pdf_text "$TMP/r.pdf" "$TMP/t"
line=$(one_line "$TMP/t")
case "$line" in *"process and impact. The standards were launched in 2013"*) ok ;; *) fail "pdftotext: a paragraph uninterrupted" ;; esac

# ---- every kind of block ----
R=tests/data/e2e-reports/tagged
"$FOLIO" render "$R" -o "$TMP/k.pdf" 2>"$TMP/err"
check "tagged report renders" test $? -eq 0
struct "$TMP/k.pdf" "$TMP/ks"
check "tagcheck: every kind of block" $TAGCHECK "$TMP/k.pdf" --quiet
# The link: a Link element in its paragraph, with its text and its annotation.
check "link inside its paragraph" grep -A3 -F '"A paragraph with "' "$TMP/ks" --no-group-separator -q
check "Link element holds its text and annotation" \
    bash -c "grep -A2 'Link (inline)' '$TMP/ks' | grep -qF 'a link to the standards' && grep -A2 'Link (inline)' '$TMP/ks' | grep -q 'Object '"
# Nested list: the nested L inside the LBody of the item above it.
check "nested list inside its item's LBody" \
    python3 - "$TMP/ks" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
i = next(k for k, l in enumerate(lines) if '"second item"' in l)
body = len(lines[i - 1]) - len(lines[i - 1].lstrip())        # the LBody line above the text
nested = lines[i + 1]
sys.exit(0 if nested.strip().startswith("L ") and len(nested) - len(nested.lstrip()) > body else 1)
PY
check "list labels are Lbl" grep -q 'Lbl' "$TMP/ks"
check "quote attribution inside the BlockQuote" \
    bash -c "grep -A4 '^  BlockQuote' '$TMP/ks' | grep -qF 'Member, interview 4'"
# A chart: its title, the Figure, then its data table (data_table = true) with TH cells.
python3 - "$TMP/ks" >"$TMP/chartorder" <<'PY'
import sys
s = open(sys.argv[1]).read()
a, f = s.find('"Answers by level"'), s.find("  Figure", s.find('"Answers by level"'))
t = s.find("  Table", f)
print("ok" if 0 <= a < f < t and '"Community"' in s[t:] and "TH" in s[t:t + 200] else "bad")
PY
check "chart: title, Figure, data table in that order" grep -q ok "$TMP/chartorder"
pdf_text "$TMP/k.pdf" "$TMP/kt"
check "data table printed under the chart" grep -q "Community 7" "$TMP/kt"
# Alt text is on the Figure (qpdf shows it as a UTF-16 string).
qpdf --qdf --object-streams=disable "$TMP/k.pdf" "$TMP/kq.pdf"
check "chart Figure has its alt text" python3 -c "
import re, sys
d = open('$TMP/kq.pdf', 'rb').read()
alts = [bytes.fromhex(h.decode()).decode('utf-16') for h in re.findall(rb'/Alt <([0-9a-fA-F]+)>', d)]
alts += [a.decode('latin-1') for a in re.findall(rb'/Alt \\((.*)\\)\\s*$', d, re.M)]
sys.exit(0 if any('Community 7' in a for a in alts) and any('green band' in a for a in alts) else 1)"
check "/Lang en-GB" grep -aq '/Lang (en-GB)' "$TMP/kq.pdf"
check "/MarkInfo Marked" grep -aq '/Marked true' "$TMP/kq.pdf"
check "link annotation has /StructParent" grep -aq '/StructParent [0-9]' "$TMP/kq.pdf"

# ---- the checker fails on broken PDFs ----
sed 's|/Alt |/Xlt |' "$TMP/kq.pdf" >"$TMP/noalt.pdf"
$TAGCHECK "$TMP/noalt.pdf" >"$TMP/noalt.out"
check "tagcheck fails without /Alt" test $? -eq 1
check "tagcheck names the Figure" grep -q "Figure .*: no /Alt" "$TMP/noalt.out"
sed 's|/Artifact BMC|/Foo BMC|' "$TMP/kq.pdf" >"$TMP/b.pdf"
fix-qdf "$TMP/b.pdf" >"$TMP/noart.pdf" 2>/dev/null
$TAGCHECK "$TMP/noart.pdf" >"$TMP/noart.out"
check "tagcheck fails on content outside marked content" grep -q "outside marked content" "$TMP/noart.out"
sed 's|/StructParent \([0-9]\)|/StructParenX \1|' "$TMP/kq.pdf" >"$TMP/nosp.pdf"
$TAGCHECK "$TMP/nosp.pdf" >"$TMP/nosp.out"
check "tagcheck fails on a link without /StructParent" grep -q "no /StructParent" "$TMP/nosp.out"
sed 's|/S /H2|/S /H3|' "$TMP/kq.pdf" >"$TMP/skip.pdf"
$TAGCHECK "$TMP/skip.pdf" >"$TMP/skip.out"
check "tagcheck fails on a skipped heading level" grep -q "skips a level" "$TMP/skip.out"
sed 's|/S /TH|/S /TD|' "$TMP/kq.pdf" >"$TMP/noth.pdf"
$TAGCHECK "$TMP/noth.pdf" >"$TMP/noth.out"
check "tagcheck fails on a table without TH" grep -q "no TH" "$TMP/noth.out"

# ---- tagged = false ----
mkdir -p "$TMP/untagged"
cp -r "$R/plugins" "$TMP/untagged/"
sed 's|^  inputs = {},|  inputs = {},\n  tagged = false,|' "$R/report.lua" >"$TMP/untagged/report.lua"
"$FOLIO" render "$TMP/untagged" -o "$TMP/u.pdf" 2>"$TMP/err"
check "tagged = false renders" test $? -eq 0
check "tagged = false: Tagged: no" bash -c "pdfinfo '$TMP/u.pdf' | grep -q '^Tagged: *no'"
check "tagged = false: the checker says so" bash -c "! $TAGCHECK '$TMP/u.pdf' >/dev/null"
sed 's|^  inputs = {},|  inputs = {},\n  tagged = "no",|' "$R/report.lua" >"$TMP/untagged/report.lua"
"$FOLIO" render "$TMP/untagged" -o "$TMP/u2.pdf" 2>"$TMP/err"
check "tagged = \"no\" is an error" test $? -eq 1
check "tagged = \"no\": the message names the field" grep -q "tagged.*expected true or false" "$TMP/err"

# ---- the chart gallery, the Markdown report, the stress report ----
"$FOLIO" render tests/data/e2e-reports/charts -o "$TMP/c.pdf" 2>"$TMP/err"
check "tagcheck: chart gallery" $TAGCHECK "$TMP/c.pdf" --quiet
"$FOLIO" render tests/data/e2e-reports/markdown -o "$TMP/m.pdf" 2>"$TMP/err"
check "tagcheck: Markdown report" $TAGCHECK "$TMP/m.pdf" --quiet
python3 tests/tools/bigdata.py "$TMP/stress" 30 --interviews 1850 --signatories 320 >/dev/null
"$FOLIO" render tests/data/e2e-reports/stress --data "$TMP/stress" -o "$TMP/st.pdf" 2>"$TMP/err"
check "stress report renders" test $? -eq 0
check "tagcheck: stress report" $TAGCHECK "$TMP/st.pdf" --quiet
# A table continued over pages is one Table: its header row is in the structure once, though
# it is printed again on every page (as an artifact).
struct "$TMP/st.pdf" "$TMP/sts"
pdftotext "$TMP/st.pdf" "$TMP/stt" 2>/dev/null
head=$(grep -A1 -m1 'TH:' "$TMP/sts" >/dev/null; grep -A2 'TH:' "$TMP/sts" | grep -m1 -E '^ +"' | sed 's/^ *"//; s/"$//')
check "stress: a header cell found ($head)" test -n "$head"
check "stress: the header is printed on several pages" test "$(grep -cxF "$head" "$TMP/stt")" -ge 2
check "stress: the header is in the structure once per table" test "$(grep -cF "\"$head\"" "$TMP/sts")" -le 4
# A paragraph or table split over pages is one element with content on two pages.
check "stress: elements with content on more than one page" \
    bash -c "$TAGCHECK '$TMP/st.pdf' | grep -qE 'across pages: [1-9]'"
finish
