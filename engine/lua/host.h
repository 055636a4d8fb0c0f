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
    char *failure;   /* the section could not be made: its first error, "plugins/x.lua:9: text"
                        (first line only); NULL while it is fine */
    folio_value options, needs; /* as the plugin declares them (NIL when absent or unreadable) */
    folio_value previous;       /* `previous`: true or a list of inputs read over the previous period */
    double seconds;  /* wall-clock time folio_host_build spent on this section (run log) */
    bool ran, built; /* build() was called; it succeeded and its blocks were taken */
    struct folio_sandbox *kept; /* the state folio_host_resolve read the plugin in, its value on
                                   the stack, for the first build of this section (then NULL):
                                   a plugin file is loaded and run once, not twice */
} folio_plugin_info;

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
    bool keep_going;          /* a failing section is replaced by an error note; the others go on */
    size_t nfailed;           /* sections that failed (each has plugins[s].failure) */
    size_t failed_errors;     /* errors in diag that belong to those sections */
    const struct folio_burst *burst; /* --each: the value this report is for (ctx.burst); NULL otherwise */
    folio_value *results;     /* when set (by `folio test`): nsections slots, each given a copy of
                                 what that section's build() returned */
} folio_run;

/* Finds and loads every section's plugin file (report plugins/ first, then std_plugins),
 * reads name/version/needs/options, and checks needs against the report's inputs (columns
 * present in the schema). Fills run->plugins. Reports every problem, returns false if any;
 * with keep_going, a section with a problem is marked failed instead and true is returned
 * (every problem here belongs to one section). */
bool folio_host_resolve(folio_run *run);
/* After folio_host_resolve: marks every column of rep's inputs that no section's plugin lists
 * in its needs as unread (validated, not stored). Does nothing when some plugin declares no
 * needs at all, since it may read any column. */
void folio_host_mark_unread(const folio_run *run, folio_report *rep);
/* Runs each section's build(ctx) in order and appends its blocks to run->doc.
 * Returns false at the first failing section (after reporting it); with keep_going, a
 * failing section (or one marked failed by folio_host_resolve) gets a note block with
 * error = true, "This section could not be made: plugins/x.lua:9: ...", in its place and
 * the others are built. */
bool folio_host_build(folio_run *run);
void folio_run_free_plugins(folio_run *run);
/* After folio_host_resolve, before the inputs are loaded: sets spec.keep_previous on each input
 * of r that a plugin reads over the previous period (ctx.previous), when the period has one. */
void folio_host_mark_previous(const folio_run *run, folio_report *r);
/* Reads one plugin file outside any report (`folio plugins` without REPORT): fills info's name
 * (from the file name), version, options and needs; info->path and info->display must be set
 * by the caller. Problems go to diag; false if the file could not be read as a plugin. */
bool folio_host_describe(folio_plugin_info *info, const folio_limits *limits, folio_diag *diag);
/* Frees what one info holds (not info itself). */
void folio_plugin_info_free(folio_plugin_info *info);

/* ---- limits as people write them (limits.c) ---- */

/* What each reader accepts, for messages. */
#define FOLIO_LIMITS_MEMORY_HELP "a size such as \"512 MiB\", \"256M\" or \"1G\", from 1 MiB to 64 GiB"
#define FOLIO_LIMITS_INSTRUCTIONS_HELP "a whole number of VM instructions from 1000 to 10^15, such as 2e9"
#define FOLIO_LIMITS_SECONDS_HELP "a number of seconds, more than 0 and at most 86400"
/* A memory size: a whole number of bytes, or a number with a unit K, KB, KiB, M, MB, MiB, G,
 * GB or GiB (every unit a power of 1024; any case; a space before it allowed): "512 MiB",
 * "256M", "1.5G". false unless it is one from FOLIO_LUA_MEMORY_MIN to FOLIO_LUA_MEMORY_MAX. */
bool folio_limits_parse_memory(const char *s, size_t *bytes);
/* A whole number of instructions ("2000000000" or "2e9") in the allowed range. */
bool folio_limits_parse_instructions(const char *s, long long *n);
/* Seconds ("60", "0.5", "30 s"), more than 0 and at most FOLIO_LUA_SECONDS_MAX. */
bool folio_limits_parse_seconds(const char *s, double *seconds);
/* Writes a byte count as people say it: "512 MiB", "1 GiB", "64 KiB", "1000 bytes". */
void folio_limits_format_memory(size_t bytes, char *out, size_t size);
/* base with every field that is set in `over` (not 0) taken from it. */
folio_limits folio_limits_merge(folio_limits base, folio_limits over);
/* The defaults of core/limits.h: 512 MiB, 2x10^9 instructions, 60 s. */
folio_limits folio_limits_default(void);

#endif
