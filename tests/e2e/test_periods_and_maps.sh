# Periods leave rows out and count them; an export whose headers and answers differ from the
# data contract is read through the report's `columns` and `values` maps to the same figures.
source "$(dirname "$0")/lib.sh"
R=reports/4pi-reality-impact

# --year: the sample responses are all dated 2026.
"$FOLIO" render $R --year 2025 -o "$TMP/y2025.pdf" 2>"$TMP/err"
check "--year 2025 renders" test $? -eq 0
pdf_text "$TMP/y2025.pdf" "$TMP/t"
line=$(one_line "$TMP/t")
has() { case "$line" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
check "period on the cover" has "1 January 2025 to 31 December 2025"
check "no responses in 2025" has "0 survey responses"
check "empty chart says so" has "No data"
# (signatories count until the period's end, so 2024 has rows and its column is shown)
check "rows outside the period counted" has "data/survey.csv 29 0 0 29 0"
"$FOLIO" render $R --from 2026-07-01 --to 2026-12-31 -o "$TMP/h2.pdf" 2>"$TMP/err"
check "--from/--to renders" test $? -eq 0
pdf_text "$TMP/h2.pdf" "$TMP/t2"
n=$(python3 -c '
import csv,sys
rows=list(csv.DictReader(open(sys.argv[1])))
print(sum("2026-07-01" <= r["submitted_at"][:10] <= "2026-12-31" for r in rows))' $R/data/survey.csv)
check "second half of 2026: $n responses" grep -qx "$n" "$TMP/t2"
"$FOLIO" render $R --from 2026-12-31 --to 2026-01-01 -o "$TMP/x.pdf" 2>/dev/null
check "--from after --to: exit 2" test $? -eq 2

# An export with its own headers and answer labels, read through columns/values maps.
mkdir -p "$TMP/rep" "$TMP/export"
cp -r $R/. "$TMP/rep/"
cp $R/data/*.csv "$TMP/export/"
python3 - "$TMP/export/survey.csv" <<'PY'
import csv, sys
p = sys.argv[1]
rows = list(csv.reader(open(p, newline="", encoding="utf-8")))
h = rows[0]
h[h.index("org_type")] = "Q3 Organisation type"
h[h.index("heard_of_4pi")] = "Have you heard of 4Pi?"
oi, hi = h.index("Q3 Organisation type"), h.index("Have you heard of 4Pi?")
label = {"nhs_trust": "NHS Mental Health Trust", "voluntary": "Voluntary or community organisation"}
for r in rows[1:]:
    r[oi] = label.get(r[oi], r[oi])
    r[hi] = {"yes": "Yes, I have", "no": "No, never"}[r[hi]]
csv.writer(open(p, "w", newline="", encoding="utf-8"), lineterminator="\n").writerows(rows)
PY
sed -i 's|      key = "respondent_id",|      key = "respondent_id",\
      columns = { org_type = "Q3 Organisation type", heard_of_4pi = "Have you heard of 4Pi?" },\
      values = {\
        org_type = { ["NHS Mental Health Trust"] = "nhs_trust", ["Voluntary or community organisation"] = "voluntary" },\
        heard_of_4pi = { ["Yes, I have"] = "yes", ["No, never"] = "no" },\
      },|' "$TMP/rep/report.lua"
check "maps inserted" grep -q "Q3 Organisation type" "$TMP/rep/report.lua"
"$FOLIO" render "$TMP/rep" --data "$TMP/export" -o "$TMP/mapped.pdf" 2>"$TMP/err"
check "mapped export renders" test $? -eq 0
check "mapped export: no warnings" test "$(grep -c warning "$TMP/err")" -eq 0
"$FOLIO" render $R -o "$TMP/plain.pdf" 2>/dev/null
pdftotext "$TMP/plain.pdf" "$TMP/plain.txt"
pdftotext "$TMP/mapped.pdf" "$TMP/mapped.txt"
check "mapped export: same report as the contract's own" cmp -s "$TMP/plain.txt" "$TMP/mapped.txt"
# Without the maps the same export is missing its columns: an error naming them.
"$FOLIO" render $R --data "$TMP/export" -o "$TMP/nomap.pdf" 2>"$TMP/err"
check "unmapped export: exit 1" test $? -eq 1
check "unmapped export: names the column" grep -qF 'survey.csv:1: error: missing column "org_type"' "$TMP/err"
finish
