/* Setting rich text: spans -> measured boxes, spaces and break opportunities -> lines (through
 * linebreak.c) -> text and link ops. A line's ops are one per run of a single face, colour and
 * link; a justified line gets one op per word so its last word ends exactly at the margin. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "layout/layout_int.h"

#define PEN_HYPHEN 50          /* after a hyphen, a slash or an en dash, and at a discretionary hyphen */
#define SPACE_STRETCH 0.5      /* a justified space may grow by this much of its width... */
#define SPACE_SHRINK (1 / 3.0) /* ...or shrink by this much */
#define MAX_STRETCH                                                                                          \
    2.0                     /* never stretch glue further (a space at most twice its width): past            \
                               this a justified line is set ragged instead */
#define RAGGED_STRETCH 5.0  /* em: how far a ragged line may fall short at the normal cost */
#define KERN_MIN 5.0        /* 1/1000 em: smaller pair kerns are neither measured nor drawn */
#define SLASH_MIN_LETTERS 3 /* a break after '/' needs this many letters before it ("and/or") */

/* What an item draws; parallel to the lb_item array. */
typedef struct tx_run {
    int face;
    uint32_t colour;
    const char *link; /* borrowed from the span */
    size_t off, len;  /* bytes in the paragraph's buffer */
} tx_run;

struct lay_para {
    const lay_ctx *c;
    lay_style st;
    double width;
    lb_item *items;
    tx_run *runs;
    size_t n, cap;
    folio_buf buf; /* valid UTF-8 of every box */
    lb_line *lines;
    size_t nlines;
};

int lay_face(unsigned style)
{
    return ((style & FOLIO_BOLD) ? FOLIO_FACE_BOLD : 0) + ((style & FOLIO_ITALIC) ? FOLIO_FACE_ITALIC : 0);
}

static void add_item(lay_para *p, lb_item it, tx_run run)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->items = xrealloc(p->items, p->cap * sizeof *p->items);
        p->runs = xrealloc(p->runs, p->cap * sizeof *p->runs);
    }
    p->items[p->n] = it;
    p->runs[p->n] = run;
    p->n++;
}

static lb_item penalty_item(double width, int penalty, unsigned flags)
{
    return (lb_item){LB_PENALTY, width, penalty, 0, 0, flags};
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || (cp >= 0x2000 && cp <= 0x200A && cp != 0x2007) || cp == 0x3000 ||
           cp == 0x205F || cp == 0x1680;
}

static bool is_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && cp < 0x2000);
}

static bool is_digit(uint32_t cp)
{
    return cp >= '0' && cp <= '9';
}

/* The kern applied between two characters, in 1/1000 em (0 below KERN_MIN). */
static double kern_at(const folio_font *f, uint32_t a, uint32_t b)
{
    double k = folio_font_kern(f, a, b);
    return fabs(k) >= KERN_MIN ? k : 0;
}

/* Width in 1/1000 em of UTF-8 text with the kerning that lay_para_emit applies; each character
 * is measured with the font that draws it (the face's own or a fallback: fallback.c), and
 * kerning comes from the face's font only (pairs it lacks a glyph for have none). */
static double measure_units(const lay_ctx *c, int face, const char *s, size_t n)
{
    const folio_font *f = c->face[face];
    double total = 0;
    uint32_t prev = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp = folio_utf8_next(s, n, &i);
        total += lay_char_advance(c, face, cp);
        if (prev)
            total += kern_at(f, prev, cp);
        prev = cp;
    }
    return total;
}

/* ---- word widths ---- */

/* The same words recur through a report (and through its table cells, measured for the column
 * widths and then set), so each word's width in 1/1000 em is kept per face, to be scaled to
 * each size: the very sum measure_units makes, so widths are the same bits either way. */
#define WORDS_MAX_LEN 64    /* bytes: longer boxes are measured each time */
#define WORDS_FIRST_CAP 512 /* slots; a power of 2, doubled at half full */

typedef struct word_slot {
    uint32_t off;  /* of the word's bytes in the arena */
    uint8_t len;   /* 0: an empty slot */
    uint8_t face;
    double units;
} word_slot;

struct lay_words {
    word_slot *slots;
    size_t cap, used;
    folio_buf arena;
};

lay_words *lay_words_create(void)
{
    lay_words *w = xcalloc(1, sizeof *w);
    w->cap = WORDS_FIRST_CAP;
    w->slots = xcalloc(w->cap, sizeof *w->slots);
    return w;
}

void lay_words_free(lay_words *w)
{
    if (!w)
        return;
    free(w->slots);
    folio_buf_free(&w->arena);
    free(w);
}

