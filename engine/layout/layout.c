/* Block placement and pagination: every block becomes rows (the builders in blocks.c,
 * table_layout.c, charts.c, frontmatter.c), rows are placed on pages keeping what must stay
 * together, and what depends on page numbers is filled in afterwards. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "layout/layout_int.h"

/* ---- ops and rows ---- */

void lay_op_text(folio_page *pg, const folio_block *b, double x, double y, int face, double size,
                 uint32_t colour, const char *text)
{
    if (!text || !*text)
        return;
    folio_op op = {0};
    op.kind = FOLIO_OP_TEXT;
    op.x = x;
    op.y = y;
    op.face = face;
    op.size = size;
    op.fill = colour;
    op.stroke = colour;
    op.text = (char *)text;
    op.dest_page = -1;
    op.block = b;
    folio_page_add(pg, &op);
}

void lay_op_rect(folio_page *pg, const folio_block *b, double x, double y, double w, double h, bool filled,
                 uint32_t fill, double line_width, uint32_t stroke)
{
    if (!(w > 0) || !(h > 0))
        return;
    folio_op op = {0};
    op.kind = FOLIO_OP_RECT;
    op.x = x;
    op.y = y;
    op.w = w;
    op.h = h;
    op.filled = filled;
    op.fill = fill;
    op.line_width = line_width;
    op.stroke = stroke;
    op.dest_page = -1;
    op.block = b;
    folio_page_add(pg, &op);
}

void lay_op_line(folio_page *pg, const folio_block *b, double x, double y, double dx, double dy,
                 double line_width, uint32_t colour)
{
    folio_op op = {0};
    op.kind = FOLIO_OP_LINE;
    op.x = x;
    op.y = y;
    op.w = dx;
    op.h = dy;
    op.line_width = line_width;
    op.stroke = colour;
    op.fill = colour;
    op.dest_page = -1;
    op.block = b;
    folio_page_add(pg, &op);
}

void lay_ops_part(folio_page *pg, size_t from, int part)
{
    for (size_t k = from; k < pg->n; k++)
        pg->ops[k].part = part;
}

void lay_rows_part(lay_ctx *c, size_t first, int part)
{
    for (size_t i = first; i < c->rows.n; i++)
        lay_ops_part(&c->rows.v[i].ops, 0, part);
}

void lay_ops_artifact(folio_page *pg, size_t from)
{
    for (size_t k = from; k < pg->n; k++)
        pg->ops[k].artifact = true;
}

lay_row *lay_row_add(lay_rows *rows, const folio_block *b, double h)
{
    if (rows->n == rows->cap) {
        rows->cap = rows->cap ? rows->cap * 2 : 64;
        rows->v = xrealloc(rows->v, rows->cap * sizeof *rows->v);
    }
    lay_row *r = &rows->v[rows->n++];
    memset(r, 0, sizeof *r);
    r->kind = ROW_FLOW;
    r->h = h > 0 ? h : 0;
    r->block = b;
    r->contents_entry = -1;
    r->repeat = -1;
    r->deco = -1;
    return r;
}

static void row_free(lay_row *r)
{
    for (size_t k = 0; k < r->ops.n; k++)
        folio_op_free(&r->ops.ops[k]);
    free(r->ops.ops);
    free(r->mark);
}

void lay_rows_free(lay_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++)
        row_free(&rows->v[i]);
    free(rows->v);
    *rows = (lay_rows){0};
}

int lay_deco_add(lay_ctx *c, lay_deco d)
{
    /* Capacity doubles: grown whenever the count reaches a power of two (one deco per quote or
     * note, thousands in a long report). */
    if ((c->ndecos & (c->ndecos - 1)) == 0)
        c->decos = xrealloc(c->decos, (c->ndecos ? 2 * c->ndecos : 1) * sizeof *c->decos);
    c->decos[c->ndecos] = d;
    return (int)c->ndecos++;
}

