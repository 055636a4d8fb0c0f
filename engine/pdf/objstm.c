/* Packing the saved PDF into object streams. libharu 2.3.0 writes every object plain, with a
 * classic cross-reference table; this pass rewrites that file (still in memory, before the
 * atomic file is created) as PDF 1.5 with the dictionaries and arrays in deflated object
 * streams and a cross-reference stream (PDF/A-2 and PDF/UA-1 allow both):
 *
 * 1. the trailer and the cross-reference table give every object's offset; an object runs
 *    from its offset to the next one's (or the table), and must start "N G obj";
 * 2. each object is tokenised (strings, hex strings, names, comments skipped as PDF does), so
 *    that its references "N G R" are known and a stream's dictionary ends where the syntax
 *    says, never at a "stream" inside a string;
 * 3. objects not reachable from the trailer's /Root and /Info are left out; a stream's
 *    indirect /Length is written into its dictionary as a number, so the tiny length objects
 *    go too;
 * 4. streams stay objects of their own: libharu writes them all plain (pdf.c), and each one
 *    without a filter is deflated here with libdeflate, except the XMP metadata (PDF/A keeps it
 *    readable); "endstream" has an end of line before it (PDF/A-2 6.1.7.1); every other object
 *    goes, in number order, into object streams of at most FOLIO_OBJSTM_PER_STREAM objects; the
 *    streams and the object streams are deflated before any is written, shared between this
 *    thread and a worker (each stream on its own, so the bytes do not depend on which), a
 *    stream that folio_pdf_ahead deflated already (the pages' content) taken from it; the
 *    cross-reference stream (PNG "up" predictor, deflated) carries /Root, /Info and the /ID
 *    exactly as libharu's trailer had them (pdfa.c's content digest), so two runs are
 *    byte-identical.
 *
 * Object numbers are kept (a dropped object is a free entry), so nothing inside an object is
 * renumbered. Anything unexpected in the input is an error naming the object and byte, not a
 * guess: the writer is only ever given libharu's own output. This replaced a libqpdf pass that
 * did the same in about 15 ms and 8 ms of library loading (bench/RESULTS.md). */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>

#include "core/thread.h"
#include "core/util.h"
#include "pdf/pdf_internal.h"

/* ---- the objects of the input ---- */

typedef struct pobj {
    size_t start, end;       /* the span in the input: "N G obj" .. before the next object */
    bool used;               /* in use in the cross-reference table */
    bool stream;             /* has stream data */
    bool keep;               /* reachable from the trailer */
    bool deflate;            /* a stream without a filter that this pass deflates */
    bool binary;             /* a font program (/Length1) or an ICC profile (/N): fast deflate */
    size_t body, nbody;      /* the object's text, or a stream's dictionary text */
    size_t len_at, len_end;  /* a stream's /Length value within the dictionary text */
    size_t data, ndata;      /* a stream's data */
    size_t ref0, nrefs;      /* its references, in the shared list */
} pobj;

typedef struct packer {
    const unsigned char *in;
    size_t n;
    pobj *objs;
    size_t nobjs;         /* the table's /Size: objects 0 .. nobjs-1 */
    size_t *refs;         /* every object's references, object by object */
    size_t nrefs, caprefs;
    size_t xref;          /* offset of the cross-reference table */
    long root, info;      /* object numbers, -1 if absent */
    size_t id, nid;       /* the trailer's /ID value text, nid 0 if absent */
    char why[FOLIO_PDF_MAX_PACK_ERROR];
} packer;

static bool bad(packer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool bad(packer *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->why, sizeof p->why, fmt, ap);
    va_end(ap);
    return false;
}

/* ---- PDF tokens ---- */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static bool is_delim(unsigned char c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' ||
           c == '/' || c == '%';
}

typedef enum { T_END, T_INT, T_OTHER, T_OPEN, T_CLOSE, T_NAME, T_KEYWORD } tok_kind;

typedef struct tok {
    tok_kind kind;
    size_t at, end; /* the token's bytes */
    long long ival; /* T_INT */
} tok;

/* The next token at or after *pos (before lim); comments are whitespace. False on malformed
 * syntax (an unterminated string or hex string), with the reason in p->why. */
