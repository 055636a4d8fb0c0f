# Reproducible and provable output: the same inputs, engine and period give the same bytes on
# every run; the date comes from SOURCE_DATE_EPOCH, else the period's end, else the data, never
# the clock; the PDF's Info dictionary carries each input's file name and SHA-256.
source "$(dirname "$0")/lib.sh"
unset SOURCE_DATE_EPOCH # lib.sh sets it; here the date must come from the report itself
REPORT=reports/4pi-reality-impact
MIN=tests/data/e2e-reports/minimal
run() { "$FOLIO" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }
info() { pdfinfo -custom "$1" 2>"$TMP/pdfinfo.err" | sed -n "s/^$2: *//p"; }

# Two runs a second apart, from different folders: byte-identical.
mkdir -p "$TMP/a" "$TMP/b"
(cd "$TMP/a" && "$FOLIO" render "$OLDPWD/$REPORT" -o one.pdf 2>/dev/null)
sleep 1.1
(cd "$TMP/b" && "$FOLIO" render "$OLDPWD/$REPORT" -o two.pdf 2>/dev/null)
check "two runs a second apart are byte-identical" cmp "$TMP/a/one.pdf" "$TMP/b/two.pdf"
"$FOLIO" render $REPORT --year 2025 -o "$TMP/y1.pdf" 2>/dev/null
sleep 1.1
"$FOLIO" render $REPORT --year 2025 -o "$TMP/y2.pdf" 2>/dev/null
check "two runs of --year 2025 are byte-identical" cmp "$TMP/y1.pdf" "$TMP/y2.pdf"
# The heap on huge pages (core/heap.h) changes where memory is, never what is made.
FOLIO_HUGE_PAGES=0 "$FOLIO" render $REPORT --year 2025 -o "$TMP/y3.pdf" 2>/dev/null
check "huge pages off (FOLIO_HUGE_PAGES=0): the same bytes" cmp "$TMP/y1.pdf" "$TMP/y3.pdf"

# Where the date comes from. The default report's inputs end on their latest date (in
# a date column), today is not that day, and --year 2025 ends on 2025-12-31.
latest=$(python3 - "$REPORT/data" <<'PY'
import csv, glob, sys
dates = []
for f in glob.glob(sys.argv[1] + "/*.csv"):
    for row in csv.DictReader(open(f, encoding="utf-8-sig")):
        for k in ("submitted_at", "interviewed_on", "signed_up_on"):  # report.lua's date columns
            if row.get(k):
                dates.append(row[k][:10])
print(max(dates))
PY
)
check "no period: CreationDate is the data's latest date ($latest)" \
    test "$(info "$TMP/a/one.pdf" CreationDate)" = "$(date -u -d "$latest" '+%a %b %e %H:%M:%S %Y UTC')"
check "the period's end: CreationDate 2025-12-31" \
    test "$(info "$TMP/y1.pdf" CreationDate)" = "Wed Dec 31 00:00:00 2025 UTC"
check "ModDate is the CreationDate" test "$(info "$TMP/y1.pdf" ModDate)" = "$(info "$TMP/y1.pdf" CreationDate)"
pdftotext "$TMP/y1.pdf" "$TMP/y1.txt"
check "the cover says 'Published 31 December 2025'" grep -q "Published 31 December 2025" "$TMP/y1.txt"
SOURCE_DATE_EPOCH=1795392000 "$FOLIO" render $REPORT --year 2025 -o "$TMP/sde.pdf" 2>/dev/null
check "SOURCE_DATE_EPOCH wins over the period" \
    test "$(info "$TMP/sde.pdf" CreationDate)" = "Mon Nov 23 00:00:00 2026 UTC"
check "the cover says 'Published 23 November 2026'" grep -q "Published 23 November 2026" <(pdftotext "$TMP/sde.pdf" -)
SOURCE_DATE_EPOCH=tomorrow run render $REPORT -o "$TMP/bad.pdf"
check "a malformed SOURCE_DATE_EPOCH: exit 1" test "$(rc)" -eq 1
check "a malformed SOURCE_DATE_EPOCH: message" \
    grep -qF 'folio: error: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC (such as 1767225600), not "tomorrow"' "$TMP/err"
check "a malformed SOURCE_DATE_EPOCH: no PDF" test ! -e "$TMP/bad.pdf"
# No period and no date column: no date at all (never the clock).
cp -r "$MIN" "$TMP/nodate"
sed -i '/date = "submitted_at",/d; s/sections = { { "count" } }/sections = { { "cover" }, { "count" } }/' "$TMP/nodate/report.lua"
run render "$TMP/nodate" -o "$TMP/nodate.pdf"
check "no date anywhere: renders" test "$(rc)" -eq 0
check "no date anywhere: no CreationDate" test -z "$(info "$TMP/nodate.pdf" CreationDate)"
pdftotext "$TMP/nodate.pdf" "$TMP/nodate.txt"
check "no date anywhere: the cover is drawn" grep -q Minimal "$TMP/nodate.txt"
check "no date anywhere: the cover says no 'Published'" lacks "$TMP/nodate.txt" Published

# The inputs' names and SHA-256 in the Info dictionary.
for f in benefits interviews signatories survey; do
    check "Input_$f: file name and SHA-256 of $f.csv" \
        test "$(info "$TMP/a/one.pdf" "Input_$f")" = "data/$f.csv sha256:$(sha256sum <"$REPORT/data/$f.csv" | cut -d' ' -f1)"
done
check "pdfinfo reads the metadata without complaint" test ! -s "$TMP/pdfinfo.err"
check "qpdf --check" qpdf --check "$TMP/a/one.pdf" >/dev/null
# libharu's own /ID is time-based and not written; the one qpdf writes is an MD5 of the content.
check "a trailer /ID" grep -q /ID <(qpdf --show-object=trailer "$TMP/a/one.pdf")
check "the trailer /ID is the same in both runs" \
    test "$(qpdf --show-object=trailer "$TMP/a/one.pdf" | grep -o '/ID.*')" = "$(qpdf --show-object=trailer "$TMP/b/two.pdf" | grep -o '/ID.*')"
cp -r "$MIN" "$TMP/m"
"$FOLIO" render "$TMP/m" -o "$TMP/m1.pdf" 2>/dev/null
sed -i '2s/,3$/,4/' "$TMP/m/survey.csv" # one byte of the input
"$FOLIO" render "$TMP/m" -o "$TMP/m2.pdf" 2>/dev/null
before=$(info "$TMP/m1.pdf" Input_survey)
after=$(info "$TMP/m2.pdf" Input_survey)
check "one byte of an input changes its SHA-256 in the PDF" test -n "$before" -a "$before" != "$after"
check "the new SHA-256 is the file's" test "$after" = "survey.csv sha256:$(sha256sum <"$TMP/m/survey.csv" | cut -d' ' -f1)"
finish
