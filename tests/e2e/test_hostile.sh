# Hostile plugins (tests/data/plugins/hostile/), each run through the real command line as the
# one section of tests/data/reports/hostile: every escape is blocked and every bomb contained,
# with its exact message naming the plugin file, exit status 1, no PDF, in a few seconds and
# bounded memory. Then the limits themselves: set on the command line over report.lua's, the
# wall clock, and bad values.
source "$(dirname "$0")/lib.sh"
HOSTILE=$PWD/tests/data/plugins/hostile
REPORT=$PWD/tests/data/reports/hostile
# Sanitizer builds run several times slower and hold more memory; under FOLIO_WRAPPER
# (valgrind, see lib.sh) time and memory are the wrapper's, so they are not checked.
TIMEOUT=20
BOUNDS=yes
if [ -n "${FOLIO_WRAPPER:-}" ]; then
    TIMEOUT=600
    BOUNDS=
elif ldd "$1" 2>/dev/null | grep -q libasan; then
    MAX_SECONDS=45 # hang guards, not speed tests (speed is measured in bench/): loose enough for
    MAX_KB=900000  # a machine whose cores are shared; an escaped limit runs for minutes
else
    MAX_SECONDS=20
    MAX_KB=400000
fi

# Peak memory is measured with GNU time when it is installed (Debian package "time").
GNU_TIME=
if [ -z "$BOUNDS" ]; then
    :
