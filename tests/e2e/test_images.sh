# Images: every kind of PNG and JPEG folio reads is embedded as it should be (pdfimages: size,
# bits, colour space, soft mask) and looks right on the page (the colour where the picture is,
# the page white where it is transparent); each file is embedded once; the logo is on the cover;
# Markdown images become figures. Every broken or forbidden image is exit 1 naming the file and
# the plugin, with no PDF written (the previous one intact), or a marked box under --keep-going.
source "$(dirname "$0")/lib.sh"
R=tests/data/reports/images
run() { "$FOLIO" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }

# variant NAME SECTION-OPTIONS: a copy of the report whose gallery section has those options.
variant() {
    rm -rf "$TMP/$1"
    cp -r "$R" "$TMP/$1"
    sed -i "s|{ \"gallery\" }|{ \"gallery\", $2 }|" "$TMP/$1/report.lua"
}
# pdfimages -list rows: "page width height colour comp bpc enc" per image (smask rows included).
images() { pdfimages -list "$1" 2>"$TMP/pdfimages.err" | awk 'NR > 2 { print $1, $3, $4, $5, $6, $7, $8, $9 }'; }
# where PDF PAGE COLOUR: "COUNT LEFT TOP WIDTH HEIGHT CENTRE RIGHT" of that colour on the page
# at 30 dpi (tests/tools/pixels.py)
where() {
    pdftoppm -r 30 -f "$2" -l "$2" "$1" "$TMP/page" && python3 tests/tools/pixels.py "$TMP"/page-*"$2".ppm "$3"
    rm -f "$TMP"/page-*.ppm
}
# aspect W H LO HI: LO <= W/H <= HI
aspect() { awk -v w="$1" -v h="$2" -v lo="$3" -v hi="$4" 'BEGIN { exit !(h > 0 && w / h >= lo && w / h <= hi) }'; }

# ---- each fixture alone: embedded right, looks right ----
# one FILE "pdfimages row of the picture" SMASK(yes/no) COLOUR ASPECT-LO ASPECT-HI
one() {
    local file=$1 row=$2 smask=$3 colour=$4 lo=$5 hi=$6
    variant one "only = \"images/$file\", width = 1"
    run render "$TMP/one" -o "$TMP/one.pdf"
    check "$file: exit 0 (got $(rc): $(cat "$TMP/err"))" test "$(rc)" -eq 0
    check "$file: nothing on stderr but the summary" test "$(grep -vc '^folio: wrote' "$TMP/err")" -eq 0
    images "$TMP/one.pdf" >"$TMP/list"
    check "$file: pdfimages lists '2 $row' (got $(tr '\n' ';' <"$TMP/list"))" grep -qxF "2 $row" "$TMP/list"
    if [ "$smask" = yes ]; then
        check "$file: has a soft mask" grep -q '^2 smask' "$TMP/list"
    else
        check "$file: no soft mask" test "$(grep -c '^2 smask' "$TMP/list")" -eq 0
    fi
    check "$file: pdfimages without warnings" test ! -s "$TMP/pdfimages.err"
    read -r n x y w h centre _ <<<"$(where "$TMP/one.pdf" 2 "$colour")"
    check "$file: $colour on the page ($n pixels)" test "$n" -gt 1000
    check "$file: the $colour area is ${w}x$h, aspect within $lo..$hi" aspect "$w" "$h" "$lo" "$hi"
    check "$file: the centre of the $colour area is $colour (got $centre)" test "$centre" = "$colour"
}
#   file              pdfimages: w h colour comp bpc enc    smask colour aspect (40x30 = 1.33)
one rgb8.png "image 40 30 rgb 3 8 image" no red 1.25 1.42
one grey8.png "image 40 30 gray 1 8 image" no grey 1.25 1.42
one grey1.png "image 40 30 gray 1 8 image" no black 0.6 0.74
one gamma0.png "image 40 30 rgb 3 8 image" no red 1.25 1.42
one rgb16.png "image 40 30 rgb 3 8 image" no green 1.25 1.42
one interlaced.png "image 40 30 rgb 3 8 image" no blue 2.4 2.95
# Transparent halves: only the opaque half shows (20x30 = 0.67, 40x15 = 2.67).
one rgba8.png "image 40 30 rgb 3 8 image" yes blue 0.6 0.74
one greya8.png "image 40 30 gray 1 8 image" yes black 2.4 2.95
one greya16.png "image 40 30 gray 1 8 image" yes black 0.6 0.74
one palette.png "image 40 30 rgb 3 8 image" yes red 0.6 0.74
# JPEG passes through (DCTDecode); 64x48 = 1.33.
one red.jpg "image 64 48 rgb 3 8 jpeg" no red 1.25 1.42
one grey.jpg "image 64 48 gray 1 8 jpeg" no grey 1.25 1.42
one progressive.jpg "image 64 48 rgb 3 8 jpeg" no blue 1.25 1.42
one cmyk.jpg "image 64 48 cmyk 4 8 jpeg" no cyan 1.25 1.42
one cmyk-plain.jpg "image 64 48 cmyk 4 8 jpeg" no cyan 1.25 1.42

