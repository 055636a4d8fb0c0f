# The saved PDF is packed into compressed object streams by engine/pdf/objstm.c
# (docs/pdf-size-and-startup.md): the default report is under 78 KB, most objects are in object
# streams, reruns are byte-identical with and without SOURCE_DATE_EPOCH, the XMP stays plain and
# pdfcheck.py and tagcheck.py pass, and font programs are deflated at a faster level than page
# content.
source "$(dirname "$0")/lib.sh"

PDF=$TMP/default.pdf
"$FOLIO" render reports/4pi-reality-impact -o "$PDF" 2>"$TMP/err"
check "default report renders" test $? -eq 0
size=$(stat -c %s "$PDF")
check "default report under 78 KB (is $size bytes)" test "$size" -lt 78000
qpdf --show-xref "$PDF" >"$TMP/xref" 2>"$TMP/xref.err"
compressed=$(grep -c 'compressed; stream =' "$TMP/xref")
check "objects in object streams ($compressed)" test "$compressed" -ge 300
check "a cross-reference stream" grep -q '/Type /XRef' <(qpdf --show-object=trailer "$PDF")
check "qpdf --check clean" qpdf --check "$PDF" >/dev/null 2>&1
pdfinfo "$PDF" >/dev/null 2>"$TMP/info.err"
check "pdfinfo without warnings" test ! -s "$TMP/info.err"
pdffonts "$PDF" >/dev/null 2>"$TMP/fonts.err"
check "pdffonts without warnings" test ! -s "$TMP/fonts.err"
xmp=$(qpdf --show-object=trailer "$PDF" | grep -o '/Root [0-9]*' | cut -d' ' -f2)
xmp=$(qpdf --show-object="$xmp" "$PDF" | grep -o '/Metadata [0-9]*' | cut -d' ' -f2)
check "the XMP is a stream of its own ($xmp)" test -n "$xmp"
check "the XMP is not filtered" test "$(qpdf --show-object="$xmp" "$PDF" | grep -c /Filter)" -eq 0
check "the XMP reads back" grep -q '<pdfaid:part>2</pdfaid:part>' <(pdfinfo -meta "$PDF")
python3 tests/tools/pdfcheck.py "$PDF" >"$TMP/check" 2>&1
check "pdfcheck.py passes ($(head -c 300 "$TMP/check"))" grep -q ': ok (' "$TMP/check"
python3 tests/tools/tagcheck.py "$PDF" >"$TMP/tags" 2>&1
check "tagcheck.py passes ($(head -c 300 "$TMP/tags"))" test $? -eq 0

# Reruns: the same bytes, with the fixed date of lib.sh and without one.
"$FOLIO" render reports/4pi-reality-impact -o "$TMP/again.pdf" 2>/dev/null
check "two runs byte-identical (SOURCE_DATE_EPOCH set)" cmp -s "$PDF" "$TMP/again.pdf"
(unset SOURCE_DATE_EPOCH; "$FOLIO" render reports/4pi-reality-impact -o "$TMP/n1.pdf" 2>/dev/null)
sleep 1.1
(unset SOURCE_DATE_EPOCH; "$FOLIO" render reports/4pi-reality-impact -o "$TMP/n2.pdf" 2>/dev/null)
check "two runs byte-identical (no SOURCE_DATE_EPOCH)" cmp -s "$TMP/n1.pdf" "$TMP/n2.pdf"

# Untagged and without a standard the pass runs as well.
"$FOLIO" render reports/4pi-reality-impact --pdf-standard none -o "$TMP/none.pdf" 2>/dev/null
check "--pdf-standard none: renders, qpdf --check clean" qpdf --check "$TMP/none.pdf" >/dev/null 2>&1
check "--pdf-standard none: object streams" test "$(qpdf --show-xref "$TMP/none.pdf" | grep -c 'compressed; stream =')" -ge 1

# Deflate levels by kind of data (zlib header: 78 01 is the fastest level, 78 9C the default):
# font programs and the ICC profile at libdeflate's level 1, page content at level 6.
levels() { # levels PDF: "kind zlib-header" for each font program, ICC profile and page content
    python3 - "$1" <<'PY'
import json, subprocess, sys
pdf = sys.argv[1]
objs = json.loads(subprocess.run(["qpdf", "--json=2", pdf], capture_output=True).stdout)["qpdf"][1]
def head(ref):
    data = subprocess.run(["qpdf", "--show-object=" + ref.split()[0], "--raw-stream-data", pdf], capture_output=True).stdout
    return data[:2].hex()
def walk(v):
    if isinstance(v, list):
        for x in v:
            walk(x)
    elif isinstance(v, dict):
        for key, kind in (("/FontFile2", "font"), ("/DestOutputProfile", "icc"), ("/Contents", "content")):
            if isinstance(v.get(key), str) and v[key].endswith(" R"):
                print(kind, head(v[key]))
        for x in v.values():
            walk(x)
for o in objs.values():
    walk(o.get("value", o.get("stream", {}).get("dict")))
PY
}
levels "$PDF" >"$TMP/levels"
check "font programs deflated fast ($(sort -u "$TMP/levels" | tr '\n' ' '))" \
    test "$(grep -c '^font 7801$' "$TMP/levels")" -eq 3
check "the ICC profile deflated fast" grep -qx 'icc 7801' "$TMP/levels"
check "page content at the default level" \
    test "$(grep -c '^content 789c$' "$TMP/levels")" -eq 11

finish
