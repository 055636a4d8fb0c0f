/* Image blocks: the picture scaled to the column (never wider than the column, never taller
 * than the page body, aspect kept) with its caption under it, in one row that is never split. */
#include <math.h>

#include "layout/layout_int.h"

#define IMAGE_CAPTION_GAP 5.0 /* between the picture and its caption */

void lay_op_image(folio_page *pg, const folio_block *b, const folio_image *im, double x, double y, double w,
                  double h)
{
    if (!im || !(w > 0) || !(h > 0))
        return;
    folio_op op = {0};
    op.kind = FOLIO_OP_IMAGE;
    op.x = x;
    op.y = y;
    op.w = w;
    op.h = h;
    op.dest_page = -1;
    op.block = b;
    op.image = im;
    folio_page_add(pg, &op);
}

void lay_image(lay_ctx *c, const folio_block *b)
{
    const folio_image *im = b->u.image.image;
    if (!im || im->width <= 0 || im->height <= 0)
        return;
    double col = c->width, want = b->u.image.width;
    double w = want <= 0 ? col : want <= 1 ? want * col : want;
    w = fmin(w, col);
    double h = w * im->height / im->width;

    lay_style st = {LAY_SMALL_SIZE, LAY_SMALL_SIZE * 1.4, FOLIO_ITALIC, c->th->muted, b->u.image.align};
    lay_para *cap = lay_para_make(c, &b->u.image.caption, &st, col);
    size_t lines = lay_para_lines(cap);
    double cap_h = lines ? IMAGE_CAPTION_GAP + lines * st.line_h : 0;

    /* Too tall for the page body with its caption: smaller, keeping the aspect. */
    double max_h = c->body_h - cap_h;
    if (max_h < c->body_h / 4)
        max_h = c->body_h / 4;
    if (h > max_h) {
        h = max_h;
        w = h * im->width / im->height;
    }
    double x = b->u.image.align == FOLIO_ALIGN_LEFT    ? c->x0
               : b->u.image.align == FOLIO_ALIGN_RIGHT ? c->x0 + col - w
                                                       : c->x0 + (col - w) / 2;
    lay_row *r = lay_row_add(&c->rows, b, h + cap_h);
    lay_op_image(&r->ops, b, im, x, -h, w, h);
    double base = -h - IMAGE_CAPTION_GAP - lay_baseline(c, &st);
    size_t op0 = r->ops.n;
    for (size_t i = 0; i < lines; i++, base -= st.line_h)
        lay_para_emit(cap, i, &r->ops, c->x0, base, b);
    lay_ops_part(&r->ops, op0, 1);
    lay_para_free(cap);
}