# The transparent half of an RGBA picture shows the page: white right of the blue.
variant one 'only = "images/rgba8.png", width = 1'
run render "$TMP/one" -o "$TMP/one.pdf"
read -r _ _ _ _ _ _ right <<<"$(where "$TMP/one.pdf" 2 blue)"
check "rgba8.png: the transparent half is white (got $right)" test "$right" = white
# Interlaced: red above blue, each half of the picture.
variant one 'only = "images/interlaced.png", width = 1'
run render "$TMP/one" -o "$TMP/one.pdf"
read -r _ _ ry _ rh _ <<<"$(where "$TMP/one.pdf" 2 red)"
read -r _ _ by _ _ _ <<<"$(where "$TMP/one.pdf" 2 blue)"
check "interlaced.png: red above blue ($ry + $rh ~ $by)" test $((ry + rh - by)) -le 1 -a $((by - ry - rh)) -le 1

# ---- the whole report ----
run render "$R" -o "$TMP/all.pdf"
check "report: exit 0 (got $(rc))" test "$(rc)" -eq 0
check "report: qpdf --check" qpdf --check "$TMP/all.pdf" >/dev/null
pdfimages -list "$TMP/all.pdf" 2>/dev/null | awk 'NR > 2 && $3 == "image" { print $11 }' | sort -u >"$TMP/ids"
check "report: 14 files, each embedded once (got $(wc -l <"$TMP/ids") objects)" test "$(wc -l <"$TMP/ids")" -eq 14
check "report: the logo is on the cover" test "$(images "$TMP/all.pdf" | grep -c '^1 image')" -eq 1
read -r _ _ _ _ h _ <<<"$(where "$TMP/all.pdf" 1 red)"
check "report: the cover logo is at most 72 pt (30 px) tall (got $h)" test "$h" -le 31 -a "$h" -ge 20
pdf_text "$TMP/all.pdf" "$TMP/t"
TEXT=$(one_line "$TMP/t")
has() { case "$TEXT" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
check "report: a caption" has "Figure 3. A black rectangle, its right half white (PNG, grey, 1-bit)"
check "report: the Markdown image's caption" has "Figure 15. An image from Markdown"
check "report: the Markdown prose" has "A paragraph of prose before a picture named in Markdown"
check "report: pdftotext without warnings" test ! -s "$TMP/t.err"
# Same inputs, same PDF.
run render "$R" -o "$TMP/again.pdf"
check "report: byte-identical when made again" cmp -s "$TMP/all.pdf" "$TMP/again.pdf"
# A picture wider and taller than the page body (width 2000 pt) is scaled to the column.
variant wide 'only = "images/red.jpg", width = 2000'
run render "$TMP/wide" -o "$TMP/wide.pdf"
read -r _ _ _ w _ _ <<<"$(where "$TMP/wide.pdf" 2 red)"
page_w=$(pdftoppm -r 30 -f 2 -l 2 "$TMP/wide.pdf" "$TMP/pw" && head -c 20 "$TMP"/pw-*2.ppm | sed -n 2p | cut -d' ' -f1)
rm -f "$TMP"/pw-*.ppm
check "width 2000: never wider than the column (${w} px of a ${page_w} px page)" test "$w" -lt $((page_w * 85 / 100)) -a "$w" -gt $((page_w * 6 / 10))

# ---- broken and forbidden images: exit 1, named, no PDF, the previous one intact ----
# bad OPTIONS WHAT...: the run fails and stderr holds each WHAT
bad() {
    local opts=$1
    shift
    variant bad "$opts"
    echo previous >"$TMP/prev.pdf"
    run render "$TMP/bad" -o "$TMP/prev.pdf"
    check "$opts: exit 1 (got $(rc))" test "$(rc)" -eq 1
    check "$opts: the previous PDF is intact" test "$(cat "$TMP/prev.pdf")" = previous
    check "$opts: no temporary file left" test "$(ls -a "$TMP" | grep -c '^\.prev')" -eq 0
    for what in "$@"; do
        check "$opts: says '$what' (got: $(head -1 "$TMP/err"))" grep -qF -- "$what" "$TMP/err"
    done
    check "$opts: no crash" test "$(grep -c -i 'abort\|sanitizer\|core dumped' "$TMP/err")" -eq 0
}
G="$TMP/bad/plugins/gallery.lua: error: image $TMP/bad/images"
bad 'only = "images/bad-filter.png"' "$G/bad-filter.png: not a readable PNG image (bad adaptive filter value)"
bad 'only = "images/truncated.png"' "$G/truncated.png: not a readable PNG image (the file is truncated)"
bad 'only = "images/truncated.jpg"' "$G/truncated.jpg: not a readable JPEG image (Premature end of JPEG file)"
bad 'only = "images/not-an-image.png"' "$G/not-an-image.png: not a PNG or JPEG image"
bad 'only = "images/empty.png"' "$G/empty.png: the file is empty; expected a PNG or JPEG image"
bad 'only = "images/missing.png"' "$G/missing.png: no such file"
bad 'only = "images/huge.png"' "$G/huge.png: 20000 x 20000 pixels is more than the limit of 100 million pixels"
bad 'only = "images"' "$G: not a file"
bad 'only = "images/../report.lua"' \
    "gallery.lua: error: build() result [2].file: \"images/../report.lua\" must name a PNG or JPEG file inside the report folder"
bad 'only = "/etc/hostname"' "build() result [2].file: \"/etc/hostname\" must name a PNG or JPEG file inside the report folder"
# A symbolic link leading out of the report folder.
variant bad 'only = "images/out.png"'
cp "$R/images/rgb8.png" "$TMP/outside.png"
ln -s "$TMP/outside.png" "$TMP/bad/images/out.png"
run render "$TMP/bad" -o "$TMP/prev.pdf"
check "symlink out: exit 1" test "$(rc)" -eq 1
check "symlink out: named" grep -qF "$G/out.png: leads outside the report folder" "$TMP/err"
# A block without alt text, made by hand (blocks.image raises at the plugin's line itself).
variant bad 'only = "images/rgb8.png", no_alt = true'
run render "$TMP/bad" -o "$TMP/prev.pdf"
check "no alt: exit 1" test "$(rc)" -eq 1
check "no alt: names the block path" grep -qF "gallery.lua: error: build() result [2].alt: missing; expected a text alternative" "$TMP/err"
# A Markdown image without alt text, and a remote one.
variant bad 'markdown = "bad.md"'
printf 'Text.\n\n![](images/rgb8.png)\n' >"$TMP/bad/bad.md"
run render "$TMP/bad" -o "$TMP/prev.pdf"
check "markdown no alt: exit 1" test "$(rc)" -eq 1
check "markdown no alt: names the file and line" grep -qF "bad.md:3: image \"images/rgb8.png\" needs a text alternative" "$TMP/err"
printf '![a chart](https://example.org/chart.png)\n' >"$TMP/bad/bad.md"
run render "$TMP/bad" -o "$TMP/prev.pdf"
check "markdown remote image: named" grep -qF "bad.md:1: image \"https://example.org/chart.png\": an image must be a PNG or JPEG file inside the report folder (no web address" "$TMP/err"
# found by fuzzing: a path that leaves the folder without "://" is refused here too, at its line
printf 'Text.\n\n![a chart](https:/..//x.png)\n' >"$TMP/bad/bad.md"
run render "$TMP/bad" -o "$TMP/prev.pdf"
check "markdown image with ..: exit 1" test "$(rc)" -eq 1
check "markdown image with ..: named at its line" grep -qF "bad.md:3: image \"https:/..//x.png\": an image must be" "$TMP/err"
# report.lua's logo outside the folder, and one that is missing.
variant bad 'only = "images/rgb8.png"'
sed -i 's|logo = "images/palette.png"|logo = "../logo.png"|' "$TMP/bad/report.lua"
run render "$TMP/bad" -o "$TMP/prev.pdf"
check "logo ..: exit 1" test "$(rc)" -eq 1
check "logo ..: names report.lua" grep -qF "report.lua: error: logo: \"../logo.png\" must name a PNG or JPEG file inside the report folder" "$TMP/err"
sed -i 's|logo = "../logo.png"|logo = "images/nologo.png"|' "$TMP/bad/report.lua"
run render "$TMP/bad" -o "$TMP/prev.pdf"
check "logo missing: names the cover and the file" grep -qF "cover.lua: error: image $TMP/bad/images/nologo.png: no such file" "$TMP/err"

# ---- --keep-going: the section with the bad image is a marked box, the rest is there ----
variant kg 'only = "images/bad-filter.png" }, { "gallery"'
run render "$TMP/kg" -o "$TMP/kg.pdf" --keep-going
check "--keep-going: exit 3 (got $(rc))" test "$(rc)" -eq 3
pdf_text "$TMP/kg.pdf" "$TMP/kt"
TEXT=$(one_line "$TMP/kt")
check "--keep-going: the box names the plugin" has "This section could not be made: $TMP/kg/plugins/gallery.lua: image"
check "--keep-going: the box says what is wrong" has "not a readable PNG image (bad adaptive filter value)"
check "--keep-going: the other section's figures are there" has "Figure 14. A solid cyan rectangle"
check "--keep-going: check" qpdf --check "$TMP/kg.pdf" >/dev/null

finish