/* The slot holding the word, or the empty one where it would go. */
static word_slot *word_slot_of(const lay_words *w, int face, const char *s, size_t n)
{
    size_t mask = w->cap - 1, i = folio_hash_bytes((uint32_t)face, s, n) & mask;
    for (;; i = (i + 1) & mask) {
        word_slot *sl = &w->slots[i];
        if (!sl->len || (sl->len == n && sl->face == face && memcmp(w->arena.data + sl->off, s, n) == 0))
            return sl;
    }
}

static void word_grow(lay_words *w)
{
    word_slot *old = w->slots;
    size_t oldcap = w->cap;
    w->cap *= 2;
    w->slots = xcalloc(w->cap, sizeof *w->slots);
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].len)
            *word_slot_of(w, old[i].face, w->arena.data + old[i].off, old[i].len) = old[i];
    free(old);
}

/* Width in points of UTF-8 text at a size (measure_units), from the cache when it is a word
 * measured before. */
static double measure(const lay_ctx *c, int face, const char *s, size_t n, double size)
{
    lay_words *w = c->words;
    if (!w || n == 0 || n > WORDS_MAX_LEN || face < 0 || face > UINT8_MAX || w->arena.len > UINT32_MAX - n)
        return measure_units(c, face, s, n) * size / 1000.0;
    word_slot *sl = word_slot_of(w, face, s, n);
    if (!sl->len) {
        double units = measure_units(c, face, s, n);
        *sl = (word_slot){(uint32_t)w->arena.len, (uint8_t)n, (uint8_t)face, units};
        folio_buf_append(&w->arena, s, n);
        if (2 * ++w->used > w->cap)
            word_grow(w);
        return units * size / 1000.0;
    }
    return sl->units * size / 1000.0;
}

static double space_width(const lay_para *p, const folio_font *f, uint32_t cp)
{
    if (cp != ' ' && folio_font_has_glyph(f, cp))
        return folio_font_advance(f, cp) * p->st.size / 1000.0;
    return folio_font_advance(f, ' ') * p->st.size / 1000.0 * (cp == 0x202F ? 0.6 : 1);
}

/* The open box while reading a span; its latest characters, when they are the span's own
 * bytes one after another, are copied into the buffer as a whole when it closes (or when a
 * character does not follow on). */
typedef struct box_acc {
    bool open;
    size_t off;
    const char *raw; /* raw_len bytes not yet in the buffer, or none */
    size_t raw_len;
} box_acc;

static void put_raw(lay_para *p, box_acc *bx)
{
    if (bx->raw_len)
        folio_buf_append(&p->buf, bx->raw, bx->raw_len);
    bx->raw_len = 0;
}

static void close_box(lay_para *p, box_acc *bx, tx_run run)
{
    put_raw(p, bx);
    if (!bx->open)
        return;
    run.off = bx->off;
    run.len = p->buf.len - bx->off;
    double w = measure(p->c, run.face, p->buf.data + run.off, run.len, p->st.size);
    add_item(p, (lb_item){LB_BOX, w, 0, 0, 0, 0}, run);
    bx->open = false;
}

static bool last_is_box(const lay_para *p)
{
    return p->n && p->items[p->n - 1].kind == LB_BOX;
}

/* Reads the spans into items: boxes split at spaces (glue, collapsed), no-break spaces (glue
 * that is no break), "\n" (forced break), soft hyphens (discretionary hyphens), after a hyphen
 * between letters, after an en dash, after a slash that follows a word, and at zero-width
 * spaces. Controls are dropped. */
