# PDF/A-2 and the --pdf-standard option (docs/accessibility.md): the default report passes
# tests/tools/pdfcheck.py as PDF/A-2b by default and when asked, reads back with qpdf, pdfinfo
# and pdffonts, is byte-identical over two runs, and looks exactly as without the claim; every
# rule of pdfcheck.py fails on a PDF broken for it; bad values are refused with their name.
source "$(dirname "$0")/lib.sh"
R=reports/4pi-reality-impact
IMAGES=tests/data/reports/images
run() { "$FOLIO" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }
pdfcheck() { python3 tests/tools/pdfcheck.py "$@" >"$TMP/check" 2>&1; }
# only_summary: stderr holds the "folio: wrote" line and nothing else
only_summary() { test "$(grep -vc '^folio: wrote' "$TMP/err")" -eq 0; }

# ---- the default report: PDF/A-2b by default and when asked ----
for how in default a-2b; do
    pdf=$TMP/$how.pdf
    if [ $how = default ]; then run render $R -o "$pdf"; else run render $R --pdf-standard a-2b -o "$pdf"; fi
    check "$how: exit 0 (got $(rc): $(cat "$TMP/err"))" test "$(rc)" -eq 0
    check "$how: nothing on stderr but the summary" only_summary
    pdfcheck --expect a-2b "$pdf"
    check "$how: pdfcheck.py a-2b passes ($(cat "$TMP/check"))" grep -q ': ok (' "$TMP/check"
    check "$how: qpdf --check clean" qpdf --check "$pdf" >/dev/null 2>&1
    pdfinfo "$pdf" >"$TMP/info" 2>"$TMP/info.err"
    check "$how: pdfinfo without warnings" test ! -s "$TMP/info.err"
    check "$how: pdfinfo shows the title" contains "$TMP/info" "Title:           4Pi Reality and Impact"
    check "$how: pdfinfo shows the author" contains "$TMP/info" "Author:          National Survivor User Network (NSUN)"
    check "$how: pdfinfo shows the date" contains "$TMP/info" "CreationDate:    Mon Nov 23 00:00:00 2026 UTC"
    check "$how: pdfinfo shows a metadata stream" contains "$TMP/info" "Metadata Stream: yes"
    check "$how: PDF 1.7" contains "$TMP/info" "PDF version:     1.7"
    pdfinfo -meta "$pdf" >"$TMP/meta" 2>"$TMP/meta.err"
    check "$how: pdfinfo -meta without warnings" test ! -s "$TMP/meta.err"
    check "$how: XMP title" contains "$TMP/meta" '<rdf:li xml:lang="x-default">4Pi Reality and Impact</rdf:li>'
    check "$how: XMP author" contains "$TMP/meta" '<dc:creator><rdf:Seq><rdf:li>National Survivor User Network (NSUN)</rdf:li>'
    check "$how: XMP language" contains "$TMP/meta" '<dc:language><rdf:Bag><rdf:li>en-GB</rdf:li>'
    check "$how: XMP date with its zone" contains "$TMP/meta" '<xmp:CreateDate>2026-11-23T00:00:00+00:00</xmp:CreateDate>'
    check "$how: XMP claims PDF/A-2b" contains "$TMP/meta" '<pdfaid:part>2</pdfaid:part>'
    check "$how: XMP conformance B" contains "$TMP/meta" '<pdfaid:conformance>B</pdfaid:conformance>'
    check "$how: XMP claims no PDF/UA" lacks "$TMP/meta" 'pdfuaid'
    pdffonts "$pdf" >"$TMP/fonts" 2>"$TMP/fonts.err"
    check "$how: pdffonts without warnings" test ! -s "$TMP/fonts.err"
    check "$how: every font embedded" awk 'NR > 2 && $(NF-4) != "yes" { bad = 1 } END { exit bad }' "$TMP/fonts"
    check "$how: no base-14 font" test "$(grep -cE '^(Helvetica|Times|Courier|Symbol|ZapfDingbats)' "$TMP/fonts")" -eq 0
