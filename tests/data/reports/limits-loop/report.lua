-- report.lua runs in the sandbox under the command line's limits (tests/unit/test_report.c).
while true do end