static void tokenize(lay_para *p, const folio_text *t)
{
    const lay_style *st = &p->st;
    folio_buf_append(&p->buf, "", 0);
    for (size_t s = 0; t && s < t->n; s++) {
        const folio_span *sp = &t->spans[s];
        if (!sp->text)
            continue;
        unsigned style = st->style | sp->style;
        tx_run run = {lay_face(style), sp->link ? p->c->th->accent : st->colour, sp->link, 0, 0};
        const folio_font *f = p->c->face[run.face];
        size_t n = strlen(sp->text);
        box_acc bx = {0};
        uint32_t prev = 0;
        size_t letters = 0; /* letters just before this character */
        int pending = 0;    /* a break after the previous character: 0 none, 1 hyphen, 2 other */
        for (size_t i = 0; i < n;) {
            size_t at = i;
            uint32_t cp = folio_utf8_next(sp->text, n, &i);
            if (cp == '\n') {
                close_box(p, &bx, run);
                /* A space before the break is not drawn. */
                while (p->n && p->items[p->n - 1].kind == LB_GLUE)
                    p->n--;
                add_item(p, penalty_item(0, LB_FORCED, 0), run);
                pending = 0, letters = 0, prev = cp;
                continue;
            }
            if (is_space(cp) || cp == 0xA0 || cp == 0x202F) {
                close_box(p, &bx, run);
                bool nobreak = !is_space(cp);
                bool after_content =
                    p->n && !(p->items[p->n - 1].kind == LB_GLUE) &&
                    !(p->items[p->n - 1].kind == LB_PENALTY && p->items[p->n - 1].penalty == LB_FORCED);
                if (after_content || nobreak) {
                    double w = space_width(p, f, nobreak ? cp : ' ');
                    double k = cp == 0x202F ? 0 : 1; /* a narrow no-break space keeps its width */
                    add_item(p,
                             (lb_item){LB_GLUE, w, 0, k * w * SPACE_STRETCH, k * w * SPACE_SHRINK,
                                       nobreak ? LB_NOBREAK : 0u},
                             run);
                }
                pending = 0, letters = 0, prev = cp;
                continue;
            }
            if (cp == 0xAD) {
                close_box(p, &bx, run);
                if (last_is_box(p))
                    add_item(p,
                             penalty_item(folio_font_advance(f, folio_font_has_glyph(f, 0xAD) ? 0xAD : '-') *
                                              st->size / 1000.0,
                                          PEN_HYPHEN, LB_FLAGGED),
                             run);
                pending = 0;
                continue;
            }
            if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xFEFF || cp == 0x200C || cp == 0x200D)
                continue;
            if (cp == 0x200B) {
                close_box(p, &bx, run);
                add_item(p, penalty_item(0, 0, 0), run);
                pending = 0;
                continue;
            }
            bool brk = (pending == 1 && is_letter(cp)) || (pending == 2 && !is_digit(cp));
            if (brk) {
                close_box(p, &bx, run);
                add_item(p, penalty_item(0, PEN_HYPHEN, pending == 1 ? LB_FLAGGED : 0), run);
            }
            if (cp == '-' || cp == 0x2010)
                pending = is_letter(prev) ? 1 : 0;
            else if (cp == 0x2013 || cp == 0x2014)
                pending = prev && !is_space(prev) ? 2 : 0;
            else if (cp == '/')
                pending = letters >= SLASH_MIN_LETTERS ? 2 : 0;
            else
                pending = 0;
            if (!bx.open) {
                bx.open = true;
                bx.off = p->buf.len + bx.raw_len;
            }
            /* Valid UTF-8 is copied as it is (what folio_buf_put_utf8 would write); a bad byte
             * sequence becomes U+FFFD. */
            if (cp != 0xFFFD && bx.raw_len && bx.raw + bx.raw_len == sp->text + at) {
                bx.raw_len += i - at;
            } else if (cp != 0xFFFD) {
                put_raw(p, &bx);
                bx.raw = sp->text + at;
                bx.raw_len = i - at;
            } else {
                put_raw(p, &bx);
                folio_buf_put_utf8(&p->buf, cp);
            }
            letters = is_letter(cp) ? letters + 1 : 0;
            prev = cp;
        }
        close_box(p, &bx, run);
    }
    /* No space at the end, and no forced break at the very end. */
    while (p->n && (p->items[p->n - 1].kind == LB_GLUE ||
                    (p->items[p->n - 1].kind == LB_PENALTY && p->items[p->n - 1].penalty != LB_FORCED)))
        p->n--;
}

/* ---- numbers and units ---- */

/* Units and currencies that stay on the line of the number before them. */
static const char *const UNITS[] = {
    "%",   "‰",  "‱",   "pp",  "kg", "g",   "mg", "t",   "km",   "m",     "cm",  "mm",  "µm",
    "nm",  "l",  "L",   "ml",  "mL", "KB",  "kB", "MB",  "GB",   "TB",    "pt",  "px",  "em",
    "°",   "°C", "°F",  "K",   "h",  "min", "s",  "ms",  "Hz",   "kHz",   "MHz", "GHz", "W",
    "kW",  "MW", "kWh", "MWh", "V",  "A",   "€",  "$",   "£",    "¥",     "EUR", "USD", "GBP",
    "CHF", "x",  "×",   "bn",  "m²", "km²", "m³", "mph", "km/h", "kg/m²", NULL};
static const char *const CURRENCIES[] = {"€", "$", "£", "¥", "EUR", "USD", "GBP", "CHF", NULL};

