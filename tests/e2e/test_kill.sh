# Output safety: the PDF appears at its path complete or not at all. SIGKILL at random moments
# of a long render, and exactly at each system call that writes the file (strace), leaves the
# previous PDF or the new one, byte for byte, never a partial file; SIGTERM, SIGINT and SIGHUP
# also remove the temporary file; a later run removes temporary files SIGKILL left. Missing and
# unwritable output folders, a full disk, a failing fsync, a device, a symbolic link.
source "$(dirname "$0")/lib.sh"
REPORT=reports/4pi-reality-impact
MIN=tests/data/e2e-reports/minimal
ROWS=${FOLIO_KILL_ROWS:-200000}
KILLS=${FOLIO_KILLS:-15}
SEED=${FOLIO_KILL_SEED:-$$}
RANDOM=$SEED

python3 tests/tools/bigdata.py "$TMP/data" "$ROWS" --report "$REPORT"
mkdir -p "$TMP/out"
T=$TMP/out/report.pdf
now_ms() { echo $(($(date +%s%N) / 1000000)); }
temps() { ls -A "$TMP/out" | grep -c '^\.report\.pdf\.' ; }
# state_ok: the target is absent, or byte-identical to the previous or the new PDF and sound
state() {
    if [ ! -e "$T" ]; then echo absent
    elif cmp -s "$T" "$TMP/prev.pdf"; then echo previous
    elif cmp -s "$T" "$TMP/new.pdf"; then echo new
    else echo PARTIAL; fi
}
sound() { [ ! -e "$T" ] || qpdf --check "$T" >/dev/null 2>&1; }

# The two complete PDFs a target may hold: the small sample's (previous) and the big data's (new).
"$FOLIO" render "$REPORT" -o "$TMP/prev.pdf" 2>/dev/null
check "previous PDF renders" test $? -eq 0
t0=$(now_ms)
"$FOLIO" render "$REPORT" --data "$TMP/data" -o "$TMP/new.pdf" 2>/dev/null
check "big render succeeds" test $? -eq 0
D=$(($(now_ms) - t0))
differ() { ! cmp -s "$1" "$2"; }
check "the two PDFs differ" differ "$TMP/prev.pdf" "$TMP/new.pdf"
check "qpdf --check on the new PDF" qpdf --check "$TMP/new.pdf" >/dev/null 2>&1

# SIGKILL at random moments over the render's duration (and a little past it); every other
# round starts with no PDF at the target.
seen=""
for i in $(seq 1 "$KILLS"); do
    if [ $((i % 2)) -eq 1 ]; then cp "$TMP/prev.pdf" "$T"; else rm -f "$T"; fi
    delay=$((RANDOM * (D * 11 / 10) / 32768))
    "$FOLIO" render "$REPORT" --data "$TMP/data" -o "$T" 2>/dev/null &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    s=$(state)
    seen="$seen $delay:$s"
    if [ $((i % 2)) -eq 1 ]; then
        check "kill $i after $delay ms: previous or new PDF, never partial ($s)" test "$s" = previous -o "$s" = new
    else
        check "kill $i after $delay ms: no PDF or the new one, never partial ($s)" test "$s" = absent -o "$s" = new
    fi
    check "kill $i: the target is a sound PDF" sound
done
echo "render takes $D ms; kills (ms:state, seed $SEED):$seen"

# SIGKILL exactly at each system call of the write: the temporary file stays (unavoidable),
# the target keeps the previous PDF.
if strace -f -o /dev/null true 2>/dev/null; then
    inject() { # inject SYSCALL[:when=N] SIGNAL: the signal arrives as the call starts; the call is not made
        strace -f -o /dev/null -e trace="${1%%:*}" -e inject="$1:error=EINTR:signal=$2" \
            "$FOLIO" render "$MIN" -o "$T" >/dev/null 2>&1 &
        wait $! 2>/dev/null # (in the background, so the shell does not report the signal)
    }
    "$FOLIO" render "$MIN" -o "$TMP/new.pdf" 2>/dev/null
    for at in write:when=1 fchmod fsync rename; do
        cp "$TMP/prev.pdf" "$T"
        before=$(temps)
        inject "$at" SIGKILL
        check "SIGKILL at $at: previous PDF intact ($(state))" test "$(state)" = previous
        check "SIGKILL at $at: its temporary file is left" test "$(temps)" -eq $((before + 1))
    done
    for sig in SIGTERM SIGINT SIGHUP SIGQUIT; do
        before=$(temps)
        inject rename "$sig"
        check "$sig at rename: previous PDF intact" test "$(state)" = previous
        check "$sig at rename: temporary file removed" test "$(temps)" -eq "$before"
    done
    # a full disk and a failing fsync are errors; nothing changes
    inject_err() { strace -f -o /dev/null -e trace="${1%%:*}" -e inject="$1" "$FOLIO" render "$MIN" -o "$T" >"$TMP/o" 2>"$TMP/e"; }
    before=$(temps)
    inject_err write:error=ENOSPC:when=1
    check "disk full: exit 1" test $? -eq 1
    check "disk full: message" contains "$TMP/e" "folio: error: cannot write $T: No space left on device"
    check "disk full: previous PDF intact, no temporary file" test "$(state)" = previous -a "$(temps)" -eq "$before"
    inject_err fsync:error=EIO
    check "fsync fails: exit 1" test $? -eq 1
    check "fsync fails: message" contains "$TMP/e" "folio: error: cannot write $T: Input/output error"
    check "fsync fails: previous PDF intact, no temporary file" test "$(state)" = previous -a "$(temps)" -eq "$before"