done
check "the default is a-2b: the same bytes" cmp -s "$TMP/default.pdf" "$TMP/a-2b.pdf"
qpdf --show-object=trailer "$TMP/default.pdf" >"$TMP/trailer" 2>&1
check "/ID in the trailer" grep -qE '/ID \[ <[0-9a-f]{32}> <[0-9a-f]{32}> \]' "$TMP/trailer"
check "the sRGB profile is the output intent" test "$(qpdf --json "$TMP/default.pdf" | grep -c '/GTS_PDFA1')" -ge 1

# Reproducible: a second run is byte-identical (and so has the same /ID); another date, another /ID.
run render $R -o "$TMP/again.pdf"
check "two runs byte-identical" cmp -s "$TMP/default.pdf" "$TMP/again.pdf"
pdfcheck --same-id "$TMP/again.pdf" "$TMP/default.pdf"
check "pdfcheck --same-id passes for two runs" grep -q ': ok (' "$TMP/check"
SOURCE_DATE_EPOCH=1795478400 run render $R -o "$TMP/later.pdf"
pdfcheck --same-id "$TMP/later.pdf" "$TMP/default.pdf"
check "another date gives another /ID" grep -q 'id: /ID differs' "$TMP/check"

# The claim does not change how a page looks.
run render $R --pdf-standard none -o "$TMP/none.pdf"
check "none: exit 0" test "$(rc)" -eq 0
pdfinfo -meta "$TMP/none.pdf" >"$TMP/meta" 2>&1
check "none: no XMP" test ! -s "$TMP/meta"
pdfcheck --expect none "$TMP/none.pdf"
check "none: pdfcheck.py --expect none passes" grep -q ': ok (' "$TMP/check"
pdftoppm -png -r 60 "$TMP/none.pdf" "$TMP/none" && pdftoppm -png -r 60 "$TMP/default.pdf" "$TMP/a2b"
n=$(ls "$TMP"/none-*.png | wc -l)
check "pages rendered ($n)" test "$n" -ge 6
same=0
for f in "$TMP"/none-*.png; do cmp -s "$f" "$TMP/a2b-${f##*-}" && same=$((same + 1)); done
check "every page's pixels unchanged by PDF/A ($same of $n)" test "$same" -eq "$n"

# ---- a-2a and ua-1 need a tagged PDF ----
for want in ua-1 a-2a ua-1,a-2a; do
    rm -f "$TMP/tagged.pdf"
    run render $R --pdf-standard $want -o "$TMP/tagged.pdf"
    if [ "$(rc)" -eq 0 ]; then # a folio that tags: the file must pass as tagged
        pdfcheck --expect $want "$TMP/tagged.pdf"
        check "$want: tagged, and pdfcheck.py $want passes ($(cat "$TMP/check"))" grep -q ': ok (' "$TMP/check"
    else
        check "$want: exit 1 (got $(rc))" test "$(rc)" -eq 1
        named=$want
        [ "$want" = ua-1,a-2a ] && named=a-2a,ua-1 # the message lists them in one order
        check "$want: says it needs a tagged PDF" contains "$TMP/err" "--pdf-standard $named needs a tagged PDF"
        check "$want: no PDF written" test ! -e "$TMP/tagged.pdf"
    fi
done

# ---- bad values: exit 2 naming the value ----
for bad in a-3b pdf/a-2b "ua-1,,a-2b" "a-2a,a-2b" "none,ua-1" ""; do
    run render $R --pdf-standard "$bad" -o "$TMP/bad.pdf"
    check "--pdf-standard '$bad': exit 2 (got $(rc))" test "$(rc)" -eq 2
    check "--pdf-standard '$bad': named" contains "$TMP/err" "folio: --pdf-standard \"$bad\": "
    check "--pdf-standard '$bad': says what it takes" contains "$TMP/err" "--pdf-standard takes a-2b, a-2a, ua-1 or none"
