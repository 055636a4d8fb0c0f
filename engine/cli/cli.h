/* The commands of folio's command line that live outside main.c. */
#ifndef FOLIO_CLI_H
#define FOLIO_CLI_H

#include <stdbool.h>

#include "core/diag.h"
#include "lua/host.h"
#include "report/burst.h"

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

/* ---- rendering one report, and a burst of them (burst.c) ---- */

/* One PDF a run makes and what came of it (what a run log records per output). */
typedef struct folio_output {
    char path[4096]; /* where the PDF goes */
    size_t pages;    /* pages written; 0 when none was */
    long bytes;      /* size of the file written */
    int status;      /* 0 written, 1 failed (nothing written), 3 written with failed sections */
} folio_output;

/* Renders one report into out->path: the whole report (burst NULL) or the report of one burst
 * value (the tables already narrowed to it). Fills out and returns out->status. Messages go
 * to the session's diag. */
typedef int (*folio_render_fn)(void *session, const folio_burst *burst, folio_output *out);

/* What `folio render --each` needs, loaded once and shared by every report. */
typedef struct folio_burst_plan {
    const folio_report *report;
    folio_table **tables;    /* one per input, loaded (each report sees copies narrowed to it) */
    folio_diag *diag;        /* the run's; a report's messages are printed and forgotten when it ends */
    const char *each;        /* --each: "COLUMN" or "INPUT.COLUMN" */
    const char *output;      /* the -o template; it uses {value} */
    folio_output_vars vars;  /* {year}, {from}, {to}, {report} (value is set per report) */
    unsigned jobs;           /* reports rendered at once (worker processes) */
    unsigned shard_k, shard_n; /* render only shard K of N (1-based); 0 = every value */
    struct folio_runlog *log;  /* --log: every PDF written is added to it (NULL: none) */
    bool dry_run;              /* --dry-run: no folders made, nothing written */
} folio_burst_plan;

/* `folio render --each`: one PDF per distinct value of the column, each rendered by render in
 * one of plan->jobs worker processes forked once (a worker renders one report at a time, from
 * copies of the tables narrowed to its value), with progress on stderr and a summary line.
 * Returns the exit status: 0 every report written, 1 one failed (or the burst could not be
 * planned), 2 --each names no usable column, 3 written but some with failed sections. */
int folio_cli_burst(const folio_burst_plan *plan, folio_render_fn render, void *session);

/* folio test [PATH ...]: runs plugin tests (argv holds the PATHs); home holds plugins/ and
 * fonts/. Prints a line per failure and "N passed, N failed". 0 all passed, 1 a failure,
 * 2 a usage error. */
int folio_cmd_test(int argc, char **argv, const char *home);
/* folio new-plugin NAME [--report DIR]: writes NAME.lua and tests/NAME_test.lua into DIR/plugins
 * (or home/plugins). 0 written, 1 cannot write, 2 a bad NAME, an existing file or usage. */
int folio_cmd_new_plugin(int argc, char **argv, const char *home);

#endif
