/* Hyphenation with libhyphen and the Debian pattern files: the language's file is found from
 * its tag, a word is lower-cased (ASCII and Latin-1 letters) and its odd-numbered points kept
 * where they leave enough letters on both sides. */
#include "layout/hyphen.h"

#include <errno.h>
#include <glob.h>
#include <hyphen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct lay_hyph {
    char *path; /* the pattern file, read on first use (parsing it takes ~20 ms) */
    HyphenDict *dict;
    bool failed;
};

static bool readable(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

/* "en-GB" -> "en_GB"; false when the tag is not letters, digits and separators. */
static bool tag_to_name(const char *lang, char *out, size_t outlen)
{
    size_t n = strlen(lang);
    if (n == 0 || n + 1 > outlen)
        return false;
    for (size_t i = 0; i <= n; i++) {
        char ch = lang[i];
        if (ch == '-')
            ch = '_';
        else if (ch && !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                         ch == '_'))
            return false;
        out[i] = ch;
    }
    return true;
}

lay_hyph *lay_hyph_load(const char *lang, const char *dir, folio_diag *diag)
{
    char name[64], path[512];
    if (!dir)
        dir = HYPH_DIR;
    if (!lang || !tag_to_name(lang, name, sizeof name)) {
        if (diag)
            folio_diag_add(
                diag, FOLIO_WARNING, NULL, 0, 0,
                "report language \"%s\" is not a language tag such as \"en-GB\": text is not hyphenated",
                lang ? lang : "");
        return NULL;
    }
    bool d = false;
    snprintf(path, sizeof path, "%s/hyph_%s.dic", dir, name);
    d = readable(path);
    if (!d) {
        /* "de" or "de_AT": the first file of the language. */
        char *u = strchr(name, '_');
        if (u)
            *u = '\0';
        glob_t g;
        snprintf(path, sizeof path, "%s/hyph_%s_*.dic", dir, name);
        if (glob(path, 0, NULL, &g) == 0) {
            for (size_t i = 0; i < g.gl_pathc && !d; i++)
                if ((d = readable(g.gl_pathv[i])))
                    snprintf(path, sizeof path, "%s", g.gl_pathv[i]);
            globfree(&g);
        }
        if (!d) {
            snprintf(path, sizeof path, "%s/hyph_%s.dic", dir, name);
            d = readable(path);
        }
    }
    if (!d) {
        if (diag)
            folio_diag_add(diag, FOLIO_WARNING, NULL, 0, 0,
                           "no hyphenation patterns for language \"%s\" in %s (install the Debian package "
                           "hyphen-%s): text is not hyphenated",
                           lang, dir, name);
        return NULL;
    }
    lay_hyph *h = xcalloc(1, sizeof *h);
    h->path = xstrdup(path);
    return h;
}

void lay_hyph_free(lay_hyph *h)
{
    if (!h)
        return;
    if (h->dict)
        hnj_hyphen_free(h->dict);
    free(h->path);
    free(h);
}

size_t lay_hyph_word(lay_hyph *h, const char *word, size_t len, bool *after)
{
    memset(after, 0, len * sizeof *after);
    if (!h || len < HYPH_LEFT_MIN + HYPH_RIGHT_MIN || len > HYPH_MAX_WORD)
        return 0;
    if (!h->dict && !h->failed) {
        errno = 0;
        h->dict = hnj_hyphen_load(h->path);
        if (!h->dict && errno == ENOMEM) /* not "no dictionary": the words would go unhyphenated */
            folio_out_of_memory();
        h->failed = !h->dict;
    }
    if (!h->dict)
        return 0;
    char low[HYPH_MAX_WORD + 1], hy[HYPH_MAX_WORD + 5];
    size_t nchars = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)word[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (unsigned char)(ch + 32);
        /* Latin-1 capitals (C3 80..C3 9E, not the multiplication sign) -> small. */
        if (i > 0 && (unsigned char)word[i - 1] == 0xC3 && ch >= 0x80 && ch <= 0x9E && ch != 0x97)
            ch = (unsigned char)(ch + 0x20);
        low[i] = (char)ch;
        nchars += (ch & 0xC0) != 0x80;
    }
    low[len] = '\0';
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    memset(hy, 0, sizeof hy);
    if (hnj_hyphen_hyphenate2(h->dict, low, (int)len, hy, NULL, &rep, &pos, &cut) != 0)
        return 0;
    size_t count = 0, before = 0;
    for (size_t i = 0; i < len; i++) {
        bool end_of_char = i + 1 >= len || ((unsigned char)low[i + 1] & 0xC0) != 0x80;
        if (((unsigned char)low[i] & 0xC0) != 0x80)
            before++;
        /* Points with a replacement (non-standard hyphenation) are not used. */
        bool plain = !rep || !rep[i];
        if (end_of_char && (hy[i] & 1) && plain && before >= HYPH_LEFT_MIN &&
            nchars - before >= HYPH_RIGHT_MIN) {
            after[i] = true;
            count++;
        }
    }
    if (rep) {
        for (size_t i = 0; i < len; i++)
            free(rep[i]);
        free(rep);
    }
    free(pos);
    free(cut);
    return count;
}
