/* The display list: pages of ops, the outline, and freeing them. */
#include "layout/display.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* A new op at the page's end, its fields unset. */
static folio_op *page_slot(folio_page *p)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8; /* small: every row of the galley is a page of ops too */
        p->ops = xrealloc(p->ops, p->cap * sizeof *p->ops);
    }
    return &p->ops[p->n++];
}

folio_op *folio_page_take(folio_page *p, folio_op *op)
{
    if (!p || !op)
        return NULL;
    folio_op *o = page_slot(p);
    *o = *op;
    op->text = NULL;
    if (op->segs && op->nsegs) {
        op->segs = NULL;
    } else {
        o->segs = NULL;
        o->nsegs = 0;
    }
    return o;
}

folio_op *folio_page_add(folio_page *p, const folio_op *op)
{
    if (!p || !op)
        return NULL;
    folio_op *o = page_slot(p);
    *o = *op;
    o->text = op->text ? xstrdup(op->text) : NULL;
    o->segs = NULL;
    if (op->segs && op->nsegs) {
        o->segs = xmalloc(op->nsegs * sizeof *o->segs);
        memcpy(o->segs, op->segs, op->nsegs * sizeof *o->segs);
    } else {
        o->nsegs = 0;
    }
    return o;
}

void folio_op_free(folio_op *op)
{
    free(op->text);
    free(op->segs);
    op->text = NULL;
    op->segs = NULL;
}

void folio_layout_free(folio_layout *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->npages; i++) {
        for (size_t k = 0; k < l->pages[i].n; k++)
            folio_op_free(&l->pages[i].ops[k]);
        free(l->pages[i].ops);
    }
    free(l->pages);
    for (size_t i = 0; i < l->noutline; i++)
        free(l->outline[i].title);
    free(l->outline);
    free(l->unprintable);
    free(l);
}
