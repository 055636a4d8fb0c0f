# Periods over a survey file that holds several years: --year counts the right rows (calendar and
# financial years, rows on 31 March and 1 April included), the standard sections compare with the
# previous period ("6 more than 2024-25") and say nothing when it has no rows; ctx.previous in a
# report's own plugin; a bad year_start is an error naming report.lua and the field.
source "$(dirname "$0")/lib.sh"
R=reports/4pi-reality-impact
mkdir -p "$TMP/rep"
cp -r $R/. "$TMP/rep/"

# The sample responses re-dated over 2024-01 to 2026-06: 2024-25 holds 20 of them and 2025-26
# holds 26 (6 more), with responses on the days either side of 1 April.
python3 - "$R/data/survey.csv" "$TMP/rep/data/survey.csv" <<'EOF'
import csv, datetime, random, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
header, sample = rows[0], rows[1:]
rnd = random.Random(7)
def days(a, b, n):
    a, b = datetime.date.fromisoformat(a), datetime.date.fromisoformat(b)
    return [(a + datetime.timedelta(days=rnd.randrange((b - a).days + 1))).isoformat() for _ in range(n)]
dates = (["2024-03-31", "2025-03-31", "2025-04-01", "2026-03-31", "2026-04-01"]
         + days("2024-01-01", "2024-03-30", 4) + days("2024-04-01", "2025-03-30", 19)
         + days("2025-04-02", "2026-03-30", 24) + days("2026-04-02", "2026-06-30", 3))
rnd.shuffle(dates)
w = csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n")
w.writerow(header)
for i, d in enumerate(dates):
    r = list(sample[i % len(sample)])
    r[0], r[1] = "S%03d" % (i + 1), d + "T12:00:00Z"
    w.writerow(r)
EOF

# count FROM TO: responses dated FROM..TO, computed here from the CSV
count() {
    python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(sum(sys.argv[2] <= r["submitted_at"][:10] <= sys.argv[3] for r in rows))' "$TMP/rep/data/survey.csv" "$1" "$2"
}
total=$(($(wc -l <"$TMP/rep/data/survey.csv") - 1))
fy24=$(count 2024-04-01 2025-03-31)
fy25=$(count 2025-04-01 2026-03-31)
cy24=$(count 2024-01-01 2024-12-31)
cy25=$(count 2025-01-01 2025-12-31)
check "the data holds 20 responses in 2024-25 and 26 in 2025-26" test "$fy24/$fy25" = "20/26"

text_of() { # text_of PDF: its text on one line in $TMP/line
    pdf_text "$1" "$TMP/t"
    one_line "$TMP/t" >"$TMP/line"
}

# Calendar years (no year_start).
"$FOLIO" render "$TMP/rep" --year 2025 -o "$TMP/cy.pdf" 2>"$TMP/err"
check "--year 2025 renders" test $? -eq 0
text_of "$TMP/cy.pdf"
check "cover: 1 January 2025 to 31 December 2025" contains "$TMP/line" "1 January 2025 to 31 December 2025"
check "usage reach: $cy25 responses in 2025" contains "$TMP/line" "from $cy25 survey responses"
if [ "$cy25" -gt "$cy24" ]; then change="$((cy25 - cy24)) more than 2024"; else change="$((cy24 - cy25)) fewer than 2024"; fi
[ "$cy25" -eq "$cy24" ] && change="the same as 2024"
check "key figures: survey responses; $change" contains "$TMP/line" "survey responses; $change"
check "about the data: survey.csv $total read, $cy25 used, $cy24 in 2024, $((total - cy25)) outside" \
    contains "$TMP/line" "data/survey.csv $total $cy25 $cy24 $((total - cy25)) 0"
check "about the data: the Used in 2024 column" contains "$TMP/line" "Used in 2024"

# Financial years: year_start = "04-01".
sed -i 's/^  lang = "en-GB",/  lang = "en-GB",\n  year_start = "04-01",/' "$TMP/rep/report.lua"
check "report.lua now sets year_start" contains "$TMP/rep/report.lua" 'year_start = "04-01"'
"$FOLIO" render "$TMP/rep" --year 2025 -o "$TMP/fy.pdf" 2>"$TMP/err"
check "financial --year 2025 renders" test $? -eq 0
check "no warnings" test ! -s "$TMP/err.warn" -a "$(grep -c warning "$TMP/err")" -eq 0
text_of "$TMP/fy.pdf"
check "cover: 1 April 2025 to 31 March 2026" contains "$TMP/line" "1 April 2025 to 31 March 2026"
check "usage reach: $fy25 responses in 2025-26 (31 March 2026 in, 1 April 2026 out)" \
    contains "$TMP/line" "from $fy25 survey responses"
