/* The font registry: registered families (the bundled one) first, then fontconfig. A family
 * fontconfig does not have is an error listing the installed families that look close, never a
 * silent substitute. */
#include "layout/fontreg.h"

#include <ctype.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/util.h"
#include "layout/fonts.h"

#define MAX_CLOSE 6 /* close matches listed when a family is not installed */
#define DEBIAN_DEJAVU_DIR "/usr/share/fonts/truetype/dejavu" /* fonts-dejavu-core */

typedef struct reg_entry {
    char *family;
    int face;
    char *path;
} reg_entry;

struct folio_fontreg {
    reg_entry *v;
    size_t n, cap;
    bool fc; /* fontconfig was initialised: finalised again when the registry is freed */
};

folio_fontreg *folio_fontreg_create(void)
{
    return xcalloc(1, sizeof(folio_fontreg));
}

void folio_fontreg_free(folio_fontreg *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].family);
        free(r->v[i].path);
    }
    free(r->v);
    if (r->fc)
        FcFini();
    free(r);
}

void folio_fontreg_add(folio_fontreg *r, const char *family, int face, const char *path)
{
    if (!r || !family || !path || face < 0 || face >= FOLIO_FACES)
        return;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->v = xrealloc(r->v, r->cap * sizeof *r->v);
    }
    r->v[r->n++] = (reg_entry){xstrdup(family), face, xstrdup(path)};
}

void folio_fontreg_add_bundled(folio_fontreg *r, const char *fonts_dir)
{
    static const char *const files[] = {"Regular", "Bold", "Italic", "BoldItalic"};
    for (int f = 0; f < FOLIO_FACES; f++) {
        char *path = xasprintf("%s/OpenSans-%s.ttf", fonts_dir ? fonts_dir : "fonts", files[f]);
        folio_fontreg_add(r, FOLIO_BUNDLED_FAMILY, f, path);
        free(path);
    }
}

void folio_fontreg_add_default_fallback(folio_fontreg *r)
{
    static const char *const files[] = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
                                        "DejaVuSans-BoldOblique.ttf"};
    char *path[FOLIO_FACES];
    bool all = true;
    for (int f = 0; f < FOLIO_FACES; f++) {
        path[f] = xasprintf("%s/%s", DEBIAN_DEJAVU_DIR, files[f]);
        all = all && access(path[f], R_OK) == 0;
    }
    for (int f = 0; f < FOLIO_FACES; f++) {
        if (all)
            folio_fontreg_add(r, FOLIO_DEFAULT_FALLBACK, f, path[f]);
        free(path[f]);
    }
}

static void set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, a, b ? b : "");
}

bool folio_fontreg_check_file(const char *path, char *err, size_t errlen)
{
    FILE *fp = path ? fopen(path, "rb") : NULL;
    if (!fp) {
        set_err(err, errlen, "cannot open font %s: %s", path ? path : "(null)", strerror(errno));
        return false;
    }
    unsigned char h[4] = {0};
    size_t got = fread(h, 1, 4, fp);
    fclose(fp);
    uint32_t tag = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
    if (got == 4 && (tag == 0x00010000u || tag == 0x74727565u)) /* 1.0 or 'true' */
        return true;
    if (got == 4 && tag == 0x4F54544Fu) /* 'OTTO' */
        set_err(err, errlen,
                "font %s has CFF (PostScript) outlines, an OpenType .otf font: libharu can embed only "
                "TrueType (glyf) fonts; use the family's .ttf files%s",
                path, NULL);
    else if (got == 4 && tag == 0x74746366u) /* 'ttcf' */
        set_err(err, errlen,
                "font %s is a font collection (.ttc): libharu can embed only single TrueType (.ttf) "
                "files%s",
                path, NULL);
    else
        set_err(err, errlen, "font %s is not a TrueType font (expected a .ttf file)%s", path, NULL);
    return false;
}

static bool same_family(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

/* Whether `word` occurs in s, ignoring ASCII case. */
static bool contains_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (strncasecmp(s, word, n) == 0)
            return true;
    return false;
}

/* Whether an installed family looks like the one asked for: one contains a word (3 letters or
 * more) of the other, case-insensitively. */
