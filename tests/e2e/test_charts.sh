# Charts: every kind and the edge cases of the gallery (tests/data/e2e-reports/charts), rendered
# as a user would. Value labels read back with pdftotext; no two words of a page overlap; each
# page looks like its checked-in reference (tests/data/charts-reference/, regenerate with
# `tests/tools/chart_refs.py --update`); the default report's charts keep their figures.
source "$(dirname "$0")/lib.sh"
PDF=$TMP/charts.pdf
"$FOLIO" render tests/data/e2e-reports/charts -o "$PDF" 2>"$TMP/stderr"
check "gallery renders" test $? -eq 0
check "no warnings" lacks "$TMP/stderr" "warning"
check "qpdf --check passes" qpdf --check "$PDF" >/dev/null 2>&1

# page_of NAME: the text of the page(s) of the chart headed "Chart NAME" (up to the next chart)
pdftotext -layout "$PDF" "$TMP/all.txt" 2>"$TMP/pdftotext.err"
check "pdftotext prints no warnings" test ! -s "$TMP/pdftotext.err"
page_of() { awk -v n="Chart $1" '/^ *Chart [^ ]+ *$/ { on = ($1 " " $2 == n) } on' "$TMP/all.txt" | tr -s ' \n' ' '; }
# shows NAME TEXT...: each TEXT is on the chart's page
shows() {
    local name=$1 t; shift
    local text; text=$(page_of "$name")
    for t in "$@"; do
        case "$text" in *"$t"*) ok ;; *) fail "chart $name: \"$t\" not found in: $text" ;; esac
    done
}
lacks_on() {
    local text; text=$(page_of "$1")
    case "$text" in *"$2"*) fail "chart $1: \"$2\" should not be there" ;; *) ok ;; esac
}
shows bar "4 (13%)" "6 (19%)" "3 (9%)" "12 (38%)" "7 (22%)" "Using across the" "n = 32." "Responses"
shows hbar-sorted "14" "9" "5" "3" "1" "More choice and control over treatment"
# sort = "value": the largest first
before=$(page_of hbar-sorted)
before=${before%%Increased self-esteem*}
check "hbar sorted by value: the largest first" test "${before/More choice/}" != "$before"
shows grouped "12" "14" "17" "2024" "2025" "2026"
shows grouped-horizontal "NHS mental health trust (n = 6)" "Heard of 4Pi" "Using"
shows stacked "11" "13" "Active" "Lapsed"
shows stacked-percent "59%" "29%" "12%" "NHS trust (n = 17)" "100%"
shows diverging "Individual (n = 5)" "82%" "40%" "Strongly agree" "Neither"
shows line-cumulative "41" "35" "26" "6"
shows line-missing "3.2" "4.4" "3.9"
lacks_on line-missing "0.0"
shows dot "82%" "35%" "100%"
shows negative "-4" "-12" "2.5" "0"
shows negative-hbar "-4" "-12" "2.5"
shows one-category "Only" "5"
shows forty "Category 1 " "Category 40" "23"
shows long-labels "Short" "…"
shows no-categories "No data"
shows all-missing "No data"
# Crowded: labels that would overlap are left out, and what is drawn never overlaps.
python3 tests/tools/chart_refs.py --overlaps "$PDF" >"$TMP/overlaps"
check "no two words overlap on any page" test ! -s "$TMP/overlaps"
[ -s "$TMP/overlaps" ] && head -5 "$TMP/overlaps" >&2
crowded=$(page_of crowded | grep -o '1,[0-9][0-9][0-9]' | wc -l)
check "crowded chart keeps some labels, drops others ($crowded of 48)" test "$crowded" -gt 10 -a "$crowded" -lt 48

# Every page against its reference image.
OUT=${CHART_DIFF_DIR:-build/chart-diffs}
python3 tests/tools/chart_refs.py --compare "$PDF" "$OUT" >"$TMP/compare"
rc=$?
cat "$TMP/compare" | grep -v ': matches' >&2
check "every chart matches its reference ($(grep -c ': matches' "$TMP/compare") pages match)" test $rc -eq 0

# The default report: charts drawn, value labels read back, figures as computed independently.
"$FOLIO" render reports/4pi-reality-impact -o "$TMP/report.pdf" 2>/dev/null
check "default report renders" test $? -eq 0
pdftotext -layout "$TMP/report.pdf" "$TMP/report.txt"
python3 tests/tools/figures.py reports/4pi-reality-impact/data >"$TMP/expected"
get() { sed -n "s/^$1=//p" "$TMP/expected"; }
line=$(tr -s ' \n' ' ' <"$TMP/report.txt")
has() { case "$line" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
check "use chart: n = $(get responses)" has "n = $(get responses) responses"
check "signatories chart: n = $(get signatories)" has "n = $(get signatories). By the year"
for u in $(sed -n 's/^\(use_[a-z_]*\)=.*/\1/p' "$TMP/expected"); do
    check "use chart label $u: $(get "$u")" has "$(get "$u")"
done
check "diverging chart: legend" has "Strongly disagree"
for lv in individual community services strategic; do
    n=$(get "agree_$lv" | sed 's/.* of \([0-9,]*\) respondents.*/\1/')
    Lv="$(echo "${lv:0:1}" | tr a-z A-Z)${lv:1}"
    check "diverging chart: $Lv (n = $n)" has "$Lv (n = $n)"
done
python3 tests/tools/chart_refs.py --overlaps "$TMP/report.pdf" >"$TMP/overlaps2"
check "default report: no two words overlap" test ! -s "$TMP/overlaps2"
head -5 "$TMP/overlaps2" >&2
finish