size_t lay_lines_rows(lay_ctx *c, const lay_para *p, const lay_style *st, double x, const folio_block *b,
                      bool keep_all, int deco)
{
    size_t first = c->rows.n, n = lay_para_lines(p);
    double base = lay_baseline(c, st);
    for (size_t i = 0; i < n; i++) {
        lay_row *r = lay_row_add(&c->rows, b, st->line_h);
        lay_para_emit(p, i, &r->ops, x, -base, b);
        r->deco = deco;
        /* At least two lines on each side of a page break. */
        r->keep_with_next = keep_all ? i + 1 < n : (i == 0 || i + 2 == n) && i + 1 < n;
    }
    return first;
}

/* ---- spacing ---- */

double lay_space_before(const lay_ctx *c, const folio_block *b)
{
    double lh = c->line_h;
    switch (b->kind) {
    case FOLIO_BLOCK_HEADING:
        return b->u.heading.level <= 1 ? 1.8 * lh : b->u.heading.level == 2 ? 1.25 * lh : 0.85 * lh;
    case FOLIO_BLOCK_TABLE:
    case FOLIO_BLOCK_KEY_FIGURES:
    case FOLIO_BLOCK_QUOTE:
    case FOLIO_BLOCK_NOTE:
        return 0.6 * lh;
    case FOLIO_BLOCK_CHART:
    case FOLIO_BLOCK_IMAGE:
    case FOLIO_BLOCK_CANVAS:
        return 0.75 * lh;
    case FOLIO_BLOCK_LIST:
        return 0.15 * lh;
    default:
        return 0;
    }
}

double lay_space_after(const lay_ctx *c, const folio_block *b)
{
    double lh = c->line_h;
    switch (b->kind) {
    case FOLIO_BLOCK_HEADING:
        return b->u.heading.level <= 1 ? 0.7 * lh : b->u.heading.level == 2 ? 0.4 * lh : 0.25 * lh;
    case FOLIO_BLOCK_PARAGRAPH:
        return b->u.paragraph.style == FOLIO_PARA_LEAD ? 0.75 * lh : 0.55 * lh;
    case FOLIO_BLOCK_LIST:
        return 0.55 * lh;
    case FOLIO_BLOCK_TABLE:
    case FOLIO_BLOCK_KEY_FIGURES:
    case FOLIO_BLOCK_CHART:
    case FOLIO_BLOCK_IMAGE:
    case FOLIO_BLOCK_CANVAS:
        return 1.0 * lh;
    case FOLIO_BLOCK_QUOTE:
    case FOLIO_BLOCK_NOTE:
        return 0.85 * lh;
    case FOLIO_BLOCK_CONTENTS:
        return 1.0 * lh;
    default:
        return 0;
    }
}

/* ---- pagination ---- */

typedef struct pager {
    lay_ctx *c;
    folio_layout *l;
    size_t cap;
    bool *cover;
    char **top_mark;    /* section title starting at the top of each page (borrowed from rows) */
    char **last_mark;   /* last section title starting on each page */
    bool *content;      /* page has content */
    size_t cur;
    double y;           /* top of the free space on the current page */
    bool has_content;   /* something other than repeated table headers is on the page */
    const folio_block *last_block;
    int front_last;     /* last page with front matter, or -1 */
    int deco;           /* open decoration, or -1 */
    size_t deco_op;
    double deco_top, deco_bottom;
    const folio_block *warned;
} pager;

static void insert_op(folio_page *pg, size_t at, const folio_op *op)
{
    folio_page_add(pg, op);
    if (at >= pg->n - 1)
        return;
    folio_op tmp = pg->ops[pg->n - 1];
    memmove(&pg->ops[at + 1], &pg->ops[at], (pg->n - 1 - at) * sizeof *pg->ops);
    pg->ops[at] = tmp;
}

