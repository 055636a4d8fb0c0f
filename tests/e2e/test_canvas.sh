# Canvas blocks: a drawing with every command renders (qpdf, pdffonts, pdfinfo quiet), looks
# right on the page (a filled circle's centre has its colour, a square reaching out of the box is
# cut at the box's edge: the page just outside it is white), its text reads back, and it is
# byte-identical when made again. Every mistake (a bad command by hand or through a method, an
# unknown colour, too many commands, no alt) is exit 1 naming the plugin, the place and what was
# expected, with no PDF written.
source "$(dirname "$0")/lib.sh"
R=tests/data/e2e-reports/canvas
run() { "$FOLIO" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }
# variant NAME MODE: a copy of the report whose section has mode = MODE.
variant() {
    rm -rf "${TMP:?}/$1"
    cp -r "$R" "$TMP/$1"
    sed -i "s|{ \"drawing\" }|{ \"drawing\", mode = \"$2\" }|" "$TMP/$1/report.lua"
}
# where COLOUR: "COUNT LEFT TOP WIDTH HEIGHT CENTRE RIGHT" of that colour on page 1 at 60 dpi
where() { python3 tests/tools/pixels.py "$TMP/page-1.ppm" "$1"; }
# at X Y: the colour class of one pixel of page 1 (white, or "other")
at() {
    python3 - "$TMP/page-1.ppm" "$1" "$2" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
magic, w, h, maxval, px = data.split(maxsplit=4)
w, x, y = int(w), int(sys.argv[2]), int(sys.argv[3])
r, g, b = px[3 * (y * w + x):3 * (y * w + x) + 3]
print("white" if min(r, g, b) > 245 else "other")
PY
}

# ---- the drawing ----
run render "$R" -o "$TMP/c.pdf"
check "render: exit 0 (got $(rc): $(cat "$TMP/err"))" test "$(rc)" -eq 0
check "render: nothing on stderr but the summary" test "$(grep -vc '^folio: wrote' "$TMP/err")" -eq 0
check "qpdf --check" qpdf --check "$TMP/c.pdf" >/dev/null
pdffonts "$TMP/c.pdf" >/dev/null 2>"$TMP/fonts.err"
check "pdffonts without warnings" test ! -s "$TMP/fonts.err"
check "one page" test "$(pdfinfo "$TMP/c.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')" = 1
pdf_text "$TMP/c.pdf" "$TMP/t"
TEXT=$(one_line "$TMP/t")
has() { case "$TEXT" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
for s in "Left label" "Centred label" "Right label" "Figure 1. Every canvas command." \
    "A paragraph before the drawing." "A paragraph after the drawing."; do
    check "text reads back: '$s'" has "$s"
done
check "pdftotext without warnings" test ! -s "$TMP/t.err"
# In reading order: the paragraph, the drawing's labels, the caption, the next paragraph.
check "the drawing sits between the paragraphs, its caption under it" \
    has "A paragraph before the drawing. Left label Centred label Right label Figure 1. Every canvas command. A paragraph after"

pdftoppm -r 60 "$TMP/c.pdf" "$TMP/page"
# The red disc, r = 40 pt: about 67 px across at 60 dpi, round, red at its centre.
read -r n _ _ w h centre _ <<<"$(where red)"
check "red disc: $n pixels, ${w}x$h (about 67x67)" test "$n" -gt 3000 -a "$w" -ge 64 -a "$w" -le 70 -a "$h" -ge 64 -a "$h" -le 70
check "red disc: its centre is red (got $centre)" test "$centre" = red
# The blue square, 100 pt wide at (340, 150) in a 400 x 200 box: only 60 x 50 pt of it shows.
read -r n x y w h centre _ <<<"$(where blue)"
check "blue square: cut to about 50x42 px (got ${w}x$h; 83x83 uncut)" test "$w" -ge 47 -a "$w" -le 53 -a "$h" -ge 39 -a "$h" -le 45
check "blue square: its centre is blue (got $centre)" test "$centre" = blue
# The box is centred on the A4 page (595.276 pt): its right edge at 297.6 + 200 pt = 414.7 px; its
# bottom 50 pt (41.7 px) under the square's top.
check "blue square: its right edge is the box's, about 415 px (got $((x + w)))" test $((x + w)) -ge 413 -a $((x + w)) -le 416
check "blue square: the pixel just right of the box is white" test "$(at 417 $((y + 20)))" = white
check "blue square: the pixel just under the box is white" test "$(at $((x + 20)) $((y + 44)))" = white
check "blue square: the pixel just inside its left edge is not white" test "$(at $((x + 1)) $((y + h / 2)))" = other
# The green line, 100 pt long and 6 pt wide: about 83 x 5 px.
read -r n _ _ w h _ _ <<<"$(where green)"
check "green line: about 83x5 px (got ${w}x$h)" test "$w" -ge 80 -a "$w" -le 86 -a "$h" -ge 4 -a "$h" -le 7
rm -f "$TMP"/page-*.ppm

run render "$R" -o "$TMP/again.pdf"
check "byte-identical when made again" cmp -s "$TMP/c.pdf" "$TMP/again.pdf"

# ---- mistakes: exit 1, no PDF, the plugin named with the place and what was expected ----
# bad MODE WHAT...: the run fails and stderr holds each WHAT
bad() {
    local mode=$1
    shift
    variant bad "$mode"
    rm -f "$TMP/bad.pdf"
    run render "$TMP/bad" -o "$TMP/bad.pdf"
    check "$mode: exit 1 (got $(rc))" test "$(rc)" -eq 1
    check "$mode: no PDF written" test ! -e "$TMP/bad.pdf"
    for what in "$@"; do
        check "$mode: says '$what' (got: $(head -1 "$TMP/err"))" grep -qF -- "$what" "$TMP/err"
    done
}
bad bad "bad/plugins/drawing.lua: error: build() result [3].ops[13][3]: expected a number, got string"
bad bad_call "bad/plugins/drawing.lua:35: error: canvas:line: argument 3 must be a number, got string"
bad bad_colour "drawing.lua: error: build() result [3].ops[13][5].fill: unknown colour \"purple-ish\"; expected \"#rrggbb\""
bad many "drawing.lua:40: error: canvas:line: more than 40000 drawing commands in one canvas"
bad many_by_hand "drawing.lua: error: build() result [3].ops: more than 40000 drawing commands (each path segment counts as one)"
bad noalt "drawing.lua:12: error: blocks.canvas: expected alt = \"...\": a text alternative"
bad noalt_by_hand "drawing.lua: error: build() result [1].alt: missing; expected a text alternative"

finish