static bool next_tok(packer *p, size_t *pos, size_t lim, tok *t)
{
    const unsigned char *s = p->in;
    size_t i = *pos;
    for (;;) {
        while (i < lim && is_space(s[i]))
            i++;
        if (i < lim && s[i] == '%') {
            while (i < lim && s[i] != '\n' && s[i] != '\r')
                i++;
            continue;
        }
        break;
    }
    t->at = i;
    if (i >= lim) {
        t->kind = T_END;
        t->end = *pos = i;
        return true;
    }
    unsigned char c = s[i];
    if (c == '(') { /* a literal string: nested parentheses balance, a backslash escapes */
        int depth = 0;
        for (; i < lim; i++) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '(')
                depth++;
            else if (s[i] == ')' && --depth == 0)
                break;
        }
        if (i >= lim)
            return bad(p, "an unterminated string at byte %zu", t->at);
        t->kind = T_OTHER;
        i++;
    } else if (c == '<' && i + 1 < lim && s[i + 1] == '<') {
        t->kind = T_OPEN, i += 2;
    } else if (c == '>' && i + 1 < lim && s[i + 1] == '>') {
        t->kind = T_CLOSE, i += 2;
    } else if (c == '<') { /* a hex string */
        while (i < lim && s[i] != '>')
            i++;
        if (i >= lim)
            return bad(p, "an unterminated hex string at byte %zu", t->at);
        t->kind = T_OTHER;
        i++;
    } else if (c == '[') {
        t->kind = T_OPEN, i++;
    } else if (c == ']') {
        t->kind = T_CLOSE, i++;
    } else if (c == '>' || c == ')' || c == '{' || c == '}') {
        return bad(p, "an unexpected '%c' at byte %zu", c, i);
    } else {
        bool name = c == '/';
        if (name)
            i++;
        while (i < lim && !is_space(s[i]) && !is_delim(s[i]))
            i++;
        t->kind = name ? T_NAME : T_KEYWORD;
        if (!name) { /* a number? an integer is digits with an optional sign */
            size_t k = t->at;
            bool sign = s[k] == '+' || s[k] == '-';
            size_t digits = 0;
            bool other = false;
            for (size_t j = k + sign; j < i; j++) {
                if (s[j] >= '0' && s[j] <= '9')
                    digits++;
                else
                    other = true;
            }
            if (digits && !other && i - k - sign <= 18) {
                long long v = 0;
                for (size_t j = k + sign; j < i; j++)
                    v = v * 10 + (s[j] - '0');
                t->kind = T_INT;
                t->ival = s[k] == '-' ? -v : v;
            } else if (digits && (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))) {
                t->kind = T_OTHER; /* a real */
            }
        }
    }
    t->end = *pos = i;
    return true;
}

static bool keyword_is(const packer *p, const tok *t, const char *kw)
{
    size_t n = strlen(kw);
    return t->kind == T_KEYWORD && t->end - t->at == n && memcmp(p->in + t->at, kw, n) == 0;
}

static bool name_is(const packer *p, const tok *t, const char *name)
{
    size_t n = strlen(name);
    return t->kind == T_NAME && t->end - t->at == n && memcmp(p->in + t->at, name, n) == 0;
}

static void add_ref(packer *p, size_t num)
{
    if (p->nrefs == p->caprefs) {
        p->caprefs = p->caprefs ? p->caprefs * 2 : 256;
        p->refs = xrealloc(p->refs, p->caprefs * sizeof *p->refs);
    }
    p->refs[p->nrefs++] = num;
}

/* One parsed value: where it is, and what it is when that matters. */
typedef enum { V_NONE, V_INT, V_REF, V_OTHER } val_kind; /* V_NONE: an entry not there */
typedef struct val {
    val_kind kind;
    long long num; /* V_INT: the value; V_REF: the object number */
    size_t at, end;
} val;

/* The top-level dictionary's entries this pass needs (of an object or of the trailer); an
 * entry the dictionary does not have stays V_NONE. */
typedef struct top {
    val length, root, info, id, prev, encrypt, filter, type, length1, n;
} top;

#define MAX_NESTING 64

/* Parses one value from *pos, adding its references to the shared list (if collect); a
 * dictionary at the top (depth 0, t given) reports the entries of `struct top`. */
