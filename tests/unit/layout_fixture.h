/* Shared by the layout unit tests (included once per test program): the bundled fonts, the
 * default theme and a paragraph of sample words. */
#ifndef FOLIO_TEST_LAYOUT_FIXTURE_H
#define FOLIO_TEST_LAYOUT_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>

#include "layout/fonts.h"
#include "layout/layout.h"

static folio_fontset fonts;
static folio_theme theme;

static const char *WORDS =
    "Involvement means people who use services and carers taking part in decisions about the "
    "services they receive, from their own care to the strategy of the whole organisation. "
    "The standards describe principles, purpose, presence, process and impact, and ask every "
    "organisation to review how well it involves people, to act on what it finds, and to report "
    "back. ";

static bool load_fonts(void)
{
    const char *files[FOLIO_FACES] = {"fonts/OpenSans-Regular.ttf", "fonts/OpenSans-Bold.ttf",
                                      "fonts/OpenSans-Italic.ttf", "fonts/OpenSans-BoldItalic.ttf"};
    char err[256];
    for (int i = 0; i < FOLIO_FACES; i++) {
        fonts.face[i] = folio_font_load(files[i], err, sizeof err);
        if (!fonts.face[i]) {
            fprintf(stderr, "%s\n", err);
            return false;
        }
    }
    folio_theme_default(&theme);
    return true;
}

#endif
