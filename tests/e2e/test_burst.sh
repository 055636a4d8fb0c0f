# folio render --each: one PDF per distinct value, each holding only that value's figures; safe
# file names; a failing report among several; --jobs 1 and 2 give the same bytes; --shard K/N
# partitions the values; a worker killed mid-report fails only that report; -o templates; the
# command line's mistakes are usage errors (exit 2).
source "$(dirname "$0")/lib.sh"
R=reports/4pi-reality-impact
P=tests/data/reports/burst
run() { "$FOLIO" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }
said() { grep -qF -- "$1" "$TMP/err"; }
# listing DIR: the file names in DIR, one a line, sorted bytewise
listing() { (cd "$1" && LC_ALL=C ls -A) }

# ---- the 4Pi report, one PDF per region ----
run render "$R" --each region -o "$TMP/regions/{value}-{year}.pdf" --year 2026 --jobs 2
check "by region: exit 0 (got $(rc))" test "$(rc)" -eq 0
python3 - "$R/data" >"$TMP/expected" <<'PY'
import csv, sys
d = sys.argv[1]
survey = [r for r in csv.DictReader(open(d + "/survey.csv", encoding="utf-8")) if r["submitted_at"][:4] == "2026"]
sig = list(csv.DictReader(open(d + "/signatories.csv", encoding="utf-8")))
for region in sorted({r["region"].strip() for r in survey}):
    rows = [r for r in survey if r["region"].strip() == region]
    heard = sum(r["heard_of_4pi"] == "yes" for r in rows)
    active = sum(s["region"].strip() == region and s["status"] == "active" and s["signed_up_on"] <= "2026-12-31" for s in sig)
    lapsed = sum(s["region"].strip() == region and s["status"] == "lapsed" and s["signed_up_on"] <= "2026-12-31" for s in sig)
    print("\t".join([region, str(len(rows)), str(heard), str(active), str(lapsed)]))
