# Allocation-failure sweep: the minimal report rendered again and again under the failmalloc
# shim (tests/tools/failmalloc.c), failing its 1st, 2nd, 3rd ... allocation. Every run must end
# cleanly: exit 1 with a "folio: " message, no PDF at the target and no temporary file; or, when
# the failure is absorbed (Lua's collector retries, stdio falls back to no buffer), exit 0 with
# a PDF byte-identical to a normal run's. See docs/robustness.md for what it covers.
#   FOLIO_SWEEP="--dense 100000 --once-stride 1": every allocation in both modes (minutes)
source "$(dirname "$0")/lib.sh"
SHIM=${FOLIO_FAILMALLOC_SO:-$(dirname "$FOLIO")/libfailmalloc.so}
if [ ! -f "$SHIM" ]; then
    echo "no failmalloc shim beside $FOLIO (a sanitizer build): skipped"
    exit 77
fi
# Every allocation up to 1,000 and the last 50, every 6th between; then a lighter pass where
# only the Nth allocation fails (so the code goes on after it), every 17th.
# shellcheck disable=SC2086
python3 tests/tools/allocsweep.py --shim "$SHIM" --dense 1000 --stride 6 --tail 50 --once --once-stride 17 \
    --work "$TMP" ${FOLIO_SWEEP:-} -- "$FOLIO" render tests/data/e2e-reports/minimal -o '{OUT}'
check "every allocation failure ends cleanly" test $? -eq 0
finish
