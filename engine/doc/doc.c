/* The document model: blocks and everything inside them, owned by the document. */
#include "doc/doc.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

folio_doc *folio_doc_create(void)
{
    return xcalloc(1, sizeof(folio_doc));
}

void folio_doc_free(folio_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nowned; i++)
        free(d->owned[i]);
    free(d->owned);
    free(d->blocks);
    free(d);
}

void *folio_doc_alloc(folio_doc *d, size_t n)
{
    void *p = xcalloc(1, n ? n : 1);
    if (d->nowned == d->capowned) {
        d->capowned = d->capowned ? d->capowned * 2 : 64;
        d->owned = xrealloc(d->owned, d->capowned * sizeof *d->owned);
    }
    d->owned[d->nowned++] = p;
    return p;
}

char *folio_doc_strdup(folio_doc *d, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *p = folio_doc_alloc(d, n + 1);
    memcpy(p, s, n);
    return p;
}

folio_block *folio_doc_add_block(folio_doc *d, folio_block_kind kind)
{
    folio_block *b = folio_doc_alloc(d, sizeof *b);
    b->kind = kind;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 32;
        d->blocks = xrealloc(d->blocks, d->cap * sizeof *d->blocks);
    }
    d->blocks[d->n++] = b;
    return b;
}

folio_text folio_text_plain(folio_doc *d, const char *s)
{
    folio_text t = {0};
    folio_text_add(d, &t, s, 0, NULL);
    return t;
}

void folio_text_add(folio_doc *d, folio_text *t, const char *s, unsigned style, const char *link)
{
    /* Spans live in doc memory; grow by copying into a new array (texts are short). */
    folio_span *spans = folio_doc_alloc(d, (t->n + 1) * sizeof *spans);
    if (t->n)
        memcpy(spans, t->spans, t->n * sizeof *spans);
    spans[t->n] = (folio_span){folio_doc_strdup(d, s ? s : ""), style, folio_doc_strdup(d, link)};
    t->spans = spans;
    t->n++;
}

char *folio_text_flatten(const folio_text *t)
{
    folio_buf b = {0};
    folio_buf_append(&b, "", 0);
    for (size_t i = 0; i < t->n; i++)
        if (t->spans[i].text)
            folio_buf_puts(&b, t->spans[i].text);
    return b.data;
}

void folio_doc_set_meta(folio_doc *d, const char *title, const char *subtitle, const char *author,
                        const char *lang)
{
    d->title = folio_doc_strdup(d, title);
    d->subtitle = folio_doc_strdup(d, subtitle);
    d->subject = folio_doc_strdup(d, subtitle);
    d->author = folio_doc_strdup(d, author);
    d->lang = folio_doc_strdup(d, lang ? lang : "en-GB");
    d->header_text = folio_doc_strdup(d, title);
}
