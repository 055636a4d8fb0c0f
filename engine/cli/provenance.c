/* The report's date (SOURCE_DATE_EPOCH, the period's end, the data; never the clock) and the
 * inputs' SHA-256, for the PDF's metadata and the run log. */
#include "cli/provenance.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

const char *folio_date_source_name(folio_date_source s)
{
    switch (s) {
    case FOLIO_DATE_FROM_SOURCE_DATE_EPOCH: return "SOURCE_DATE_EPOCH";
    case FOLIO_DATE_FROM_PERIOD: return "period";
    case FOLIO_DATE_FROM_DATA: return "data";
    case FOLIO_DATE_FROM_NONE: break;
    }
    return "none";
}

void folio_provenance_begin(folio_provenance *p, const folio_report *r)
{
    p->ninputs = r->ninputs;
    p->inputs = xcalloc(r->ninputs ? r->ninputs : 1, sizeof *p->inputs);
    p->info = xcalloc(r->ninputs ? r->ninputs : 1, sizeof *p->info);
    p->owned = xcalloc(2 * (r->ninputs ? r->ninputs : 1), sizeof *p->owned);
}

void folio_provenance_digest(folio_provenance *p, const folio_report *r)
{
    for (size_t i = 0; i < r->ninputs; i++) {
        folio_input_digest *d = &p->inputs[i];
        d->ok = folio_sha256_file(r->inputs[i].spec.path, d->sha256, &d->bytes);
    }
}

void folio_provenance_name(folio_provenance *p, const folio_report *r)
{
    for (size_t i = 0; i < r->ninputs; i++) {
        const folio_inputspec *s = &r->inputs[i].spec;
        const folio_input_digest *d = &p->inputs[i];
        if (!d->ok)
            continue;
        /* Each input as its own entry, named after the input: the file as report.lua names it
         * (never a path of this machine) and its SHA-256. */
        char *key = xasprintf("Input_%s", s->name);
        for (char *k = key; *k; k++) /* a PDF name and an XMP property name: letters, digits, _ */
            if (!isalnum((unsigned char)*k))
                *k = '_';
        char *value = xasprintf("%s sha256:%s", s->display_path ? s->display_path : s->path, d->sha256);
        p->owned[2 * p->ninfo] = key;
        p->owned[2 * p->ninfo + 1] = value;
        p->info[p->ninfo++] = (folio_pdf_info){.key = key, .value = value};
    }
}

bool folio_provenance_date(folio_provenance *p, const folio_report *r, folio_table *const *tables,
                           folio_diag *diag)
{
    p->date[0] = '\0';
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        /* up to 9999-12-31, so that the date has four digits of year */
        if (errno || *end || end == sde || v < 0 || v > 253402300799LL) {
            folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0,
                           "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC "
                           "(such as 1767225600), not \"%s\"",
                           sde);
            return false;
        }
        folio_date_format((int32_t)(v / 86400), p->date);
        p->date_source = FOLIO_DATE_FROM_SOURCE_DATE_EPOCH;
        return true;
    }
    int32_t best = FOLIO_DATE_NONE;
    for (size_t i = 0; i < r->ninputs; i++)
        if (r->inputs[i].spec.to != FOLIO_DATE_NONE && r->inputs[i].spec.to > best)
            best = r->inputs[i].spec.to;
    if (best != FOLIO_DATE_NONE) {
        folio_date_format(best, p->date);
        p->date_source = FOLIO_DATE_FROM_PERIOD;
        return true;
    }
    for (size_t i = 0; tables && i < r->ninputs; i++) {
        if (!tables[i])
            continue;
        folio_table_stats st;
        folio_table_get_stats(tables[i], &st);
        if (st.last_date != FOLIO_DATE_NONE && st.last_date > best)
            best = st.last_date;
    }
    if (best != FOLIO_DATE_NONE) {
        folio_date_format(best, p->date);
        p->date_source = FOLIO_DATE_FROM_DATA;
        return true;
    }
    p->date_source = FOLIO_DATE_FROM_NONE;
    return true;
}

void folio_provenance_pdf_options(const folio_provenance *p, folio_pdf_options *opt)
{
    opt->creation_date = p->date[0] ? p->date : NULL;
    opt->info = p->info;
    opt->ninfo = p->ninfo;
}

void folio_provenance_free(folio_provenance *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < 2 * p->ninfo; i++)
        free(p->owned[i]);
    free(p->owned);
    free(p->info);
    free(p->inputs);
    *p = (folio_provenance){0};
}
