# An interview excerpt without consent never reaches a PDF; e-mail addresses and telephone
# numbers inside a published quote are redacted; the number withheld is stated.
source "$(dirname "$0")/lib.sh"
"$FOLIO" render reports/4pi-reality-impact --data tests/data/consent -o "$TMP/c.pdf" 2>"$TMP/err"
check "renders" test $? -eq 0
pdf_text "$TMP/c.pdf" "$TMP/t"
check "consent=no withheld" lacks "$TMP/t" "SECRET-NO-CONSENT"
check "empty consent withheld" lacks "$TMP/t" "SECRET-EMPTY-CONSENT"
check "consent=maybe withheld" lacks "$TMP/t" "SECRET-MAYBE-CONSENT"
check "no SECRET at all" lacks "$TMP/t" "SECRET"
# Also in the raw PDF streams, not just the extracted text (nothing hidden in metadata).
check "not in the file's bytes either" test "$(qpdf --qdf --object-streams=disable "$TMP/c.pdf" - 2>/dev/null | grep -c 'SECRET')" -eq 0
line=$(one_line "$TMP/t")
has() { case "$line" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
check "withheld count stated" has "6 excerpts were withheld"
check "consented ' Yes ' excerpt published" has "We started the café group in 2014."
check "e-mail redacted" has "write to [e-mail withheld]"
check "mobile redacted" has "Ring me on [phone number withheld]"
check "international number redacted" has "tell Sam ([phone number withheld]) too"
check "no address left" lacks "$TMP/t" "jo.bloggs"
check "no number left" lacks "$TMP/t" "900123"
check "attribution by role and interview" has "Involvement lead, interview 11"
finish
