# Markdown prose through cmark (issue 3, part 7): headings, paragraphs, emphasis, lists nested
# three deep, links, block quotes, typographic quotes; raw HTML dropped; what cannot be set is
# an error naming the .md file and line.
source "$(dirname "$0")/lib.sh"
R=tests/data/e2e-reports/markdown
"$FOLIO" render "$R" -o "$TMP/md.pdf" 2>"$TMP/err"
check "renders" test $? -eq 0
pdf_text "$TMP/md.pdf" "$TMP/t"
line=$(one_line "$TMP/t")
has() { case "$line" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
check "emphasis and strong as text" has "A paragraph with emphasis, strong words, both at once and inline code"
check "hard break kept" contains "$TMP/t" "at the end of this line"
check "text after the hard break starts a line" grep -q "^that continues here" "$TMP/t"
check "bullets" has "• a bullet item • a bullet item with bold"
check "nested bullet marked with a dash" has "– a nested item • the last bullet"
check "ordered list numbered" has "1. first numbered 2. second numbered 3. third numbered"
check "quote" has "A block quote that a reader should see set apart"
check "typographic quotes and dashes" has "5 < 6 & 7 > 3, “quotes”, ‘apostrophes’, en dash – em dash — ellipsis…"
check "raw HTML dropped" lacks "$TMP/t" "raw HTML"
check "nested ordered: a., i." has "1. outer one – inner bullet – inner bullet with a link i. deepest numbered ii. deepest numbered again 2. outer two a. inner numbered b. inner numbered 3. outer three"

# Each level of nesting is indented further than the one before.
pdftotext -bbox "$TMP/md.pdf" "$TMP/bbox.html" 2>/dev/null
xmin() { # the x of the first word $1 followed by word $2
    python3 - "$TMP/bbox.html" "$1" "$2" <<'PY'
import re, sys
words = re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', open(sys.argv[1], encoding="utf-8").read())
for (x, w), (_, w2) in zip(words, words[1:]):
    if w == sys.argv[2] and w2 == sys.argv[3]:
        print(int(float(x))); break
PY
}
outer=$(xmin outer one); inner=$(xmin inner bullet); deep=$(xmin deepest numbered)
check "outer items found ($outer $inner $deep)" test -n "$outer" -a -n "$inner" -a -n "$deep"
check "a nested list is indented ($outer < $inner)" test "${outer:-0}" -lt "${inner:-0}"
check "a list nested twice is indented further ($inner < $deep)" test "${inner:-0}" -lt "${deep:-0}"

# Links are link annotations with their URLs; headings are bookmarks.
qpdf --json "$TMP/md.pdf" >"$TMP/json" 2>/dev/null
check "link to the standards" contains "$TMP/json" '"/URI": "u:https://example.org/4pi?a=1&b=2"'
check "link in a nested item" contains "$TMP/json" '"/URI": "u:https://example.org/inner"'
for h in "First heading" "Second level" "Third level" "Nesting"; do
    check "bookmark $h" contains "$TMP/json" "\"title\": \"$h\""
done
check "no warnings" test ! -s "$TMP/err.err" -a ! -s "$TMP/t.err"

# What Markdown cannot say in a report is an error at its line, and no PDF is written.
mkdir -p "$TMP/bad"
cp "$R/report.lua" "$TMP/bad/"
printf '# Title\n\n- one\n  - two\n    - three\n      - four\n        - five\n' >"$TMP/bad/prose.md"
"$FOLIO" render "$TMP/bad" -o "$TMP/bad.pdf" 2>"$TMP/bad.err"
check "five levels of list: exit 1" test $? -eq 1
check "five levels: message at the line" contains "$TMP/bad.err" "prose.md:7: lists nest at most 4 deep"
check "five levels: no PDF" test ! -e "$TMP/bad.pdf"
printf '# Title\n\nText.\n\n    indented code\n' >"$TMP/bad/prose.md"
"$FOLIO" render "$TMP/bad" -o "$TMP/bad.pdf" 2>"$TMP/bad.err"
check "code block: exit 1" test $? -eq 1
check "code block: message at the line" contains "$TMP/bad.err" "prose.md:5: code blocks are not supported in report text"
finish