static bool parse_value(packer *p, size_t *pos, size_t lim, int depth, bool collect, top *t, val *v)
{
    if (depth > MAX_NESTING)
        return bad(p, "values nested more than %d deep at byte %zu", MAX_NESTING, *pos);
    tok a;
    if (!next_tok(p, pos, lim, &a))
        return false;
    *v = (val){.kind = V_OTHER, .at = a.at, .end = a.end};
    switch (a.kind) {
    case T_END:
        return bad(p, "a value missing at byte %zu", a.at);
    case T_CLOSE:
        return bad(p, "an unexpected '%c' at byte %zu", p->in[a.at], a.at);
    case T_KEYWORD:
        if (keyword_is(p, &a, "true") || keyword_is(p, &a, "false") || keyword_is(p, &a, "null"))
            return true;
        return bad(p, "an unexpected '%.*s' at byte %zu", (int)(a.end - a.at < 20 ? a.end - a.at : 20),
                   (const char *)p->in + a.at, a.at);
    case T_NAME:
    case T_OTHER:
        return true;
    case T_INT: {
        /* "N G R" is one value: look two tokens ahead */
        size_t q = *pos;
        tok g, r;
        v->kind = V_INT, v->num = a.ival;
        if (!next_tok(p, &q, lim, &g))
            return false;
        if (g.kind != T_INT)
            return true;
        if (!next_tok(p, &q, lim, &r))
            return false;
        if (!keyword_is(p, &r, "R"))
            return true;
        if (a.ival < 0 || g.ival != 0)
            return bad(p, "a reference %lld %lld R at byte %zu (only generation 0 is written)", a.ival, g.ival,
                       a.at);
        *pos = q;
        v->kind = V_REF, v->end = r.end;
        if (collect)
            add_ref(p, (size_t)a.ival);
        return true;
    }
    case T_OPEN:
        break;
    }
    bool dict = p->in[a.at] == '<';
    for (;;) {
        size_t q = *pos;
        tok k;
        if (!next_tok(p, &q, lim, &k))
            return false;
        if (k.kind == T_CLOSE) {
            if ((p->in[k.at] == '>') != dict)
                return bad(p, "a '%c' closing a '%c' at byte %zu", p->in[k.at], p->in[a.at], k.at);
            *pos = q;
            v->end = k.end;
            return true;
        }
        if (k.kind == T_END)
            return bad(p, "an unterminated %s from byte %zu", dict ? "dictionary" : "array", a.at);
        val e;
        if (!dict) {
            if (!parse_value(p, pos, lim, depth + 1, collect, NULL, &e))
                return false;
            continue;
        }
        if (k.kind != T_NAME)
            return bad(p, "a dictionary key that is not a name at byte %zu", k.at);
        *pos = q;
        bool at_top = depth == 0 && t;
        bool is_length = at_top && name_is(p, &k, "/Length");
        /* a stream's /Length is written into its dictionary: its reference is not counted here
         * (read_object counts it if the object turns out not to be a stream) */
        if (!parse_value(p, pos, lim, depth + 1, collect && !is_length, NULL, &e))
            return false;
        if (!at_top)
            continue;
#define ENTRY(key, field)                                                                                   \
    if (name_is(p, &k, key))                                                                                \
        t->field = e;
        ENTRY("/Length", length)
        ENTRY("/Root", root)
        ENTRY("/Info", info)
        ENTRY("/ID", id)
        ENTRY("/Prev", prev)
        ENTRY("/Encrypt", encrypt)
        ENTRY("/Filter", filter)
        ENTRY("/Type", type)
        ENTRY("/Length1", length1)
        ENTRY("/N", n)
#undef ENTRY
    }
}

/* ---- reading the input ---- */

static bool starts(const packer *p, size_t at, const char *s)
{
    size_t n = strlen(s);
    return at <= p->n && p->n - at >= n && memcmp(p->in + at, s, n) == 0;
}

