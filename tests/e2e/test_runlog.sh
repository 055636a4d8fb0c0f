# The run log (--log FILE): valid JSON written at the end of every run, also a failed one; its
# checksums match sha256sum of the inputs and the output; its row counts match a messy input's
# known counts; errors and warnings carry their file, line, column and plugin.
source "$(dirname "$0")/lib.sh"
MIN=tests/data/e2e-reports/minimal
run() { "$FOLIO" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }
# q LOG EXPR: the Python expression over the log (as d) printed; "" if the log is not valid JSON
q() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }
sha() { sha256sum <"$1" | cut -d' ' -f1; }

# A messy input: 8 rows, of which one has an unknown code, one a score out of range, one an
# impossible date, one lies outside --year 2026; 4 are used.
cp -r "$MIN" "$TMP/r"
printf 'submitted_at,org_type,score\n2026-01-02,nhs_trust,3\n2026-01-03,voluntary,5\n2026-01-04,other,1\n2026-01-05,hospital,2\n2026-01-06,other,9\n2026-13-01,other,2\n2025-06-01,other,2\n2026-02-01,nhs_trust,4\n' >"$TMP/r/survey.csv"
run render "$TMP/r" --year 2026 -o "$TMP/pdf/report.pdf" --log "$TMP/logs/run.json"
L=$TMP/logs/run.json
check "render with --log: exit 0" test "$(rc)" -eq 0
check "the log is valid JSON" python3 -m json.tool "$L" >/dev/null
check "no temporary file left beside the log" test "$(ls -A "$TMP/logs")" = run.json
check "engine version" test "$(q "$L" 'd["engine"]["version"]')" = "$("$FOLIO" --version | cut -d' ' -f2)"
check "exit status 0, ok" test "$(q "$L" 'd["exit_status"], d["status"]')" = "(0, 'ok')"
check "command line" test "$(q "$L" 'd["argv"][1:]')" = "['render', '$TMP/r', '--year', '2026', '-o', '$TMP/pdf/report.pdf', '--log', '$L']"
check "the period" test "$(q "$L" 'd["period"]["from"], d["period"]["to"]')" = "('2026-01-01', '2026-12-31')"
check "the date and its source" test "$(q "$L" 'd["date"]["value"], d["date"]["source"]')" = "('2026-11-23', 'SOURCE_DATE_EPOCH')"
check "the plugin: name, version, path" \
    test "$(q "$L" '[(p["name"], p["version"], p["path"]) for p in d["plugins"]]')" = "[('count', '1.0.0', '$TMP/r/plugins/count.lua')]"
check "input: path and SHA-256 as sha256sum" \
    test "$(q "$L" 'd["inputs"][0]["path"], d["inputs"][0]["sha256"]')" = "('survey.csv', '$(sha "$TMP/r/survey.csv")')"
check "input: bytes" test "$(q "$L" 'd["inputs"][0]["bytes"]')" = "$(stat -c %s "$TMP/r/survey.csv")"
check "input: 8 read, 4 used, 3 rejected, 1 out of period" \
    test "$(q "$L" '[d["inputs"][0][k] for k in ("rows_read", "rows_used", "rows_rejected", "rows_out_of_period")]')" = "[8, 4, 3, 1]"
check "input: rejected by reason" \
    test "$(q "$L" 'sorted((r["reason"], r["rows"]) for r in d["inputs"][0]["rejected_by_reason"])')" = "[('bad date in submitted_at', 1), ('score out of range 1-5', 1), ('unknown org_type', 1)]"
check "warnings with file, line and column" \
    test "$(q "$L" '[(m["severity"], m["file"], m["line"], m["column"]) for m in d["diagnostics"]]')" = "[('warning', 'survey.csv', 5, 2), ('warning', 'survey.csv', 6, 3), ('warning', 'survey.csv', 7, 1)]"
check "warning count" test "$(q "$L" 'd["warnings"], d["errors"]')" = "(3, 0)"
check "a section with its timing" test "$(q "$L" '[(s["plugin"], s["status"], s["seconds"] >= 0) for s in d["sections"]]')" = "[('count', 'ok', True)]"
check "stage timings" test "$(q "$L" 'sorted(d["stages"])')" = "['layout', 'load', 'pdf', 'plugins']"
check "output: path, pages" test "$(q "$L" 'd["outputs"][0]["path"], d["outputs"][0]["pages"]')" = "('$TMP/pdf/report.pdf', $(pdfinfo "$TMP/pdf/report.pdf" | sed -n 's/^Pages: *//p'))"
check "output: SHA-256 as sha256sum" test "$(q "$L" 'd["outputs"][0]["sha256"]')" = "$(sha "$TMP/pdf/report.pdf")"
check "output: bytes" test "$(q "$L" 'd["outputs"][0]["bytes"]')" = "$(stat -c %s "$TMP/pdf/report.pdf")"