elif [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
    GNU_TIME=/usr/bin/time
else
    echo "note: /usr/bin/time (GNU time) is not installed: peak memory is not checked" >&2
fi

# run_hostile PLUGIN [OPTION...]: renders the hostile report with PLUGIN as its section, from
# inside $TMP/w (so messages name hostile/plugins/PLUGIN.lua); sets RC, SECS and KB (peak RSS,
# 0 when not measured).
run_hostile() {
    local name=$1 t0 t1
    shift
    rm -rf "$TMP/w"
    mkdir -p "$TMP/w/hostile/plugins"
    sed "s/HOSTILE/$name/" "$REPORT/report.lua" >"$TMP/w/hostile/report.lua"
    cp "$HOSTILE/$name.lua" "$TMP/w/hostile/plugins/"
    rm -f "$TMP/kb"
    t0=$(date +%s.%N)
    if [ -n "$GNU_TIME" ]; then
        (cd "$TMP/w" && "$GNU_TIME" -o "$TMP/kb" -f %M timeout "$TIMEOUT" "$FOLIO" render hostile -o out.pdf "$@" >out 2>err)
    else
        (cd "$TMP/w" && timeout "$TIMEOUT" "$FOLIO" render hostile -o out.pdf "$@" >out 2>err)
    fi
    RC=$?
    t1=$(date +%s.%N)
    SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    KB=$(tail -n 1 "$TMP/kb" 2>/dev/null | grep -E '^[0-9]+$' || echo 0)
}
said() { grep -qxF -- "$1" "$TMP/w/err"; }
quick() { [ -z "$BOUNDS" ] || awk -v s="$SECS" -v m="$1" 'BEGIN { exit !(s < m) }'; }
no_pdf() { [ ! -e "$TMP/w/out.pdf" ] && [ -z "$(ls "$TMP/w" | grep -v -e '^hostile$' -e '^out$' -e '^err$')" ]; }

# expect PLUGIN MESSAGE [OPTION...]: the run fails with exit 1, MESSAGE as one whole line of
# stderr, quickly, in bounded memory and without a PDF.
expect() {
    local name=$1 message=$2
    shift 2
    run_hostile "$name" "$@"
    check "$name: exit 1 (got $RC)" test "$RC" -eq 1
    if ! said "$message"; then
        fail "$name: message: $message"
        sed 's/^/    /' "$TMP/w/err" >&2
    else
        ok
    fi
    if [ -n "$BOUNDS" ]; then
        check "$name: done in under $MAX_SECONDS s (took $SECS s)" quick "$MAX_SECONDS"
        check "$name: peak memory under $MAX_KB KB (used $KB KB)" test "$KB" -lt "$MAX_KB"
    fi
    check "$name: no PDF, no temporary file" no_pdf
}
P=hostile/plugins

# ---- escapes: each blocked where it is tried ----
blocked() { expect "$1" "$P/$1.lua:6: error: blocked: $2 is not available to plugins"; }
blocked os-execute os.execute
check "os-execute: the command did not run" test ! -e "$TMP/w/pwned"
blocked io-open io.open
blocked io-popen io.popen
blocked require require
blocked package-loadlib package.loadlib
blocked load-bytecode load
blocked dofile dofile
blocked debug-sethook debug.sethook
blocked os-getenv os.getenv
blocked string-dump string.dump
expect string-metatable "$P/string-metatable.lua:6: error: attempt to index a boolean value"
expect gc-stop "$P/gc-stop.lua:6: error: blocked: collectgarbage(\"stop\") is not available to plugins; only collectgarbage(\"count\") is"

# ---- bombs: each stopped by a limit or refused ----
instructions() { expect "$1" "$P/$1.lua:6: error: $1: exceeded the instruction limit of 20000000"; }
instructions infinite-loop
instructions pcall-loop
instructions xpcall-handler-loop
# (each resume and yield is a longjmp, which sanitizers make slow: a smaller budget here)
expect coroutine-loop "$P/coroutine-loop.lua:6: error: coroutine-loop: exceeded the instruction limit of 5000000" --instruction-limit 5e6
instructions wrap-close-loop
expect deep-recursion "$P/deep-recursion.lua:6: error: stack overflow"
expect string-rep "$P/string-rep.lua:6: error: resulting string too large"
expect doubling-concat "$P/doubling-concat.lua: error: doubling-concat: exceeded the memory limit of 128 MiB"
expect table-growth "$P/table-growth.lua: error: table-growth: exceeded the memory limit of 128 MiB"
expect gc-finalizer "$P/gc-finalizer.lua:6: error: __gc metamethods are not allowed in plugins"
expect tostring-error "$P/tostring-error.lua:6: error: (error object is a table value)"
expect pattern-backtrack "$P/pattern-backtrack.lua:6: error: string.find: the pattern \"a-a-a-a-b\" could backtrack for too long on 300 bytes (4 nested repetitions); match shorter pieces of text or use a simpler pattern"
expect plain-find "$P/plain-find.lua:6: error: string.find: looking for 1000001 bytes of text in 2000000 bytes could take too long; search shorter pieces of text or for a shorter text"
expect deep-value "$P/deep-value.lua: error: build() result [1].text[1][1][1][1][1][1][1][1][1][1][1][1][1][1]: tables nested too deeply"
expect cyclic-value "$P/cyclic-value.lua: error: build() result [1].text: a table that contains itself (a cycle)"
run_hostile shared-value
check "shared-value: exit 1" test "$RC" -eq 1
check "shared-value: message" grep -qE "^$P/shared-value.lua: error: build\(\) result \[1\]\.items\[[0-9]+\]\[[0-9]+\]: more than 1048576 values, too large a result for a report section \(is a table shared many times over\?\)$" "$TMP/w/err"
check "shared-value: quick (took $SECS s)" quick "${MAX_SECONDS:-0}"
check "shared-value: no PDF" no_pdf
expect huge-text "$P/huge-text.lua: error: build() result [1].items[2]: more than 16 MiB of text, too large a result for a report section"

# ---- the limits: the command line wins over report.lua ----
expect infinite-loop "$P/infinite-loop.lua:6: error: infinite-loop: exceeded the instruction limit of 1000000" --instruction-limit 1e6
expect doubling-concat "$P/doubling-concat.lua: error: doubling-concat: exceeded the memory limit of 32 MiB" --memory-limit 32M
expect table-growth "$P/table-growth.lua: error: table-growth: exceeded the memory limit of 64 MiB" --memory-limit 64M --instruction-limit 1e15
expect infinite-loop "$P/infinite-loop.lua:6: error: infinite-loop: exceeded the time limit of 0.5 s" --time-limit 0.5 --instruction-limit 1e15
check "time limit: not before 0.5 s (took $SECS s)" awk -v s="$SECS" 'BEGIN { exit !(s >= 0.5) }'

# Bad values on the command line: exit 2, saying what is expected.
for bad in "--memory-limit lots" "--memory-limit 512K" "--memory-limit 100G" "--time-limit 0" "--time-limit -3" \
    "--time-limit soon" "--instruction-limit 2.5" "--instruction-limit 10"; do
    run_hostile infinite-loop $bad
    check "$bad: exit 2 (got $RC)" test "$RC" -eq 2
    check "$bad: message" grep -qF -- "folio: ${bad%% *} takes " "$TMP/w/err"
done
run_hostile infinite-loop --memory-limit lots
check "bad --memory-limit: says what a size is" said 'folio: --memory-limit takes a size such as "512 MiB", "256M" or "1G", from 1 MiB to 64 GiB, not "lots"'

# Bad values in report.lua: exit 1, naming the field.
run_hostile infinite-loop
sed -i 's/memory = "128 MiB"/memory = "lots"/; s/seconds = 10/seconds = 0/' "$TMP/w/hostile/report.lua"
(cd "$TMP/w" && "$FOLIO" render hostile -o out.pdf >out 2>err)
RC=$?
check "bad report.lua limits: exit 1 (got $RC)" test "$RC" -eq 1
check "bad report.lua limits: memory" said 'hostile/report.lua: error: limits.memory: expected a size such as "512 MiB", "256M" or "1G", from 1 MiB to 64 GiB, got "lots"'
check "bad report.lua limits: seconds" said 'hostile/report.lua: error: limits.seconds: expected a number of seconds, more than 0 and at most 86400, got 0'
check "bad report.lua limits: no PDF" no_pdf
# ---- memory held in C for a plugin counts against its limit: views' row lists ----
mkdir -p "$TMP/h/hoard/plugins"
awk 'BEGIN { print "n"; for (i = 0; i < 200000; i++) print i % 7 }' >"$TMP/h/hoard/rows.csv"
cp "$HOSTILE/view-hoard.lua" "$TMP/h/hoard/plugins/"
cat >"$TMP/h/hoard/report.lua" <<'LUA'
return {
  title = "Hoard",
  limits = { memory = "32 MiB" },
  inputs = { rows = { file = "rows.csv", period = "none", schema = { n = "integer" } } },
  sections = { { "view-hoard" } },
}
LUA
(cd "$TMP/h" && timeout "$TIMEOUT" "$FOLIO" render hoard -o out.pdf >out 2>err)
check "view-hoard: exit 1" test $? -eq 1
check "view-hoard: stopped at the memory limit" grep -qF "view-hoard: exceeded the memory limit of 32 MiB" "$TMP/h/err"
check "view-hoard: no PDF" test ! -e "$TMP/h/out.pdf"

finish