static bool in_list(const char *const *list, const char *s, size_t n)
{
    for (size_t i = 0; list[i] && n; i++)
        if (list[i][0] == s[0] && strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
            return true;
    return false;
}

/* The leading word of a box, without closing punctuation (the unit in "kg," or "%)"). */
static size_t unit_len(const char *s, size_t n)
{
    size_t k = n;
    while (k > 0 && strchr(".,;:!?)]}\"'", s[k - 1]))
        k--;
    return k;
}

/* A space between a number and its unit or currency ("25 %", "3 kg", "£ 40", "40 €") is no
 * break; nor is one before a percent sign. */
static void keep_units(lay_para *p)
{
    for (size_t g = 1; g + 1 < p->n; g++) {
        lb_item *it = &p->items[g];
        if (it->kind != LB_GLUE || (it->flags & LB_NOBREAK) || p->items[g - 1].kind != LB_BOX ||
            p->items[g + 1].kind != LB_BOX)
            continue;
        const tx_run *a = &p->runs[g - 1], *b = &p->runs[g + 1];
        const char *as = p->buf.data + a->off, *bs = p->buf.data + b->off;
        bool number_before = a->len && is_digit((unsigned char)as[a->len - 1]);
        bool digit_after = b->len && is_digit((unsigned char)bs[0]);
        if (!number_before && !digit_after)
            continue; /* most spaces: the lists below are not searched */
        bool unit_after = number_before && (in_list(UNITS, bs, unit_len(bs, b->len)) ||
                                            (b->len && (bs[0] == '%' || !strncmp(bs, "‰", strlen("‰")))));
        if (unit_after || (digit_after && in_list(CURRENCIES, as, a->len)))
            it->flags |= LB_NOBREAK;
    }
}

/* ---- hyphenation ---- */

/* Whether the word of items [ws, we) may be hyphenated: not link text, no digits, no URL or
 * e-mail address, not an all-capital acronym, no soft hyphens of its own. */
static bool word_hyphenatable(const lay_para *p, size_t ws, size_t we)
{
    size_t lower = 0, upper = 0;
    for (size_t k = ws; k < we; k++) {
        const lb_item *it = &p->items[k];
        if (it->kind == LB_PENALTY && (it->flags & LB_FLAGGED) && it->width > 0)
            return false;
        if (it->kind != LB_BOX)
            continue;
        const tx_run *r = &p->runs[k];
        if (r->link)
            return false;
        const char *s = p->buf.data + r->off;
        for (size_t i = 0; i < r->len; i++) {
            char ch = s[i];
            if ((ch >= '0' && ch <= '9') || ch == '@' || ch == '_' || ch == '\\')
                return false;
            if (ch == ':' && i + 2 < r->len && s[i + 1] == '/' && s[i + 2] == '/')
                return false;
            lower += ch >= 'a' && ch <= 'z';
            upper += ch >= 'A' && ch <= 'Z';
        }
        if (k == ws && r->len >= 4 && strncmp(s, "www.", 4) == 0)
            return false;
    }
    return lower > 0;
}

/* Adds a box of buffer bytes [off, off + len) in the face of run r. */
static void add_piece(lay_para *p, const tx_run *r, size_t off, size_t len)
{
    tx_run piece = *r;
    piece.off = off;
    piece.len = len;
    add_item(p,
             (lb_item){LB_BOX, measure(p->c, r->face, p->buf.data + off, len, p->st.size), 0, 0, 0, 0},
             piece);
}

/* Adds box k, split at its hyphenation points into boxes with discretionary hyphens between. */
static void add_hyphenated(lay_para *p, const lb_item *it, const tx_run *r)
{
    const char *s = p->buf.data + r->off;
    size_t lead = 0, end = r->len;
    /* The word's letters, without punctuation around them. */
    while (lead < end) {
        size_t i = lead;
        if (is_letter(folio_utf8_next(s, end, &i)))
            break;
        lead = i;
    }
    while (end > lead) {
        size_t back = end - 1;
        while (back > lead && ((unsigned char)s[back] & 0xC0) == 0x80)
            back--;
        size_t i = back;
        if (is_letter(folio_utf8_next(s, end, &i)))
            break;
        end = back;
    }
    bool letters = end > lead;
    for (size_t i = lead; i < end && letters;)
        letters = is_letter(folio_utf8_next(s, end, &i));
    bool after[HYPH_MAX_WORD];
    if (!letters || end - lead > HYPH_MAX_WORD || !lay_hyph_word(p->c->hyph, s + lead, end - lead, after)) {
        add_item(p, *it, *r);
        return;
    }
    const folio_font *f = p->c->face[r->face];
    double hyphen = folio_font_advance(f, folio_font_has_glyph(f, 0xAD) ? 0xAD : '-') * p->st.size / 1000.0;
    size_t from = 0;
    for (size_t i = 0; i < end - lead; i++) {
        if (!after[i])
            continue;
        size_t to = lead + i + 1;
        add_piece(p, r, r->off + from, to - from);
        add_item(p, penalty_item(hyphen, PEN_HYPHEN, LB_FLAGGED), *r);
        from = to;
    }
    add_piece(p, r, r->off + from, r->len - from);
}

/* Splits the words that may be hyphenated at the points of the report's language; false when
 * the paragraph is not to be hyphenated. */
static bool hyphenate(lay_para *p)
{
    if (!p->c->hyph || !(p->st.style & LAY_HYPHENATE) || !p->n)
        return false;
    lb_item *items = p->items;
    tx_run *runs = p->runs;
    size_t n = p->n;
    bool *ok = xcalloc(n, sizeof *ok);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n &&
               (items[j].kind == LB_BOX || (items[j].kind == LB_PENALTY && items[j].penalty != LB_FORCED)))
            j++;
        if (j > i && word_hyphenatable(p, i, j))
            for (size_t k = i; k < j; k++)
                ok[k] = true;
        i = j > i ? j : i + 1;
    }
    p->items = NULL, p->runs = NULL, p->n = p->cap = 0;
    for (size_t i = 0; i < n; i++) {
        if (ok[i] && items[i].kind == LB_BOX)
            add_hyphenated(p, &items[i], &runs[i]);
        else
            add_item(p, items[i], runs[i]);
    }
    free(ok);
    free(items);
    free(runs);
    return true;
}