/* A decimal number of exactly `digits` digits at `at`. */
static bool fixed_number(const packer *p, size_t at, int digits, size_t *out)
{
    size_t v = 0;
    for (int i = 0; i < digits; i++) {
        unsigned char c = p->in[at + (size_t)i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (size_t)(c - '0');
    }
    *out = v;
    return true;
}

static int by_offset(const void *a, const void *b)
{
    const pobj *x = *(pobj *const *)a, *y = *(pobj *const *)b;
    return (x->start > y->start) - (x->start < y->start);
}

/* The cross-reference table and the trailer: every object's span, /Root, /Info and /ID. */
static bool read_table(packer *p)
{
    if (p->n < 32 || !starts(p, 0, "%PDF-1."))
        return bad(p, "not a PDF (no %%PDF-1. header)");
    /* "startxref N %%EOF" at the end */
    size_t from = p->n > 1024 ? p->n - 1024 : 0, sx = SIZE_MAX;
    for (size_t i = p->n - 9; i + 1 > from; i--)
        if (memcmp(p->in + i, "startxref", 9) == 0) {
            sx = i;
            break;
        }
    if (sx == SIZE_MAX)
        return bad(p, "no startxref at the end");
    size_t q = sx + 9;
    tok t;
    if (!next_tok(p, &q, p->n, &t) || t.kind != T_INT || t.ival < 0 || (unsigned long long)t.ival >= sx)
        return bad(p, "startxref is not an offset before it");
    p->xref = (size_t)t.ival;
    if (!starts(p, p->xref, "xref"))
        return bad(p, "no cross-reference table at byte %zu", p->xref);
    q = p->xref + 4;
    /* subsections "first count" and 20-byte entries, then "trailer" */
    for (;;) {
        size_t save = q;
        tok a, b;
        if (!next_tok(p, &q, sx, &a))
            return false;
        if (keyword_is(p, &a, "trailer"))
            break;
        if (!next_tok(p, &q, sx, &b) || a.kind != T_INT || b.kind != T_INT || a.ival < 0 || b.ival < 0 ||
            a.ival > 8388607 || b.ival > 8388607 - a.ival)
            return bad(p, "a bad cross-reference subsection at byte %zu", save);
        while (q < sx && (p->in[q] == '\r' || p->in[q] == '\n' || p->in[q] == ' '))
            q++;
        size_t first = (size_t)a.ival, count = (size_t)b.ival;
        if (first + count > p->nobjs) {
            p->objs = xrealloc(p->objs, (first + count) * sizeof *p->objs);
            memset(p->objs + p->nobjs, 0, (first + count - p->nobjs) * sizeof *p->objs);
            p->nobjs = first + count;
        }
        for (size_t i = 0; i < count; i++, q += 20) {
            size_t off, gen;
            if (q + 20 > sx || !fixed_number(p, q, 10, &off) || p->in[q + 10] != ' ' ||
                !fixed_number(p, q + 11, 5, &gen) || p->in[q + 16] != ' ' ||
                (p->in[q + 17] != 'n' && p->in[q + 17] != 'f'))
                return bad(p, "a bad cross-reference entry at byte %zu", q);
            if (p->in[q + 17] == 'n') {
                if (gen != 0)
                    return bad(p, "object %zu has generation %zu (only 0 is written)", first + i, gen);
                if (off >= p->xref)
                    return bad(p, "object %zu is at byte %zu, past the table", first + i, off);
                p->objs[first + i].used = true;
                p->objs[first + i].start = off;
            } else {
                p->objs[first + i].used = false;
            }
        }
    }
    top tr = {0};
    val whole;
    if (!parse_value(p, &q, sx, 0, false, &tr, &whole))
        return false;
    if (p->in[whole.at] != '<')
        return bad(p, "the trailer is not a dictionary");
    if (tr.prev.kind != V_NONE || tr.encrypt.kind != V_NONE)
        return bad(p, "an updated or encrypted file (the trailer has %s)",
                   tr.prev.kind != V_NONE ? "/Prev" : "/Encrypt");
    if (tr.root.kind != V_REF)
        return bad(p, "the trailer has no /Root reference");
    p->root = (long)tr.root.num;
    p->info = tr.info.kind == V_REF ? (long)tr.info.num : -1;
    if (tr.id.kind != V_NONE)
        p->id = tr.id.at, p->nid = tr.id.end - tr.id.at;

    /* each object runs to the next one's start (or the table) */
    pobj **order = xmalloc((p->nobjs ? p->nobjs : 1) * sizeof *order);
    size_t nused = 0;
    for (size_t i = 0; i < p->nobjs; i++)
        if (p->objs[i].used)
            order[nused++] = &p->objs[i];
    qsort(order, nused, sizeof *order, by_offset);
    bool good = true;
    for (size_t i = 0; i < nused && good; i++) {
        order[i]->end = i + 1 < nused ? order[i + 1]->start : p->xref;
        if (order[i]->end == order[i]->start)
            good = bad(p, "objects %zu and %zu at the same byte %zu", (size_t)(order[i] - p->objs),
                       (size_t)(order[i + 1] - p->objs), order[i]->start);
    }
    free(order);
    return good;
}

/* The integer an object holds (a length object: "N 0 obj 1234 endobj"), read from its span:
 * the object may come after the stream that uses it. */
static bool integer_object(packer *p, size_t num, long long *out)
{
    if (num >= p->nobjs || !p->objs[num].used)
        return false;
    const pobj *o = &p->objs[num];
    size_t q = o->start;
    tok t[5];
    for (int i = 0; i < 5; i++)
        if (!next_tok(p, &q, o->end, &t[i]))
            return false;
    if (t[0].kind != T_INT || t[1].kind != T_INT || !keyword_is(p, &t[2], "obj") || t[3].kind != T_INT ||
        !keyword_is(p, &t[4], "endobj"))
        return false;
    *out = t[3].ival;
    return true;
}

/* Object num's header, value and ending: its text, or its dictionary and stream data. */
static bool read_object(packer *p, size_t num)
{
    pobj *o = &p->objs[num];
    size_t q = o->start;
    tok a, b, c;
    if (!next_tok(p, &q, o->end, &a) || !next_tok(p, &q, o->end, &b) || !next_tok(p, &q, o->end, &c) ||
        a.kind != T_INT || a.ival != (long long)num || b.kind != T_INT || b.ival != 0 || !keyword_is(p, &c, "obj"))
        return bad(p, "object %zu: the table points at byte %zu, which is not \"%zu 0 obj\"", num, o->start, num);
    size_t ref0 = p->nrefs;
    top t = {0};
    val v;
    if (!parse_value(p, &q, o->end, 0, true, &t, &v))
        return false;
    tok k;
    if (!next_tok(p, &q, o->end, &k))
        return false;
    o->body = v.at, o->nbody = v.end - v.at;
    o->ref0 = ref0;
    if (keyword_is(p, &k, "endobj")) {
        if (t.length.kind == V_REF)
            add_ref(p, (size_t)t.length.num); /* a plain dictionary: /Length is an ordinary reference */
        o->nrefs = p->nrefs - ref0;
        return true;
    }
    if (!keyword_is(p, &k, "stream") || p->in[v.at] != '<')
        return bad(p, "object %zu: expected 'endobj' or a stream at byte %zu", num, k.at);
    /* "stream" then CRLF or LF, the data, an optional end of line, "endstream", "endobj" */
    o->stream = true;
    o->nrefs = p->nrefs - ref0;
    if (starts(p, q, "\r\n"))
        q += 2;
    else if (starts(p, q, "\n"))
        q += 1;
    else
        return bad(p, "object %zu: no end of line after 'stream' at byte %zu", num, q);
    if (q > o->end)
        return bad(p, "object %zu: its stream starts past the object", num);
    long long len;
    if (t.length.kind == V_NONE)
        return bad(p, "object %zu: a stream without /Length", num);
    if (t.length.kind == V_INT)
        len = t.length.num;
    else if (t.length.kind != V_REF || !integer_object(p, (size_t)t.length.num, &len))
        return bad(p, "object %zu: its /Length is not a number", num);
    if (len < 0 || (unsigned long long)len > o->end - q)
        return bad(p, "object %zu: its /Length %lld runs past the object", num, len);
    o->data = q, o->ndata = (size_t)len;
    o->len_at = t.length.at, o->len_end = t.length.end;
    /* libharu leaves every stream unfiltered (pdf.c): deflated here, except the XMP metadata,
     * which stays readable as it is (PDF/A) */
    o->deflate = t.filter.kind == V_NONE &&
                 !(t.type.end - t.type.at == 9 && memcmp(p->in + t.type.at, "/Metadata", 9) == 0);
    o->binary = t.length1.kind != V_NONE || t.n.kind != V_NONE;
    q += (size_t)len;
    if (starts(p, q, "\r\n"))
        q += 2;
    else if (starts(p, q, "\n") || starts(p, q, "\r"))
        q += 1;
    if (!starts(p, q, "endstream"))
        return bad(p, "object %zu: no 'endstream' where its /Length %lld ends (byte %zu)", num, len, q);
    q += 9;
    if (!next_tok(p, &q, o->end, &k) || !keyword_is(p, &k, "endobj"))
        return bad(p, "object %zu: no 'endobj' after its stream", num);
    return true;
}

/* Marks what the trailer's /Root and /Info reach. A reference to an object that is not there
 * is left as it is (a reader takes it as null, as the input's reader would have). */
static void mark(packer *p)
{
    size_t *stack = xmalloc((p->nobjs + 2) * sizeof *stack), n = 0;
    long roots[2] = {p->root, p->info};
    for (int i = 0; i < 2; i++)
        if (roots[i] >= 0 && (size_t)roots[i] < p->nobjs && p->objs[roots[i]].used && !p->objs[roots[i]].keep) {
            p->objs[roots[i]].keep = true;
            stack[n++] = (size_t)roots[i];
        }
    while (n > 0) {
        const pobj *o = &p->objs[stack[--n]];
        for (size_t r = o->ref0; r < o->ref0 + o->nrefs; r++) {
            size_t m = p->refs[r];
            if (m < p->nobjs && p->objs[m].used && !p->objs[m].keep) {
                p->objs[m].keep = true;
                stack[n++] = m;
            }
        }
    }
    free(stack);
}

/* ---- writing ---- */

/* Deflates n bytes onto the end of b (zlib format, as /FlateDecode reads). */
static void deflate_into(struct libdeflate_compressor *c, folio_buf *b, const unsigned char *data, size_t n)
{
    size_t bound = libdeflate_zlib_compress_bound(c, n);
    if (b->len + bound + 1 > b->cap) {
        b->cap = b->len + bound + 1;
        b->data = xrealloc(b->data, b->cap);
    }
    size_t got = libdeflate_zlib_compress(c, data, n, b->data + b->len, bound);
    if (got == 0) { /* cannot happen within the bound */
        fputs("folio: cannot deflate a PDF stream\n", stderr);
        exit(1);
    }
    b->len += got;
    b->data[b->len] = '\0';
}

static void put(folio_buf *b, const packer *p, size_t at, size_t n)
{
    folio_buf_append(b, (const char *)p->in + at, n);
}

/* The two compressors of a thread: FOLIO_PDF_DEFLATE_LEVEL for text (content streams,
 * dictionaries), FOLIO_PDF_DEFLATE_BINARY for font programs and ICC profiles, made on first use.
 * For the default report's three subset fonts level 6 saves 2% (529 bytes) over level 1 for 1.3M
 * more instructions; its content streams come out 16% smaller at level 6, so they keep it
 * (docs/pdf-size-and-startup.md). */
typedef struct compressors {
    struct libdeflate_compressor *text, *binary;
} compressors;

static struct libdeflate_compressor *compressor(compressors *cs, bool binary)
{
    struct libdeflate_compressor **c = binary ? &cs->binary : &cs->text;
    if (!*c && !(*c = libdeflate_alloc_compressor(binary ? FOLIO_PDF_DEFLATE_BINARY : FOLIO_PDF_DEFLATE_LEVEL)))
        folio_out_of_memory();
    return *c;
}

static void compressors_free(compressors *cs)
{
    libdeflate_free_compressor(cs->text);
    libdeflate_free_compressor(cs->binary);
}

/* Every deflate of a pass but the cross-reference stream's (which needs the others' sizes) is
 * known before any is done, and each is independent of the others: they are shared out between
 * the calling thread and one worker, each taking the next job of the list, and each job's bytes
 * are the same whichever thread made them. The output is then written in object order. */
typedef struct deflate_job {
    const unsigned char *in;
    size_t n;
    bool binary;
    folio_buf out; /* the zlib data */
} deflate_job;

typedef struct deflate_jobs {
    deflate_job *job;
    size_t n;
    atomic_size_t next; /* the next job to take */
    compressors worker; /* the worker thread's */
} deflate_jobs;

bool folio_pdf_pack_threaded = true;
unsigned long folio_pdf_pack_workers;

/* Takes jobs until none is left, with the compressors of this thread. */
static void run_jobs(deflate_jobs *d, compressors *cs)
{
    for (size_t i; (i = atomic_fetch_add(&d->next, 1)) < d->n;) {
        deflate_job *j = &d->job[i];
        deflate_into(compressor(cs, j->binary), &j->out, j->in, j->n);
    }
}

static void *worker_main(void *arg)
{
    deflate_jobs *d = arg;
    run_jobs(d, &d->worker);
    return NULL;
}

/* Everything a worker needs is allocated here, on the calling thread: what a worker allocates
 * comes from a malloc arena of its own, on fresh small pages that cost a fault each (11-15 us on
 * this VM; 140 more faults a run undid the gain). So each job gets room for its whole output
 * (deflate_into then does not grow it), and the worker's compressors are made for it. */
static void prepare(deflate_jobs *d, compressors *cs, bool worker)
{
    for (size_t i = 0; i < d->n; i++) {
        deflate_job *j = &d->job[i];
        size_t cap = libdeflate_zlib_compress_bound(compressor(cs, j->binary), j->n) + 1;
        if (worker)
            compressor(&d->worker, j->binary);
        if (j->out.cap < cap)
            j->out.data = xrealloc(j->out.data, cap), j->out.cap = cap;
    }
}

/* Does every job, on a worker thread as well as this one when there is enough to share
 * (FOLIO_PDF_THREAD_MIN_BYTES) and a thread can be had; on this one alone otherwise. */
static void run_all(deflate_jobs *d, compressors *cs)
{
    size_t bytes = 0;
    for (size_t i = 0; i < d->n; i++)
        bytes += d->job[i].n;
    bool share = folio_pdf_pack_threaded && d->n > 1 && bytes >= FOLIO_PDF_THREAD_MIN_BYTES;
    prepare(d, cs, share);
    folio_thread worker;
    bool threaded = share && folio_thread_start(&worker, worker_main, d);
    run_jobs(d, cs);
    if (threaded) {
        folio_thread_join(&worker);
        folio_pdf_pack_workers++;
    }
    compressors_free(&d->worker);
}

/* Text deflated ahead of the pass on a thread of its own (the pages' content streams, while the
 * rest of the document is made): the pass takes a result for a stream whose data has the same
 * bytes, deflated at the same level, so it is what the pass would have made. */
struct folio_pdf_ahead {
    folio_buf *in; /* owned copies of the data */
    deflate_jobs jobs;
    folio_thread thread;
    bool running; /* the thread is still to be joined */
};

static void *ahead_main(void *arg)
{
    folio_pdf_ahead *a = arg;
    run_jobs(&a->jobs, &a->jobs.worker);
    return NULL;
}

folio_pdf_ahead *folio_pdf_ahead_start(folio_buf *in, size_t n)
{
    folio_pdf_ahead *a = xcalloc(1, sizeof *a);
    a->in = in;
    a->jobs.job = xcalloc(n ? n : 1, sizeof *a->jobs.job);
    a->jobs.n = n;
    for (size_t i = 0; i < n; i++)
        a->jobs.job[i] = (deflate_job){.in = (const unsigned char *)in[i].data, .n = in[i].len};
    prepare(&a->jobs, &a->jobs.worker, false);
    a->running = folio_pdf_pack_threaded && folio_thread_start(&a->thread, ahead_main, a);
    if (!a->running) {
        folio_pdf_ahead_free(a);
        return NULL;
    }
    return a;
}

static void ahead_wait(folio_pdf_ahead *a)
{
    if (a && a->running) {
        folio_thread_join(&a->thread);
        a->running = false;
    }
}

void folio_pdf_ahead_free(folio_pdf_ahead *a)
{
    if (!a)
        return;
    ahead_wait(a);
    for (size_t i = 0; i < a->jobs.n; i++)
        folio_buf_free(&a->in[i]), folio_buf_free(&a->jobs.job[i].out);
    compressors_free(&a->jobs.worker);
    free(a->in);
    free(a->jobs.job);
    free(a);
}

/* The deflated data of n bytes of text that `a` has, or NULL. Streams come in the order they were
 * given, so the search starts after the last one found (*from). */
static const folio_buf *ahead_find(const folio_pdf_ahead *a, size_t *from, const unsigned char *data, size_t n)
{
    for (size_t k = 0; a && k < a->jobs.n; k++) {
        size_t i = (*from + k) % a->jobs.n;
        const deflate_job *j = &a->jobs.job[i];
        if (j->n == n && memcmp(j->in, data, n) == 0) {
            *from = i + 1;
            return &j->out;
        }
    }
    return NULL;
}

/* A stream object with its /Length written as the number it is, its data deflated (`z`, the
 * dictionary then gains /Filter /FlateDecode) when it had no filter. */
static void write_stream(folio_buf *out, const packer *p, size_t num, const folio_buf *z)
{
    const pobj *o = &p->objs[num];
    const char *data = o->deflate ? z->data : (const char *)p->in + o->data;
    size_t ndata = o->deflate ? z->len : o->ndata;
    folio_pdf_put_uint(out, num);
    folio_buf_puts(out, " 0 obj\n");
    put(out, p, o->body, o->len_at - o->body);
    folio_pdf_put_uint(out, ndata);
    if (o->deflate)
        folio_buf_puts(out, " /Filter /FlateDecode");
    put(out, p, o->len_end, o->body + o->nbody - o->len_end);
    folio_buf_puts(out, "\nstream\n");
    folio_buf_append(out, data, ndata);
    folio_buf_puts(out, "\nendstream\nendobj\n");
}

/* A stream object this pass makes: its dictionary's `entries`, /Filter /FlateDecode, the
 * filter's `parms` ("" or " /DecodeParms << ... >>"), /Length, and its deflated data. */
static void put_deflated(folio_buf *out, size_t num, const char *entries, const char *parms, const folio_buf *z)
{
    folio_buf_printf(out, "%zu 0 obj\n<< %s /Filter /FlateDecode%s /Length %zu >>\nstream\n", num, entries, parms,
                     z->len);
    folio_buf_append(out, z->data, z->len);
    folio_buf_puts(out, "\nendstream\nendobj\n");
}

static unsigned bytes_for(size_t v)
{
    unsigned n = 1;
    while (n < sizeof v && v >> (8 * n))
        n++;
    return n;
}

static bool pack(packer *p, folio_pdf_ahead *ahead, folio_buf *out)
{
    if (!read_table(p))
        return false;
    for (size_t i = 0; i < p->nobjs; i++)
        if (p->objs[i].used && !read_object(p, i))
            return false;
    if ((size_t)p->root >= p->nobjs || !p->objs[p->root].used)
        return bad(p, "the trailer's /Root %ld is not an object", p->root);
    mark(p);

    /* the header: the input's version, at least 1.5 (object streams), and a binary comment */
    int minor = p->in[7] >= '5' && p->in[7] <= '9' ? p->in[7] - '0' : 5;
    folio_buf_printf(out, "%%PDF-1.%d\n%%\xE2\xE3\xCF\xD3\n", minor);

    size_t packed = 0;
    for (size_t i = 0; i < p->nobjs; i++)
        packed += p->objs[i].keep && !p->objs[i].stream;
    size_t nobjstm = (packed + FOLIO_OBJSTM_PER_STREAM - 1) / FOLIO_OBJSTM_PER_STREAM;
    size_t size = p->nobjs + nobjstm + 1, xref_num = size - 1;
    /* where each object ends up: type 1 (offset) or 2 (object stream, index) */
    size_t *f2 = xcalloc(size, sizeof *f2), *f3 = xcalloc(size, sizeof *f3);
    unsigned char *type = xcalloc(size, 1);

    /* the object streams' text: offsets, then the objects */
    folio_buf *objstm = xcalloc(nobjstm ? nobjstm : 1, sizeof *objstm);
    size_t *count = xcalloc(nobjstm ? nobjstm : 1, sizeof *count), *first = xcalloc(nobjstm ? nobjstm : 1, sizeof *first);
    folio_buf body = {0};
    size_t next = 0;
    for (size_t s = 0; s < nobjstm; s++) {
        size_t num = p->nobjs + s;
        folio_buf *head = &objstm[s];
        body.len = 0;
        for (; next < p->nobjs && count[s] < FOLIO_OBJSTM_PER_STREAM; next++) {
            const pobj *o = &p->objs[next];
            if (!o->keep || o->stream)
                continue;
            folio_pdf_put_uint(head, next);
            folio_buf_append(head, " ", 1);
            folio_pdf_put_uint(head, body.len);
            folio_buf_append(head, " ", 1);
            put(&body, p, o->body, o->nbody);
            folio_buf_puts(&body, "\n");
            type[next] = 2, f2[next] = num, f3[next] = count[s]++;
        }
        head->data[head->len - 1] = '\n';
        first[s] = head->len;
        folio_buf_append(head, body.data, body.len);
    }
    folio_buf_free(&body);

    /* every deflate but the cross-reference stream's: the streams in object order, then the
     * object streams */
    deflate_jobs jobs = {.job = xcalloc(p->nobjs + nobjstm, sizeof *jobs.job)};
    const folio_buf **z_of = xcalloc(p->nobjs ? p->nobjs : 1, sizeof *z_of); /* a stream's deflated data */
    compressors cs = {0};
    ahead_wait(ahead);
    if (ahead) { /* its compressor's memory is in use already: fresh pages cost a fault each */
        cs.text = ahead->jobs.worker.text;
        ahead->jobs.worker.text = NULL;
    }
    size_t from = 0;
    for (size_t i = 0; i < p->nobjs; i++) {
        const pobj *o = &p->objs[i];
        if (!o->keep || !o->stream || !o->deflate)
            continue;
        if (!o->binary && (z_of[i] = ahead_find(ahead, &from, p->in + o->data, o->ndata)))
            continue;
        z_of[i] = &jobs.job[jobs.n].out;
        jobs.job[jobs.n++] = (deflate_job){.in = p->in + o->data, .n = o->ndata, .binary = o->binary};
    }
    size_t objstm_job = jobs.n;
    for (size_t s = 0; s < nobjstm; s++)
        jobs.job[jobs.n++] = (deflate_job){.in = (const unsigned char *)objstm[s].data, .n = objstm[s].len};
    run_all(&jobs, &cs);

    for (size_t i = 0; i < p->nobjs; i++)
        if (p->objs[i].keep && p->objs[i].stream) {
            type[i] = 1, f2[i] = out->len;
            write_stream(out, p, i, z_of[i]);
        }
    char entries[128];
    for (size_t s = 0; s < nobjstm; s++) {
        size_t num = p->nobjs + s;
        snprintf(entries, sizeof entries, "/Type /ObjStm /N %zu /First %zu", count[s], first[s]);
        type[num] = 1, f2[num] = out->len;
        put_deflated(out, num, entries, "", &jobs.job[objstm_job + s].out);
    }
    for (size_t j = 0; j < jobs.n; j++)
        folio_buf_free(&jobs.job[j].out);
    for (size_t s = 0; s < nobjstm; s++)
        folio_buf_free(&objstm[s]);
    free(jobs.job), free(z_of), free(objstm), free(count), free(first);

    /* the cross-reference stream: free entries chained from object 0, as a table's are */
    type[xref_num] = 1, f2[xref_num] = out->len;
    size_t last_free = 0;
    for (size_t i = size; i-- > 1;)
        if (!type[i])
            f2[i] = last_free, last_free = i;
    f2[0] = last_free, f3[0] = 65535;
    size_t maxf2 = 0;
    for (size_t i = 0; i < size; i++)
        maxf2 = f2[i] > maxf2 ? f2[i] : maxf2;
    unsigned w2 = bytes_for(maxf2), w3 = 2, cols = 1 + w2 + w3;
    unsigned char *rows = xmalloc(size * (cols + 1)), *prev = xcalloc(cols, 1), row[1 + sizeof(size_t) + 2];
    for (size_t i = 0; i < size; i++) {
        row[0] = type[i];
        for (unsigned k = 0; k < w2; k++)
            row[1 + k] = (unsigned char)(f2[i] >> (8 * (w2 - 1 - k)));
        row[1 + w2] = (unsigned char)(f3[i] >> 8), row[2 + w2] = (unsigned char)f3[i];
        unsigned char *r = rows + i * (cols + 1);
        r[0] = 2; /* PNG "up" */
        for (unsigned k = 0; k < cols; k++)
            r[1 + k] = (unsigned char)(row[k] - prev[k]);
        memcpy(prev, row, cols);
    }
    folio_buf xe = {0};
    folio_buf_printf(&xe, "/Type /XRef /Size %zu /W [ 1 %u %u ] /Root %ld 0 R", size, w2, w3, p->root);
    if (p->info >= 0 && (size_t)p->info < p->nobjs && p->objs[p->info].keep)
        folio_buf_printf(&xe, " /Info %ld 0 R", p->info);
    if (p->nid) {
        folio_buf_puts(&xe, " /ID ");
        put(&xe, p, p->id, p->nid);
    }
    char parms[64];
    snprintf(parms, sizeof parms, " /DecodeParms << /Columns %u /Predictor 12 >>", cols);
    folio_buf z = {0};
    deflate_into(compressor(&cs, false), &z, rows, size * (cols + 1));
    compressors_free(&cs);
    put_deflated(out, xref_num, xe.data, parms, &z);
    folio_buf_printf(out, "startxref\n%zu\n%%%%EOF\n", f2[xref_num]);
    folio_buf_free(&xe), folio_buf_free(&z);
    free(rows), free(prev), free(f2), free(f3), free(type);
    return true;
}

bool folio_pdf_pack(const unsigned char *pdf, size_t n, folio_pdf_ahead *ahead, const char *path, unsigned char **out,
                    size_t *outn, folio_diag *diag)
{
    packer p = {.in = pdf, .n = n, .root = -1, .info = -1};
    folio_buf b = {0};
    bool good = pack(&p, ahead, &b);
    free(p.objs);
    free(p.refs);
    if (!good) {
        folio_buf_free(&b);
        *out = NULL, *outn = 0;
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0,
                       "cannot write %s: cannot pack the PDF into object streams (%s)", path, p.why);
        return false;
    }
    *out = (unsigned char *)b.data;
    *outn = b.len;
    return true;
}
