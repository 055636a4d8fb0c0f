# Fonts as a reader sees them: characters the main font lacks drawn by the fallback font
# (embedded and subset only when used), every printable character read back exactly, a warning
# naming the CSV cell or plugin of each character no font can print, --strict, theme.font by
# family name, and clear refusals (a family that is not installed, a CFF .otf file).
source "$(dirname "$0")/lib.sh"
REPORT=tests/data/e2e-reports/fonts
PDF=$TMP/fonts.pdf
"$FOLIO" render "$REPORT" -o "$PDF" 2>"$TMP/stderr"
check "render exits 0 (warnings only)" test $? -eq 0
check "qpdf --check passes" qpdf --check "$PDF" >/dev/null 2>&1

pdffonts "$PDF" >"$TMP/fonts" 2>"$TMP/fonts.err"
check "pdffonts prints no warnings" test ! -s "$TMP/fonts.err"
# name type... emb sub uni: the fallback family embedded and subset, in the styles used.
emb_sub() { awk -v f="$2" '$1 ~ ("\\+" f "(,|$)") && $(NF-4) == "yes" && $(NF-3) == "yes" && $(NF-2) == "yes" { ok = 1 } END { exit !ok }' "$1"; }
check "DejaVu Sans embedded and subset" emb_sub "$TMP/fonts" "DejaVuSans"
check "DejaVu Sans Bold embedded and subset (bold text)" emb_sub "$TMP/fonts" "DejaVuSans-Bold"
check "DejaVu Sans Oblique embedded and subset (italic text)" emb_sub "$TMP/fonts" "DejaVuSans-Oblique"
check "Open Sans embedded and subset" emb_sub "$TMP/fonts" "OpenSans"
check "no Bold Oblique: no bold italic text" lacks "$TMP/fonts" "DejaVuSans-BoldOblique"

pdf_text "$PDF" "$TMP/text"
check "pdftotext prints no warnings" test ! -s "$TMP/text.err"
for line in "1. Greek: Ελληνικά γράμματα" "2. Cyrillic: Привет мир" \
            "3. Arrows ← → and a check ✓ and ≈ 3" "Bold fallback: x ✓ y and italic ←" \
            "4. Private use: $(printf '\356\200\200') here"; do
    check "reads back: $line" contains "$TMP/text" "$line"
done
check "the emoji is drawn as U+FFFD, not a silent space" contains "$TMP/text" "5. Emoji: � smile"
check "no silent space for the emoji" lacks "$TMP/text" "Emoji:  smile"

# One warning per character no font can print, with its source.
check "U+E000 warned at its CSV cell" \
    contains "$TMP/stderr" "notes.csv:5:2: warning: character U+E000 (private use) cannot be printed: no font has it (Open Sans; fallback DejaVu Sans); drawn as an empty box (1 time)"
check "the emoji warned at its CSV cell" \
    contains "$TMP/stderr" "notes.csv:6:2: warning: character U+1F600 \"😀\" cannot be printed: libharu draws only characters up to U+FFFF"
check "U+E001 warned at the plugin" \
    contains "$TMP/stderr" "plugins/notes.lua: warning: character U+E001 (private use) cannot be printed"
check "exactly three such warnings" test "$(grep -c 'cannot be printed' "$TMP/stderr")" -eq 3
check "printable fallback characters are not warned about" lacks "$TMP/stderr" "U+2190"

# --strict: an unprintable character is an error; no PDF.
"$FOLIO" render "$REPORT" -o "$TMP/strict.pdf" --strict 2>"$TMP/strict.err"
check "--strict exits 1" test $? -eq 1
check "--strict writes no PDF" test ! -e "$TMP/strict.pdf"
check "--strict says why" contains "$TMP/strict.err" "--strict makes them errors"

# A copy of the report with other fonts.
variant() { # variant NAME THEME: the report with `theme = THEME`
    mkdir -p "$TMP/$1"
    cp -r "$REPORT"/. "$TMP/$1/"
    sed -i "s|^  sections =|  theme = $2,\n  sections =|" "$TMP/$1/report.lua"
}
variant serif '{ font = "DejaVu Serif" }'
"$FOLIO" render "$TMP/serif" -o "$TMP/serif.pdf" 2>"$TMP/serif.err"
check "theme.font DejaVu Serif renders" test $? -eq 0
pdffonts "$TMP/serif.pdf" >"$TMP/serif.fonts" 2>&1
check "DejaVu Serif embedded" emb_sub "$TMP/serif.fonts" "DejaVuSerif"
check "Open Sans not embedded with theme.font" lacks "$TMP/serif.fonts" "OpenSans"
pdf_text "$TMP/serif.pdf" "$TMP/serif.text"
check "DejaVu Serif: arrows read back" contains "$TMP/serif.text" "3. Arrows ← → and a check ✓ and ≈ 3"

variant nofallback '{ fallback = {} }'
"$FOLIO" render "$TMP/nofallback" -o "$TMP/nofallback.pdf" 2>"$TMP/nofallback.err"
check "no fallback: renders" test $? -eq 0
check "no fallback: the arrow is warned about" \
    contains "$TMP/nofallback.err" "notes.csv:4:2: warning: character U+2190 cannot be printed: no font has it (Open Sans; no fallback fonts)"
pdffonts "$TMP/nofallback.pdf" >"$TMP/nofallback.fonts" 2>&1
check "no fallback: no DejaVu embedded" lacks "$TMP/nofallback.fonts" "DejaVu"

variant missing '{ font = "Nowhere Sans" }'
"$FOLIO" render "$TMP/missing" -o "$TMP/missing.pdf" 2>"$TMP/missing.err"
check "a family that is not installed: exit 1" test $? -eq 1
check "a family that is not installed: named, close matches listed" \
    contains "$TMP/missing.err" "report.lua: error: theme.font: font family \"Nowhere Sans\" is not installed; close matches: \"DejaVu Sans\""

variant otf '{ fonts = { bold = "Fake-Bold.otf" } }'
printf 'OTTO\0\011\0\200\0\003\0\020' >"$TMP/otf/Fake-Bold.otf"
"$FOLIO" render "$TMP/otf" -o "$TMP/otf.pdf" 2>"$TMP/otf.err"
check "a CFF .otf: exit 1" test $? -eq 1
check "a CFF .otf: says why" contains "$TMP/otf.err" "theme.fonts.bold: font $TMP/otf/Fake-Bold.otf has CFF (PostScript) outlines"

# The default report needs no fallback font, so embeds none.
"$FOLIO" render reports/4pi-reality-impact -o "$TMP/default.pdf" 2>"$TMP/default.err"
check "default report renders" test $? -eq 0
pdffonts "$TMP/default.pdf" >"$TMP/default.fonts" 2>&1
check "default report embeds no fallback font" lacks "$TMP/default.fonts" "DejaVu"
check "default report: no unprintable characters" lacks "$TMP/default.err" "cannot be printed"
finish