# A failed run still writes its log: a plugin error, with file, line and plugin.
cp -r "$MIN" "$TMP/bad"
sed -i 's/^    local t = ctx.inputs.survey$/    error("no counting today")/' "$TMP/bad/plugins/count.lua"
run render "$TMP/bad" -o "$TMP/bad.pdf" --log "$TMP/bad.json"
check "failing plugin: exit 1" test "$(rc)" -eq 1
check "failing plugin: log written" python3 -m json.tool "$TMP/bad.json" >/dev/null
check "failing plugin: exit status in the log" test "$(q "$TMP/bad.json" 'd["exit_status"], d["status"]')" = "(1, 'failed')"
check "failing plugin: the error with its file, line and plugin" \
    test "$(q "$TMP/bad.json" '[(m["severity"], m["file"], m["line"], m["plugin"]) for m in d["diagnostics"]]')" = "[('error', '$TMP/bad/plugins/count.lua', 7, 'count')]"
check "failing plugin: message" test "$(q "$TMP/bad.json" '"no counting today" in d["diagnostics"][0]["message"]')" = True
check "failing plugin: no outputs" test "$(q "$TMP/bad.json" 'd["outputs"]')" = "[]"
check "failing plugin: section failed" test "$(q "$TMP/bad.json" 'd["sections"][0]["status"]')" = failed
run render "$TMP/bad" -o "$TMP/bad.pdf" --log "$TMP/kg.json" --keep-going
check "--keep-going: exit 3" test "$(rc)" -eq 3
check "--keep-going: status partial, section failed with its message" \
    test "$(q "$TMP/kg.json" 'd["status"], d["sections"][0]["status"], "no counting today" in d["sections"][0]["failure"]')" = "('partial', 'failed', True)"
check "--keep-going: the output is there" test "$(q "$TMP/kg.json" 'len(d["outputs"])')" = 1

# Broken CSV: the error with line and column; the input still has its SHA-256, no counts.
cp -r "$MIN" "$TMP/csv"
printf 'submitted_at,org_type,score\n2026-01-02,nhs_trust,3\n2026-01-03,"voluntary,5\n' >"$TMP/csv/survey.csv"
run render "$TMP/csv" -o "$TMP/csv.pdf" --log "$TMP/csv.json"
check "broken CSV: exit 1" test "$(rc)" -eq 1
check "broken CSV: error with file and line" \
    test "$(q "$TMP/csv.json" '[(m["file"], m["line"]) for m in d["diagnostics"] if m["severity"] == "error"][0]')" = "('survey.csv', 3)"
check "broken CSV: SHA-256, not loaded" \
    test "$(q "$TMP/csv.json" 'd["inputs"][0]["sha256"], d["inputs"][0]["loaded"], "rows_read" in d["inputs"][0]')" = "('$(sha "$TMP/csv/survey.csv")', False, False)"
# --strict: warnings fail the run; the log says why.
run render "$TMP/r" --strict -o "$TMP/strict.pdf" --log "$TMP/strict.json"
check "--strict: exit 1 and the log" test "$(rc)" -eq 1 -a "$(q "$TMP/strict.json" 'd["exit_status"], d["options"]["strict"]')" = "(1, True)"
# A missing report: the log has the error though nothing was loaded.
run render "$TMP/nothere" --log "$TMP/none.json"
check "missing report: exit 1, log with the error" \
    test "$(rc)" -eq 1 -a "$(q "$TMP/none.json" 'd["status"], d["errors"], d["report"]["path"]')" = "('failed', 1, None)"

# check writes a log too; --dry-run's output is marked and has no checksum.
run check "$TMP/r" --log "$TMP/check.json"
check "check --log: command and no outputs" test "$(q "$TMP/check.json" 'd["command"], d["outputs"]')" = "('check', [])"
run render "$TMP/r" -o "$TMP/dry.pdf" --dry-run --log "$TMP/dry.json"
check "--dry-run: log says so, no checksum" \
    test "$(q "$TMP/dry.json" 'd["options"]["dry_run"], d["outputs"][0]["dry_run"], d["outputs"][0]["sha256"]')" = "(True, True, None)"

# Any file name: control characters and bytes that are not UTF-8 are escaped, the JSON stays valid.
odd="$TMP/odd"$'\t\001'$'\xff'"\"q\\.pdf"
run render "$TMP/r" -o "$odd" --log "$TMP/odd.json"
check "odd output name: exit 0" test "$(rc)" -eq 0
check "odd output name: valid JSON" python3 -m json.tool "$TMP/odd.json" >/dev/null
check "odd output name: escaped" grep -qF 'odd\t\u0001\ufffd\"q\\.pdf"' "$TMP/odd.json"
# A log that cannot be written is an error message, and the run's own status stands.
run render "$TMP/r" -o "$TMP/x.pdf" --log /proc/nope/run.json
check "unwritable log: the run's status (0)" test "$(rc)" -eq 0
check "unwritable log: message" grep -qF "folio: error: cannot write the run log: cannot create folder /proc/nope for /proc/nope/run.json" "$TMP/err"
run plugins "$TMP/r" --log "$TMP/p.json"
check "--log with plugins: exit 2" test "$(rc)" -eq 2
finish