static void close_deco(pager *pg)
{
    if (pg->deco < 0)
        return;
    const lay_deco *d = &pg->c->decos[pg->deco];
    folio_page *page = &pg->l->pages[pg->cur];
    folio_op op = {0};
    op.dest_page = -1;
    op.block = d->block;
    op.artifact = true; /* decoration */
    if (d->kind == DECO_BOX) {
        op.kind = FOLIO_OP_RECT;
        op.x = d->x;
        op.w = d->w;
        op.y = pg->deco_bottom;
        op.h = pg->deco_top - pg->deco_bottom;
        op.filled = true;
        op.fill = d->fill;
        op.stroke = d->stroke;
        op.line_width = d->line_width;
    } else {
        op.kind = FOLIO_OP_LINE;
        op.x = d->x;
        op.y = pg->deco_top;
        op.w = 0;
        op.h = pg->deco_bottom - pg->deco_top;
        op.stroke = op.fill = d->stroke;
        op.line_width = d->line_width;
    }
    if (op.h != 0)
        insert_op(page, pg->deco_op, &op);
    pg->deco = -1;
}

static void add_page(pager *pg)
{
    folio_layout *l = pg->l;
    if (l->npages == pg->cap) {
        pg->cap = pg->cap ? pg->cap * 2 : 16;
        l->pages = xrealloc(l->pages, pg->cap * sizeof *l->pages);
        pg->cover = xrealloc(pg->cover, pg->cap * sizeof *pg->cover);
        pg->top_mark = xrealloc(pg->top_mark, pg->cap * sizeof *pg->top_mark);
        pg->last_mark = xrealloc(pg->last_mark, pg->cap * sizeof *pg->last_mark);
        pg->content = xrealloc(pg->content, pg->cap * sizeof *pg->content);
    }
    l->pages[l->npages] = (folio_page){0};
    pg->cover[l->npages] = false;
    pg->top_mark[l->npages] = pg->last_mark[l->npages] = NULL;
    pg->content[l->npages] = false;
    pg->cur = l->npages++;
    pg->y = pg->c->top;
    pg->has_content = false;
}

/* Copies a row's ops onto the current page with its top at `top`; in an overfull row, drops
 * what falls below the body area. Returns true when something was dropped. */
/* Copies a row's ops onto the current page at `top` (clipped at the body's bottom when clip);
 * take: the row is placed only this once, so its ops' text and segments are moved, not copied.
 * True when something was cut. */
static bool copy_ops(pager *pg, lay_row *r, double top, bool clip, bool take)
{
    folio_page *page = &pg->l->pages[pg->cur];
    double floor_y = pg->c->bottom;
    bool dropped = false;
    for (size_t k = 0; k < r->ops.n; k++) {
        folio_op op = r->ops.ops[k];
        op.y += top;
        if (clip && op.kind != FOLIO_OP_CLIP && op.kind != FOLIO_OP_UNCLIP) { /* they draw nothing */
            double low = op.kind == FOLIO_OP_TEXT ? op.y - op.size * 0.25
                         : op.kind == FOLIO_OP_LINE ? fmin(op.y, op.y + op.h)
                                                    : op.y;
            if (low < floor_y - 0.5) {
                if ((op.kind == FOLIO_OP_RECT || op.kind == FOLIO_OP_LINK) && op.y + op.h > floor_y + 1) {
                    op.h = op.y + op.h - floor_y;
                    op.y = floor_y;
                } else {
                    dropped = true;
                    continue;
                }
                dropped = true;
            }
        }
        if (take) {
            folio_page_take(page, &op);
            r->ops.ops[k].text = op.text; /* what was not taken stays the row's */
            r->ops.ops[k].segs = op.segs;
        } else {
            folio_page_add(page, &op);
        }
    }
    return dropped;
}