/* Width of the word that starts at item i (boxes and the breaks inside it), and its end. */
static double word_width(const lb_item *items, size_t n, size_t i, size_t *end)
{
    double w = 0;
    size_t j = i;
    for (;
         j < n && (items[j].kind == LB_BOX || (items[j].kind == LB_PENALTY && items[j].penalty != LB_FORCED));
         j++)
        if (items[j].kind == LB_BOX)
            w += items[j].width;
    *end = j;
    return w;
}

/* Splits every word wider than the line into one box per character, with a break opportunity
 * after '/', '-', '_' and dashes and an emergency one between any two characters. */
static void split_long_words(lay_para *p)
{
    size_t i = 0;
    bool any = false;
    while (i < p->n && !any) {
        while (i < p->n && p->items[i].kind != LB_BOX)
            i++;
        size_t j;
        if (i < p->n && word_width(p->items, p->n, i, &j) > p->width + LAY_FIT)
            any = true;
        else
            i = i < p->n ? j : i;
    }
    if (!any)
        return;
    lb_item *items = p->items;
    tx_run *runs = p->runs;
    size_t n = p->n;
    p->items = NULL, p->runs = NULL, p->n = p->cap = 0;
    for (i = 0; i < n;) {
        if (items[i].kind != LB_BOX) {
            add_item(p, items[i], runs[i]);
            i++;
            continue;
        }
        size_t j;
        if (word_width(items, n, i, &j) <= p->width + LAY_FIT) {
            for (; i < j; i++)
                add_item(p, items[i], runs[i]);
            continue;
        }
        for (; i < j; i++) {
            if (items[i].kind != LB_BOX)
                continue; /* the per-character breaks below replace it */
            const tx_run *r = &runs[i];
            const char *s = p->buf.data + r->off;
            for (size_t k = 0; k < r->len;) {
                size_t at = k;
                uint32_t cp = folio_utf8_next(s, r->len, &k);
                if (last_is_box(p))
                    add_item(p, penalty_item(0, LB_EMERGENCY, 0), *r);
                tx_run one = *r;
                one.off = r->off + at;
                one.len = k - at;
                add_item(p, (lb_item){LB_BOX, lay_char_advance(p->c, r->face, cp) * p->st.size / 1000.0, 0, 0, 0, 0},
                         one);
                if (cp == '/' || cp == '-' || cp == '_' || cp == 0x2013 || cp == 0x2014 || cp == '\\')
                    add_item(p, penalty_item(0, PEN_HYPHEN, 0), *r);
            }
        }
        /* No break opportunity after the word's last character (a space or the end follows). */
        if (p->n && p->items[p->n - 1].kind == LB_PENALTY)
            p->n--;
    }
    free(items);
    free(runs);
}

/* The items of a text, not yet broken into lines. */
static lay_para *para_items(const lay_ctx *c, const folio_text *t, const lay_style *st, double width)
{
    lay_para *p = xcalloc(1, sizeof *p);
    p->c = c;
    p->st = *st;
    p->width = width > 1 ? width : 1;
    tokenize(p, t);
    keep_units(p);
    return p;
}