PY
check "by region: the CSV has regions" test "$(wc -l <"$TMP/expected")" -ge 5
cut -f1 "$TMP/expected" | sed 's/$/-2026.pdf/' | LC_ALL=C sort >"$TMP/want-names"
listing "$TMP/regions" >"$TMP/got-names"
check "by region: exactly one PDF per region, named by it" diff "$TMP/want-names" "$TMP/got-names"
check "by region: one progress line per report" test "$(grep -c '^\[[0-9]*/[0-9]*\] .*-2026.pdf: [0-9]* pages$' "$TMP/err")" -eq "$(wc -l <"$TMP/expected")"
check "by region: summary line" said "folio: $(wc -l <"$TMP/expected") of $(wc -l <"$TMP/expected") reports by survey.region written in"
while IFS=$'\t' read -r region n heard active lapsed; do
    f="$TMP/regions/$region-2026.pdf"
    [ -f "$f" ] || continue
    pdf_text "$f" "$TMP/t"
    TEXT=$(one_line "$TMP/t")
    has() { case "$TEXT" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
    check "$region: cover names it" has "$region: 1 January 2026 to 31 December 2026"
    check "$region: $n survey responses" has "$n survey responses"
    check "$region: $active signatories active, $lapsed lapsed" has "$active signatory organisations active ($lapsed lapsed)"
    check "$region: $heard of $n had heard of 4Pi" has "had heard of 4Pi ($heard of $n)"
    check "$region: About the data says what it covers" has "This report covers $region only: it uses the rows of data/"
    check "$region: About the data names the value" has "whose region is \"$region\" (the Used column)"
done <"$TMP/expected"
first=$(head -1 "$TMP/got-names")
check "by region: qpdf --check" qpdf --check "$TMP/regions/$first"
pdffonts "$TMP/regions/$first" >/dev/null 2>"$TMP/fonts.err"
check "by region: pdffonts says nothing on stderr" test ! -s "$TMP/fonts.err"
pdftoppm -png -r 60 -f 1 -l 1 "$TMP/regions/$first" "$TMP/cover"
check "by region: the cover renders" test -s "$TMP/cover-01.png"

# ---- --jobs 1 and --jobs 2: the same bytes ----
run render "$R" --each region -o "$TMP/one/{value}.pdf" --jobs 1
check "--jobs 1: exit 0" test "$(rc)" -eq 0
run render "$R" --each region -o "$TMP/two/{value}.pdf" --jobs 2
check "--jobs 2: exit 0" test "$(rc)" -eq 0
check "--jobs 1 and 2: the same files" diff <(listing "$TMP/one") <(listing "$TMP/two")
same=1
for f in "$TMP"/one/*.pdf; do cmp -s "$f" "$TMP/two/$(basename "$f")" || same=0; done
check "--jobs 1 and 2: byte-identical PDFs" test "$same" -eq 1

# ---- --shard K/N: every value exactly once over the shards ----
listing "$TMP/one" >"$TMP/all"
nvalues=$(wc -l <"$TMP/all")
for n in 1 2 3 4 $nvalues $((nvalues + 2)); do
    rm -rf "$TMP/shards"
    : >"$TMP/union"
    okrc=1
    for k in $(seq 1 "$n"); do
        run render "$R" --each region -o "$TMP/shards/$k/{value}.pdf" --shard "$k/$n" --jobs 2
        [ "$(rc)" -eq 0 ] || okrc=0
        [ -d "$TMP/shards/$k" ] && listing "$TMP/shards/$k" >>"$TMP/union"
    done
    check "--shard k/$n: every shard exits 0" test "$okrc" -eq 1
    check "--shard k/$n: the union of the shards is the whole burst, each value once" diff "$TMP/all" <(LC_ALL=C sort "$TMP/union")
    same=1
    for k in $(seq 1 "$n"); do
        for f in "$TMP/shards/$k"/*.pdf; do [ -e "$f" ] && { cmp -s "$f" "$TMP/one/$(basename "$f")" || same=0; }; done
    done
    check "--shard k/$n: the same bytes as the unsharded burst" test "$same" -eq 1
done
# the documented rule: value i (0-based, sorted) is in shard i mod N + 1
run render "$R" --each region -o "$TMP/s2/{value}.pdf" --shard 2/3
check "--shard 2/3: values 1, 4, 7, ... of the sorted list" diff <(listing "$TMP/s2") <(awk 'NR % 3 == 2' "$TMP/all")
check "--shard 2/3: summary names the shard" said "folio: shard 2/3: "

# ---- safe names, a failing report, what each report sees ----
rm -rf "$TMP/places"
run render "$P" --each place -o "$TMP/places/{value}.pdf" --jobs 2
check "places: exit 1, one report failed (got $(rc))" test "$(rc)" -eq 1
printf '%s\n' "Beds-Luton.pdf" "North West.pdf" "Wales.pdf" "Ynys Môn - Anglesey.pdf" "_dash.pdf" "_hidden.pdf" \
    "a_b_.pdf" "Île-de-France.pdf" | LC_ALL=C sort >"$TMP/want-places"
check "places: safe names for '/', ':', '?', a leading dot or dash; accents kept; no PDF for the failure" \
    diff "$TMP/want-places" <(listing "$TMP/places")
check "places: the failure is named with its plugin and line" said "[Fail] $P/plugins/place.lua:9: error: no report for Fail"
check "places: the failure's progress line" said "$TMP/places/Fail.pdf: failed, nothing written"
check "places: summary counts the failure" said "folio: 8 of 9 reports by visits.place written, 1 failed in"
check "places: rows without a value are counted" said "folio: 1 row of visits has no place and is in no report"
sees() { # sees VALUE TEXT: the PDF of VALUE holds TEXT
    pdf_text "$TMP/places/$1.pdf" "$TMP/t"
    one_line "$TMP/t" | grep -qF -- "$2"
}
check "North West: three visits (one written with blanks), its two notes, every kind" \
    sees "North West" "Visits: 3; walks: 2; notes: 2; kinds: 2."
check "North West: ctx.burst with report.lua's label" \
    sees "North West" "Burst: place = [North West] label [the North West of England] from visits, narrowed: notes visits."
check "North West: the cover shows the label" sees "North West" "the North West of England: Annual report 2025"
check "Wales: its row dated 2024 and its note" sees "Wales" "Visits: 1; walks: 1; notes: 1; kinds: 2."
check "Beds/Luton: the value as written" sees "Beds-Luton" "Burst: place = [Beds/Luton]"
check "Île-de-France: accents kept" sees "Île-de-France" "Burst: place = [Île-de-France]"
check "places: no temporary file left" test -z "$(ls -A "$TMP/places" | grep -v '\.pdf$')"

# One worker renders every report (--jobs 1): the failure, its messages and its failed section
# stay with the report they belong to; the reports after it see nothing of them.
run render "$P" --each place -o "$TMP/one-worker/{value}.pdf" --jobs 1
check "one worker: exit 1 (got $(rc))" test "$(rc)" -eq 1
check "one worker: only Fail failed" said "folio: 8 of 9 reports by visits.place written, 1 failed in"
check "one worker: Fail's message once" test "$(grep -c 'no report for Fail' "$TMP/err")" -eq 1
check "one worker: the same PDFs as two" diff <(listing "$TMP/one-worker") <(listing "$TMP/places")
run render "$P" --each place -o "$TMP/one-kg/{value}.pdf" --jobs 1 --keep-going
check "one worker, --keep-going: exit 3 (got $(rc))" test "$(rc)" -eq 3
check "one worker, --keep-going: one report with a failed section" \
    said "folio: 9 of 9 reports by visits.place written (1 with failed sections) in"
check "one worker, --keep-going: the report after Fail is whole" \
    test "$(grep -c 'with failed sections' "$TMP/err")" -eq 2 # Fail's progress line and the summary

# a value that would overwrite another's PDF: an error before anything is written
run render "$P" --data "$P/clash" --each place -o "$TMP/clash/{value}.pdf"
check "clash: exit 1 (got $(rc))" test "$(rc)" -eq 1
check "clash: names both values and the file" said "the values \"North\" and \"north\" would both be written to"
check "clash: nothing written" test ! -e "$TMP/clash"

# --keep-going: a report with a failed section is written, exit 3
run render "$P" --each place -o "$TMP/kg/{value}.pdf" --keep-going
check "--keep-going: exit 3 (got $(rc))" test "$(rc)" -eq 3
check "--keep-going: the failing place's PDF is written" test -f "$TMP/kg/Fail.pdf"
check "--keep-going: summary" said "folio: 9 of 9 reports by visits.place written (1 with failed sections) in"

# On a terminal: one line redrawn in place, failures printed above it, the summary at the end
script -qec "\"$FOLIO\" render $P --each place -o '$TMP/tty/{value}.pdf' --jobs 2" /dev/null >"$TMP/tty.out" 2>&1
check "terminal: a progress bar redrawn in place" grep -qF "$(printf '\r\033[K')[####" "$TMP/tty.out"
check "terminal: the bar reaches 9/9" grep -qF "] 9/9 (1 failed)" "$TMP/tty.out"
check "terminal: no plain line for a report that worked" lacks "$TMP/tty.out" "Wales.pdf: 2 pages"
check "terminal: a line for the failure" contains "$TMP/tty.out" "$TMP/tty/Fail.pdf: failed, nothing written"
check "terminal: the summary" contains "$TMP/tty.out" "folio: 8 of 9 reports by visits.place written, 1 failed in"

# SIGTERM to the burst ends its workers too; no temporary file is left (sent while one worker
# spins on Hang, so the burst is surely running)
"$FOLIO" render "$P" --data "$P/hang" --each place -o "$TMP/term/{value}.pdf" --jobs 2 2>"$TMP/term.err" &
pid=$!
for _ in $(seq 300); do
    grep -q "Beta.pdf: " "$TMP/term.err" && break
    sleep 0.1
done
sleep 0.5
workers=$(pgrep -P "$pid" | tr '\n' ' ')
kill -TERM "$pid"
wait "$pid"
termrc=$?
check "SIGTERM: the burst ends by it (got $termrc)" test "$termrc" -eq 143
check "SIGTERM: it had workers" test -n "$workers"
sleep 0.5
left=0
for w in $workers; do # a zombie (never reaped where PID 1 does not reap) has ended
    case "$(ps -o stat= -p "$w" 2>/dev/null)" in "" | Z*) ;; *) left=1 ;; esac
done
check "SIGTERM: no worker left running" test "$left" -eq 0
check "SIGTERM: only whole PDFs in the folder" test -z "$(ls -A "$TMP/term" 2>/dev/null | grep -v '\.pdf$')"

# A worker killed mid-report (kill -9): that report fails, the others are all written by a
# worker started in its place. --jobs 1: the one worker is on Hang once Beta is done.
"$FOLIO" render "$P" --data "$P/hang" --each place -o "$TMP/hang/{value}.pdf" --jobs 1 2>"$TMP/hang.err" &
pid=$!
for _ in $(seq 300); do
    grep -q "Beta.pdf: " "$TMP/hang.err" && break
    sleep 0.1
done
sleep 0.5
worker=$(pgrep -P "$pid")
check "killed worker: one worker" test "$(echo "$worker" | wc -w)" -eq 1
kill -KILL $worker
wait "$pid"
hangrc=$?
check "killed worker: exit 1 (got $hangrc)" test "$hangrc" -eq 1
check "killed worker: the report it was on failed" grep -qF "[Hang] folio: the worker ended by signal 9" "$TMP/hang.err"
check "killed worker: its progress line" grep -qF "$TMP/hang/Hang.pdf: failed, nothing written" "$TMP/hang.err"
check "killed worker: every other report written" diff <(listing "$TMP/hang") <(printf '%s\n' Alpha.pdf Beta.pdf Omega.pdf Zeta.pdf)
check "killed worker: the summary" grep -qF "folio: 4 of 5 reports by visits.place written, 1 failed in" "$TMP/hang.err"
check "killed worker: the failure named" grep -qF 'folio: failed: "Hang"' "$TMP/hang.err"
sees_hang() { pdf_text "$TMP/hang/$1.pdf" "$TMP/t"; one_line "$TMP/t" | grep -qF -- "$2"; }
check "killed worker: Zeta's report sees only Zeta" sees_hang Zeta "Burst: place = [Zeta]"
check "killed worker: Zeta's rows only" sees_hang Zeta "Visits: 1; walks: 1; notes: 0; kinds: 2."

# ---- -o templates ----
run render "$P" --each place -o "$TMP/tpl/{report}/{year}/{from}_{to}/{{x}}-{value}.pdf" --year 2025 --keep-going
check "template: exit 3 (the failing place)" test "$(rc)" -eq 3
check "template: {report} {year} {from} {to} {{ }}" test -f "$TMP/tpl/burst/2025/2025-01-01_2025-12-31/{x}-North West.pdf"
run render "$P" -o "$TMP/single-{year}.pdf" --from 2025-01-01 --to 2025-06-30 --keep-going
check "template without --each: {year} from --from/--to" test -f "$TMP/single-2025.pdf"

# ---- the command line's mistakes: exit 2, naming what is wrong ----
usage() { # usage MESSAGE ARGS...: exit 2 and the message on stderr
    local msg=$1; shift
    run "$@"
    [ "$(rc)" -eq 2 ] && said "$msg" || { cat "$TMP/err" >&2; return 1; }
}
check "no -o" usage "--each place needs -o with {value}" render "$P" --each place
check "-o without {value}" usage "needs {value} with --each" render "$P" --each place -o "$TMP/x.pdf"
check "unknown placeholder" usage "unknown placeholder {region}" render "$P" --each place -o "$TMP/{region}.pdf"
check "lone brace" usage "a '{' without its '}'" render "$P" --each place -o "$TMP/{value.pdf"
check "{value} without --each" usage "uses {value}, which only --each gives" render "$P" -o "$TMP/{value}.pdf"
check "{year} without a period" usage "uses {year}, which needs --year" render "$P" --each place -o "$TMP/{value}-{year}.pdf"
check "{from} without a start" usage "uses {from}, which needs --year or --from" render "$P" -o "$TMP/{from}.pdf" --to 2025-01-01
for bad in 0/4 5/4 4 1/0 a/b 1/4x; do
    check "--shard $bad" usage "--shard takes K/N" render "$P" --each place -o "$TMP/{value}.pdf" --shard "$bad"
done
check "--jobs 0" usage "--jobs takes a number" render "$P" --each place -o "$TMP/{value}.pdf" --jobs 0
check "--jobs x" usage "--jobs takes a number" render "$P" --each place -o "$TMP/{value}.pdf" --jobs x
check "--shard without --each" usage "--shard needs --each" render "$P" -o "$TMP/x.pdf" --shard 1/2
check "--jobs without --each" usage "--jobs needs --each" render "$P" -o "$TMP/x.pdf" --jobs 2
check "--each with check" usage "--each is only for render" check "$P" --each place
check "no such column" usage "--each nowhere: the input visits has no column \"nowhere\"" render "$P" --each nowhere -o "$TMP/{value}.pdf"
check "no such input" usage "has no input \"nowhere\"" render "$P" --each nowhere.place -o "$TMP/{value}.pdf"
check "a column of lists of codes" usage "--each splits by a text, code, yes/no, integer or date column" render "$R" --each survey.levels_used -o "$TMP/{value}.pdf"
run render "$P" --each notes.place -o "$TMP/notes/{value}.pdf"
check "--each notes.place: the notes' places" diff <(listing "$TMP/notes") <(printf '%s\n' "North West.pdf" "Somewhere else.pdf" "Wales.pdf")
sed '/^  main = /d' "$R/report.lua" >"$TMP/nomain.lua"
run render "$TMP/nomain.lua" --data "$R/data" --each region -o "$TMP/{value}.pdf"
check "no main and two inputs with the column: exit 2 (got $(rc))" test "$(rc)" -eq 2
check "no main: names both inputs and the way out" said "several inputs have that column (signatories.region, survey.region); name one, --each INPUT.region, or set main = \"INPUT\""
check "--help documents --each, --jobs, --shard" sh -c "\"$FOLIO\" --help | grep -q -- '--shard K/N'"

finish
