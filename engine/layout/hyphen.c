/* Hyphenation with the Debian pattern files: the language's file is found from its tag, a word
 * is lower-cased (ASCII and Latin-1 letters) and its odd-numbered points kept where they leave
 * enough letters on both sides. Words of ASCII letters are matched against a hash table of the
 * file's Liang patterns; others (and files with features beyond plain patterns) go to
 * libhyphen, whose parse of a whole file takes ~15-20 ms, so it happens only when such a word
 * needs it. Both give the same points (tests/unit/test_hyphen.c compares them). */
#include "layout/hyphen.h"

#include <errno.h>
#include <glob.h>
#include <hyphen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/thread.h"
#include "core/util.h"

/* The file's patterns as a hash table: key = the pattern's letters (with '.' at a word edge),
 * value = its len + 1 digits. */
typedef struct hyph_table {
    char *arena;     /* key bytes, then len + 1 digit values, per pattern */
    uint32_t *slots; /* arena offset + 1 of each pattern, 0 = empty; nslots a power of 2 */
    uint8_t *lens;   /* key length per slot */
    size_t nslots;
    size_t maxlen; /* longest key */
} hyph_table;

/* The points of the words hyphenated so far: a word recurs through a report, and its points
 * never change. Open addressing on the word's bytes; one bit per byte (HYPH_MAX_WORD <= 64). */
#define MEMO_FIRST_CAP 256 /* slots; a power of 2, doubled at half full */

typedef struct memo_slot {
    uint32_t off; /* of the word's bytes in the arena */
    uint8_t len;  /* 0: an empty slot */
    uint8_t count;
    uint64_t points; /* bit i: a hyphen may follow byte i */
} memo_slot;

typedef struct hyph_memo {
    memo_slot *slots;
    size_t cap, used;
    folio_buf arena;
} hyph_memo;

