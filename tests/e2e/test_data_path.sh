# The data path of issue 8. A large input is read in two halves on two threads; the PDF and every
# message must be exactly what one pass gives, including when the guessed split falls inside a
# quoted field or a key is used in both halves (then folio reads the file again in one pass).
# FOLIO_SPLIT_BYTES=1 makes every input a "large" one; FOLIO_SPLIT_REPORT=1 says on stderr how
# each was read.
# And columns no plugin lists in its needs are validated but not stored: a bad value there still
# rejects its row, and a plugin reading one gets a message that says what to do.
source "$(dirname "$0")/lib.sh"

# A survey of 4,000 rows from tests/data/messy's (multi-line quotes, odd case, any script), with
# bad rows in both halves (more than the 20 warnings shown), a duplicate key in the second half,
# a benefit code first seen in the second half. VARIANT straddle: a quoted field of many lines
# holds the middle of the file; VARIANT cross: a key used in both halves.
make_data() { # make_data DIR VARIANT
    mkdir -p "$1"
    cp reports/4pi-reality-impact/data/*.csv "$1/"
    python3 - "$1/survey.csv" "$2" <<'EOF'
import csv, io, sys
out, variant = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open("tests/data/messy/survey.csv", encoding="utf-8-sig", newline="")))
fields = list(rows[0].keys())
codes = [b["code"] for b in csv.DictReader(open("reports/4pi-reality-impact/data/benefits.csv", encoding="utf-8-sig"))]
n = 4000
made = []
for i in range(n):
    r = dict(rows[i % len(rows)])
    r["respondent_id"] = "T%05d" % i
    if i % 97 == 5:
        r["submitted_at"] = "2026-13-45"
    if i % 89 == 3:
        r["interview_ok"] = "maybe"  # no plugin reads interview_ok
    if i % 7 == 0:
        r["comments"] = "First line, \"quoted\".\nSecond line %d." % i
    if i >= 1800:  # the second half sees the benefit codes in another order than the first
        r["benefits_seen"] = ";".join(reversed(codes[i % 3:]))
    if i == 300:
        r["benefits_seen"] = "early_code"
    if i == 3100:
        r["benefits_seen"] = "late_code;" + (r["benefits_seen"] or "")
    if i == n - 5:
        r["respondent_id"] = "T%05d" % (n - 20)
    if variant == "cross" and i == n - 10:
        r["respondent_id"] = "T00010"
    made.append(r)
def text(rs):
    s = io.StringIO()
    w = csv.DictWriter(s, fieldnames=fields, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rs)
    return s.getvalue()
if variant == "straddle":
    sizes = [len(text([r]).encode()) - len(text([]).encode()) for r in made]
    total, at = sum(sizes), 0
    for i in range(n):
        at += sizes[i]
        if at > total // 2:
            made[i]["comments"] = "\n".join("line %d of a long, quoted comment" % k for k in range(40000))
            break
open(out, "w", encoding="utf-8", newline="").write(text(made))
EOF
}

# Renders DATA with and without the split; both PDFs and both sets of messages must be the same.
same_both_ways() { # same_both_ways NAME DATA EXPECTED_READ [RENDER OPTIONS...]
    local name=$1 data=$2 read=$3
    shift 3
    set -- "$name" "$data" "$read" "$@"
    FOLIO_SPLIT_BYTES=1 FOLIO_SPLIT_REPORT=1 "$FOLIO" render reports/4pi-reality-impact --data "$2" "${@:4}" \
        -o "$TMP/$1-split.pdf" 2>"$TMP/$1-split.err"
    local s1=$?
    "$FOLIO" render reports/4pi-reality-impact --data "$2" "${@:4}" -o "$TMP/$1-one.pdf" 2>"$TMP/$1-one.err"
    local s2=$?
    check "$1: renders both ways" test $s1 -eq 0 -a $s2 -eq 0
    check "$1: survey.csv read $3" contains "$TMP/$1-split.err" "survey.csv: read $3"
    grep -v ': read in \|^folio: wrote ' "$TMP/$1-split.err" >"$TMP/$1-split.msg"
    grep -v '^folio: wrote ' "$TMP/$1-one.err" >"$TMP/$1-one.msg"
    check "$1: the same messages, in the same order" cmp -s "$TMP/$1-split.msg" "$TMP/$1-one.msg"
    cmp -s "$TMP/$1-split.msg" "$TMP/$1-one.msg" || diff "$TMP/$1-one.msg" "$TMP/$1-split.msg" | head -10 >&2
    check "$1: byte-identical PDFs" cmp -s "$TMP/$1-split.pdf" "$TMP/$1-one.pdf"
}

make_data "$TMP/plain" plain
same_both_ways plain "$TMP/plain" "in two halves"
pdf_text "$TMP/plain-split.pdf" "$TMP/plain.txt"
line=$(one_line "$TMP/plain.txt")
has() { case "$line" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
check "a bad value in a column no plugin reads still rejects its row" has "bad yes/no in interview_ok"
check "rows rejected for bad dates in both halves are counted" has "bad date in submitted_at 42"
check "the duplicate in the second half is counted" has "duplicate respondent_id 1"
check "warnings past 20 are counted, not shown" contains "$TMP/plain-one.err" "more rows rejected (not shown)"
# (the benefit codes are collected from the data, first seen first: the second half's are
# numbered anew and mapped onto the first's, so the counts of benefits seen depend on the merge)
check "benefits seen are counted" has "Respondents who have seen the benefit"

# A period with a previous one: the rows of the previous period (kept and counted in each half)
# are merged too (the second half's were once lost: "24,827 more" instead of "140 fewer").
same_both_ways period "$TMP/plain" "in two halves" --from 2026-07-01 --to 2026-12-31
pdf_text "$TMP/period-split.pdf" "$TMP/period.txt"
check "period: compared with the previous period" contains "$TMP/period.txt" "than"

# respondent_id is read by no plugin: it is not stored, and duplicates are found by hashes, the
# rows read back when two agree. With every key given one of 512 hashes, keys that differ share
# one all the time: the PDF and the messages stay those of the stored keys.
export FOLIO_WEAK_KEY_HASH=512
same_both_ways weak "$TMP/plain" "in two halves"
check "weak hashes: the same PDF as with strong ones" cmp -s "$TMP/weak-one.pdf" "$TMP/plain-one.pdf"
grep -v '^folio: wrote ' "$TMP/plain-one.err" >"$TMP/plain-one.msg2"
check "weak hashes: the same messages" cmp -s "$TMP/weak-one.msg" "$TMP/plain-one.msg2"
unset FOLIO_WEAK_KEY_HASH

make_data "$TMP/straddle" straddle
same_both_ways straddle "$TMP/straddle" "in one pass"
make_data "$TMP/cross" cross
same_both_ways cross "$TMP/cross" "in one pass"
pdf_text "$TMP/cross-split.pdf" "$TMP/cross.txt"
check "cross: the key used in both halves is rejected" contains "$TMP/cross.txt" "duplicate respondent_id 2"
FOLIO_WEAK_KEY_HASH=512 same_both_ways cross-weak "$TMP/cross" "in one pass"
check "cross, weak hashes: the same PDF" cmp -s "$TMP/cross-weak-one.pdf" "$TMP/cross-one.pdf"

# A plugin that reads a column it does not list in its needs.
cp -r reports/4pi-reality-impact "$TMP/r"
mkdir -p "$TMP/r/plugins"
cat >"$TMP/r/plugins/peek.lua" <<'EOF'
return {
  name = "peek",
  version = "1.0.0",
  needs = { survey = { "region" } },
  build = function(ctx)
    local n = #ctx.inputs.survey:count_by("comments")
    return { blocks.paragraph("Comments: " .. n) }
  end,
}
EOF
sed -i 's/^    { "cover" },$/    { "cover" },\n    { "peek" },/' "$TMP/r/report.lua"
"$FOLIO" render "$TMP/r" -o "$TMP/peek.pdf" 2>"$TMP/peek.err"
check "reading a column no plugin needs fails" test $? -eq 1
check "... saying it was not loaded and what to do" contains "$TMP/peek.err" \
    "column 'comments' of input \"survey\" was not loaded: no plugin lists it in needs (add it to this plugin's needs)"
check "... naming the plugin's file and line" contains "$TMP/peek.err" "plugins/peek.lua:6:"
check "no PDF" test ! -e "$TMP/peek.pdf"
sed -i 's/needs = { survey = { "region" } }/needs = { survey = { "region", "comments" } }/' "$TMP/r/plugins/peek.lua"
"$FOLIO" render "$TMP/r" -o "$TMP/peek.pdf" 2>"$TMP/peek.err"
check "listed in needs, it is read" test $? -eq 0
pdf_text "$TMP/peek.pdf" "$TMP/peek.txt"
check "... and counted" contains "$TMP/peek.txt" "Comments: "
# a plugin without needs may read anything: every column is stored
sed -i '/needs = /d' "$TMP/r/plugins/peek.lua"
"$FOLIO" render "$TMP/r" -o "$TMP/peek2.pdf" 2>"$TMP/peek2.err"
check "a plugin without needs reads any column" test $? -eq 0
finish
