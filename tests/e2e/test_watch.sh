# folio watch: renders, re-renders when a CSV changes, prints the error of a broken report.lua
# and keeps the last good PDF, renders again once it is fixed, and stops cleanly on SIGTERM
# (exit 0, no temporary file left, no render left running).
source "$(dirname "$0")/lib.sh"
R=$TMP/r
mkdir -p "$R/plugins" "$R/data" "$TMP/out"
printf 'org_type,staff\nnhs_trust,120\nvoluntary,7\n' >"$R/data/survey.csv"
cat >"$R/report.lua" <<'LUA'
return {
  title = "Watched",
  publisher = "folio tests",
  inputs = { survey = { file = "data/survey.csv",
    schema = { org_type = { "code", values = { "nhs_trust", "voluntary" } }, staff = "integer" } } },
  sections = { { "staffing" } },
}
LUA
cat >"$R/plugins/staffing.lua" <<'LUA'
return {
  name = "staffing",
  version = "1.0.0",
  needs = { survey = { "staff" } },
  build = function(ctx)
    return { blocks.paragraph("Total staff: " .. ctx.inputs.survey:sum("staff") .. ".") }
  end,
}
LUA
PDF=$TMP/out/watched.pdf
LOG=$TMP/watch.log
"$FOLIO" watch "$R" -o "$PDF" >"$LOG" 2>&1 &
PID=$!

# wait_for WHAT COMMAND...: up to 10 s for COMMAND to succeed
wait_for() {
    local what=$1 i; shift
    for i in $(seq 100); do
        if "$@"; then ok; return 0; fi
        sleep 0.1
    done
    fail "$what (waited 10 s)"
    sed 's/^/    /' "$LOG" >&2
    return 1
}
text_is() { pdftotext "$PDF" - 2>/dev/null | grep -qF "$1"; }
renders() { test "$(grep -c '^folio watch: rendered in [0-9.]* s; watching for changes$' "$LOG")" -ge "$1"; }

wait_for "first render" text_is "Total staff: 127."
wait_for "the render printed its time" renders 1
pdf_ok() { qpdf --check "$PDF" >/dev/null 2>&1; }
check "the PDF is valid" pdf_ok

# A CSV edit: a new PDF with the new value.
sleep 0.2
sed -i 's/voluntary,7/voluntary,30/' "$R/data/survey.csv"
wait_for "re-render after a CSV edit" text_is "Total staff: 150."
check "it said which file changed" grep -qxF "folio watch: $R/data/survey.csv changed" "$LOG"

# A broken report.lua: the error, and the last good PDF kept as it was.
cp "$PDF" "$TMP/good.pdf"
sed -i 's/title = "Watched",/title = "Watched"/' "$R/report.lua"
failed() { grep -qF "render failed after" "$LOG"; }
wait_for "a failed render is reported" failed
check "the error names report.lua and its line" grep -qF "$R/report.lua:3:" "$LOG"
check "the last good PDF is intact" cmp -s "$PDF" "$TMP/good.pdf"

# Fixed: a new render.
sed -i 's/title = "Watched"$/title = "Watched",/; s/nhs_trust,120/nhs_trust,200/' "$R/report.lua" "$R/data/survey.csv"
wait_for "re-render after the fix" text_is "Total staff: 230."

# A burst of edits makes one render, not one per edit.
wait_for "three renders so far" renders 3
sleep 0.3
# the five edits from one process, so that a loaded machine does not spread them over the debounce
python3 - "$R/data/survey.csv" <<'PY'
import re, sys
for v in range(1, 6):
    text = open(sys.argv[1]).read()
    open(sys.argv[1], "w").write(re.sub(r"voluntary,[0-9]*", "voluntary,%d" % v, text))
PY
wait_for "re-render after a burst" text_is "Total staff: 205."
wait_for "the fourth render printed its time" renders 4
sleep 0.5
count=$(grep -c '^folio watch: rendered' "$LOG")
check "a burst of 5 edits made one render (renders: $count, expected 4)" test "$count" -eq 4

# SIGTERM: exit 0, said so, no temporary file, no render left.
kill -TERM "$PID"
wait "$PID"
check "SIGTERM: exit 0 (got $?)" test "$?" -eq 0
check "SIGTERM: said it stopped" grep -qxF "folio watch: stopped" "$LOG"
check "no temporary file left" test "$(ls -A "$TMP/out")" = "watched.pdf"
check "no render left running" test -z "$(pgrep -f -- "render $R" 2>/dev/null)"

# A REPORT that is not there: said at once, exit 1.
timeout 10 "$FOLIO" watch "$TMP/nowhere" -o "$PDF" >"$TMP/err" 2>&1
check "missing report: exit 1 (got $?)" test "$?" -eq 1
check "missing report: said" grep -qxF "folio watch: cannot watch $TMP/nowhere: No such file or directory" "$TMP/err"
cat "$LOG" >"${WATCH_LOG:-/dev/null}"
finish
