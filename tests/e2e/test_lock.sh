# Safety of unattended runs: two runs writing the same PDF never overlap (the second waits, or
# with --no-wait fails at once, exit 1, the first's PDF intact); --dry-run writes nothing; the
# output's folders are made as needed; a PDF written to a pipe needs no lock.
source "$(dirname "$0")/lib.sh"
MIN=tests/data/e2e-reports/minimal
run() { "$FOLIO" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }
said() { grep -qF -- "$1" "$TMP/err"; }

# A report whose one section takes about two seconds (busy, on the clock), so a second run
# starts while the first holds the lock.
cp -r "$MIN" "$TMP/slow"
cat >"$TMP/slow/plugins/count.lua" <<'LUA'
return {
  name = "count",
  version = "1.0.0",
  build = function(ctx)
    local t = os.time()
    while os.time() - t < 2 do end
    return { blocks.paragraph("Slow but sure.") }
  end,
}
LUA
mkdir -p "$TMP/o"
OUT=$TMP/o/report.pdf
LOCK=$TMP/o/.report.pdf-lock
# wait_for_lock: until the first run holds the lock (it takes it before reading any input)
wait_for_lock() { for _ in $(seq 100); do [ -e "$LOCK" ] && return 0; sleep 0.1; done; return 1; }

# --no-wait: the second run fails at once and names the first; the first's PDF is whole.
"$FOLIO" render "$TMP/slow" -o "$OUT" 2>"$TMP/first.err" &
FIRST=$!
check "first run takes the lock" wait_for_lock
run render "$TMP/slow" -o "$OUT" --no-wait
check "--no-wait while another run writes: exit 1" test "$(rc)" -eq 1
check "--no-wait: message names the output and the other run" \
    said "folio: error: $OUT is being written by another folio run (pid $FIRST); not waiting (--no-wait)"
wait $FIRST
check "first run: exit 0" test $? -eq 0
check "first run's PDF intact" qpdf --check "$OUT" >/dev/null
pdftotext "$OUT" "$TMP/t"
check "first run's PDF has its text" grep -q "Slow but sure." "$TMP/t"
check "no lock file left" test ! -e "$LOCK"

# By default the second run waits, says so, and then writes.
"$FOLIO" render "$TMP/slow" -o "$OUT" 2>"$TMP/first.err" &
FIRST=$!
check "first run takes the lock again" wait_for_lock
run render "$MIN" -o "$OUT"
end_second=$(date +%s%N)
wait $FIRST
check "waiting second run: exit 0" test "$(rc)" -eq 0
check "waiting second run says it waits" said "folio: waiting for another folio run (pid $FIRST) writing $OUT to finish"
check "the second run's PDF is the one left (it wrote after the first)" grep -q "Rows used: 3." <(pdftotext "$OUT" -)
check "no lock file left after both" test ! -e "$LOCK"
check "nothing else left in the folder" test "$(ls -A "$TMP/o")" = report.pdf

# SIGTERM, SIGINT, SIGHUP or SIGQUIT while the lock is held: the run ends by the signal and
# removes its lock file (and any temporary file); the PDF before it is intact.
for sig in TERM INT HUP QUIT; do
    cp "$TMP/prev.pdf" "$OUT" 2>/dev/null || "$FOLIO" render "$MIN" -o "$OUT" 2>/dev/null
    cp "$OUT" "$TMP/prev.pdf"
    # (a shell starts background jobs with SIGINT and SIGQUIT ignored: give them back)
    env --default-signal=INT,QUIT "$FOLIO" render "$TMP/slow" -o "$OUT" 2>/dev/null &
    pid=$!
    check "SIG$sig: the run takes the lock" wait_for_lock
    kill -"$sig" "$pid"
    wait "$pid"
    code=$?
    check "SIG$sig: the run ends by the signal (got $code)" test "$code" -ge 128
    check "SIG$sig: no lock file left" test ! -e "$LOCK"
    check "SIG$sig: nothing but the PDF in the folder" test "$(ls -A "$TMP/o")" = report.pdf
    check "SIG$sig: the PDF before it intact" cmp -s "$OUT" "$TMP/prev.pdf"