struct lay_hyph {
    char *path;       /* the pattern file, read on first use */
    hyph_memo memo;   /* lay_hyph_word's answers so far */
    const hyph_table *table; /* the file's kept table, found on first use; NULL until then */
    bool table_tried;        /* tried: a file libhyphen alone reads leaves it NULL */
    HyphenDict *dict; /* libhyphen's parse, made on the first word the table cannot take */
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

typedef enum found { FOUND, BAD_TAG, NO_FILE } found;

#define NAME_SIZE 64  /* a language's part of a file name, "en_GB" */
#define PATH_SIZE 512 /* a pattern file's path */

/* The pattern file of a language tag in dir: path[PATH_SIZE] and FOUND, else why not
 * (name[NAME_SIZE] holds the language's file name part, for the message). */
static found find_file(const char *lang, const char *dir, char *name, char *path)
{
    if (!lang || !tag_to_name(lang, name, NAME_SIZE))
        return BAD_TAG;
    bool d = false;
    snprintf(path, PATH_SIZE, "%s/hyph_%s.dic", dir, name);
    d = readable(path);
    if (!d) {
        /* "de" or "de_AT": the first file of the language. */
        char *u = strchr(name, '_');
        if (u)
            *u = '\0';
        glob_t g;
        snprintf(path, PATH_SIZE, "%s/hyph_%s_*.dic", dir, name);
        if (glob(path, 0, NULL, &g) == 0) {
            for (size_t i = 0; i < g.gl_pathc && !d; i++)
                if ((d = readable(g.gl_pathv[i])))
                    snprintf(path, PATH_SIZE, "%s", g.gl_pathv[i]);
            globfree(&g);
        }
        if (!d) {
            snprintf(path, PATH_SIZE, "%s/hyph_%s.dic", dir, name);
            d = readable(path);
        }
    }
    return d ? FOUND : NO_FILE;
}

lay_hyph *lay_hyph_load(const char *lang, const char *dir, folio_diag *diag)
{
    char name[NAME_SIZE], path[PATH_SIZE];
    if (!dir)
        dir = HYPH_DIR;
    found f = find_file(lang, dir, name, path);
    if (f == BAD_TAG) {
        if (diag)
            folio_diag_add(
                diag, FOLIO_WARNING, NULL, 0, 0,
                "report language \"%s\" is not a language tag such as \"en-GB\": text is not hyphenated",
                lang ? lang : "");
        return NULL;
    }
    if (f == NO_FILE) {
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
    free(h->memo.slots);
    folio_buf_free(&h->memo.arena);
    free(h->path);
    free(h);
}

/* The slot of key k: where it is, or the empty one where it would go. */
static size_t find_slot(const hyph_table *t, const char *k, size_t n)
{
    size_t mask = t->nslots - 1, i = folio_hash_bytes(0, k, n) & mask;
    while (t->slots[i] && !(t->lens[i] == n && memcmp(t->arena + t->slots[i] - 1, k, n) == 0))
        i = (i + 1) & mask;
    return i;
}

/* Builds the table from the file. False (the table left empty) when the file cannot be read or
 * uses what only libhyphen does: NEXTLEVEL (compound levels), NOHYPHEN, non-standard
 * hyphenation ("/" in a pattern), keys too long for the table, or minimums above folio's own
 * (HYPH_LEFT_MIN, HYPH_RIGHT_MIN): with smaller ones, how libhyphen applies them cannot change
 * what folio keeps. */
static bool build_table(hyph_table *t, const char *path)
{
    size_t len;
    char *data = folio_read_file(path, &len);
    if (!data)
        return false;
    folio_buf text = {.data = data, .len = len, .cap = len + 1}; /* NUL-terminated: len + 1 bytes */
    bool good = true;

    size_t lines = 1; /* the last one may have no newline */
    for (const char *at = text.data, *end = text.data + text.len; (at = memchr(at, '\n', (size_t)(end - at)));
         at++)
        lines++;
    t->nslots = 16;
    while (t->nslots < 2 * lines)
        t->nslots *= 2;
    t->slots = xcalloc(t->nslots, sizeof *t->slots);
    t->lens = xcalloc(t->nslots, 1);
    t->arena = xmalloc(2 * text.len + 1);
    size_t used = 0;
    bool first = true;
    for (char *line = text.data; good && line < text.data + text.len;) {
        char *eol = memchr(line, '\n', (size_t)(text.data + text.len - line));
        if (!eol)
            eol = text.data + text.len;
        size_t n = (size_t)(eol - line);
        while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--;
        const char *l = line;
        line = eol + 1;
        if (first) { /* the character set */
            first = false;
            continue;
        }
        if (n == 0 || l[0] == '%')
            continue;
        if (l[0] >= 'A' && l[0] <= 'Z') { /* a keyword */
            static const struct {
                const char *word;
                int most;
            } mins[] = {{"LEFTHYPHENMIN ", HYPH_LEFT_MIN},
                        {"RIGHTHYPHENMIN ", HYPH_RIGHT_MIN},
                        {"COMPOUNDLEFTHYPHENMIN ", HYPH_LEFT_MIN},
                        {"COMPOUNDRIGHTHYPHENMIN ", HYPH_RIGHT_MIN}};
            bool known = false;
            for (size_t m = 0; m < sizeof mins / sizeof *mins; m++) {
                size_t w = strlen(mins[m].word);
                if (n > w && memcmp(l, mins[m].word, w) == 0) {
                    known = true;
                    good = atoi(l + w) <= mins[m].most;
                }
            }
            good &= known;
            continue;
        }
        char *key = t->arena + used, vals[256];
        size_t k = 0;
        vals[0] = 0; /* vals[0..k] are set as the key grows */
        for (size_t i = 0; i < n && good; i++) {
            unsigned char ch = (unsigned char)l[i];
            if (ch >= '0' && ch <= '9') {
                vals[k] = (char)(ch - '0');
            } else if (ch == '/' || k >= 254 || ch == ' ' || ch == '\t') {
                good = false;
            } else {
                key[k++] = (char)ch;
                vals[k] = 0;
            }
        }
        if (!good || k == 0)
            continue;
        memcpy(key + k, vals, k + 1);
        size_t slot = find_slot(t, key, k);
        t->slots[slot] = (uint32_t)used + 1; /* a repeated pattern: the later one wins */
        t->lens[slot] = (uint8_t)k;
        used += 2 * k + 1;
        if (k > t->maxlen)
            t->maxlen = k;
    }
    folio_buf_free(&text);
    if (!good) {
        free(t->arena);
        free(t->slots);
        free(t->lens);
        *t = (hyph_table){0};
        return false;
    }
    return true;
}

/* The tables built so far, one per file, kept for the life of the process: a burst's workers
 * and folio watch render many times, and a pattern file (a system package's) does not change
 * under them. Read-only once on the list. */
typedef struct kept_table {
    struct kept_table *next;
    char *path;
    hyph_table table; /* arena NULL: a file only libhyphen reads */
} kept_table;

static kept_table *kept;

/* lay_hyph_prefetch's thread and the table it builds; only the thread that started it joins it
 * and puts the table on the list. */
static struct {
    folio_thread thread;
    bool running;
    kept_table *made;
} prefetch;

static void *prefetch_main(void *arg)
{
    kept_table *k = arg;
    build_table(&k->table, k->path);
    return NULL;
}

static kept_table *kept_new(const char *path)
{
    kept_table *k = xcalloc(1, sizeof *k);
    k->path = xstrdup(path);
    return k;
}

/* One that never made the list (its table's memory, if any, is lost with it). */
static void kept_drop(kept_table *k)
{
    free(k->path);
    free(k);
}

static kept_table *kept_find(const char *path)
{
    for (kept_table *k = kept; k; k = k->next)
        if (!strcmp(k->path, path))
            return k;
    return NULL;
}

void lay_hyph_prefetch(const char *lang)
{
    char name[NAME_SIZE], path[PATH_SIZE];
    if (prefetch.running || find_file(lang, HYPH_DIR, name, path) != FOUND || kept_find(path))
        return;
    kept_table *k = kept_new(path);
    if (!folio_thread_start(&prefetch.thread, prefetch_main, k)) {
        kept_drop(k); /* the first word that needs the table builds it */
        return;
    }
    prefetch.running = true;
    prefetch.made = k;
}

void lay_hyph_prefetch_wait(void)
{
    if (!prefetch.running)
        return;
    prefetch.running = false;
    kept_table *k = prefetch.made;
    prefetch.made = NULL;
    /* Out of memory there is not the end of a run that may never need the table (a report
     * without a word to hyphenate): the first word that does builds it, on its own thread. */
    if (!folio_thread_join_checked(&prefetch.thread, NULL)) {
        kept_drop(k);
        return;
    }
    k->next = kept;
    kept = k;
}

/* The kept table of a pattern file, built now if no one has; NULL for a file only libhyphen
 * reads. */
static const hyph_table *table_of(const char *path)
{
    lay_hyph_prefetch_wait();
    kept_table *k = kept_find(path);
    if (!k) {
        k = kept_new(path);
        build_table(&k->table, k->path);
        k->next = kept;
        kept = k;
    }
    return k->table.arena ? &k->table : NULL;
}

/* Liang's points of a lower-case ASCII word into hy[] (hy[i] odd: a hyphen may follow byte i). */
static void table_points(const hyph_table *t, const char *low, size_t len, char *hy)
{
    char s[HYPH_MAX_WORD + 2];
    unsigned char pts[HYPH_MAX_WORD + 3];
    size_t n = len + 2;
    s[0] = '.';
    memcpy(s + 1, low, len);
    s[n - 1] = '.';
    memset(pts, 0, sizeof pts);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j <= n && j - i <= t->maxlen; j++) {
            size_t slot = find_slot(t, s + i, j - i);
            if (!t->slots[slot])
                continue;
            const char *vals = t->arena + t->slots[slot] - 1 + (j - i);
            for (size_t k = 0; k <= j - i; k++)
                if ((unsigned char)vals[k] > pts[i + k])
                    pts[i + k] = (unsigned char)vals[k];
        }
    for (size_t i = 0; i < len; i++) /* after byte i: between s[i + 1] and s[i + 2] */
        hy[i] = (char)('0' + pts[i + 2]);
}

/* Fills hy[] through libhyphen; rep/pos/cut as hnj_hyphen_hyphenate2 gives them. */
static bool libhyphen_points(lay_hyph *h, const char *low, size_t len, char *hy, char ***rep, int **pos,
                             int **cut)
{
    if (!h->dict && !h->failed) {
        errno = 0;
        h->dict = hnj_hyphen_load(h->path);
        if (!h->dict && errno == ENOMEM) /* not "no dictionary": the words would go unhyphenated */
            folio_out_of_memory();
        h->failed = !h->dict;
    }
    return h->dict && hnj_hyphen_hyphenate2(h->dict, low, (int)len, hy, NULL, rep, pos, cut) == 0;
}

static size_t word_points(lay_hyph *h, const char *word, size_t len, bool *after, bool table)
{
    memset(after, 0, len * sizeof *after);
    if (!h || len < HYPH_LEFT_MIN + HYPH_RIGHT_MIN || len > HYPH_MAX_WORD)
        return 0;
    char low[HYPH_MAX_WORD + 1], hy[HYPH_MAX_WORD + 5];
    size_t nchars = 0;
    bool ascii = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)word[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (unsigned char)(ch + 32);
        /* Latin-1 capitals (C3 80..C3 9E, not the multiplication sign) -> small. */
        if (i > 0 && (unsigned char)word[i - 1] == 0xC3 && ch >= 0x80 && ch <= 0x9E && ch != 0x97)
            ch = (unsigned char)(ch + 0x20);
        low[i] = (char)ch;
        nchars += (ch & 0xC0) != 0x80;
        ascii &= ch >= 'a' && ch <= 'z';
    }
    low[len] = '\0';
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    memset(hy, 0, sizeof hy);
    if (table && ascii && !h->table_tried) {
        h->table_tried = true;
        h->table = table_of(h->path);
    }
    if (table && ascii && h->table)
        table_points(h->table, low, len, hy);
    else if (!libhyphen_points(h, low, len, hy, &rep, &pos, &cut))
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

/* The memo's slot of a word: where it is, or the empty one where it would go. */
static memo_slot *memo_find(const hyph_memo *m, const char *word, size_t len)
{
    size_t mask = m->cap - 1, i = folio_hash_bytes(0, word, len) & mask;
    for (;; i = (i + 1) & mask) {
        memo_slot *sl = &m->slots[i];
        if (!sl->len || (sl->len == len && memcmp(m->arena.data + sl->off, word, len) == 0))
            return sl;
    }
}

static void memo_grow(hyph_memo *m)
{
    memo_slot *old = m->slots;
    size_t oldcap = m->cap;
    m->cap *= 2;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].len)
            *memo_find(m, m->arena.data + old[i].off, old[i].len) = old[i];
    free(old);
}

size_t lay_hyph_word(lay_hyph *h, const char *word, size_t len, bool *after)
{
    if (!h || len == 0 || len > HYPH_MAX_WORD || h->memo.arena.len > UINT32_MAX - len)
        return word_points(h, word, len, after, true);
    hyph_memo *m = &h->memo;
    if (!m->slots) {
        m->cap = MEMO_FIRST_CAP;
        m->slots = xcalloc(m->cap, sizeof *m->slots);
    }
    memo_slot *sl = memo_find(m, word, len);
    if (sl->len) {
        for (size_t i = 0; i < len; i++)
            after[i] = (sl->points >> i) & 1;
        return sl->count;
    }
    size_t count = word_points(h, word, len, after, true);
    uint64_t points = 0;
    for (size_t i = 0; i < len; i++)
        points |= (uint64_t)after[i] << i;
    *sl = (memo_slot){(uint32_t)m->arena.len, (uint8_t)len, (uint8_t)count, points};
    folio_buf_append(&m->arena, word, len);
    if (2 * ++m->used > m->cap)
        memo_grow(m);
    return count;
}

size_t lay_hyph_word_reference(lay_hyph *h, const char *word, size_t len, bool *after)
{
    return word_points(h, word, len, after, false);
}