lay_para *lay_para_make(const lay_ctx *c, const folio_text *t, const lay_style *st, double width)
{
    lay_para *p = para_items(c, t, st, width);
    split_long_words(p);
    /* As TeX does: words are hyphenated only when the paragraph cannot be set well without
     * (within the first pass's tolerance when justified; the second's when ragged). */
    bool ragged = st->align != FOLIO_ALIGN_JUSTIFY;
    lb_opts opts = {ragged, RAGGED_STRETCH * st->size, 0};
    p->nlines = folio_linebreak_opts(p->items, p->n, p->width, &opts, &p->lines);
    if (opts.pass > (ragged ? 2 : 1) && hyphenate(p)) {
        free(p->lines);
        p->nlines = folio_linebreak_opts(p->items, p->n, p->width, &opts, &p->lines);
    }
    return p;
}

lay_para *lay_para_plain(const lay_ctx *c, const char *s, const lay_style *st, double width)
{
    folio_span span = {(char *)(s ? s : ""), 0, NULL};
    folio_text t = {&span, 1};
    return lay_para_make(c, &t, st, width);
}

void lay_para_free(lay_para *p)
{
    if (!p)
        return;
    free(p->items);
    free(p->runs);
    free(p->lines);
    folio_buf_free(&p->buf);
    free(p);
}

size_t lay_para_lines(const lay_para *p)
{
    return p->nlines;
}

/* How a line is set: its drawn items [a, e) (without glue and penalties at either end),
 * whether it ends with a hyphen (the penalty at its end has a width), its natural width
 * (with that hyphen) and its glue's total stretch and shrink. */
typedef struct line_set {
    size_t a, e;
    bool hyphen;
    double natural, stretch, shrink;
} line_set;

static line_set line_of(const lay_para *p, size_t line)
{
    line_set ls = {0};
    size_t s = p->lines[line].start, e = p->lines[line].end;
    while (s < e && p->items[s].kind != LB_BOX)
        s++;
    while (e > s && p->items[e - 1].kind != LB_BOX)
        e--;
    ls.a = s;
    ls.e = e;
    size_t end = p->lines[line].end;
    ls.hyphen = e > s && end < p->n && p->items[end].kind == LB_PENALTY && p->items[end].width > 0;
    for (size_t k = s; k < e; k++) {
        const lb_item *it = &p->items[k];
        if (it->kind == LB_PENALTY)
            continue;
        ls.natural += it->width;
        ls.stretch += it->stretch;
        ls.shrink += it->shrink;
    }
    if (ls.hyphen)
        ls.natural += p->items[end].width;
    return ls;
}

/* The glue's adjustment ratio as drawn: justified lines fill the width, stretching no
 * further than MAX_STRETCH (a line that would needs is left ragged); any line that is too wide
 * shrinks its glue. */
static double set_ratio(const lay_para *p, size_t line, const line_set *ls)
{
    double slack = p->width - ls->natural;
    if (slack < 0 && ls->shrink > 0)
        return fmax(-1, slack / ls->shrink);
    if (slack > 0 && p->st.align == FOLIO_ALIGN_JUSTIFY && !p->lines[line].last && ls->stretch > 0)
        return fmin(MAX_STRETCH, slack / ls->stretch);
    return 0;
}

double lay_para_line_width(const lay_para *p, size_t line)
{
    if (line >= p->nlines)
        return 0;
    line_set ls = line_of(p, line);
    double r = set_ratio(p, line, &ls);
    return ls.natural + (r < 0 ? r * ls.shrink : 0);
}

double lay_para_max_width(const lay_para *p)
{
    double m = 0;
    for (size_t i = 0; i < p->nlines; i++) {
        double w = lay_para_line_width(p, i);
        if (w > m)
            m = w;
    }
    return m;
}

double lay_baseline(const lay_ctx *c, const lay_style *st)
{
    const folio_font *f = c->face[lay_face(st->style)];
    double asc = folio_font_ascent(f) * st->size / 1000.0, desc = -folio_font_descent(f) * st->size / 1000.0;
    return (st->line_h - (asc + desc)) / 2 + asc;
}

/* An op being gathered while a line is drawn. */
typedef struct pending {
    bool open;
    int face;
    uint32_t colour;
    const char *link;
    double x, w;
    folio_buf text;
} pending;

typedef struct pending_link {
    const char *url;
    double x0, x1;
} pending_link;