done

# A lock held by another program (flock(1)) works the same; a lock file left behind by a killed
# run is only a file: the next run takes it and removes it.
if command -v flock >/dev/null; then
    flock "$LOCK" sleep 2 &
    HOLDER=$!
    wait_for_lock
    sleep 0.2
    run render "$MIN" -o "$OUT" --no-wait
    check "lock held by flock(1): --no-wait fails" test "$(rc)" -eq 1
    check "lock held by flock(1): message" said "$OUT is being written by another folio run; not waiting"
    wait $HOLDER
fi
echo 12345 >"$LOCK"
run render "$MIN" -o "$OUT" --no-wait
check "a stale lock file does not block: exit 0" test "$(rc)" -eq 0
check "a stale lock file is removed" test ! -e "$LOCK"

# Output folders are made as needed.
run render "$MIN" -o "$TMP/deep/2025/q1/report.pdf"
check "nested folders made: exit 0" test "$(rc)" -eq 0
check "nested folders made: PDF there" qpdf --check "$TMP/deep/2025/q1/report.pdf" >/dev/null
: >"$TMP/afile"
run render "$MIN" -o "$TMP/afile/sub/report.pdf"
check "a file in the way of a folder: exit 1" test "$(rc)" -eq 1
check "a file in the way of a folder: message" said "folio: error: cannot create folder $TMP/afile for $TMP/afile/sub/report.pdf: $TMP/afile is not a folder"

# --dry-run: everything but writing. The old PDF stays byte for byte, no new PDF, no folder.
cp "$OUT" "$TMP/before.pdf"
touch -d '2020-01-01' "$OUT"
run render "$MIN" -o "$OUT" --dry-run
check "dry run: exit 0" test "$(rc)" -eq 0
check "dry run: says what it would write" said "folio: dry run: would write $OUT (1 pages)"
check "dry run: old PDF untouched" cmp -s "$OUT" "$TMP/before.pdf"
check "dry run: old PDF's time untouched" test "$(stat -c %Y "$OUT")" = "$(date -d 2020-01-01 +%s)"
run render "$MIN" -o "$TMP/dry/a/report.pdf" --dry-run
check "dry run to a new place: exit 0" test "$(rc)" -eq 0
check "dry run to a new place: no folder, no PDF" test ! -e "$TMP/dry"
check "dry run: nothing else written beside the old PDF" test "$(ls -A "$TMP/o")" = report.pdf
cp -r "$MIN" "$TMP/bad"
printf 'submitted_at,org_type,score\n2026-01-02,"nhs_trust,3\n' >"$TMP/bad/survey.csv"
run render "$TMP/bad" -o "$OUT" --dry-run
check "dry run of a broken report: exit 1" test "$(rc)" -eq 1
check "dry run of a broken report: the error" said "survey.csv:2:"
run render "$MIN" -o "$TMP/afile/sub/report.pdf" --dry-run
check "dry run to an impossible place: exit 1" test "$(rc)" -eq 1
check "dry run to an impossible place: message" said "cannot write $TMP/afile/sub/report.pdf: $TMP/afile is not a folder"
run check "$MIN" --dry-run
check "--dry-run is only for render: exit 2" test "$(rc)" -eq 2

# A pipe has nothing to rename over and nothing to lock.
( cd "$TMP" && "$FOLIO" render "$OLDPWD/$MIN" -o /dev/stdout 2>"$TMP/err" | cat >"$TMP/piped.pdf" )
check "-o /dev/stdout into a pipe: a whole PDF" qpdf --check "$TMP/piped.pdf" >/dev/null
check "-o /dev/stdout: no lock file in /dev" test ! -e /dev/.stdout-lock
finish