/* Places a row at the current position (take: see copy_ops). */
static void place(pager *pg, lay_row *r, double sb, bool counts, bool take)
{
    lay_ctx *c = pg->c;
    if (r->deco != pg->deco)
        close_deco(pg);
    pg->y -= sb;
    double top = pg->y;
    if (r->deco >= 0 && pg->deco < 0) {
        pg->deco = r->deco;
        pg->deco_op = pg->l->pages[pg->cur].n;
        pg->deco_top = top;
    }
    bool clip = r->h > top - c->bottom + LAY_FIT;
    if (copy_ops(pg, r, top, clip, take) && pg->warned != r->block) {
        pg->warned = r->block;
        folio_diag_add(c->diag, FOLIO_WARNING, r->block ? r->block->source : NULL,
                       r->block ? r->block->source_line : 0, 0,
                       "a block is taller than a page; what did not fit was cut");
    }
    pg->y = top - r->h;
    if (pg->deco >= 0)
        pg->deco_bottom = pg->y;
    if (r->outline_level > 0 && r->block && r->block->kind == FOLIO_BLOCK_HEADING) {
        folio_layout *l = pg->l;
        l->outline = xrealloc(l->outline, (l->noutline + 1) * sizeof *l->outline);
        char *title = lay_title_text(&r->block->u.heading.text);
        l->outline[l->noutline++] = (folio_outline_entry){title, r->outline_level, (int)pg->cur, top};
        c->placed = xrealloc(c->placed, (c->nplaced + 1) * sizeof *c->placed);
        c->placed[c->nplaced++] = (lay_placed){r->block, (int)pg->cur, top};
    }
    if (r->mark) {
        if (!pg->has_content)
            pg->top_mark[pg->cur] = r->mark;
        pg->last_mark[pg->cur] = r->mark;
    }
    if (r->contents_entry >= 0) {
        lay_entry *e = &c->entries[r->contents_entry];
        e->page = (int)pg->cur;
        e->top = top;
    }
    if (r->front)
        pg->front_last = (int)pg->cur;
    if (counts) {
        pg->has_content = true;
        pg->content[pg->cur] = true;
        pg->last_block = r->block;
    }
}

/* Starts a new page; a table broken across it gets its header rows again. */
static void new_page(pager *pg, const lay_row *next)
{
    close_deco(pg);
    add_page(pg);
    if (next && next->repeat >= 0 && next->block && next->block == pg->last_block) {
        lay_rows *g = &pg->c->groups[next->repeat];
        size_t from = pg->l->pages[pg->cur].n;
        for (size_t k = 0; k < g->n; k++)
            place(pg, &g->v[k], 0, false, false); /* repeated: copied */
        lay_ops_artifact(&pg->l->pages[pg->cur], from); /* repeated: the table has them once */
    }
}

/* Height of row i and the rows that must stay with it, with the space before each; stops
 * counting once more than a page. */
static double chain_height(const lay_ctx *c, size_t i, double sb)
{
    const lay_rows *rows = &c->rows;
    double h = sb + rows->v[i].h;
    for (size_t j = i; rows->v[j].keep_with_next && j + 1 < rows->n && rows->v[j + 1].kind == ROW_FLOW &&
                       h <= c->body_h + 1;
         j++)
        h += rows->v[j + 1].space_before + rows->v[j + 1].h;
    return h;
}

static void paginate(pager *pg)
{
    lay_ctx *c = pg->c;
    add_page(pg);
    for (size_t i = 0; i < c->rows.n;) {
        lay_row *r = &c->rows.v[i];
        if (r->kind == ROW_PAGE_BREAK) {
            if (pg->has_content)
                new_page(pg, NULL);
            i++;
            continue;
        }
        if (r->kind == ROW_COVER) {
            if (pg->has_content || pg->l->pages[pg->cur].n)
                new_page(pg, NULL);
            copy_ops(pg, r, 0, false, true);
            pg->cover[pg->cur] = true;
            pg->content[pg->cur] = true;
            pg->front_last = (int)pg->cur;
            pg->last_block = r->block;
            new_page(pg, NULL);
            i++;
            continue;
        }
        double avail = pg->y - c->bottom;
        double sb = pg->has_content ? r->space_before : 0;
        if (pg->has_content && r->need > 0 && avail - sb < r->need) {
            new_page(pg, r);
            continue;
        }
        double chain = chain_height(c, i, sb);
        if (chain <= avail + LAY_FIT || !pg->has_content) {
            place(pg, r, sb, true, true);
        } else if (chain - sb > c->body_h + LAY_FIT) {
            /* What must stay together is taller than a page: break inside it. */
            if (sb + r->h <= avail + LAY_FIT)
                place(pg, r, sb, true, true);
            else {
                new_page(pg, r);
                continue;
            }
        } else {
            new_page(pg, r);
            continue;
        }
        i++;
    }
    close_deco(pg);
    /* No empty page at the end (e.g. after a cover or a final page break). */
    while (pg->l->npages > 1 && !pg->content[pg->l->npages - 1] && pg->l->pages[pg->l->npages - 1].n == 0)
        pg->l->npages--;
}

