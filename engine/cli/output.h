/* Where a render's PDF goes: its folders made as needed, and a lock so that two runs writing the
 * same output never overlap. One call per output, so a burst locks each of its PDFs. */
#ifndef FOLIO_OUTPUT_H
#define FOLIO_OUTPUT_H

#include <stdbool.h>

#include "core/diag.h"

/* The lock of one output: ".NAME-lock" beside it, held with flock(2) while the run lasts. */
typedef struct folio_lock {
    int fd;     /* -1 when not held (also for an output that needs none: a device or a pipe) */
    char *path; /* the lock file (owned), NULL when not held */
    int slot;   /* its core/cleanup.c slot (removed at exit or on a signal), or -1 */
} folio_lock;

/* Makes the missing folders of path's directory ("out/2025" for "out/2025/report.pdf"), as
 * mkdir -p would. false with "cannot create folder DIR for PATH: reason" in diag. */
bool folio_output_make_dirs(const char *path, folio_diag *diag);
/* Takes the lock of the output at path. If another run holds it: with wait, says so on stderr
 * and blocks until it is released; without, fails at once with a message naming the output and
 * the other run's process id. A device or a pipe (-o /dev/stdout) is not locked (true, fd -1).
 * The lock ends with folio_output_unlock or with the process. */
bool folio_output_lock(folio_lock *l, const char *path, bool wait, folio_diag *diag);
/* Removes the lock file and releases the lock; safe on a lock not held. */
void folio_output_unlock(folio_lock *l);
/* For --dry-run: whether path could be written without writing anything: an existing folder
 * that is writable, or a missing one whose nearest existing parent is. false with a message. */
bool folio_output_check_writable(const char *path, folio_diag *diag);

#endif
