/* The run log (--log FILE): one JSON document per run, written atomically at its end, also
 * when the run failed. Things are added as the run learns them; outputs one at a time (a burst
 * adds one per PDF, from any thread). docs/scheduling.md describes every field. */
#ifndef FOLIO_RUNLOG_H
#define FOLIO_RUNLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/provenance.h"
#include "core/diag.h"
#include "data/table.h"
#include "lua/host.h"

#define FOLIO_RUNLOG_FORMAT 1 /* the log's "format"; raised when a field changes meaning */

typedef struct folio_runlog folio_runlog;

/* Starts a log of the run of argv (argc words, copied) with the given command ("render", "check"). */
folio_runlog *folio_runlog_create(const char *command, int argc, char **argv);
/* The run's settings: the period (FOLIO_DATE_NONE = open), the flags that change what is made. */
void folio_runlog_set_period(folio_runlog *log, int32_t from, int32_t to);
void folio_runlog_set_flags(folio_runlog *log, bool strict, bool keep_going, bool dry_run);
/* Takes the report, its plugins and sections (with their timings), its inputs with their counts
 * (tables[i] NULL for an input that could not be loaded) and the provenance (digests, date).
 * Any argument may be NULL when the run stopped before it existed. Copies what it needs. */
void folio_runlog_add_run(folio_runlog *log, const folio_run *run, folio_table *const *tables,
                          const folio_provenance *prov);
/* A stage's wall-clock time ("load", "plugins", "layout", "pdf"). */
void folio_runlog_add_stage(folio_runlog *log, const char *name, double seconds);
/* One output: path, pages, bytes and the file's SHA-256 (hashed here; NULL if it cannot be
 * read, or a device); dry_run: nothing was written, bytes and SHA-256 are null. Thread-safe. */
void folio_runlog_add_output(folio_runlog *log, const char *path, size_t pages, bool dry_run);
/* Writes the log to path atomically (a temporary file renamed into place) with the run's
 * diagnostics and exit status. false with a message on stderr (the run's status stands). */
bool folio_runlog_write(folio_runlog *log, const char *path, const folio_diag *diag, int exit_status);
void folio_runlog_free(folio_runlog *log);

#endif
