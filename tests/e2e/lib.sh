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
# one_line FILE: the whole text on one line, whitespace folded (for sentences broken across lines)
one_line() { tr '\n' ' ' <"$1" | sed 's/[[:space:]]\+/ /g'; }
finish() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}
