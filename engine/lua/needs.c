/* From the plugins' declared needs to the columns the inputs store: a column no section's plugin
 * names is still validated while loading, but not kept (a 1,000,000-row input then holds only
 * what the report reads). */
#include <string.h>

#include "lua/host.h"

/* Whether a plugin's needs list column `name` for input `input`. */
static bool needs_column(const folio_value *needs, const char *input, const char *name)
{
    for (size_t i = 0; i < needs->n; i++) {
        const folio_value *k = &needs->keys[i], *cols = &needs->vals[i];
        if (k->kind != FOLIO_V_STRING || strcmp(k->str, input) != 0 || cols->kind != FOLIO_V_TABLE)
            continue;
        for (size_t j = 0; j < cols->n; j++)
            if (cols->vals[j].kind == FOLIO_V_STRING && strcmp(cols->vals[j].str, name) == 0)
                return true;
    }
    return false;
}

void folio_host_mark_unread(const folio_run *run, folio_report *rep)
{
    if (!run || !rep || run->nplugins != rep->nsections)
        return;
    for (size_t s = 0; s < run->nplugins; s++)
        if (run->plugins[s].needs.kind != FOLIO_V_TABLE)
            return; /* a plugin that does not say what it reads may read anything */
    for (size_t i = 0; i < rep->ninputs; i++) {
        folio_input *in = &rep->inputs[i];
        for (size_t c = 0; c < in->spec.ncols; c++) {
            bool read = false;
            for (size_t s = 0; !read && s < run->nplugins; s++)
                read = needs_column(&run->plugins[s].needs, in->spec.name, in->cols[c].name);
            in->cols[c].unread = !read;
        }
    }
}
