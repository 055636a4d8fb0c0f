/* The commands of folio's command line that live outside main.c. */
#ifndef FOLIO_CLI_H
#define FOLIO_CLI_H

#include <stdbool.h>

#include "core/diag.h"
#include "lua/host.h"

/* `folio plugins REPORT [--details]`: prints each plugin the report's sections use, once, in
 * the order of first use (run already resolved). */
void folio_cli_print_plugins(const folio_run *run, bool details);
/* `folio plugins [--details]` without REPORT: every *.lua in std_plugins (std_display names it
 * in output), sorted by name. Returns the exit status. */
int folio_cli_list_standard(const char *std_plugins, const char *std_display, bool details,
                            const folio_limits *limits);
/* `folio watch REPORT [-o FILE] [render options]`: renders with `folio render` (this same
 * executable, argv with "watch" replaced by "render"), then again whenever a file the report
 * reads changes. report is REPORT as given, std_plugins the standard plugins folder. Returns
 * the exit status (0 after SIGINT or SIGTERM). */
int folio_cli_watch(int argc, char **argv, const char *report, const char *std_plugins);

/* folio test [PATH ...]: runs plugin tests (argv holds the PATHs); home holds plugins/ and
 * fonts/. Prints a line per failure and "N passed, N failed". 0 all passed, 1 a failure,
 * 2 a usage error. */
int folio_cmd_test(int argc, char **argv, const char *home);
/* folio new-plugin NAME [--report DIR]: writes NAME.lua and tests/NAME_test.lua into DIR/plugins
 * (or home/plugins). 0 written, 1 cannot write, 2 a bad NAME, an existing file or usage. */
int folio_cmd_new_plugin(int argc, char **argv, const char *home);

#endif