static bool same_link(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static void flush_link(pending_link *pl, folio_page *pg, const lay_para *p, double baseline,
                       const folio_block *b)
{
    if (!pl->url)
        return;
    folio_op op = {0};
    op.kind = FOLIO_OP_LINK;
    op.x = pl->x0;
    op.w = pl->x1 - pl->x0;
    op.y = baseline - p->st.size * 0.3;
    op.h = p->st.size * 1.25;
    op.text = (char *)pl->url;
    op.dest_page = -1;
    op.block = b;
    folio_page_add(pg, &op);
    pl->url = NULL;
}

static void flush_text(pending *t, pending_link *pl, folio_page *pg, const lay_para *p, double baseline,
                       const folio_block *b)
{
    if (!t->open)
        return;
    /* A link's area follows its text at once, so its text and its annotation stay together in
     * the structure (one Link element). */
    if (!t->link || !same_link(pl->url, t->link))
        flush_link(pl, pg, p, baseline, b);
    size_t at = pg->n;
    lay_op_text(pg, b, t->x, baseline, t->face, p->st.size, t->colour, t->text.data);
    if (t->link) {
        if (pg->n > at)
            pg->ops[at].linked = true;
        if (pl->url)
            pl->x1 = t->x + t->w;
        else
            *pl = (pending_link){t->link, t->x, t->x + t->w};
    }
    t->open = false;
    t->text.len = 0;
    if (t->text.data)
        t->text.data[0] = '\0';
}

static void open_text(pending *t, const tx_run *r, double x)
{
    t->open = true;
    t->face = r->face;
    t->colour = r->colour;
    t->link = r->link;
    t->x = x;
    t->w = 0;
}

/* Appends a box's text to the pending op, starting a new op at each kerned pair (libharu has no
 * TJ), so each run is placed at its kerned position. Advances *x. */
static void put_box(pending *t, pending_link *pl, folio_page *pg, const lay_para *p, double baseline,
                    const folio_block *b, const tx_run *r, double *x)
{
    const folio_font *f = p->c->face[r->face];
    const char *s = p->buf.data + r->off;
    double scale = p->st.size / 1000.0;
    if (t->open && (r->face != t->face || r->colour != t->colour || !same_link(r->link, t->link)))
        flush_text(t, pl, pg, p, baseline, b);
    if (!t->open)
        open_text(t, r, *x);
    uint32_t prev = 0;
    size_t from = 0; /* the box's bytes from here on are not yet in the op's text */
    for (size_t i = 0; i < r->len;) {
        size_t at = i;
        uint32_t cp = folio_utf8_next(s, r->len, &i);
        double k = prev ? kern_at(f, prev, cp) : 0;
        if (k != 0) {
            folio_buf_append(&t->text, s + from, at - from);
            from = at;
            flush_text(t, pl, pg, p, baseline, b);
            *x += k * scale;
            open_text(t, r, *x);
        }
        double adv = lay_char_advance(p->c, r->face, cp) * scale;
        t->w += adv;
        *x += adv;
        prev = cp;
    }
    folio_buf_append(&t->text, s + from, r->len - from);
}

/* The text op flushed at or after `at` (if any) is followed by a word space it does not draw. */
static void mark_space(folio_page *pg, size_t at)
{
    for (size_t k = pg->n; k-- > at;)
        if (pg->ops[k].kind == FOLIO_OP_TEXT) {
            pg->ops[k].space_after = true;
            return;
        }
}

void lay_para_emit(const lay_para *p, size_t line, folio_page *pg, double x, double baseline,
                   const folio_block *b)
{
    if (line >= p->nlines)
        return;
    line_set ls = line_of(p, line);
    double ratio = set_ratio(p, line, &ls);
    double width = ls.natural + (ratio < 0 ? ratio * ls.shrink : 0), slack = p->width - width;
    switch (p->st.align) {
    case FOLIO_ALIGN_CENTER: x += slack > 0 ? slack / 2 : 0; break;
    case FOLIO_ALIGN_RIGHT: x += slack > 0 ? slack : 0; break;
    default: break;
    }
    pending t = {0};
    pending_link pl = {0};
    folio_buf_append(&t.text, "", 0);
    for (size_t k = ls.a; k < ls.e; k++) {
        const lb_item *it = &p->items[k];
        const tx_run *r = &p->runs[k];
        if (it->kind == LB_PENALTY)
            continue;
        if (it->kind == LB_GLUE) {
            /* A space joins the run when it is set at its width and the faces agree. */
            bool join = t.open && ratio == 0 && k + 1 < ls.e && p->items[k + 1].kind == LB_BOX &&
                        r->face == t.face && p->runs[k + 1].face == t.face &&
                        p->runs[k + 1].colour == t.colour && same_link(p->runs[k + 1].link, t.link);
            if (join) {
                folio_buf_append(&t.text, " ", 1);
                t.w += it->width;
            } else {
                /* The space still ends the word's text (invisible, the next word is placed by
                 * itself), so text read from the content or the structure has its spaces. */
                size_t at = pg->n;
                flush_text(&t, &pl, pg, p, baseline, b);
                mark_space(pg, at);
            }
            x += it->width + ratio * (ratio > 0 ? it->stretch : it->shrink);
            continue;
        }
        put_box(&t, &pl, pg, p, baseline, b, r, &x);
    }
    if (ls.hyphen) {
        tx_run h = p->runs[p->lines[line].end];
        h.off = h.len = 0;
        if (t.open && (h.face != t.face || h.colour != t.colour || !same_link(h.link, t.link)))
            flush_text(&t, &pl, pg, p, baseline, b);
        if (!t.open)
            open_text(&t, &h, x);
        /* Drawn as U+00AD, as PDF asks of a hyphen added by line breaking, so that text
         * extraction can join the word again (its glyph is a hyphen). */
        const folio_font *f = p->c->face[h.face];
        if (folio_font_has_glyph(f, 0xAD))
            folio_buf_puts(&t.text, "\xC2\xAD");
        else
            folio_buf_append(&t.text, "-", 1);
        t.w += p->items[p->lines[line].end].width;
    }
    bool space = !ls.hyphen && line + 1 < p->nlines && t.text.len && t.text.data[t.text.len - 1] != '-';
    size_t at = pg->n;
    flush_text(&t, &pl, pg, p, baseline, b);
    if (space) /* the space the line break took */
        mark_space(pg, at);
    flush_link(&pl, pg, p, baseline, b);
    folio_buf_free(&t.text);
}

void lay_text_measure(const lay_ctx *c, const folio_text *t, const lay_style *st, double *natural,
                      double *minw)
{
    /* Only the items are read: no word is wider than an infinite line and nothing is
     * hyphenated, so breaking them into lines (quadratic at that width) would change nothing. */
    lay_para *p = para_items(c, t, st, INFINITY);
    double line = 0, word = 0, maxline = 0, maxword = 0;
    for (size_t k = 0; k <= p->n; k++) {
        const lb_item *it = k < p->n ? &p->items[k] : NULL;
        bool end_line = !it || (it->kind == LB_PENALTY && it->penalty == LB_FORCED);
        bool inside = it && ((it->kind == LB_GLUE && (it->flags & LB_NOBREAK)) ||
                             (it->kind == LB_PENALTY && (it->flags & LB_FLAGGED) && it->width > 0));
        bool end_word = end_line || (!inside && (it->kind == LB_GLUE || it->kind == LB_PENALTY));
        if (end_word) {
            if (word > maxword)
                maxword = word;
            word = 0;
        }
        if (end_line) {
            if (line > maxline)
                maxline = line;
            line = 0;
            continue;
        }
        if (it->kind == LB_PENALTY)
            continue;
        line += it->width;
        if (it->kind == LB_BOX || inside)
            word += it->width;
    }
    lay_para_free(p);
    if (natural)
        *natural = maxline;
    if (minw)
        *minw = maxword;
}

double lay_text_width(const lay_ctx *c, int face, double size, const char *s)
{
    double w = 0;
    size_t n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n;)
        w += lay_char_advance(c, face, folio_utf8_next(s, n, &i)) * size / 1000.0;
    return w;
}