done
run render $R --pdf-standard a-3b -o "$TMP/bad.pdf"
check "a-3b: why" contains "$TMP/err" '"a-3b" is not a standard folio can claim'
run check $R --pdf-standard a-2b
check "check --pdf-standard: exit 2" test "$(rc)" -eq 2
check "check --pdf-standard: says where it goes" contains "$TMP/err" "--pdf-standard is only for render and watch"
check "--help lists --pdf-standard" sh -c "'$FOLIO' --help | grep -q -- '--pdf-standard LIST'"

# ---- report.lua pdf_standard; the command line wins ----
# with VALUE: a copy of the report whose report.lua says pdf_standard = VALUE
with() {
    rm -rf "$TMP/r"
    cp -r $R "$TMP/r"
    sed -i "s|^  lang = \"en-GB\",|  lang = \"en-GB\", pdf_standard = $1,|" "$TMP/r/report.lua"
}
with '"none"'
run render "$TMP/r" -o "$TMP/r.pdf"
check "report.lua none: exit 0" test "$(rc)" -eq 0
check "report.lua none: no XMP" test "$(pdfinfo "$TMP/r.pdf" | grep -c 'Metadata Stream: yes')" -eq 0
run render "$TMP/r" --pdf-standard a-2b -o "$TMP/r.pdf"
pdfcheck --expect a-2b "$TMP/r.pdf"
check "--pdf-standard wins over report.lua" grep -q ': ok (' "$TMP/check"
with '{ "a-2b" }'
run render "$TMP/r" -o "$TMP/r.pdf"
pdfcheck --expect a-2b "$TMP/r.pdf"
check "report.lua { \"a-2b\" }: pdfcheck.py a-2b passes" grep -q ': ok (' "$TMP/check"
for bad in '"a-9z"|pdf_standard' '{ "a-2b", 3 }|pdf_standard[2]' 'true|pdf_standard' '{}|pdf_standard'; do
    field=${bad##*|} bad=${bad%|*}
    with "$bad"
    run render "$TMP/r" -o "$TMP/r.pdf"
    check "report.lua pdf_standard = $bad: exit 1 (got $(rc))" test "$(rc)" -eq 1
    check "report.lua pdf_standard = $bad: names report.lua and $field" contains "$TMP/err" "report.lua: error: $field: "
    check "report.lua pdf_standard = $bad: says what it takes" contains "$TMP/err" '"a-2b", "a-2a", "ua-1" or "none"'
done
with '{ "ua-1", "a-2x" }'
run render "$TMP/r" -o "$TMP/r.pdf"
check "report.lua: the wrong name is named" contains "$TMP/err" '"a-2x" is not a standard folio can claim'

# ---- images: transparency is PDF/A-2's, a CMYK JPEG is not ----
rm -rf "$TMP/img"
cp -r $IMAGES "$TMP/img"
sed -i 's|{ "gallery" }|{ "gallery", only = "images/rgba8.png", width = 1 }|' "$TMP/img/report.lua"
run render "$TMP/img" -o "$TMP/rgba.pdf"
check "RGBA image: exit 0" test "$(rc)" -eq 0
pdfcheck --expect a-2b "$TMP/rgba.pdf"
check "RGBA image (soft mask): pdfcheck.py a-2b passes ($(cat "$TMP/check"))" grep -q ': ok (' "$TMP/check"
run render "$TMP/img" --pdf-standard none -o "$TMP/rgba-none.pdf"
pdftoppm -png -r 60 -f 2 -l 2 "$TMP/rgba.pdf" "$TMP/rgba" && pdftoppm -png -r 60 -f 2 -l 2 "$TMP/rgba-none.pdf" "$TMP/rgban"
check "RGBA image: pixels unchanged by PDF/A" cmp -s "$TMP"/rgba-*2.png "$TMP"/rgban-*2.png
run render $IMAGES -o "$TMP/all.pdf"
check "CMYK image, the default: exit 0, quietly" test "$(rc)" -eq 0
check "CMYK image, the default: nothing on stderr but the summary" only_summary
pdfcheck --expect none "$TMP/all.pdf"
check "CMYK image, the default: claims nothing" grep -q ': ok (' "$TMP/check"
run render $IMAGES --pdf-standard a-2b -o "$TMP/all.pdf"
check "CMYK image, a-2b asked: exit 1" test "$(rc)" -eq 1
check "CMYK image, a-2b asked: names the image" contains "$TMP/err" "images/cmyk.jpg: error: a CMYK JPEG cannot go into a PDF/A file (a-2b)"

# ---- every rule of pdfcheck.py fails on a PDF broken for it ----
# breakage:the check that must fail
for pair in no-xmp:xmp bad-xml:xmp xmp-compressed:xmp xmp-title:xmp-info xmp-date:xmp-info \
            xmp-info-extra:xmp-info no-pdfaid:pdfaid undeclared:extension no-intent:output-intent \
            bad-icc:output-intent not-embedded:fonts no-id:id javascript:forbidden lzw:forbidden \
            no-lang:lang annot-hidden:forbidden encrypt:encrypt; do
    what=${pair%%:*} rule=${pair##*:}
    python3 tests/tools/pdfbreak.py "$TMP/default.pdf" "$TMP/broken.pdf" "$what" 2>"$TMP/break.err"
    check "pdfbreak $what ($(cat "$TMP/break.err"))" test -s "$TMP/broken.pdf"
    pdfcheck --expect a-2b "$TMP/broken.pdf"
    check "$what: pdfcheck.py fails" test "$(grep -c ': ok (' "$TMP/check")" -eq 0
    check "$what: pdfcheck.py names '$rule' ($(head -c 300 "$TMP/check"))" grep -q "broken.pdf: $rule: " "$TMP/check"
    rm -f "$TMP/broken.pdf"
done
check "every breakage tried" test "$(python3 tests/tools/pdfbreak.py --list | wc -l)" -eq 17
# the default report is tagged: asked for ua-1,a-2a it is made so and passes
run render $R --pdf-standard ua-1,a-2a -o "$TMP/ua.pdf"
check "ua-1,a-2a: exit 0" test "$(rc)" -eq 0
pdfcheck --expect ua-1,a-2a "$TMP/ua.pdf"
check "ua-1,a-2a: pdfcheck.py passes" grep -q 'ua.pdf: ok (' "$TMP/check"
# untagged (report.lua tagged = false): the tagged rules fail, and asking for them is an error
rm -rf "$TMP/u" && cp -r $R "$TMP/u"
sed -i 's|^  lang = "en-GB",|  lang = "en-GB", tagged = false,|' "$TMP/u/report.lua"
run render "$TMP/u" -o "$TMP/untagged.pdf"
pdfcheck --expect ua-1,a-2a "$TMP/untagged.pdf"
check "an untagged file fails the tagged rules" grep -q 'untagged.pdf: tagged: no /MarkInfo' "$TMP/check"
run render "$TMP/u" --pdf-standard ua-1 -o "$TMP/untagged-ua.pdf"
check "ua-1 on an untagged report: exit 1" test "$(rc)" -eq 1
check "ua-1 on an untagged report: no PDF" test ! -e "$TMP/untagged-ua.pdf"
pdfcheck --expect ua-1,a-2a "$TMP/default.pdf"
check "an a-2b file fails a-2a's claim" grep -q 'default.pdf: pdfaid: expected pdfaid:part 2 conformance A' "$TMP/check"
check "an a-2b file fails ua-1's claim" grep -q 'default.pdf: pdfuaid: expected pdfuaid:part 1' "$TMP/check"
pdfcheck --expect a-2b "$TMP/none.pdf"
check "a file without the claim fails a-2b" grep -q 'none.pdf: xmp: the catalog has no /Metadata stream' "$TMP/check"
pdfcheck --expect a-2b "$TMP/none.pdf"
check "links without the print flag fail" grep -q 'without the Print flag' "$TMP/check"
finish
