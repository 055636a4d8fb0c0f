# Shared helpers for the end-to-end tests: each test is `bash tests/e2e/test_X.sh FOLIO`, run
# from the repository root, and ends with the line "N passed, N failed".
set -u
FOLIO=${1:?usage: test_X.sh path/to/folio}
case "$FOLIO" in /*) ;; *) FOLIO="$PWD/$FOLIO" ;; esac
export SOURCE_DATE_EPOCH=1795392000 # 2026-11-23, so that output does not depend on the day
PASSED=0
FAILED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# FOLIO_WRAPPER="valgrind --error-exitcode=99 ...": every run of folio goes through it. A valgrind
# wrapper writes its reports to files ($TMP/valgrind.PID.log), so stderr stays folio's own; finish
# fails the test on any error or leak they report.
if [ -n "${FOLIO_WRAPPER:-}" ]; then
    case "${FOLIO_WRAPPER%% *}" in
    *valgrind*) FOLIO_WRAPPER="$FOLIO_WRAPPER --log-file=$TMP/valgrind.%p.log" ;;
    esac
    printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$FOLIO_WRAPPER" "$FOLIO" >"$TMP/folio"
    chmod +x "$TMP/folio"
    FOLIO=$TMP/folio
fi

ok() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then ok; else fail "$what"; fi
}
# contains FILE TEXT: the file holds TEXT (fixed string)
contains() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
# pdf_text PDF OUT: text of the PDF in drawing order, whitespace runs folded to one space per line
pdf_text() { pdftotext -raw "$1" - 2>"$2.err" | sed 's/[[:space:]]\+/ /g' >"$2"; }
# one_line FILE: the whole text on one line, whitespace folded (for sentences broken across lines);
# a word hyphenated at a line end (drawn with a soft hyphen, U+00AD) is joined again
one_line() { tr '\n' ' ' <"$1" | sed 's/[[:space:]]\+/ /g; s/\xc2\xad //g'; }
# valgrind_clean: every valgrind report in $TMP ends "ERROR SUMMARY: 0 errors" (leaks of the
# kinds given to --errors-for-leak-kinds count as errors); a report that does not is printed
valgrind_clean() {
    local log bad=0
    for log in "$TMP"/valgrind.*.log; do
        [ -e "$log" ] || continue
        if ! grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
            cat "$log" >&2
            bad=1
        fi
    done
    return $bad
}
finish() {
    if [ -n "${FOLIO_WRAPPER:-}" ]; then
        check "valgrind: no errors, no leaks ($(ls "$TMP" | grep -c '^valgrind\.') runs)" valgrind_clean
    fi
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}
