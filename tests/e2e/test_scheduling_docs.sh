# The recipes of docs/scheduling.md, tested as far as this machine allows: the systemd units
# with systemd-analyze verify, the crontab command run as cron would run it (sh, % unescaped)
# on a copy of the default report, the CI files parsed as YAML and their folio command run.
source "$(dirname "$0")/lib.sh"
DOC=docs/scheduling.md
# Every fenced block whose first line is "# file: NAME" is written to $TMP/doc/NAME.
mkdir -p "$TMP/doc"
python3 - "$DOC" "$TMP/doc" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for body in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M):
    m = re.match(r"# file: (\S+)\n", body)
    if m:
        open(sys.argv[2] + "/" + m.group(1), "w").write(body[m.end():])
PY
for f in crontab folio-report.service folio-report.timer github-actions.yml gitlab-ci.yml; do
    check "docs/scheduling.md has $f" test -s "$TMP/doc/$f"
done
check "docs/scheduling.md keeps the heading for the bursting recipes" grep -q '^## Bursting and sharding' "$DOC"

# A place like the recipes' /srv/reports, with folio where they expect it.
SRV=$TMP/srv
mkdir -p "$SRV/out" "$SRV/logs"
cp -r reports/4pi-reality-impact "$SRV/"
unset SOURCE_DATE_EPOCH
year=$(($(date +%Y) - 1))

# cron: the command part of the line (after the five time fields), as cron hands it to sh.
line=$(grep -v '^#' "$TMP/doc/crontab" | grep .)
check "crontab: five time fields" python3 -c 'import sys; f = sys.argv[1].split()[:5]; sys.exit(not (len(f) == 5 and all(x == "*" or x.isdigit() for x in f)))' "$line"
cmd=$(printf '%s\n' "$line" | cut -d' ' -f6- | sed 's/\\%/%/g; s|/srv/reports|'"$SRV"'|g; s|/usr/local/bin/folio|'"$FOLIO"'|g')
sh -c "$cmd" 2>"$TMP/cron.err"
check "crontab command: exit 0" test $? -eq 0
check "crontab command: last year's PDF" qpdf --check "$SRV/out/4pi-$year.pdf" >/dev/null
check "crontab command: its log" python3 -m json.tool "$SRV/logs/4pi-$(date +%F).json" >/dev/null
check "crontab command: the period is last year" grep -q "\"from\": \"$year-01-01\"" "$SRV/logs/4pi-$(date +%F).json"

# systemd: the units as they would be installed, folio and the folders replaced by this test's.
if command -v systemd-analyze >/dev/null; then
    mkdir -p "$TMP/units"
    for u in folio-report.service folio-report.timer; do
        sed "s|/usr/local/bin/folio|$FOLIO|g; s|/srv/reports|$SRV|g" "$TMP/doc/$u" >"$TMP/units/$u"
    done
    systemd-analyze verify "$TMP/units/folio-report.service" "$TMP/units/folio-report.timer" >"$TMP/sd.out" 2>&1
    rc=$?
    check "systemd-analyze verify: exit 0" test $rc -eq 0
    check "systemd-analyze verify: no complaints" test ! -s "$TMP/sd.out"
    [ -s "$TMP/sd.out" ] && cat "$TMP/sd.out" >&2
    check "the timer's calendar is 2 April" \
        grep -q "Next elapse: .*-04-02 06:00:00" <(systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' "$TMP/doc/folio-report.timer")")
    # The service's command, as systemd would run it ($$ -> $, %% -> %).
    exec_line=$(sed -n 's/^ExecStart=//p' "$TMP/units/folio-report.service" | sed 's/\$\$/$/g; s/%%/%/g; s|/var/log/folio|'"$SRV"'/logs|g')
    rm -f "$SRV/out/4pi-reality-impact.pdf"
    (cd "$SRV" && eval "$exec_line") 2>"$TMP/svc.err"
    check "the service's command: exit 0" test $? -eq 0
    check "the service's command: the PDF" qpdf --check "$SRV/out/4pi-reality-impact.pdf" >/dev/null
else
    echo "systemd-analyze is not installed: the systemd units are not verified (apt-get install systemd)"
fi

# CI: valid YAML with the expected shape; the render step's commands run here.
if python3 -c 'import yaml' 2>/dev/null; then
    check "GitHub Actions: YAML with a schedule and a render step" python3 - "$TMP/doc/github-actions.yml" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
on = d.get("on", d.get(True))  # YAML 1.1 reads the key `on` as true
assert on["schedule"][0]["cron"] == "0 6 2 4 *"
steps = d["jobs"]["report"]["steps"]
assert any("folio render" in s.get("run", "") for s in steps)
assert steps[-1]["if"] == "always()"
PY
    check "GitLab CI: YAML with a script and exit code 3 allowed" python3 - "$TMP/doc/gitlab-ci.yml" <<'PY'
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))["annual-report"]
assert any("folio render" in s for s in job["script"])
assert job["allow_failure"]["exit_codes"] == [3]
assert job["artifacts"]["when"] == "always"
PY
    python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); print(next(s["run"] for s in d["jobs"]["report"]["steps"] if "folio render" in s.get("run", "")))' \
        "$TMP/doc/github-actions.yml" | sed "s|build/folio|$FOLIO|g; s|reports/|$SRV/|g; s| out/| $SRV/out/|g; s|\"out/|\"$SRV/out/|g" >"$TMP/gh.sh"
    rm -f "$SRV/out/4pi-$year.pdf" "$SRV/out/run.json"
    (cd "$TMP" && bash -e "$TMP/gh.sh") 2>"$TMP/gh.err"
    check "GitHub Actions render step: exit 0, the PDF and the log" test $? -eq 0 -a -s "$SRV/out/4pi-$year.pdf" -a -s "$SRV/out/run.json"
else
    echo "python3-yaml is not installed: the CI files are not parsed"
fi
finish
