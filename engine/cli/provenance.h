/* What makes a PDF reproducible and traceable to its data: the date it carries (never the
 * clock) and the SHA-256 of every input, which go into the PDF's Info dictionary and the run log.
 * Made once per run and shared by every output of it. */
#ifndef FOLIO_PROVENANCE_H
#define FOLIO_PROVENANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/digest.h"
#include "data/table.h"
#include "pdf/pdf.h"
#include "report/report.h"

/* Where the report's date came from, in the order they are tried. */
typedef enum folio_date_source {
    FOLIO_DATE_FROM_SOURCE_DATE_EPOCH, /* the SOURCE_DATE_EPOCH environment variable */
    FOLIO_DATE_FROM_PERIOD,            /* the end of the period (--year, --to) */
    FOLIO_DATE_FROM_DATA,              /* the latest date in the inputs' date columns (used rows) */
    FOLIO_DATE_FROM_NONE               /* none of these: the PDF carries no date */
} folio_date_source;

typedef struct folio_input_digest {
    bool ok;                       /* the file could be read */
    char sha256[FOLIO_SHA256_HEX]; /* lower-case hex */
    long long bytes;
} folio_input_digest;

typedef struct folio_provenance {
    char date[11]; /* "YYYY-MM-DD", "" when none */
    folio_date_source date_source;
    folio_input_digest *inputs; /* one per report input, same order (owned) */
    size_t ninputs;
    folio_pdf_info *info; /* the PDF's custom Info entries: "Input_NAME" = "FILE sha256:HEX" */
    size_t ninfo;
    char **owned; /* the strings behind info */
} folio_provenance;

/* The name of a date source as the run log writes it: "SOURCE_DATE_EPOCH", "period", "data", "none". */
const char *folio_date_source_name(folio_date_source s);
/* Hash every input file of r (those that cannot be read are left !ok: loading them reports
 * why) and fill p->inputs and the Info entries, in three steps so that the middle one can run on
 * a helper thread: begin allocates, digest only reads the files and hashes them (it allocates
 * nothing, so it never has to end folio from that thread), name makes the Info entries. */
void folio_provenance_begin(folio_provenance *p, const folio_report *r);
void folio_provenance_digest(folio_provenance *p, const folio_report *r);
void folio_provenance_name(folio_provenance *p, const folio_report *r);
/* Chooses the report's date: SOURCE_DATE_EPOCH (seconds since 1970-01-01 UTC, a whole number;
 * anything else is an error), else the period's end (the latest `to` of r's inputs), else the
 * latest date among the loaded tables' used rows (tables may hold NULLs), else none. */
bool folio_provenance_date(folio_provenance *p, const folio_report *r, folio_table *const *tables,
                           folio_diag *diag);
/* Points opt's custom Info entries at p's (p must outlive the write). */
void folio_provenance_pdf_options(const folio_provenance *p, folio_pdf_options *opt);
void folio_provenance_free(folio_provenance *p);

#endif
