/* The plugin host: finds, sandboxes and runs section plugins, and turns what build(ctx)
 * returns into document blocks. One lua_State per plugin run. */
#ifndef FOLIO_HOST_H
#define FOLIO_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "data/table.h"
#include "doc/doc.h"
#include "report/report.h"

typedef struct folio_plugin_info {
    char *name;      /* the section plugin's name, e.g. "usage-reach" */
    char *version;   /* e.g. "1.0.0" */
    char *path;      /* the file that was loaded */
    char *display;   /* how messages name it, e.g. "plugins/usage-reach.lua" */
    bool local;      /* found in the report folder's plugins/ */
} folio_plugin_info;

typedef struct folio_limits {
    size_t memory;           /* bytes per plugin state */
    long long instructions;  /* VM instructions per plugin run */
    double seconds;          /* wall-clock seconds per plugin run */
} folio_limits;

typedef struct folio_run {
    const folio_report *report;
    folio_table **tables;     /* one per report input, same order; never NULL entries when running */
    folio_doc *doc;           /* blocks are appended here, section after section */
    folio_diag *diag;
    folio_limits limits;
    const char *engine_version;
    const char *run_date;     /* "YYYY-MM-DD" the report is dated (cover), never read from the clock here */
    const char *std_plugins;  /* the standard plugins folder */
    folio_plugin_info *plugins; /* filled by folio_host_resolve: one per section */
    size_t nplugins;
} folio_run;

/* Finds and loads every section's plugin file (report plugins/ first, then std_plugins),
 * reads name/version/needs/options, and checks needs against the report's inputs (columns
 * present in the schema). Fills run->plugins. Reports every problem, returns false if any. */
bool folio_host_resolve(folio_run *run);
/* Runs each section's build(ctx) in order and appends its blocks to run->doc.
 * Returns false at the first failing section (after reporting it). */
bool folio_host_build(folio_run *run);
void folio_run_free_plugins(folio_run *run);

#endif
