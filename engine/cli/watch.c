/* placeholder */
#include "cli/cli.h"
int folio_cli_watch(int argc, char **argv, const char *report, const char *std_plugins)
{
    (void)argc; (void)argv; (void)report; (void)std_plugins;
    return 2;
}