static bool looks_close(const char *want, const char *have)
{
    char word[64];
    for (const char *p = want; *p;) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        size_t n = 0;
        while (p[n] && isalnum((unsigned char)p[n]))
            n++;
        if (n >= 3 && n < sizeof word) {
            memcpy(word, p, n);
            word[n] = '\0';
            if (contains_word(have, word))
                return true;
        }
        p += n;
    }
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "A, B, C" of installed families close to `family`, sorted, at most MAX_CLOSE (malloc'ed). */
static char *close_families(const char *family)
{
    FcPattern *all = FcPatternCreate();
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
    FcFontSet *fs = all && os ? FcFontList(NULL, all, os) : NULL;
    char **names = NULL;
    size_t n = 0;
    for (int i = 0; fs && i < fs->nfont; i++) {
        FcChar8 *s;
        for (int k = 0; FcPatternGetString(fs->fonts[i], FC_FAMILY, k, &s) == FcResultMatch; k++) {
            bool dup = false;
            for (size_t j = 0; j < n && !dup; j++)
                dup = strcmp(names[j], (const char *)s) == 0;
            if (!dup && looks_close(family, (const char *)s)) {
                names = xrealloc(names, (n + 1) * sizeof *names);
                names[n++] = xstrdup((const char *)s);
            }
        }
    }
    if (fs)
        FcFontSetDestroy(fs);
    if (os)
        FcObjectSetDestroy(os);
    if (all)
        FcPatternDestroy(all);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    folio_buf out = {0};
    folio_buf_append(&out, "", 0);
    for (size_t i = 0; i < n; i++) {
        if (i < MAX_CLOSE)
            folio_buf_printf(&out, "%s\"%s\"", i ? ", " : "", names[i]);
        free(names[i]);
    }
    if (n > MAX_CLOSE)
        folio_buf_printf(&out, " and %zu more", n - MAX_CLOSE);
    free(names);
    return out.data;
}

/* fontconfig: the file of the best match for family + weight + slant, or NULL and why. */
static char *fc_find(folio_fontreg *r, const char *family, int face, char *err, size_t errlen)
{
    if (!r->fc && !(r->fc = FcInit())) {
        set_err(err, errlen, "cannot look up font family \"%s\": fontconfig could not be initialised%s",
                family, NULL);
        return NULL;
    }
    bool bold = face == FOLIO_FACE_BOLD || face == FOLIO_FACE_BOLD_ITALIC;
    bool italic = face == FOLIO_FACE_ITALIC || face == FOLIO_FACE_BOLD_ITALIC;
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddInteger(pat, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcPatternAddInteger(pat, FC_SLANT, italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcPatternDestroy(pat);

    /* The match must be the family asked for: fontconfig substitutes a default otherwise. */
    bool same = false;
    FcChar8 *s;
    for (int k = 0; m && !same && FcPatternGetString(m, FC_FAMILY, k, &s) == FcResultMatch; k++)
        same = same_family((const char *)s, family);
    char *path = NULL;
    if (!same) {
        char *close = close_families(family);
        if (*close)
            set_err(err, errlen, "font family \"%s\" is not installed; close matches: %s", family, close);
        else
            set_err(err, errlen,
                    "font family \"%s\" is not installed (`fc-list : family` lists those that are)%s", family,
                    NULL);
        free(close);
    } else if (FcPatternGetString(m, FC_FILE, 0, &s) != FcResultMatch) {
        set_err(err, errlen, "font family \"%s\": fontconfig gave no file%s", family, NULL);
    } else {
        int index = 0;
        FcPatternGetInteger(m, FC_INDEX, 0, &index);
        if (index != 0)
            set_err(err, errlen,
                    "font family \"%s\" is in a font collection (%s): libharu can embed only single "
                    "TrueType (.ttf) files",
                    family, (const char *)s);
        else
            path = xstrdup((const char *)s);
    }
    if (m)
        FcPatternDestroy(m);
    return path;
}

const char *folio_fontreg_find(folio_fontreg *r, const char *family, int face, char *err, size_t errlen)
{
    if (!r || !family || !*family || face < 0 || face >= FOLIO_FACES) {
        set_err(err, errlen, "no font family given%s%s", "", NULL);
        return NULL;
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].face == face && same_family(r->v[i].family, family))
            return r->v[i].path;
    char *path = fc_find(r, family, face, err, errlen);
    if (!path)
        return NULL;
    if (!folio_fontreg_check_file(path, err, errlen)) {
        free(path);
        return NULL;
    }
    folio_fontreg_add(r, family, face, path);
    free(path);
    return r->v[r->n - 1].path;
}
