# Fonts are subset before they are embedded (docs/pdf-size-and-startup.md): pdffonts shows each one
# embedded and subset with a 6-letter tag, the embedded programs hold only the drawn glyphs
# (and glyph 0, the box drawn for a character no font has, keeps its outline), the default report
# stays under 78 KB, a report drawing all four Open Sans faces plus the fallback reads back, and
# the subsets reach libharu from memory.
source "$(dirname "$0")/lib.sh"

# Each embedded TrueType program (FontFile2) of a PDF: "object bytes glyphs glyph-0-outline-bytes".
font_programs() {
    python3 - "$1" <<'PY'
import re, struct, subprocess, sys
pdf = sys.argv[1]
# The font descriptors sit in compressed object streams: qpdf --json lists every object.
listing = subprocess.run(["qpdf", "--json", pdf], capture_output=True).stdout
for m in re.finditer(rb'"/FontFile2": "(\d+) 0 R"', listing):
    obj = m.group(1).decode()
    data = subprocess.run(["qpdf", "--show-object=" + obj, "--filtered-stream-data", pdf], capture_output=True).stdout
    n = struct.unpack(">H", data[4:6])[0]
    tables = {data[12 + 16 * i:16 + 16 * i].decode("latin-1"): struct.unpack(">II", data[20 + 16 * i:28 + 16 * i]) for i in range(n)}
    glyphs = struct.unpack(">H", data[tables["maxp"][0] + 4:tables["maxp"][0] + 6])[0]
    long_loca = struct.unpack(">h", data[tables["head"][0] + 50:tables["head"][0] + 52])[0] == 1
    lo = tables["loca"][0]
    if long_loca:
        g0, g1 = struct.unpack(">II", data[lo:lo + 8])
    else:
        g0, g1 = (2 * v for v in struct.unpack(">HH", data[lo:lo + 4]))
    print(obj, len(data), glyphs, g1 - g0)
PY
}

# The default report: small, every font embedded and subset under a subset tag.
PDF=$TMP/default.pdf
"$FOLIO" render reports/4pi-reality-impact -o "$PDF" 2>"$TMP/default.err"
check "default report renders" test $? -eq 0
pdffonts "$PDF" >"$TMP/fonts" 2>"$TMP/fonts.err"
check "pdffonts prints no warnings" test ! -s "$TMP/fonts.err"
check "three fonts listed" test "$(tail -n +3 "$TMP/fonts" | wc -l)" -eq 3
check "every font embedded, subset, with a ToUnicode map" \
    awk 'NR > 2 && !($(NF-4) == "yes" && $(NF-3) == "yes" && $(NF-2) == "yes") { bad = 1 } END { exit bad }' "$TMP/fonts"
check "every font name carries a 6-letter subset tag" \
    awk 'NR > 2 && $1 !~ /^[A-Z][A-Z][A-Z][A-Z][A-Z][A-Z]\+/ { bad = 1 } END { exit bad }' "$TMP/fonts"
size=$(stat -c %s "$PDF")
check "default report under 78 KB, the smallest peer's size (is $size bytes)" test "$size" -lt 78000
font_programs "$PDF" >"$TMP/programs"
# Open Sans has 938 glyphs in 217 KB; the report draws about a hundred characters per face.
check "three font programs embedded" test "$(wc -l <"$TMP/programs")" -eq 3
check "each embedded program is a subset (< 300 glyphs, < 60 KB)" \
    awk '!($3 < 300 && $2 < 60000) { bad = 1 } END { exit bad || NR == 0 }' "$TMP/programs"

# The fonts report: glyph 0 (drawn for U+E000, which no font has) keeps its outline, and
# characters only the fallback has read back.
"$FOLIO" render tests/data/e2e-reports/fonts -o "$TMP/fonts.pdf" 2>/dev/null
font_programs "$TMP/fonts.pdf" >"$TMP/fprograms"
check "the fonts report embeds six programs" test "$(wc -l <"$TMP/fprograms")" -eq 6
check "glyph 0 keeps its outline in every subset" awk '$4 <= 0 { bad = 1 } END { exit bad || NR == 0 }' "$TMP/fprograms"
pdf_text "$TMP/fonts.pdf" "$TMP/ftext"
check "a character only the fallback has reads back" contains "$TMP/ftext" "Arrows ← → and a check ✓ and ≈ 3"

# All four Open Sans faces and the fallback (DejaVu Sans for ✓ and ←) in one report.
mkdir -p "$TMP/faces/plugins"
cat >"$TMP/faces/report.lua" <<'LUA'
return { title = "Faces", publisher = "folio tests", sections = { { "faces" } } }
LUA
cat >"$TMP/faces/plugins/faces.lua" <<'LUA'
return {
  name = "faces",
  version = "1.0.0",
  build = function(ctx)
    return {
      blocks.heading(1, "Four faces"),
      blocks.paragraph({ "Regular ✓ text, ", blocks.bold("bold ✓ text, "), blocks.italic("italic ← text, "),
        blocks.bold(blocks.italic("bold italic ← text.")) }),
    }
  end,
}
LUA
"$FOLIO" render "$TMP/faces" -o "$TMP/faces.pdf" 2>"$TMP/faces.err"
check "the four-face report renders" test $? -eq 0
check "qpdf --check passes" qpdf --check "$TMP/faces.pdf" >/dev/null 2>&1
pdffonts "$TMP/faces.pdf" >"$TMP/faces.fonts" 2>&1
for f in OpenSans OpenSans-Bold OpenSans-Italic OpenSans-BoldItalic DejaVuSans DejaVuSans-Bold DejaVuSans-Oblique \
         DejaVuSans-BoldOblique; do
    check "$f embedded and subset" \
        awk -v f="$f" '$1 ~ ("\\+" f "(,|$)") && $(NF-4) == "yes" && $(NF-3) == "yes" && $(NF-2) == "yes" { ok = 1 } END { exit !ok }' \
        "$TMP/faces.fonts"
done
pdf_text "$TMP/faces.pdf" "$TMP/faces.txt"
check "pdftotext prints no warnings" test ! -s "$TMP/faces.txt.err"
check "every face reads back" contains "$TMP/faces.txt" "Regular ✓ text, bold ✓ text, italic ← text, bold italic ← text."

# libharu reads the subset fonts from memory: no /proc/self/fd path opened, and not the ~160
# seeks per font that reading them as files took (485 lseek calls for the default report).
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then # ptrace allowed
    strace -f -e trace=lseek,open,openat -o "$TMP/trace" "$FOLIO" render reports/4pi-reality-impact \
        -o "$TMP/traced.pdf" 2>/dev/null
    check "traced default report renders" cmp -s "$TMP/traced.pdf" "$PDF"
    check "no font read through /proc/self/fd" test "$(grep -c '/proc/self/fd' "$TMP/trace")" -eq 0
    check "fewer than 50 seeks" test "$(grep -c 'lseek(' "$TMP/trace")" -lt 50
fi
finish