else
    echo "strace cannot trace here: the exact-moment kills are skipped"
fi

# A later successful run removes the temporary files of the same target that SIGKILL left,
# once they are a minute old; younger ones, and other names, stay.
left=$(temps)
check "kills left temporary files to clean" test "$left" -gt 0
for f in "$TMP"/out/.report.pdf.*; do touch -d '2 minutes ago' "$f"; done
touch "$TMP/out/.report.pdf.Fresh1"
touch -d '2 minutes ago' "$TMP/out/.report.pdf.bak" "$TMP/out/.other.pdf.Abc123" "$TMP/out/.report.pdf.Ab-123"
"$FOLIO" render "$MIN" -o "$T" 2>/dev/null
check "clean-up run succeeds" test $? -eq 0
check "stale temporary files removed, the fresh one kept" test "$(ls -A "$TMP/out" | grep '^\.report\.pdf\.' | sort | tr '\n' ' ')" = ".report.pdf.Ab-123 .report.pdf.Fresh1 .report.pdf.bak "
check "other files kept" test -e "$TMP/out/.other.pdf.Abc123"

# Where the PDF cannot go: a clear error, exit 1, nothing written.
run() { "$FOLIO" render "$MIN" "$@" >"$TMP/o" 2>"$TMP/e"; echo $? >"$TMP/rc"; }
run -o "$TMP/nowhere/report.pdf"
check "missing folder: made, exit 0" test "$(cat "$TMP/rc")" -eq 0 -a -f "$TMP/nowhere/report.pdf"
run -o "$TMP/prev.pdf/report.pdf"
check "a file as the folder: exit 1" test "$(cat "$TMP/rc")" -eq 1
check "a file as the folder: message" contains "$TMP/e" "folio: error: cannot create folder $TMP/prev.pdf for $TMP/prev.pdf/report.pdf: $TMP/prev.pdf is not a folder"
run -o "$TMP/out"
check "a folder as the target: exit 1" test "$(cat "$TMP/rc")" -eq 1
check "a folder as the target: message" contains "$TMP/e" "folio: error: cannot write $TMP/out: Is a directory"
check "a folder as the target: left alone" test -d "$TMP/out"
mkdir -p "$TMP/ro"
chmod 555 "$TMP/ro"
if [ "$(id -u)" != 0 ]; then
    run -o "$TMP/ro/report.pdf"
elif command -v setpriv >/dev/null; then
    # root writes anywhere: run as nobody, with the test folder made reachable
    chmod 755 "$TMP"
    cp -r "$MIN" "$TMP/min" && chmod -R a+rX "$TMP/min"
    setpriv --reuid=65534 --regid=65534 --clear-groups "$FOLIO" render "$TMP/min" -o "$TMP/ro/report.pdf" >"$TMP/o" 2>"$TMP/e"
    echo $? >"$TMP/rc"
else
    run -o /sys/report.pdf # read-only to root as well
    sed -i "s|/sys|$TMP/ro|g" "$TMP/e"
fi
check "unwritable folder: exit 1" test "$(cat "$TMP/rc")" -eq 1
check "unwritable folder: message" contains "$TMP/e" "folio: error: cannot write $TMP/ro/report.pdf: Permission denied (in folder $TMP/ro)"
check "unwritable folder: nothing written" test -z "$(ls -A "$TMP/ro")"
run -o /dev/full
check "a device that is full: exit 1" test "$(cat "$TMP/rc")" -eq 1
check "a device that is full: message" contains "$TMP/e" "folio: error: cannot write /dev/full: No space left on device"
check "a device is written in place, not replaced" test -c /dev/full

# Devices and pipes are written in place; a symbolic link is followed; the mode is kept.
"$FOLIO" render "$MIN" -o "$TMP/min.pdf" 2>/dev/null
"$FOLIO" render "$MIN" -o /dev/stdout 2>/dev/null | cmp -s - "$TMP/min.pdf"
check "-o /dev/stdout into a pipe: the same PDF" test $? -eq 0
cp "$TMP/prev.pdf" "$TMP/real.pdf"
chmod 640 "$TMP/real.pdf"
ln -s real.pdf "$TMP/link.pdf"
"$FOLIO" render "$MIN" -o "$TMP/link.pdf" 2>/dev/null
check "symbolic link kept" test -L "$TMP/link.pdf"
check "the file it points to replaced" cmp -s "$TMP/real.pdf" "$TMP/min.pdf"
check "the replaced file's mode kept" test "$(stat -c %a "$TMP/real.pdf")" = 640
check "no temporary file beside it" test -z "$(ls -A "$TMP" | grep '^\.real\.pdf\.')"
finish
