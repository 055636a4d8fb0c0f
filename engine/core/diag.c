/* Diagnostics: errors and warnings with a location, collected per run and echoed to stderr. */
#include "core/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/limits.h"
#include "core/util.h"

void folio_diag_init(folio_diag *d)
{
    *d = (folio_diag){0};
}

void folio_diag_free(folio_diag *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].text);
    }
    free(d->items);
    *d = (folio_diag){0};
}

void folio_message_format(const folio_message *m, char *buf, size_t size)
{
    const char *sev = m->severity == FOLIO_ERROR ? "error" : "warning";
    if (m->file && m->line > 0 && m->col > 0)
        snprintf(buf, size, "%s:%d:%d: %s: %s", m->file, m->line, m->col, sev, m->text);
    else if (m->file && m->line > 0)
        snprintf(buf, size, "%s:%d: %s: %s", m->file, m->line, sev, m->text);
    else if (m->file)
        snprintf(buf, size, "%s: %s: %s", m->file, sev, m->text);
    else
        snprintf(buf, size, "folio: %s: %s", sev, m->text);
}

void folio_diag_add(folio_diag *d, folio_severity sev, const char *file, int line, int col,
                    const char *fmt, ...)
{
    char text[FOLIO_MAX_MESSAGE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = xrealloc(d->items, d->cap * sizeof *d->items);
    }
    folio_message *m = &d->items[d->n++];
    m->severity = sev;
    m->file = file ? xstrdup(file) : NULL;
    m->line = line;
    m->col = col;
    m->text = xstrdup(text);
    if (sev == FOLIO_ERROR)
        d->errors++;
    else
        d->warnings++;
    if (!d->quiet) {
        char buf[FOLIO_MAX_MESSAGE + 512];
        folio_message_format(m, buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
}

bool folio_diag_failed(const folio_diag *d)
{
    return d->errors > 0 || (d->strict && d->warnings > 0);
}
