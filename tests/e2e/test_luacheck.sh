# Every shipped Lua file (standard plugins, report definitions, the examples and the editor
# definitions lua/folio.d.lua) passes luacheck with folio's globals (.luacheckrc).
source "$(dirname "$0")/lib.sh"
for f in plugins/*.lua plugins/tests/*_test.lua reports/*/report.lua reports/*/plugins/*.lua examples/*/report.lua examples/*/plugins/*.lua \
    examples/*/steps/*.lua lua/folio.d.lua; do
    [ -f "$f" ] || continue
    check "luacheck $f" luacheck -q --no-color "$f"
done
finish