char *lay_fit_text(const lay_ctx *c, int face, double size, const char *s, double width)
{
    /* Valid UTF-8 with line breaks and controls as spaces, cut at the last character that fits
     * with the ellipsis. */
    folio_buf out = {0};
    folio_buf_append(&out, "", 0);
    const char *ell = "\xE2\x80\xA6";
    double ew = lay_text_width(c, face, size, ell), w = 0;
    size_t n = s ? strlen(s) : 0, fit = 0;
    bool cut = false;
    for (size_t i = 0; i < n;) {
        uint32_t cp = folio_utf8_next(s, n, &i);
        if (cp < 0x20 || cp == 0x7F)
            cp = ' ';
        w += lay_char_advance(c, face, cp) * size / 1000.0;
        if (w > width + LAY_FIT) {
            cut = true;
            break;
        }
        folio_buf_put_utf8(&out, cp);
        if (w + ew <= width + LAY_FIT)
            fit = out.len;
    }
    if (cut) {
        while (fit > 0 && out.data[fit - 1] == ' ')
            fit--;
        out.len = fit;
        out.data[fit] = '\0';
        folio_buf_puts(&out, ell);
    }
    return out.data;
}

char *lay_title_text(const folio_text *t)
{
    folio_buf out = {0};
    folio_buf_append(&out, "", 0);
    bool space = false;
    for (size_t k = 0; t && k < t->n; k++) {
        const char *s = t->spans[k].text;
        size_t n = s ? strlen(s) : 0;
        for (size_t i = 0; i < n;) {
            uint32_t cp = folio_utf8_next(s, n, &i);
            if (cp < 0x20 || cp == 0x7F || is_space(cp)) {
                space = out.len > 0;
                continue;
            }
            if (space)
                folio_buf_append(&out, " ", 1);
            space = false;
            folio_buf_put_utf8(&out, cp);
        }
    }
    return out.data;
}