/* Internal links ("#id" of a heading) get their page; unknown ones are dropped. */
static void resolve_links(lay_ctx *c, folio_layout *l)
{
    for (size_t p = 0; p < l->npages; p++) {
        folio_page *page = &l->pages[p];
        size_t w = 0;
        for (size_t k = 0; k < page->n; k++) {
            folio_op *op = &page->ops[k];
            if (op->kind == FOLIO_OP_LINK && op->dest_page < 0 && op->text && op->text[0] == '#') {
                const lay_placed *hit = NULL;
                for (size_t h = 0; h < c->nplaced && !hit; h++) {
                    const char *id = c->placed[h].block->u.heading.id;
                    if (id && strcmp(id, op->text + 1) == 0)
                        hit = &c->placed[h];
                }
                free(op->text);
                op->text = NULL;
                if (!hit)
                    continue;
                op->dest_page = hit->page;
                op->dest_y = hit->y;
            }
            page->ops[w++] = *op;
        }
        page->n = w;
    }
}

/* ---- the whole document ---- */

/* A one- or two-line introduction between a heading and a chart, table, list or key figures
 * stays with that block, so the heading is never stranded above a block moved to the next page.
 * Not before another heading or paragraph, so keeps do not chain down the page. */
static void keep_intro(lay_ctx *c, size_t first, const folio_block *prev, const folio_block *next)
{
    if (!prev || prev->kind != FOLIO_BLOCK_HEADING || !next || c->rows.n <= first || c->rows.n - first > 2)
        return;
    if (next->kind == FOLIO_BLOCK_HEADING || next->kind == FOLIO_BLOCK_PARAGRAPH ||
        next->kind == FOLIO_BLOCK_PAGE_BREAK)
        return;
    for (size_t i = first; i < c->rows.n; i++)
        c->rows.v[i].keep_with_next = true;
}

static void build(lay_ctx *c)
{
    const folio_doc *d = c->doc;
    double after = 0;
    const folio_block *prev = NULL;
    for (size_t i = 0; i < d->n; i++) {
        const folio_block *b = d->blocks[i];
        if (!b)
            continue;
        size_t first = c->rows.n;
        switch (b->kind) {
        case FOLIO_BLOCK_HEADING:
            lay_heading(c, b);
            break;
        case FOLIO_BLOCK_PARAGRAPH:
            lay_paragraph(c, b);
            keep_intro(c, first, prev, i + 1 < d->n ? d->blocks[i + 1] : NULL);
            break;
        case FOLIO_BLOCK_LIST:
            lay_list(c, b);
            break;
        case FOLIO_BLOCK_TABLE:
            lay_table(c, b);
            break;
        case FOLIO_BLOCK_KEY_FIGURES:
            lay_figures(c, b);
            break;
        case FOLIO_BLOCK_QUOTE:
            lay_quote(c, b);
            break;
        case FOLIO_BLOCK_CHART:
            lay_chart(c, b);
            break;
        case FOLIO_BLOCK_IMAGE:
            lay_image(c, b);
            break;
        case FOLIO_BLOCK_CANVAS:
            lay_canvas(c, b);
            break;
        case FOLIO_BLOCK_NOTE:
            lay_note(c, b);
            break;
        case FOLIO_BLOCK_CONTENTS:
            lay_contents(c, b, i);
            break;
        case FOLIO_BLOCK_COVER:
            lay_cover(c, b);
            break;
        case FOLIO_BLOCK_PAGE_BREAK:
            lay_row_add(&c->rows, b, 0)->kind = ROW_PAGE_BREAK;
            break;
        }
        if (c->rows.n == first)
            continue;
        /* Spaces between blocks collapse to the larger; right under a heading, less. */
        lay_row *r = &c->rows.v[first];
        double before = lay_space_before(c, b);
        if (prev && prev->kind == FOLIO_BLOCK_HEADING && b->kind == FOLIO_BLOCK_HEADING)
            before = after + 0.2 * c->line_h;
        else if (prev && prev->kind == FOLIO_BLOCK_HEADING)
            before = after;
        r->space_before = fmax(before, after);
        bool breaks = b->kind == FOLIO_BLOCK_PAGE_BREAK || b->kind == FOLIO_BLOCK_COVER;
        after = breaks ? 0 : lay_space_after(c, b);
        prev = breaks ? NULL : b;
    }
}

