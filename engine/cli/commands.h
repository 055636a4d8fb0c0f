/* Commands of the folio CLI that live in files of their own (main.c dispatches to them). */
#ifndef FOLIO_CLI_COMMANDS_H
#define FOLIO_CLI_COMMANDS_H

/* folio test [PATH ...]: runs plugin tests (argv holds the PATHs); home holds plugins/ and
 * fonts/. Prints a line per failure and "N passed, N failed". 0 all passed, 1 a failure,
 * 2 a usage error. */
int folio_cmd_test(int argc, char **argv, const char *home);
/* folio new-plugin NAME [--report DIR]: writes NAME.lua and tests/NAME_test.lua into DIR/plugins
 * (or home/plugins). 0 written, 1 cannot write, 2 a bad NAME, an existing file or usage. */
int folio_cmd_new_plugin(int argc, char **argv, const char *home);

#endif
