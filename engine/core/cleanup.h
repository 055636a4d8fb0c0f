/* Files to remove if the process ends before it is done with them: temporary files being
 * written (pdf/atomic.c) and held lock files (cli/output.c). They are removed at exit (folio's
 * out-of-memory exit included) and on SIGINT, SIGTERM, SIGHUP and SIGQUIT, after which the
 * signal ends the process as it would have. Only SIGKILL or a crash can leave one behind. */
#ifndef FOLIO_CLEANUP_H
#define FOLIO_CLEANUP_H

#define FOLIO_CLEANUP_SLOTS 64 /* files registered at once; a full table only means a file may be left */

/* Registers path; returns its slot, or -1 if the table is full or the path too long. */
int folio_cleanup_add(const char *path);
/* Forgets a slot (the caller has renamed or removed the file); -1 is ignored. */
void folio_cleanup_forget(int slot);

#endif
