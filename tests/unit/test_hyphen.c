/* Hyphenation: the pattern table that hyphenates words of ASCII letters gives the same points as
 * libhyphen for every word of the repository's prose and for pseudo-words made from the
 * patterns of hyph_en_GB.dic themselves (needs hyphen-en-gb). */
#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "harness.h"
#include "layout/hyphen.h"

static long words, points, mismatches;

/* Compares lay_hyph_word with the libhyphen reference for one word. */
static void compare(lay_hyph *h, const char *w, size_t n)
{
    if (n < HYPH_LEFT_MIN + HYPH_RIGHT_MIN || n > HYPH_MAX_WORD)
        return;
    bool fast[HYPH_MAX_WORD], ref[HYPH_MAX_WORD];
    size_t a = lay_hyph_word(h, w, n, fast), b = lay_hyph_word_reference(h, w, n, ref);
    words++;
    points += (long)b;
    if (a != b || memcmp(fast, ref, n * sizeof *fast) != 0) {
        if (mismatches++ < 10)
            fprintf(stderr, "%.*s: %zu points from the table, %zu from libhyphen\n", (int)n, w, a, b);
    }
}

/* Every run of letters in a file (ASCII or not: other words go to libhyphen either way). */
static void compare_file(lay_hyph *h, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char w[256];
    size_t n = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (isalpha(c) || c >= 0x80) {
            if (n < sizeof w)
                w[n++] = (char)c;
        } else {
            if (n > 0 && n < sizeof w)
                compare(h, w, n);
            n = 0;
        }
    }
    fclose(f);
}

/* The letters of each pattern alone, and joined to those of the patterns 1, 7 and 31 lines on:
 * words where many patterns overlap, the edges included. */
static void compare_patterns(lay_hyph *h, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char line[256];
    char(*pats)[64] = xcalloc(20000, sizeof *pats);
    size_t np = 0;
    while (np < 20000 && fgets(line, sizeof line, f)) {
        size_t k = 0;
        for (char *p = line; *p && k < 63; p++)
            if (islower((unsigned char)*p))
                pats[np][k++] = *p;
        if (k > 0)
            np++;
    }
    fclose(f);
    static const size_t step[] = {1, 7, 31};
    for (size_t i = 0; i < np; i++) {
        compare(h, pats[i], strlen(pats[i]));
        for (size_t s = 0; s < 3; s++) {
            char w[128];
            int n = snprintf(w, sizeof w, "%s%s", pats[i], pats[(i + step[s]) % np]);
            compare(h, w, (size_t)n);
        }
    }
    free(pats);
}

int main(void)
{
    folio_diag diag = {0};
    /* The table is built on a thread of its own, as folio render starts it, and every check
     * below reads that table. A tag that is not one, or a language without patterns, starts
     * nothing; a second call while one runs does nothing. */
    lay_hyph_prefetch("not a tag");
    lay_hyph_prefetch("zz");
    lay_hyph_prefetch_wait();
    lay_hyph_prefetch("en-GB");
    lay_hyph_prefetch("en-GB");
    lay_hyph *h = lay_hyph_load("en-GB", NULL, &diag);
    CHECK(h != NULL);
    if (!h)
        return harness_summary();

    glob_t g;
    static const char *const prose[] = {"reports/*/*.md", "reports/*/*/*.md", "docs/*.md", "README.md",
                                        "tests/data/e2e-reports/*/*.md"};
    for (size_t i = 0; i < sizeof prose / sizeof *prose; i++)
        if (glob(prose[i], 0, NULL, &g) == 0) {
            for (size_t k = 0; k < g.gl_pathc; k++)
                compare_file(h, g.gl_pathv[k]);
            globfree(&g);
        }
    long prose_words = words;
    compare_patterns(h, HYPH_DIR "/hyph_en_GB.dic");
    fprintf(stderr, "%ld words (%ld from prose), %ld hyphen points, %ld mismatches\n", words, prose_words,
            points, mismatches);
    CHECK(prose_words > 1000);
    CHECK(words > 50000);
    CHECK(points > 50000);
    CHECK_INT(mismatches, 0);

    /* A few words as a reader would hyphenate them (and as libhyphen does). */
    bool after[HYPH_MAX_WORD];
    CHECK_INT(lay_hyph_word(h, "hyphenation", 11, after), 3); /* hy-phen-a-tion */
    CHECK(after[1] && after[5] && after[6] && !after[2]);
    CHECK_INT(lay_hyph_word(h, "Organisations", 13, after), 3); /* Or-gan-isa-tions */
    CHECK(after[1] && after[4] && after[7] && !after[8]);
    CHECK_INT(lay_hyph_word(h, "café", 5, after), 0);

    lay_hyph_free(h);

    /* The table is kept for the process: a later render's load finds it (and the answers). */
    lay_hyph_prefetch("en-GB");
    h = lay_hyph_load("en-GB", NULL, &diag);
    CHECK_INT(lay_hyph_word(h, "hyphenation", 11, after), 3);
    CHECK(after[1] && after[5] && after[6] && !after[2]);
    lay_hyph_free(h);
    CHECK(lay_hyph_load("zz", NULL, &diag) == NULL);
    CHECK_INT(diag.warnings, 1); /* "no hyphenation patterns for language "zz"" */
    folio_diag_free(&diag);
    return harness_summary();
}
