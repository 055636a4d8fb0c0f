# Every shipped Lua file (standard plugins, report definitions) passes luacheck with folio's globals.
source "$(dirname "$0")/lib.sh"
for f in plugins/*.lua reports/*/report.lua reports/*/plugins/*.lua; do
    [ -f "$f" ] || continue
    check "luacheck $f" luacheck -q --no-color "$f"
done
finish