check "key figures: 26 survey responses, 6 more than 2024-25" contains "$TMP/line" "survey responses; 6 more than 2024-25"
check "key figures: new signatories named by the year" contains "$TMP/line" "organisations signed up in 2025-26"
check "usage reach: the previous year's reach" contains "$TMP/line" "In 2024-25, "
check "usage reach: ... of 20 respondents" contains "$TMP/line" "of 20 respondents had heard of 4Pi"
check "about the data: survey.csv $total read, 26 used, 20 in 2024-25, $((total - 26)) outside" \
    contains "$TMP/line" "data/survey.csv $total 26 20 $((total - 26)) 0"
check "about the data names the previous period" \
    contains "$TMP/line" "compared with the previous period, 2024-25 (1 April 2024 to 31 March 2025)"
check "qpdf --check" qpdf --check "$TMP/fy.pdf" >/dev/null
pdftoppm -png -r 60 -f 2 -l 2 "$TMP/fy.pdf" "$TMP/page"
check "page 2 rendered" test -s "$TMP/page-02.png" -o -s "$TMP/page-2.png"

# The first year with responses: the year before has none, so nothing is said about them.
"$FOLIO" render "$TMP/rep" --year 2023 -o "$TMP/fy23.pdf" 2>"$TMP/err"
check "--year 2023 renders" test $? -eq 0
text_of "$TMP/fy23.pdf"
fy23=$(count 2023-04-01 2024-03-31)
check "2023-24: $fy23 responses (31 March 2024 included)" contains "$TMP/line" "from $fy23 survey responses"
check "no change said for responses" lacks "$TMP/line" "survey responses;"
check "no previous reach" lacks "$TMP/line" "In 2022-23"
# (the signatories have rows in 2022-23, so the column is there, with 0 for the survey)
check "about the data: 0 survey rows in 2022-23" contains "$TMP/line" "data/survey.csv $total $fy23 0 $((total - fy23)) 0"

# ctx.previous in the report's own plugin: --from/--to compares with as many days just before.
mkdir -p "$TMP/rep/plugins"
cat >"$TMP/rep/plugins/prev-probe.lua" <<'EOF'
return {
  name = "prev-probe",
  version = "1.0.0",
  needs = { survey = { "submitted_at" } },
  previous = { "survey" },
  build = function(ctx)
    local p = ctx.previous
    if not p then return { blocks.paragraph("PROBE no previous period") } end
    return { blocks.paragraph("PROBE " .. ctx.inputs.survey:count() .. " now, " .. p.inputs.survey:count()
      .. " in " .. p.period.from .. " to " .. p.period.to .. " (" .. p.period.short .. ")") }
  end,
}
EOF
sed -i 's/^    { "about-the-data" },/    { "prev-probe" },\n    { "about-the-data" },/' "$TMP/rep/report.lua"
"$FOLIO" render "$TMP/rep" --from 2025-03-01 --to 2025-06-30 -o "$TMP/ft.pdf" 2>"$TMP/err"
check "--from/--to with a plugin reading ctx.previous renders" test $? -eq 0
text_of "$TMP/ft.pdf"
now=$(count 2025-03-01 2025-06-30)
before=$(count 2024-10-30 2025-02-28)
check "ctx.previous: the 122 days before ($before responses)" \
    contains "$TMP/line" "PROBE $now now, $before in 2024-10-30 to 2025-02-28 (30 Oct 2024 to 28 Feb 2025)"
"$FOLIO" render "$TMP/rep" --from 2025-03-01 -o "$TMP/open.pdf" 2>"$TMP/err"
text_of "$TMP/open.pdf"
check "an open period has no previous one: ctx.previous is nil" contains "$TMP/line" "PROBE no previous period"
sed -i 's/previous = { "survey" }/previous = { "surveys" }/' "$TMP/rep/plugins/prev-probe.lua"
"$FOLIO" render "$TMP/rep" --year 2025 -o "$TMP/np.pdf" 2>"$TMP/err"
check "previous naming an unknown input: exit 1" test $? -eq 1
check "... named in the message" contains "$TMP/err" 'previous names input "surveys", which report.lua does not declare'

# A bad year_start: a clear error naming report.lua and the field, exit 1, no PDF.
for bad in '"13-01"' '"4-1"' '"02-29"' '401' '"April"'; do
    sed -i "s/^  year_start = .*/  year_start = $bad,/" "$TMP/rep/report.lua"
    rm -f "$TMP/bad.pdf"
    "$FOLIO" render "$TMP/rep" --year 2025 -o "$TMP/bad.pdf" 2>"$TMP/err"
    check "year_start = $bad: exit 1" test $? -eq 1
    check "year_start = $bad: no PDF" test ! -e "$TMP/bad.pdf"
    check "year_start = $bad: the message names report.lua and year_start" \
        grep -qF 'report.lua: error: year_start: expected the year'"'"'s first day as "MM-DD"' "$TMP/err"
done
finish
