# folio plugins [REPORT] [--details]: the plugins a report uses (once each, in order of first
# use), where each comes from, its version, and with --details its needs and options (type and
# default); without REPORT every standard plugin.
source "$(dirname "$0")/lib.sh"
run() { "$FOLIO" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { cat "$TMP/rc"; }
same() { # same EXPECTED-FILE: stdout is exactly that
    diff -u "$1" "$TMP/out" >&2
}

# A report with a local plugin, a standard one used twice, and a local plugin that shadows a
# standard one.
R=$TMP/r
mkdir -p "$R/plugins" "$R/data"
printf 'org_type,staff\nnhs_trust,3\n' >"$R/data/survey.csv"
cat >"$R/report.lua" <<'LUA'
return {
  title = "Plugins",
  inputs = { survey = { file = "data/survey.csv",
    schema = { org_type = { "code", values = { "nhs_trust", "other" } }, staff = "integer" } } },
  sections = { { "text", file = "a.md" }, { "tally" }, { "text", file = "b.md" }, { "cover" } },
}
LUA
cat >"$R/plugins/tally.lua" <<'LUA'
return {
  name = "tally",
  version = "0.2.0",
  needs = { survey = { "org_type", "staff" } },
  options = { title = "Tally", by_region = false, top = 5, share = 0.5, order = { "a", "b" } },
  build = function(ctx) return { blocks.heading(1, ctx.options.title) } end,
}
LUA
sed 's/version = "1.0.0"/version = "9.9.9"/' plugins/cover.lua >"$R/plugins/cover.lua"

run plugins "$R"
check "report: exit 0 (got $(rc))" test "$(rc)" -eq 0
cat >"$TMP/want" <<EOF2
text                 1.0.0    standard plugins/text.lua
tally                0.2.0    report   $R/plugins/tally.lua
cover                9.9.9    report   $R/plugins/cover.lua
EOF2
check "report: one line per plugin, where it comes from, its version" same "$TMP/want"
check "report: nothing on stderr (the CSVs are not read)" test ! -s "$TMP/err"

run plugins "$R" --details
check "--details: exit 0 (got $(rc))" test "$(rc)" -eq 0
cat >"$TMP/want" <<EOF2
text                 1.0.0    standard plugins/text.lua
  needs: nothing
  options:
    file             string   default ""
    new_page         boolean  default false (every section has it)
tally                0.2.0    report   $R/plugins/tally.lua
  needs:
    survey: org_type, staff
  options:
    by_region        boolean  default false
    order            table    default { "a", "b" }
    share            number   default 0.5
    title            string   default "Tally"
    top              integer  default 5
    new_page         boolean  default false (every section has it)
cover                9.9.9    report   $R/plugins/cover.lua
  needs: nothing
  options:
    logo             string   default ""
    period_input     string   default "survey"
    new_page         boolean  default false (every section has it)
EOF2
check "--details: needs and options with types and defaults" same "$TMP/want"

# Without REPORT: every standard plugin, sorted, one line each.
run plugins
check "standard: exit 0 (got $(rc))" test "$(rc)" -eq 0
ls plugins/*.lua | sed 's|plugins/||; s|\.lua$||' >"$TMP/names"
check "standard: every plugin file, sorted" test "$(awk '{print $1}' "$TMP/out")" = "$(cat "$TMP/names")"
check "standard: a known line" grep -qxF "usage-reach          1.1.0    standard plugins/usage-reach.lua" "$TMP/out"
run plugins --details
check "standard --details: a plugin's needs" grep -qxF "    interviews: interview_id, role, level, domain, quote, consent" "$TMP/out"
check "standard --details: a declared new_page" grep -qxF "    new_page         boolean  default true" "$TMP/out"

# A plugin with a problem is still listed; the problem is said and the exit is 1.
sed -i 's/"staff" }/"staf" }/' "$R/plugins/tally.lua"
run plugins "$R"
check "problem: exit 1 (got $(rc))" test "$(rc)" -eq 1
check "problem: said, with a suggestion" grep -qxF "$R/plugins/tally.lua:4: error: needs column \"staf\" of input \"survey\", which report.lua does not declare; did you mean \"staff\"?" "$TMP/err"
check "problem: the plugin is still listed" grep -qF "tally                0.2.0    report" "$TMP/out"

# Usage errors.
run check "$R" --details
check "--details elsewhere: exit 2" test "$(rc)" -eq 2
check "--details elsewhere: said" grep -qF "folio: --details is only for plugins" "$TMP/err"
finish
