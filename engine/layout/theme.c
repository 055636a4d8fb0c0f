/* The default theme: A4 portrait, Open Sans 10 pt, a dark blue accent and a colour-blind safe
 * palette whose first colours also differ in grey (luma about 87, 162, 41, 204, 119). */
#include "layout/layout.h"

#include <string.h>

#define MM (72.0 / 25.4)

void folio_theme_default(folio_theme *t)
{
    if (!t)
        return;
    memset(t, 0, sizeof *t);
    t->page_w = 595.276;
    t->page_h = 841.89;
    t->margin_top = 25 * MM;
    t->margin_bottom = 22 * MM;
    t->margin_left = 20 * MM;
    t->margin_right = 20 * MM;
    t->font_size = 10;
    t->leading = 1.45;
    t->text = 0x1a1a1a;
    t->muted = 0x555555;
    t->accent = 0x08519c;
    t->rule = 0x9aa7b4;
    t->light = 0xeef3f8;
    /* Okabe-Ito hues; green darkened and sky blue lightened so that they also differ in grey. */
    static const uint32_t palette[] = {0x0072b2, 0xe69f00, 0x003d2e, 0xa6d8f5,
                                       0xd55e00, 0xcc79a7, 0xf0e442, 0x666666};
    memcpy(t->palette, palette, sizeof palette);
    t->npalette = sizeof palette / sizeof palette[0];
    static const uint32_t scale5[] = {0xb2182b, 0xef8a62, 0xd9d9d9, 0x67a9cf, 0x2166ac};
    memcpy(t->scale5, scale5, sizeof scale5);
}
