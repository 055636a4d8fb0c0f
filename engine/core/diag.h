/* Diagnostics: errors and warnings with a location (file, line, column), collected per run. */
#ifndef FOLIO_DIAG_H
#define FOLIO_DIAG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum folio_severity {
    FOLIO_WARNING, /* a row was rejected or something was odd; the run goes on */
    FOLIO_ERROR    /* the report cannot be made */
} folio_severity;

typedef struct folio_message {
    folio_severity severity;
    char *file; /* as shown to the user, e.g. "data/survey.csv" or "plugins/cover.lua"; may be NULL */
    int line;   /* 1-based; 0 = unknown */
    int col;    /* 1-based; 0 = unknown */
    char *text; /* what went wrong and what was expected */
} folio_message;

typedef struct folio_diag {
    folio_message *items;
    size_t n, cap;
    size_t errors, warnings;
    bool strict;  /* warnings count as errors */
    bool quiet;   /* do not echo to stderr as they are added */
} folio_diag;

void folio_diag_init(folio_diag *d);
void folio_diag_free(folio_diag *d);
/* Adds a message; echoes "file:line:col: error: text" to stderr unless quiet. */
void folio_diag_add(folio_diag *d, folio_severity sev, const char *file, int line, int col,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* True when the run must stop: an error, or a warning under strict. */
bool folio_diag_failed(const folio_diag *d);
/* Formats one message as "file:line:col: error: text" into buf. */
void folio_message_format(const folio_message *m, char *buf, size_t size);

#endif