static void ctx_free(lay_ctx *c)
{
    lay_rows_free(&c->rows);
    for (size_t i = 0; i < c->ngroups; i++)
        lay_rows_free(&c->groups[i]);
    free(c->groups);
    free(c->decos);
    free(c->entries);
    free(c->placed);
    if (c->fallback)
        lay_fallback_free(c->fallback);
    lay_hyph_free(c->hyph);
    lay_words_free(c->words);
}

void folio_layout_prefetch(const char *lang)
{
    lay_hyph_prefetch(lang);
}

void folio_layout_prefetch_wait(void)
{
    lay_hyph_prefetch_wait();
}

folio_layout *folio_layout_render(const folio_doc *doc, const folio_theme *theme, const folio_fontset *fonts,
                                  folio_diag *diag)
{
    if (!doc || !theme || !fonts || !fonts->face[FOLIO_FACE_REGULAR]) {
        if (diag)
            folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "layout: no document, theme or regular font");
        return NULL;
    }
    double w = theme->page_w, h = theme->page_h;
    double top = h - theme->margin_top, bottom = theme->margin_bottom;
    double left = theme->margin_left, right = w - theme->margin_right;
    if (!(right - left >= 72) || !(top - bottom >= 144) || !(theme->font_size > 0) || !(theme->leading > 0)) {
        if (diag)
            folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0,
                           "layout: the page (%.0f x %.0f pt) leaves too little room inside its margins", w, h);
        return NULL;
    }
    lay_ctx c = {0};
    c.doc = doc;
    c.th = theme;
    c.diag = diag;
    for (int f = 0; f < FOLIO_FACES; f++)
        c.face[f] = fonts->face[f] ? fonts->face[f] : fonts->face[FOLIO_FACE_REGULAR];
    lay_advance_init(&c);
    c.words = lay_words_create();
    lay_fallback fallback;
    lay_fallback_init(&fallback, fonts, diag);
    c.fallback = &fallback;
    c.x0 = left;
    c.width = right - left;
    c.top = top;
    c.bottom = bottom;
    c.body_h = top - bottom;
    c.line_h = theme->font_size * theme->leading;
    c.hyph = lay_hyph_load(doc->lang ? doc->lang : "en-GB", NULL, diag);

    build(&c);

    folio_layout *l = xcalloc(1, sizeof *l);
    l->page_w = w;
    l->page_h = h;
    pager pg = {0};
    pg.c = &c;
    pg.l = l;
    pg.front_last = -1;
    pg.deco = -1;
    paginate(&pg);
    l->body_start = pg.front_last + 1 < (int)l->npages ? pg.front_last + 1 : 0;

    lay_contents_fill(&c, l);
    resolve_links(&c, l);
    lay_running(&c, l, pg.cover, pg.top_mark, pg.last_mark);
    lay_fallback_apply(&c, l);

    free(pg.cover);
    free(pg.top_mark);
    free(pg.last_mark);
    free(pg.content);
    ctx_free(&c);
    return l;
}
