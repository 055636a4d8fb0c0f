/* Loading a CSV input into a table: header matching, line and column tracking, validation of
 * every cell, the period, unique keys, and the reasons rows were rejected. libcsv parses; it is
 * fed one line at a time, so each callback knows the line it is on. */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/diag.h"
#include "core/limits.h"
#include "core/thread.h"
#include "core/util.h"
#include "data/table_internal.h"

#define READ_CHUNK 65536                 /* bytes per read() */
#define VALUE_SHOWN 40                   /* bytes of a bad value quoted in a warning */
#define SHOWN_SIZE (VALUE_SHOWN * 4 + 8) /* a shown value, each byte at worst written as \xHH */
#define FIELD_MIB (FOLIO_MAX_FIELD_BYTES >> 20)

/* Why a row was rejected; the reason text adds the column's name. */
enum reason_kind {
    R_BAD_DATE,
    R_UNKNOWN,
    R_BAD_YESNO,
    R_NOT_WHOLE,
    R_NOT_NUMBER,
    R_RANGE,
    R_EMPTY,
    R_DUPLICATE,
    R_BAD_UTF8,
    R_NUL,
    R_TOO_MANY,
    R_NKINDS
};

/* Where the raw text of one cell of the current row was kept, and its line. */
typedef struct slot {
    size_t off, len;   /* in the scratch buffer */
    uint32_t end_line; /* line of the cell's last byte */
} slot;

/* Open-addressing set of used rows, by the value of their key column. A slot is 32 bits of the
 * key's hash, then row + 1; 0 = empty. A text key that no plugin reads is not stored (`hashed`):
 * its slot is the top 37 bits of a 64-bit hash (whose low bits also place it), then row + 1 in
 * KEY_ROW_BITS; two keys with the same 37 bits are compared by reading both back from the
 * input (reread_key), which a million distinct keys need a few times at most. */
#define KEY_ROW_BITS 27 /* FOLIO_MAX_ROWS + 1 fits */
#define KEY_ROW_MASK ((UINT64_C(1) << KEY_ROW_BITS) - 1)
typedef struct keyset {
    uint64_t *slots;
    size_t mask, n;
    bool hashed;
} keyset;

/* Where every 64th line starts in the input, for reading a row back (reread_key). */
#define LINE_STEP 64
typedef struct line_mark {
    uint32_t line;
    off_t at;
} line_mark;

typedef struct loader {
    const folio_inputspec *spec;
    folio_diag *diag;
    const char *file; /* how messages name the input */
    folio_table *t;
    folio_table *prev; /* the previous period's rows (spec->keep_previous), or NULL */
    size_t prev_rejected;
    struct csv_parser p;
    bool stop; /* a fatal error was reported: ignore the rest */

    /* Position. */
    uint32_t line;       /* line of the bytes being fed */
    uint32_t row_line;   /* line where the current row started */
    bool at_line_start;  /* the next segment starts a line */
    size_t col_chars;    /* characters of the current line fed before this segment */
    uint32_t quote_line; /* where the quoted field still open started */
    size_t quote_col;

    /* The row being read. Cells are validated as they arrive (text goes straight into its
     * column, taken back if the row is rejected); only the raw text of bad cells and of the
     * key is kept aside, for messages. */
    size_t field; /* fields seen so far */
    char *scratch;
    size_t scratch_len, scratch_cap;
    slot *slots;   /* per spec column: its raw text in scratch, if kept, and its line */
    uint8_t *bad;  /* per spec column: reason kind + 1 if the cell is bad, else 0 */
    size_t nbad;   /* bad cells in this row */
    uint32_t kh;   /* hash of a text key seen in this row (its slot is being fetched) */
    uint64_t kh64; /* the same, for a key that is not stored (keyset.hashed) */
    bool key_hashed;
    bool too_many;
    char extra[VALUE_SHOWN + 8]; /* start of the first field past the header */
    size_t extra_len;
    uint32_t extra_line;

    /* Header. */
    bool header_done;
    slot *hdr; /* header cells, while reading the header */
    size_t hdr_cap;
    size_t nheader;
    int *fieldmap; /* header field -> spec column, -1 = not needed */

    /* Validation. */
    folio_cell *cells;
    int date_c, key_c;
    int *interned; /* columns with an interned dictionary */
    size_t ninterned;
    size_t *ncodes_before; /* their sizes before this row, to undo on rejection */
    size_t *reason_count;  /* [kind][column], column ncols = no column */
    size_t shown, hidden;
    keyset keys;
    /* Reading rows back, for keys that are not stored: the input (a file, or text in memory),
     * the offset of the next byte fed, where lines start, and whether two rows ever started on
     * one line (a lone CR ends a row): then rows cannot be found by line, and the input is read
     * again with its keys stored (`again`). */
    int src_fd;
    const char *src_text;
    size_t src_len;
    off_t pos;
    line_mark *marks;
    size_t nmarks, marks_cap;
    uint32_t last_row_line;
    bool shared_line;
    bool again;

    bool part;      /* one of two halves loaded in parallel: the caller merges, then reports */
    bool fini_done; /* csv_fini already ran (the second half ends the file in its thread) */
} loader;

/* ---- messages ---- */

static void fatal(loader *ld, uint32_t line, size_t col, const char *text)
{
    folio_diag_add(ld->diag, FOLIO_ERROR, ld->file, (int)line, (int)col, "%s", text);
    ld->stop = true;
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* Copies a value for a message into out (SHOWN_SIZE bytes): at most VALUE_SHOWN bytes of it,
 * cut on a character boundary and marked with "...", control characters (line breaks) shown as
 * spaces, a NUL as \0 and a byte that is not UTF-8 as \xHH, so messages are always UTF-8. */
static void shown_value(const char *s, size_t n, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i = 0, k = 0;
    while (i < n && i < VALUE_SHOWN) {
        unsigned char ch = (unsigned char)s[i];
        size_t len = ch < 0x80 ? 1 : folio_cell_utf8_length(s + i, n - i);
        if (len > 1 && i + len > VALUE_SHOWN)
            break;
        if (len > 1) {
            memcpy(out + k, s + i, len);
            k += len;
        } else if (ch == 0) {
            memcpy(out + k, "\\0", 2);
            k += 2;
        } else if (ch >= 0x80) {
            out[k++] = '\\';
            out[k++] = 'x';
            out[k++] = hex[ch >> 4];
            out[k++] = hex[ch & 15];
        } else {
            out[k++] = ch < 0x20 ? ' ' : (char)ch;
        }
        i += len ? len : 1;
    }
    strcpy(out + k, i < n ? "..." : "");
}

static void reason_text(const loader *ld, int kind, int c, char *out, size_t size)
{
    const char *name = c >= 0 ? ld->spec->cols[c].name : "";
    char lo[64], hi[64];
    switch (kind) {
    case R_BAD_DATE: snprintf(out, size, "bad date in %s", name); break;
    case R_UNKNOWN: snprintf(out, size, "unknown %s", name); break;
    case R_BAD_YESNO: snprintf(out, size, "bad yes/no in %s", name); break;
    case R_NOT_WHOLE: snprintf(out, size, "%s not a whole number", name); break;
    case R_NOT_NUMBER: snprintf(out, size, "%s not a number", name); break;
    case R_RANGE:
        folio_cell_format_number(ld->spec->cols[c].min, lo, sizeof lo);
        folio_cell_format_number(ld->spec->cols[c].max, hi, sizeof hi);
        snprintf(out, size, "%s out of range %s-%s", name, lo, hi);
        break;
    case R_EMPTY: snprintf(out, size, "empty %s", name); break;
    case R_DUPLICATE: snprintf(out, size, "duplicate %s", name); break;
    case R_BAD_UTF8: snprintf(out, size, "invalid UTF-8 in %s", name); break;
    case R_NUL: snprintf(out, size, "NUL byte in %s", name); break;
    default: snprintf(out, size, "too many fields"); break;
    }
}

/* What a cell of column c should have held, for a warning. */
static void expected_text(const loader *ld, int kind, int c, uint32_t first_line, char *out, size_t size)
{
    if (kind == R_TOO_MANY) {
        snprintf(out, size, "at most %zu fields, as in the header", ld->nheader);
        return;
    }
    if (kind == R_DUPLICATE) {
        snprintf(out, size, "a value not used before (line %u has it)", first_line);
        return;
    }
    if (kind == R_BAD_UTF8) {
        snprintf(out, size, "UTF-8 text (save the file as UTF-8)");
        return;
    }
    if (kind == R_NUL) {
        snprintf(out, size, "text without NUL bytes");
        return;
    }
    const folio_colspec *cs = &ld->spec->cols[c];
    const folio_column *col = &ld->t->cols[c];
    char lo[64], hi[64];
    switch (cs->type) {
    case FOLIO_TEXT: snprintf(out, size, "a value"); break;
    case FOLIO_INTEGER:
    case FOLIO_NUMBER:
        if (cs->has_range) {
            folio_cell_format_number(cs->min, lo, sizeof lo);
            folio_cell_format_number(cs->max, hi, sizeof hi);
            snprintf(out, size, "a %s from %s to %s", cs->type == FOLIO_INTEGER ? "whole number" : "number",
                     lo, hi);
        } else {
            snprintf(out, size, "a %s", cs->type == FOLIO_INTEGER ? "whole number" : "number");
        }
        break;
    case FOLIO_DATE: snprintf(out, size, "a date YYYY-MM-DD"); break;
    case FOLIO_YESNO: snprintf(out, size, "yes or no"); break;
    case FOLIO_CODE:
    case FOLIO_MULTI:
        if (col->interned && col->ncodes >= FOLIO_MAX_CODES)
            snprintf(out, size, "one of the first %d distinct values", FOLIO_MAX_CODES);
        else if (col->interned && kind == R_EMPTY)
            snprintf(out, size, "a value");
        else
            folio_cell_code_list(col, cs->type == FOLIO_CODE ? "one of " : "one or more of ", out, size);
        break;
    }
}

/* Rejects the current row: counts the reason, warns (the first few times) at the cell.
 * c is the spec column, or -1 for a row-level problem. Always returns false. */
static bool reject(loader *ld, int kind, int c, const char *val, size_t len, uint32_t line, int col,
                   uint32_t first_line)
{
    ld->t->rejected++;
    ld->reason_count[(size_t)kind * (ld->spec->ncols + 1) + (c < 0 ? ld->spec->ncols : (size_t)c)]++;
    if (ld->shown >= FOLIO_MAX_WARNINGS_SHOWN) {
        ld->hidden++;
        return false;
    }
    ld->shown++;
    /* line is where the cell ends; it starts as many lines earlier as it holds line breaks */
    for (const char *p = val; (p = memchr(p, '\n', (size_t)(val + len - p))); p++)
        line--;
    char reason[256], what[640], shown[SHOWN_SIZE];
    reason_text(ld, kind, c, reason, sizeof reason);
    expected_text(ld, kind, c, first_line, what, sizeof what);
    shown_value(val, len, shown);
    folio_diag_add(ld->diag, FOLIO_WARNING, ld->file, (int)line, col, "%s: \"%s\"; expected %s; row rejected",
                   reason, shown, what);
    return false;
}

/* ---- cells ---- */

/* Applies the column's `values` map to a trimmed answer. */
static void map_value(const folio_colspec *cs, const char **s, size_t *n)
{
    for (size_t i = 0; i < cs->nmap; i++) {
        size_t fn = strlen(cs->map_from[i]);
        const char *f = folio_trim(cs->map_from[i], &fn);
        if (fn == *n && folio_cell_ieq(f, *s, fn)) {
            size_t tn = strlen(cs->map_to[i]);
            *s = folio_trim(cs->map_to[i], &tn);
            *n = tn;
            return;
        }
    }
}

/* Code index of a trimmed answer; unknown answers are interned when the column collects its
 * codes from the data. -1 if unknown (or the dictionary is full). */
static int code_of(folio_column *col, const char *s, size_t n)
{
    int k = folio_cell_find_code(col, s, n);
    if (k < 0 && col->interned && col->ncodes < FOLIO_MAX_CODES)
        k = folio_column_intern(col, s, n);
    return k;
}

/* Validates one cell of column c (raw text s, n bytes) into ld->cells[c]; a TEXT cell is
 * appended to its column for the pending row. Returns the reason kind, or R_NKINDS if good. */
static int check_cell(loader *ld, int c, const char *s, size_t n)
{
    const folio_colspec *cs = &ld->spec->cols[c];
    folio_column *col = &ld->t->cols[c];
    folio_cell *v = &ld->cells[c];
    s = folio_trim(s, &n);
    v->missing = n == 0;
    if (v->missing)
        return cs->required_value && c != ld->date_c ? R_EMPTY : R_NKINDS;
    switch (cs->type) {
    case FOLIO_TEXT: folio_table_add_text(ld->t, col, s, n); return R_NKINDS;
    case FOLIO_INTEGER:
        if (!folio_cell_integer(s, n, &v->num))
            return R_NOT_WHOLE;
        return cs->has_range && (v->num < cs->min || v->num > cs->max) ? R_RANGE : R_NKINDS;
    case FOLIO_NUMBER:
        if (!folio_cell_number(s, n, &v->num))
            return R_NOT_NUMBER;
        return cs->has_range && (v->num < cs->min || v->num > cs->max) ? R_RANGE : R_NKINDS;
    case FOLIO_DATE: return folio_date_parse(s, n, &v->date) ? R_NKINDS : R_BAD_DATE;
    case FOLIO_YESNO:
        map_value(cs, &s, &n);
        v->small = folio_cell_yesno(s, n);
        return v->small >= 0 ? R_NKINDS : R_BAD_YESNO;
    case FOLIO_CODE:
        map_value(cs, &s, &n);
        v->small = code_of(col, s, n);
        return v->small >= 0 ? R_NKINDS : R_UNKNOWN;
    case FOLIO_MULTI:
        /* codes separated by ';', each trimmed and mapped; unknown codes are ignored */
        v->multi = 0;
        v->missing = true;
        for (const char *p = s, *end = s + n; p <= end;) {
            const char *semi = memchr(p, ';', (size_t)(end - p));
            size_t pn = (size_t)((semi ? semi : end) - p);
            const char *part = folio_trim(p, &pn);
            if (pn > 0) {
                v->missing = false;
                map_value(cs, &part, &pn);
                int k = code_of(col, part, pn);
                if (k >= 0)
                    v->multi |= UINT64_C(1) << k;
            }
            if (!semi)
                break;
            p = semi + 1;
        }
        return v->missing && cs->required_value ? R_EMPTY : R_NKINDS;
    }
    return R_NKINDS;
}

/* The raw text kept for column c in this row (empty if the row was too short to reach it). */
static void kept_cell(const loader *ld, int c, size_t nf, const char **s, size_t *n, uint32_t *line)
{
    const folio_column *col = &ld->t->cols[c];
    if (col->pos > 0 && (size_t)col->pos <= nf) {
        *s = ld->scratch + ld->slots[c].off;
        *n = ld->slots[c].len;
        *line = ld->slots[c].end_line;
    } else {
        *s = "";
        *n = 0;
        *line = ld->row_line;
    }
}

/* ---- unique keys ---- */

/* Hash of a key cell (not missing) of type type. */
static uint64_t key_hash(folio_type type, const folio_cell *v)
{
    switch (type) {
    case FOLIO_TEXT: return folio_cell_hash_bytes(v->text, v->len);
    case FOLIO_INTEGER:
    case FOLIO_NUMBER: return folio_cell_hash_u64(folio_cell_double_bits(v->num));
    case FOLIO_DATE: return folio_cell_hash_u64((uint64_t)(uint32_t)v->date);
    case FOLIO_YESNO:
    case FOLIO_CODE: return folio_cell_hash_u64((uint64_t)v->small);
    case FOLIO_MULTI: return folio_cell_hash_u64(v->multi);
    }
    return 0;
}

/* The key cell of stored row r, as a folio_cell. */
static folio_cell stored_key(const folio_table *t, int c, size_t r)
{
    const folio_column *col = &t->cols[c];
    folio_cell v = {0};
    switch (col->type) {
    case FOLIO_TEXT:
        v.text = col->text + col->text_off[r];
        v.len = (size_t)(col->text_off[r + 1] - col->text_off[r] - 1);
        break;
    case FOLIO_INTEGER:
    case FOLIO_NUMBER: v.num = folio_num_at(col, r); break;
    case FOLIO_DATE: v.date = col->date[r]; break;
    case FOLIO_YESNO:
    case FOLIO_CODE: v.small = col->small[r]; break;
    case FOLIO_MULTI: v.multi = folio_multi_at(col, r); break;
    }
    return v;
}

static bool key_equal(folio_type type, const folio_cell *a, const folio_cell *b)
{
    switch (type) {
    case FOLIO_TEXT: return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    case FOLIO_INTEGER:
    case FOLIO_NUMBER: return a->num == b->num;
    case FOLIO_DATE: return a->date == b->date;
    case FOLIO_YESNO:
    case FOLIO_CODE: return a->small == b->small;
    case FOLIO_MULTI: return a->multi == b->multi;
    }
    return false;
}

/* The key cell of the pending row: a text key is read back from its column. */
static folio_cell pending_key(const loader *ld)
{
    folio_cell v = ld->cells[ld->key_c];
    const folio_column *col = &ld->t->cols[ld->key_c];
    if (col->type == FOLIO_TEXT) {
        uint64_t start = ld->t->cap ? col->text_off[ld->t->nrows] : 0;
        v.text = col->text + start;
        v.len = (size_t)(col->text_len - start - 1);
    }
    return v;
}

/* Finds the slot of a used row whose key equals v (hash h), or the free slot where it would go.
 * A slot keeps 32 bits of its key's hash, so most probes never touch the rows. */
static size_t key_find(const loader *ld, const folio_cell *v, uint32_t h)
{
    folio_type type = ld->t->cols[ld->key_c].type;
    size_t i = h & ld->keys.mask;
    for (uint64_t s; (s = ld->keys.slots[i]); i = (i + 1) & ld->keys.mask) {
        if ((uint32_t)(s >> 32) != h)
            continue;
        folio_cell k = stored_key(ld->t, ld->key_c, (uint32_t)s - 1);
        if (key_equal(type, &k, v))
            break;
    }
    return i;
}

/* The row a used slot holds. */
static uint32_t slot_row(const keyset *ks, uint64_t s)
{
    return ks->hashed ? (uint32_t)(s & KEY_ROW_MASK) - 1 : (uint32_t)s - 1;
}

/* The slot where a used slot's key is placed first (then the next free one). */
static size_t slot_home(const keyset *ks, uint64_t s)
{
    return ks->hashed ? (size_t)(s >> KEY_ROW_BITS) & ks->mask : (uint32_t)(s >> 32) & ks->mask;
}

/* FOLIO_WEAK_KEY_HASH=N (tests) gives text keys only N hashes, so that keys that differ share
 * one and must be told apart by reading them back. */
static uint64_t weak_key_hashes;

/* 64-bit hash of a text key that is not stored. */
static uint64_t text_key_hash(const char *s, size_t n)
{
    uint64_t h = folio_cell_hash_bytes(s, n);
    return folio_cell_hash_u64(weak_key_hashes ? h % weak_key_hashes : h);
}

/* The trimmed text of the pending row's key cell, kept in the scratch buffer. */
static void pending_key_text(const loader *ld, const char **s, size_t *n)
{
    *n = ld->slots[ld->key_c].len;
    *s = folio_trim(ld->scratch + ld->slots[ld->key_c].off, n);
}

/* Notes that line ld->line starts at ld->pos (every LINE_STEP lines, and where a loader starts). */
static void mark_line(loader *ld)
{
    if (!ld->keys.hashed || (ld->nmarks && ld->line % LINE_STEP))
        return;
    if (ld->nmarks == ld->marks_cap) {
        ld->marks_cap = ld->marks_cap ? ld->marks_cap * 2 : 256;
        ld->marks = xrealloc(ld->marks, ld->marks_cap * sizeof *ld->marks);
    }
    ld->marks[ld->nmarks++] = (line_mark){ld->line, ld->pos};
}

/* Reads up to size bytes of the input from offset at; -1 on a read error. */
static ssize_t read_at(const loader *ld, char *buf, size_t size, off_t at);

/* Collects field `want` of the first row a parser sees. */
typedef struct grab {
    size_t want, field;
    bool done;
    folio_buf text;
} grab;

static void grab_field(void *s, size_t n, void *data)
{
    grab *g = data;
    if (!g->done && g->field++ == g->want)
        folio_buf_append(&g->text, s, n);
}

static void grab_row(int term, void *data)
{
    (void)term;
    ((grab *)data)->done = true;
}

/* Reads back the key cell of the row that starts at line `line` (a used row: it was read before
 * without an error): its trimmed text into g->text. False if it cannot be read. */
static bool reread_key(const loader *ld, uint32_t line, grab *g)
{
    size_t lo = 0, hi = ld->nmarks; /* the last mark at or before the line */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (ld->marks[mid].line <= line)
            lo = mid;
        else
            hi = mid;
    }
    if (!ld->nmarks || ld->marks[lo].line > line)
        return false;
    uint32_t at_line = ld->marks[lo].line;
    off_t at = ld->marks[lo].at;
    *g = (grab){.want = (size_t)ld->t->cols[ld->key_c].pos - 1};
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    char buf[4096]; /* (a row is usually much shorter: it is parsed a piece at a time) */
    bool ok = true;
    while (!g->done) {
        ssize_t n = read_at(ld, buf, sizeof buf, at);
        if (n <= 0) {
            if (n == 0 && at_line == line && csv_fini(&p, grab_field, grab_row, g) != 0)
                ok = false;
            break;
        }
        const char *s = buf, *end = buf + n;
        while (at_line < line && s < end) { /* skip to the row's line */
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            if (!nl) {
                s = end;
                break;
            }
            s = nl + 1;
            at_line++;
        }
        if (at_line == line && s < end &&
            csv_parse(&p, s, (size_t)(end - s), grab_field, grab_row, g) < (size_t)(end - s) && !g->done) {
            ok = false;
            break;
        }
        at += n;
    }
    csv_free(&p);
    if (!ok || !g->done) {
        folio_buf_free(&g->text);
        return false;
    }
    if (g->text.data) { /* trimmed, as the key was when it was read */
        size_t n = g->text.len;
        const char *t = folio_trim(g->text.data, &n);
        memmove(g->text.data, t, n);
        g->text.len = n;
    }
    return true;
}

/* Whether used row `row` of ld has the key s[0..n) (the hashes agree): read back to be sure.
 * Sets ld->again (and stops) when rows cannot be found by line. */
static bool same_key_read_back(loader *ld, uint32_t row, const char *s, size_t n)
{
    grab g;
    if (ld->shared_line || !reread_key(ld, ld->t->line[row], &g)) {
        ld->again = ld->stop = true;
        return false;
    }
    bool same = g.text.len == n && (n == 0 || memcmp(g.text.data, s, n) == 0);
    folio_buf_free(&g.text);
    return same;
}

/* The slot of a used row whose (unstored) text key is s[0..n), hash h; or the free slot where it
 * would go. */
static size_t key_find_hashed(loader *ld, uint64_t h, const char *s, size_t n)
{
    const keyset *ks = &ld->keys;
    size_t i = (size_t)(h >> KEY_ROW_BITS) & ks->mask;
    for (uint64_t v; (v = ks->slots[i]); i = (i + 1) & ks->mask) {
        if (v >> KEY_ROW_BITS != h >> KEY_ROW_BITS)
            continue;
        if (same_key_read_back(ld, slot_row(ks, v), s, n) || ld->stop)
            break;
    }
    return i;
}

/* Stores row `row` (just added) in the free slot i found for its key hash h (32 bits, or 64 for
 * a key that is not stored). */
static void key_add(loader *ld, size_t i, uint64_t h, uint32_t row)
{
    keyset *ks = &ld->keys;
    ks->slots[i] = ks->hashed ? (h >> KEY_ROW_BITS << KEY_ROW_BITS) | (row + 1) : h << 32 | (row + 1);
    if (++ks->n * 2 <= ks->mask + 1)
        return;
    /* grow: re-place every key by its stored hash */
    size_t oldcap = ks->mask + 1;
    uint64_t *old = ks->slots;
    ks->slots = xcalloc(oldcap * 2, sizeof *ks->slots);
    ks->mask = oldcap * 2 - 1;
    folio_prefault(ks->slots, 0, oldcap * 2 * sizeof *ks->slots); /* every page gets written */
    for (size_t k = 0; k < oldcap; k++) {
        if (!old[k])
            continue;
        size_t j = slot_home(ks, old[k]);
        while (ks->slots[j])
            j = (j + 1) & ks->mask;
        ks->slots[j] = old[k];
    }
    free(old);
}

/* ---- rows ---- */

static bool in_period(const folio_inputspec *spec, int32_t d)
{
    switch (spec->period_rule) {
    case FOLIO_PERIOD_WITHIN:
        return (spec->from == FOLIO_DATE_NONE || d >= spec->from) &&
               (spec->to == FOLIO_DATE_NONE || d <= spec->to);
    case FOLIO_PERIOD_UNTIL: return spec->to == FOLIO_DATE_NONE || d <= spec->to;
    case FOLIO_PERIOD_NONE: break;
    }
    return true;
}

/* Whether a row dated d belongs to the previous period (kept when the spec asks for it). */
static bool in_previous(const folio_inputspec *spec, int32_t d)
{
    switch (spec->period_rule) {
    case FOLIO_PERIOD_WITHIN: return d >= spec->prev_from && d <= spec->prev_to;
    case FOLIO_PERIOD_UNTIL: return d <= spec->prev_to;
    case FOLIO_PERIOD_NONE: break;
    }
    return false;
}

/* Copies the pending row into the previous period's table when it belongs there; a row of that
 * period with a bad value is only counted (the report is not about it: no warning). */
static void keep_previous(loader *ld)
{
    if (!ld->spec->has_previous || !in_previous(ld->spec, ld->cells[ld->date_c].date))
        return;
    if (ld->nbad) {
        ld->prev_rejected++;
        return;
    }
    ld->t->previous_used++; /* counted even when the rows are not kept */
    if (ld->prev)
        folio_table_copy_pending(ld->prev, ld->t, ld->cells, ld->row_line);
}

/* Rejects the pending row for column c's cell (kind; -1 = only drop it, as out of the period),
 * taking back what it added to the table. */
static void reject_row(loader *ld, int kind, int c, size_t nf, uint32_t first_line)
{
    const char *raw;
    size_t n;
    uint32_t line;
    if (kind < 0) {
        /* left out by the period: not a rejection */
    } else if (c >= 0) {
        kept_cell(ld, c, nf, &raw, &n, &line);
        reject(ld, kind, c, raw, n, line, ld->t->cols[c].pos, first_line);
    } else {
        reject(ld, kind, c, ld->extra, ld->extra_len, ld->extra_line, (int)ld->nheader + 1, 0);
    }
    folio_table_drop_text(ld->t);
    for (size_t i = 0; i < ld->ninterned; i++) /* codes first seen in a rejected row are forgotten */
        while (ld->t->cols[ld->interned[i]].ncodes > ld->ncodes_before[i])
            folio_column_unintern(&ld->t->cols[ld->interned[i]]);
}

/* Decides the row just read (nf fields, cells already checked): stored, out of the period, or
 * rejected. The reason reported follows the contract's order: too many fields; the date (then
 * the period); the first bad cell in spec order; a duplicate key. */
static void process_row(loader *ld, size_t nf)
{
    folio_table *t = ld->t;
    const folio_inputspec *spec = ld->spec;
    ld->shared_line |= ld->row_line == ld->last_row_line; /* a row began where another ended */
    ld->last_row_line = ld->row_line;
    if (++t->rows_read > FOLIO_MAX_ROWS) {
        char msg[96];
        snprintf(msg, sizeof msg, "too many rows (at most %u)", FOLIO_MAX_ROWS);
        fatal(ld, ld->row_line, 0, msg);
        return;
    }
    if (ld->too_many) {
        reject_row(ld, R_TOO_MANY, -1, nf, 0);
        return;
    }
    if (nf < ld->nheader) {
        /* a short row: the cells it did not reach are empty */
        for (size_t c = 0; c < spec->ncols; c++) {
            if ((size_t)t->cols[c].pos <= nf)
                continue;
            ld->cells[c].missing = true;
            if (spec->cols[c].required_value && (int)c != ld->date_c && !ld->bad[c]) {
                ld->bad[c] = R_EMPTY + 1;
                ld->nbad++;
            }
        }
    }
    if (ld->date_c >= 0) {
        if (ld->bad[ld->date_c] || ld->cells[ld->date_c].missing) {
            reject_row(ld, R_BAD_DATE, ld->date_c, nf, 0);
            return;
        }
        if (!in_period(spec, ld->cells[ld->date_c].date)) {
            t->out_of_period++;
            keep_previous(ld);
            reject_row(ld, -1, 0, nf, 0);
            return;
        }
    }
    if (ld->nbad) {
        for (size_t c = 0; c < spec->ncols; c++) {
            if (ld->bad[c]) {
                reject_row(ld, ld->bad[c] - 1, (int)c, nf, 0);
                return;
            }
        }
    }
    size_t ki = 0;
    bool keyed = ld->key_c >= 0 && !ld->cells[ld->key_c].missing;
    if (keyed && ld->keys.hashed) {
        const char *ks;
        size_t kn;
        pending_key_text(ld, &ks, &kn);
        uint64_t h = ld->key_hashed ? ld->kh64 : text_key_hash(ks, kn);
        ki = key_find_hashed(ld, h, ks, kn);
        if (ld->stop)
            return;
        if (ld->keys.slots[ki]) {
            reject_row(ld, R_DUPLICATE, ld->key_c, nf, t->line[slot_row(&ld->keys, ld->keys.slots[ki])]);
            return;
        }
        ld->kh64 = h;
    } else if (keyed) {
        folio_cell k = pending_key(ld);
        uint32_t h = ld->key_hashed ? ld->kh : (uint32_t)key_hash(t->cols[ld->key_c].type, &k);
        ki = key_find(ld, &k, h);
        if (ld->keys.slots[ki]) {
            reject_row(ld, R_DUPLICATE, ld->key_c, nf, t->line[slot_row(&ld->keys, ld->keys.slots[ki])]);
            return;
        }
        ld->kh = h;
    }
    if (ld->date_c >= 0)
        keep_previous(ld); /* an "until" row counts in both periods */
    folio_table_add_row(t, ld->cells, ld->row_line);
    if (keyed)
        key_add(ld, ki, ld->keys.hashed ? ld->kh64 : ld->kh, (uint32_t)(t->nrows - 1));
}

/* Matches the header cells with the spec's columns; reports every missing or doubled column. */
static void finish_header(loader *ld, size_t nf)
{
    const folio_inputspec *spec = ld->spec;
    ld->header_done = true;
    ld->nheader = nf;
    ld->last_row_line = ld->row_line;
    ld->fieldmap = xmalloc(nf * sizeof *ld->fieldmap);
    bool failed = false;
    for (size_t i = 0; i < nf; i++) {
        size_t n = ld->hdr[i].len;
        const char *s = folio_trim(ld->scratch + ld->hdr[i].off, &n);
        ld->fieldmap[i] = -1;
        for (size_t c = 0; c < spec->ncols; c++) {
            const char *want = spec->cols[c].header ? spec->cols[c].header : spec->cols[c].name;
            size_t wn = strlen(want);
            want = folio_trim(want, &wn);
            if (wn != n || !folio_cell_ieq(want, s, n))
                continue;
            if (ld->t->cols[c].pos > 0) {
                char shown[SHOWN_SIZE];
                shown_value(s, n, shown);
                folio_diag_add(ld->diag, FOLIO_ERROR, ld->file, (int)ld->row_line, (int)i + 1,
                               "duplicate column \"%s\" (also column %d)", shown, ld->t->cols[c].pos);
                failed = true;
            } else {
                ld->fieldmap[i] = (int)c;
                ld->t->cols[c].pos = (int)i + 1;
            }
            break;
        }
    }
    for (size_t c = 0; c < spec->ncols; c++) {
        const folio_colspec *cs = &spec->cols[c];
        if (ld->t->cols[c].pos > 0 || cs->optional)
            continue;
        if (cs->header && strcmp(cs->header, cs->name) != 0)
            folio_diag_add(ld->diag, FOLIO_ERROR, ld->file, (int)ld->row_line, 0,
                           "missing column \"%s\" (needed for %s)", cs->header, cs->name);
        else
            folio_diag_add(ld->diag, FOLIO_ERROR, ld->file, (int)ld->row_line, 0, "missing column \"%s\"",
                           cs->name);
        failed = true;
    }
    for (size_t c = 0; c < spec->ncols; c++)
        ld->cells[c].missing = ld->t->cols[c].pos == 0; /* absent optional columns */
    ld->stop = failed;
    /* an absent optional date column leaves the rows undated: no period filter */
    if (ld->date_c >= 0 && ld->t->cols[ld->date_c].pos == 0) {
        ld->date_c = -1;
        ld->t->date_col = -1;
    }
}

/* ---- libcsv callbacks ---- */

static void scratch_add(loader *ld, const void *s, size_t n)
{
    if (!ld->scratch || ld->scratch_len + n > ld->scratch_cap) { /* allocated even for "" */
        size_t cap = ld->scratch_cap ? ld->scratch_cap : 4096;
        while (cap < ld->scratch_len + n)
            cap *= 2;
        ld->scratch = xrealloc(ld->scratch, cap);
        ld->scratch_cap = cap;
    }
    memcpy(ld->scratch + ld->scratch_len, s, n);
    ld->scratch_len += n;
}

/* Remembers where this row's dictionaries stood, to undo codes first seen in a rejected row. */
static void begin_row(loader *ld)
{
    for (size_t i = 0; i < ld->ninterned; i++)
        ld->ncodes_before[i] = ld->t->cols[ld->interned[i]].ncodes;
}

/* A field (index f of its row) outgrew FOLIO_MAX_FIELD_BYTES. A quoted one is reported where
 * its quote opened: a missing closing quote is the usual cause. */
static void field_too_large(loader *ld, size_t f, bool quoted)
{
    char msg[128];
    if (quoted) {
        snprintf(msg, sizeof msg, "quoted field too large (more than %u MiB): is its closing quote missing?",
                 FIELD_MIB);
        fatal(ld, ld->quote_line, ld->quote_col, msg);
    } else {
        snprintf(msg, sizeof msg, "field too large (more than %u MiB)", FIELD_MIB);
        fatal(ld, ld->line, f + 1, msg);
    }
}

/* One field: a needed one is validated at once; others cost a lookup. */
static void on_field(void *s, size_t n, void *data)
{
    loader *ld = data;
    size_t f = ld->field++;
    if (ld->stop)
        return;
    if (n > FOLIO_MAX_FIELD_BYTES) {
        field_too_large(ld, f, false); /* (libcsv's quoted flag is not current in a callback) */
        return;
    }
    if (!ld->header_done) {
        if (f >= FOLIO_MAX_COLUMNS) {
            char msg[64];
            snprintf(msg, sizeof msg, "too many columns (at most %d)", FOLIO_MAX_COLUMNS);
            fatal(ld, ld->row_line, f + 1, msg);
            return;
        }
        if (f >= ld->hdr_cap) {
            ld->hdr_cap = ld->hdr_cap ? ld->hdr_cap * 2 : 64;
            ld->hdr = xrealloc(ld->hdr, ld->hdr_cap * sizeof *ld->hdr);
        }
        ld->hdr[f] = (slot){ld->scratch_len, n, ld->line};
        scratch_add(ld, s, n);
        return;
    }
    if (f >= ld->nheader) {
        if (f == ld->nheader) {
            ld->too_many = true;
            ld->extra_len = n < sizeof ld->extra ? n : sizeof ld->extra;
            memcpy(ld->extra, s, ld->extra_len);
            ld->extra_line = ld->line;
        }
        return;
    }
    int c = ld->fieldmap[f];
    if (c < 0)
        return;
    /* a needed cell must be UTF-8 without NUL bytes; other columns are never looked at */
    size_t bad = folio_cell_text_check(s, n);
    int kind = bad < n ? (((char *)s)[bad] ? R_BAD_UTF8 : R_NUL) : check_cell(ld, c, s, n);
    slot *sl = &ld->slots[c];
    sl->end_line = ld->line;
    if (kind != R_NKINDS || c == ld->key_c) {
        sl->off = ld->scratch_len;
        sl->len = n;
        scratch_add(ld, s, n);
    } else {
        sl->len = 0;
    }
    if (kind != R_NKINDS) {
        ld->bad[c] = (uint8_t)(kind + 1);
        ld->nbad++;
    } else if (c == ld->key_c && !ld->cells[c].missing && ld->keys.hashed) {
        /* fetch the key's slot now; the rest of the row hides the cache miss */
        const char *ks;
        size_t kn;
        pending_key_text(ld, &ks, &kn);
        ld->kh64 = text_key_hash(ks, kn);
        ld->key_hashed = true;
        __builtin_prefetch(&ld->keys.slots[(size_t)(ld->kh64 >> KEY_ROW_BITS) & ld->keys.mask]);
    } else if (c == ld->key_c && !ld->cells[c].missing && ld->t->cols[c].type == FOLIO_TEXT) {
        /* fetch the key's slot now; the rest of the row hides the cache miss */
        folio_cell k = pending_key(ld);
        ld->kh = (uint32_t)folio_cell_hash_bytes(k.text, k.len);
        ld->key_hashed = true;
        __builtin_prefetch(&ld->keys.slots[ld->kh & ld->keys.mask]);
    }
}

static void on_row(int term, void *data)
{
    (void)term;
    loader *ld = data;
    size_t nf = ld->field;
    ld->field = 0;
    if (!ld->stop) {
        if (ld->header_done)
            process_row(ld, nf);
        else
            finish_header(ld, nf);
    }
    if (ld->nbad) {
        memset(ld->bad, 0, ld->spec->ncols);
        ld->nbad = 0;
    }
    ld->scratch_len = 0;
    ld->too_many = false;
    ld->key_hashed = false;
    begin_row(ld);
}

/* ---- feeding libcsv ---- */

/* A segment ended inside a quoted field: remember where that field's opening quote is, for
 * the error if the file ends before it closes. inside = the segment began inside quotes. */
static void track_open_quote(loader *ld, const char *s, size_t n, bool inside)
{
    bool field_start = !inside;
    size_t chars = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '"') {
            if (!inside && field_start) {
                ld->quote_line = ld->line;
                ld->quote_col = ld->col_chars + chars + 1;
            }
            inside = !inside;
            field_start = false;
        } else if (!inside) {
            if (ch == ',' || ch == '\r')
                field_start = true;
            else if (ch != ' ' && ch != '\t')
                field_start = false;
        }
        chars += ((unsigned char)ch & 0xC0) != 0x80;
    }
}

/* libcsv stopped before byte `done` of segment s (which began inside quotes if was_quoted):
 * report where and why. */
static void parse_error(loader *ld, const char *s, size_t done, bool was_quoted)
{
    int err = csv_error(&ld->p);
    if (err == CSV_ENOMEM || err == CSV_ETOOBIG) {
        if (csv_get_buffer_size(&ld->p) + READ_CHUNK > FOLIO_MAX_FIELD_BYTES) {
            if (ld->p.quoted)
                track_open_quote(ld, s, done, was_quoted);
            field_too_large(ld, ld->field, ld->p.quoted);
        } else {
            fatal(ld, ld->line, 0, "out of memory while reading the file");
        }
        return;
    }
    size_t col = ld->col_chars + utf8_chars(s, done) + 1;
    if (ld->p.quoted)
        fatal(ld, ld->line, col,
              "malformed CSV: unexpected text after a closing quote (a quote inside a quoted "
              "field is written twice: \"\")");
    else
        fatal(ld, ld->line, col,
              "malformed CSV: quote inside an unquoted field (quote the whole field and write "
              "the quote twice: \"\")");
}

/* Feeds one segment: a whole line with its '\n', or a piece of a line cut by the read size. */
static void feed_segment(loader *ld, const char *s, size_t n, bool ends_line)
{
    if (ld->at_line_start && !ld->p.quoted)
        ld->row_line = ld->line;
    bool was_quoted = ld->p.quoted != 0;
    size_t done = csv_parse(&ld->p, s, n, on_field, on_row, ld);
    if (ld->stop)
        return;
    if (done < n) {
        parse_error(ld, s, done, was_quoted);
        return;
    }
    if (ld->p.quoted)
        track_open_quote(ld, s, n, was_quoted);
    ld->pos += (off_t)n;
    if (ends_line) {
        ld->line++;
        ld->at_line_start = true;
        ld->col_chars = 0;
        mark_line(ld);
    } else {
        ld->at_line_start = false;
        ld->col_chars += utf8_chars(s, n);
    }
}

static void feed(loader *ld, const char *buf, size_t len)
{
    if (!ld->nmarks && ld->at_line_start)
        mark_line(ld); /* where this loader starts */
    size_t pos = 0;
    while (pos < len && !ld->stop) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) + 1 : len;
        feed_segment(ld, buf + pos, end - pos, nl != NULL);
        pos = end;
    }
}

/* libcsv's field buffer. libcsv asks for blk_size more bytes at a time; where realloc cannot
 * grow in place (under sanitizers and valgrind) a 16 MiB field would copy gigabytes, so the
 * buffer doubles instead, its real size kept in a header, and libcsv's asks are met from it.
 * Refusing past the limit ends a runaway field. */
#define FIELD_HEADER 16 /* bytes before the buffer: its capacity, and alignment */

static void *field_realloc(void *p, size_t n)
{
    if (n > FOLIO_MAX_FIELD_BYTES + 1)
        return NULL;
    char *block = p ? (char *)p - FIELD_HEADER : NULL;
    size_t cap = 0;
    if (block)
        memcpy(&cap, block, sizeof cap);
    if (n <= cap)
        return p;
    size_t grown = cap ? cap * 2 : READ_CHUNK;
    if (grown < n)
        grown = n;
    if (grown > FOLIO_MAX_FIELD_BYTES + 1)
        grown = FOLIO_MAX_FIELD_BYTES + 1;
    char *q = realloc(block, grown + FIELD_HEADER);
    if (!q)
        return NULL;
    memcpy(q, &grown, sizeof grown);
    return q + FIELD_HEADER;
}

static void field_free(void *p)
{
    if (p)
        free((char *)p - FIELD_HEADER);
}

/* ---- load ---- */

static int find_column(const folio_inputspec *spec, const char *name)
{
    for (size_t c = 0; c < spec->ncols; c++)
        if (strcmp(spec->cols[c].name, name) == 0)
            return (int)c;
    return -1;
}

/* Checks the spec itself (a caller's mistake, reported as an error). */
static bool spec_ok(const folio_inputspec *spec, const char *file, folio_diag *diag)
{
    const char *what = NULL;
    if (spec->ncols > FOLIO_MAX_COLUMNS || (spec->ncols && !spec->cols))
        what = "too many columns, or none given";
    for (size_t c = 0; !what && c < spec->ncols; c++) {
        const folio_colspec *cs = &spec->cols[c];
        if (!cs->name)
            what = "a column has no name";
        else if (cs->type < FOLIO_TEXT || cs->type > FOLIO_MULTI)
            what = "a column has an unknown type";
        else if ((cs->type == FOLIO_CODE || cs->type == FOLIO_MULTI) && cs->codes &&
                 cs->ncodes > FOLIO_MAX_CODES)
            what = "a code column has too many codes";
        else if (cs->nmap && (!cs->map_from || !cs->map_to))
            what = "a values map is incomplete";
        for (size_t k = 0; !what && cs->codes && k < cs->ncodes; k++)
            if (!cs->codes[k])
                what = "a code list holds a NULL";
        for (size_t k = 0; !what && k < cs->nmap; k++)
            if (!cs->map_from[k] || !cs->map_to[k])
                what = "a values map holds a NULL";
    }
    if (!what && spec->date_col) {
        int c = find_column(spec, spec->date_col);
        if (c < 0 || spec->cols[c].type != FOLIO_DATE)
            what = "the date column is not one of its date columns";
    }
    if (!what && spec->key_col && find_column(spec, spec->key_col) < 0)
        what = "the key column is not one of its columns";
    if (!what)
        return true;
    folio_diag_add(diag, FOLIO_ERROR, file, 0, 0, "input \"%s\": %s", spec->name ? spec->name : "", what);
    return false;
}

/* Sets up a loader. exact: store a text key that no plugin reads while loading (dropped at the
 * end), so duplicates are found without reading rows back. */
static void loader_init(loader *ld, const folio_inputspec *spec, folio_diag *diag, const char *file,
                        bool exact)
{
    memset(ld, 0, sizeof *ld);
    ld->spec = spec;
    ld->diag = diag;
    ld->file = file;
    ld->t = folio_table_create(spec, file);
    ld->line = ld->row_line = 1;
    ld->at_line_start = true;
    size_t nc = spec->ncols ? spec->ncols : 1;
    ld->slots = xcalloc(nc, sizeof *ld->slots);
    ld->cells = xcalloc(nc, sizeof *ld->cells);
    ld->bad = xcalloc(nc, sizeof *ld->bad);
    ld->interned = xcalloc(nc, sizeof *ld->interned);
    ld->ncodes_before = xcalloc(nc, sizeof *ld->ncodes_before);
    ld->reason_count = xcalloc(R_NKINDS * (spec->ncols + 1), sizeof *ld->reason_count);
    for (size_t c = 0; c < spec->ncols; c++)
        if (ld->t->cols[c].interned)
            ld->interned[ld->ninterned++] = (int)c;
    ld->date_c = spec->date_col ? find_column(spec, spec->date_col) : -1;
    ld->key_c = spec->key_col ? find_column(spec, spec->key_col) : -1;
    ld->t->date_col = ld->date_c;
    if (spec->keep_previous && spec->has_previous && ld->date_c >= 0 &&
        spec->period_rule != FOLIO_PERIOD_NONE)
        ld->prev = folio_table_create(spec, file);
    if (ld->prev)
        ld->prev->date_col = ld->date_c;
    ld->src_fd = -1;
    const char *weak = getenv("FOLIO_WEAK_KEY_HASH");
    weak_key_hashes = weak ? strtoull(weak, NULL, 10) : 0;
    if (ld->key_c >= 0) {
        ld->keys.slots = xcalloc(1024, sizeof *ld->keys.slots);
        ld->keys.mask = 1023;
        folio_column *kc = &ld->t->cols[ld->key_c];
        if (kc->type == FOLIO_TEXT && !kc->stored) {
            ld->keys.hashed = !exact;
            kc->stored = exact;
        }
    }
    csv_init(&ld->p, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_realloc_func(&ld->p, field_realloc);
    csv_set_free_func(&ld->p, field_free);
    csv_set_blk_size(&ld->p, READ_CHUNK);
}

static int cmp_reason(const void *a, const void *b)
{
    const folio_reason *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->text, y->text);
}

/* Turns the reason counts into the table's sorted list (at most FOLIO_MAX_REASONS). */
static void build_reasons(loader *ld)
{
    size_t ncols = ld->spec->ncols, n = 0;
    folio_reason *r = xcalloc(R_NKINDS * (ncols + 1), sizeof *r);
    for (int k = 0; k < R_NKINDS; k++) {
        for (size_t c = 0; c <= ncols; c++) {
            size_t count = ld->reason_count[(size_t)k * (ncols + 1) + c];
            if (!count)
                continue;
            char text[256];
            reason_text(ld, k, c == ncols ? -1 : (int)c, text, sizeof text);
            r[n].text = xstrdup(text);
            r[n++].count = count;
        }
    }
    qsort(r, n, sizeof *r, cmp_reason);
    if (n > FOLIO_MAX_REASONS) {
        size_t other = 0;
        for (size_t i = FOLIO_MAX_REASONS - 1; i < n; i++) {
            other += r[i].count;
            free(r[i].text);
        }
        n = FOLIO_MAX_REASONS;
        r[n - 1].text = xstrdup("other reasons");
        r[n - 1].count = other;
    }
    ld->t->reasons = r;
    ld->t->nreasons = n;
}

/* Ends the parse; returns the table, or NULL (and frees it) after a fatal error. */
static folio_table *loader_finish(loader *ld)
{
    if (!ld->stop && !ld->fini_done && csv_fini(&ld->p, on_field, on_row, ld) != 0)
        fatal(ld, ld->quote_line, ld->quote_col, "unterminated quoted field");
    if (!ld->stop && !ld->header_done)
        fatal(ld, 0, 0, "empty file: expected a header row");
    if (!ld->stop && ld->hidden && !ld->part)
        folio_diag_add(ld->diag, FOLIO_WARNING, ld->file, 0, 0, "%zu more rows rejected (not shown)",
                       ld->hidden);
    folio_table *t = ld->t;
    if (ld->stop) {
        folio_table_free(t);
        t = NULL;
        folio_table_free(ld->prev);
    } else {
        build_reasons(ld);
        folio_column *kc = ld->key_c >= 0 ? &t->cols[ld->key_c] : NULL;
        if (kc && kc->type == FOLIO_TEXT && kc->stored && ld->spec->cols[ld->key_c].unread) {
            /* stored only for the duplicate check (exact): gone, as when it is hashed */
            folio_table_drop_column(t, ld->key_c);
        }
        folio_table_shrink(t);
        t->counts_previous =
            ld->date_c >= 0 && ld->spec->period_rule != FOLIO_PERIOD_NONE && ld->spec->has_previous;
        if (ld->prev && ld->date_c >= 0) { /* (an absent optional date column: nothing to compare) */
            folio_table *p = ld->prev;
            p->date_col = ld->date_c;
            p->rows_read = t->rows_read;
            p->rejected = ld->prev_rejected;
            p->out_of_period = p->rows_read - p->nrows - p->rejected;
            folio_table_shrink(p);
            t->previous = p;
        } else {
            folio_table_free(ld->prev);
        }
    }
    csv_free(&ld->p);
    free(ld->scratch);
    free(ld->slots);
    free(ld->hdr);
    free(ld->fieldmap);
    free(ld->cells);
    free(ld->bad);
    free(ld->interned);
    free(ld->ncodes_before);
    free(ld->reason_count);
    free(ld->keys.slots);
    free(ld->marks);
    return t;
}

static const char *display_name(const folio_inputspec *spec)
{
    if (spec->display_path)
        return spec->display_path;
    if (spec->path)
        return spec->path;
    return spec->name ? spec->name : "(input)";
}

/* Looks at the start of the file: returns the length of a UTF-8 byte-order mark to skip; a
 * UTF-16 byte-order mark is an error (a spreadsheet's "Unicode text" export). */
static size_t text_start(loader *ld, const char *s, size_t n)
{
    if (n >= 2 && (memcmp(s, "\xFF\xFE", 2) == 0 || memcmp(s, "\xFE\xFF", 2) == 0)) {
        fatal(ld, 1, 1, "the file is UTF-16 text; save it as CSV in UTF-8");
        return n;
    }
    return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* Reads until buf is full or the file ends, from the file's position (at < 0) or from offset
 * at; -1 on a read error. */
static ssize_t read_full_at(int fd, char *buf, size_t size, off_t at)
{
    size_t got = 0;
    while (got < size) {
        ssize_t r =
            at < 0 ? read(fd, buf + got, size - got) : pread(fd, buf + got, size - got, at + (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static ssize_t read_full(int fd, char *buf, size_t size)
{
    return read_full_at(fd, buf, size, -1);
}

static ssize_t read_at(const loader *ld, char *buf, size_t size, off_t at)
{
    if (ld->src_fd >= 0)
        return read_full_at(ld->src_fd, buf, size, at);
    if (!ld->src_text || at < 0 || (size_t)at >= ld->src_len)
        return 0;
    size_t n = ld->src_len - (size_t)at < size ? ld->src_len - (size_t)at : size;
    memcpy(buf, ld->src_text + at, n);
    return (ssize_t)n;
}

/* Adds messages [skip, n) of `from` to `to`; at most *room warnings are shown, the rest are
 * counted in *hidden. */
static void replay(folio_diag *to, const folio_diag *from, size_t skip, size_t *room, size_t *hidden);

/* Runs one load (the loader set up with its source), then, if its keys are hashed, passes on its
 * messages (held back, in case the input must be read again with its keys stored). */
static folio_table *finish_attempt(loader *ld, folio_diag *diag, folio_diag *held, bool *again)
{
    folio_table *t = loader_finish(ld);
    *again = ld->again;
    if (ld->diag == held && !ld->again) {
        size_t room = SIZE_MAX, hidden = 0;
        replay(diag, held, 0, &room, &hidden);
    }
    if (ld->diag == held)
        folio_diag_free(held);
    return t;
}

/* Points ld's messages at a held-back list when its keys are hashed (see finish_attempt). */
static void hold_messages(loader *ld, folio_diag *held)
{
    folio_diag_init(held);
    held->quiet = true;
    if (ld->keys.hashed)
        ld->diag = held;
}

/* Reads the whole file from fd in one pass on this thread. */
static folio_table *load_sequential(const folio_inputspec *spec, folio_diag *diag, const char *file, int fd)
{
    folio_table *t = NULL;
    bool again = false;
    for (int attempt = 0; attempt < 2 && (attempt == 0 || again); attempt++) {
        if (attempt && lseek(fd, 0, SEEK_SET) != 0)
            break;
        loader ld;
        folio_diag held;
        loader_init(&ld, spec, diag, file, attempt > 0);
        hold_messages(&ld, &held);
        ld.src_fd = fd;
        char *buf = xmalloc(READ_CHUNK);
        bool first = true;
        while (!ld.stop) {
            ssize_t n = read_full(fd, buf, READ_CHUNK);
            if (n < 0) {
                char msg[256];
                snprintf(msg, sizeof msg, "cannot read: %s", strerror(errno));
                fatal(&ld, 0, 0, msg);
                break;
            }
            if (n == 0)
                break;
            size_t skip = first ? text_start(&ld, buf, (size_t)n) : 0;
            if (first)
                ld.pos = (off_t)skip;
            first = false;
            feed(&ld, buf + skip, (size_t)n - skip);
        }
        free(buf);
        t = finish_attempt(&ld, diag, &held, &again);
    }
    return t;
}

/* ---- two threads ----
 * A large file is read as two halves at once: this thread loads the header and the rows before
 * a line break near the middle, a second thread the rows after it (with the header's bytes fed
 * first, and its line count found by counting line breaks). The split is a guess, as a quoted
 * field may hold line breaks: it holds when the first half ends outside any row. Then the second
 * half's rows are appended to the first half's table (codes it saw first re-numbered), its
 * counts added and its warnings reported after the first half's. Whenever the result could
 * differ from one pass (a guess that failed, an error, a key in both halves, a code dictionary
 * that would overflow, too many rows), the file is loaded again in one pass: every message,
 * figure and row is the same as a one-pass load's either way. */

static ssize_t pread_full(int fd, char *buf, size_t size, off_t at)
{
    return read_full_at(fd, buf, size, at);
}

/* Feeds bytes [from, to) of the file; false on a read error or a fatal problem. */
static bool feed_range(loader *ld, int fd, off_t from, off_t to, char *buf)
{
    while (from < to && !ld->stop) {
        size_t want = to - from < READ_CHUNK ? (size_t)(to - from) : READ_CHUNK;
        ssize_t n = pread_full(fd, buf, want, from);
        if (n <= 0)
            return false;
        feed(ld, buf, (size_t)n);
        from += n;
    }
    return !ld->stop;
}

#define SPLIT_PROBE (1 << 20) /* bytes looked at past the middle for a line break */

typedef struct half {
    loader ld;
    folio_diag diag; /* quiet: replayed in order once both halves are done */
    int fd;
    const char *head; /* the header's bytes (after a byte-order mark) */
    size_t head_len;
    off_t from, to;   /* the half's rows */
    size_t head_msgs; /* messages about the header (the first half reports them) */
    bool ok;
} half;

static void *load_second(void *arg)
{
    half *h = arg;
    char *buf = xmalloc(READ_CHUNK);
    loader *ld = &h->ld;
    feed(ld, h->head, h->head_len);
    h->head_msgs = h->diag.n;
    if (!ld->stop && ld->header_done) {
        /* the line the half starts on: one more than the line breaks before it */
        uint32_t lines = 1;
        for (off_t at = 0; at < h->from;) {
            size_t want = h->from - at < READ_CHUNK ? (size_t)(h->from - at) : READ_CHUNK;
            ssize_t n = pread_full(h->fd, buf, want, at);
            if (n <= 0)
                break;
            for (const char *p = buf, *end = buf + n; (p = memchr(p, '\n', (size_t)(end - p))); p++)
                lines++;
            at += n;
        }
        ld->line = ld->row_line = lines;
        ld->at_line_start = true;
        ld->col_chars = 0;
        ld->pos = h->from;
        ld->nmarks = 0; /* rows are found from the half's first line on */
        mark_line(ld);
        h->ok = feed_range(ld, h->fd, h->from, h->to, buf);
        if (h->ok && csv_fini(&ld->p, on_field, on_row, ld) != 0)
            h->ok = false; /* an unterminated quote: the one-pass load reports it */
        ld->fini_done = true;
        if (!ld->keys.hashed) { /* its duplicates are found: only the first half's keys are asked */
            free(ld->keys.slots);
            ld->keys.slots = NULL;
        } /* (hashed keys are not stored: the merge asks the first half for each of these) */
    }
    free(buf);
    return NULL;
}

/* Whether a key that is not stored is used in both halves: every key of b's set whose hash's
 * 37 bits are in a's is read back from both halves. True too if a row cannot be read back. */
static bool hashed_key_in_both(loader *a, loader *b)
{
    const keyset *ka = &a->keys, *kb = &b->keys;
    if (!ka->slots || !kb->slots)
        return true;
    for (size_t j = 0; j <= kb->mask; j++) {
        uint64_t v = kb->slots[j];
        if (!v)
            continue;
        for (size_t i = (size_t)(v >> KEY_ROW_BITS) & ka->mask; ka->slots[i]; i = (i + 1) & ka->mask) {
            if (ka->slots[i] >> KEY_ROW_BITS != v >> KEY_ROW_BITS)
                continue;
            grab g;
            if (b->shared_line || !reread_key(b, b->t->line[slot_row(kb, v)], &g))
                return true;
            bool same =
                same_key_read_back(a, slot_row(ka, ka->slots[i]), g.text.data ? g.text.data : "", g.text.len);
            folio_buf_free(&g.text);
            if (same || a->stop)
                return true;
        }
    }
    return false;
}

/* Fills map (FOLIO_MAX_CODES per column) with the index in a's dictionaries of every code of
 * b's: codes first seen in b follow a's, in the order first seen. False if a dictionary would
 * overflow. */
static bool map_codes(folio_table *a, const folio_table *b, int *map)
{
    for (size_t c = 0; c < a->ncols; c++) {
        folio_column *ca = &a->cols[c];
        const folio_column *cb = &b->cols[c];
        for (size_t k = 0; k < cb->ncodes; k++) {
            int i = folio_cell_find_code(ca, cb->codes[k], cb->code_len[k]);
            if (i < 0 && ca->interned && ca->ncodes < FOLIO_MAX_CODES)
                i = folio_column_intern(ca, cb->codes[k], cb->code_len[k]);
            map[c * FOLIO_MAX_CODES + k] = i;
            if (i < 0)
                return false;
        }
    }
    return true;
}

/* Appends the second half's rows (b) to the first's table (a), and the rows of the previous
 * period each kept. False, with a possibly changed a, when the one-pass result could differ. */
static bool merge_halves(loader *a, loader *b)
{
    folio_table *ta = a->t, *tb = b->t;
    size_t ncols = ta->ncols;
    if (ta->rows_read + tb->rows_read > FOLIO_MAX_ROWS)
        return false;
    int *map = xmalloc((ncols ? ncols : 1) * FOLIO_MAX_CODES * sizeof *map);
    int *prev_map = xmalloc((ncols ? ncols : 1) * FOLIO_MAX_CODES * sizeof *prev_map);
    bool ok = map_codes(ta, tb, map) && (!a->prev || !b->prev || map_codes(a->prev, b->prev, prev_map));
    /* a key used in both halves: the one-pass load rejects the later row */
    folio_type key_type = a->key_c >= 0 ? ta->cols[a->key_c].type : FOLIO_TEXT;
    if (a->keys.hashed)
        ok = ok && !hashed_key_in_both(a, b);
    for (size_t r = 0; ok && a->key_c >= 0 && !a->keys.hashed && r < tb->nrows; r++) {
        if (folio_table_is_missing(tb, r, a->key_c))
            continue;
        folio_cell k = stored_key(tb, a->key_c, r);
        ok = !a->keys.slots[key_find(a, &k, (uint32_t)key_hash(key_type, &k))];
    }
    free(a->keys.slots); /* no row is added after the merge: the memory is the table's now */
    a->keys.slots = NULL;
    free(b->keys.slots);
    b->keys.slots = NULL;
    if (ok) {
        folio_table_append(ta, tb, map); /* column by column, each of b's freed once copied */
        if (a->prev && b->prev)
            folio_table_append(a->prev, b->prev, prev_map);
    }
    free(map);
    free(prev_map);
    if (!ok)
        return false;
    ta->rows_read += tb->rows_read;
    ta->out_of_period += tb->out_of_period;
    ta->rejected += tb->rejected;
    ta->previous_used += tb->previous_used;
    a->prev_rejected += b->prev_rejected;
    if (tb->first_date != FOLIO_DATE_NONE &&
        (ta->first_date == FOLIO_DATE_NONE || tb->first_date < ta->first_date))
        ta->first_date = tb->first_date;
    if (tb->last_date != FOLIO_DATE_NONE &&
        (ta->last_date == FOLIO_DATE_NONE || tb->last_date > ta->last_date))
        ta->last_date = tb->last_date;
    for (size_t i = 0; i < R_NKINDS * (a->spec->ncols + 1); i++)
        a->reason_count[i] += b->reason_count[i];
    return true;
}

/* Adds messages [skip, n) of `from` to `to`; at most *room warnings are shown, the rest are
 * counted in *hidden. */
static void replay(folio_diag *to, const folio_diag *from, size_t skip, size_t *room, size_t *hidden)
{
    for (size_t i = skip; i < from->n; i++) {
        const folio_message *m = &from->items[i];
        if (m->severity == FOLIO_WARNING && *room == 0) {
            ++*hidden;
            continue;
        }
        if (m->severity == FOLIO_WARNING)
            --*room;
        folio_diag_add(to, m->severity, m->file, m->line, m->col, "%s", m->text);
    }
}

/* Loads a large file in two halves at once; NULL (having reported nothing) when it must be
 * loaded in one pass instead. */
static folio_table *load_split(const folio_inputspec *spec, folio_diag *diag, const char *file, int fd,
                               off_t size)
{
    /* the header: the bytes up to the first line break outside quotes */
    char *head = xmalloc(READ_CHUNK);
    ssize_t got = pread_full(fd, head, READ_CHUNK, 0);
    size_t head_len = 0;
    bool inside = false;
    for (ssize_t i = 0; i < got && !head_len; i++) {
        if (head[i] == '"')
            inside = !inside;
        else if (head[i] == '\n' && !inside)
            head_len = (size_t)i + 1;
    }
    size_t bom = head_len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    /* the split: just after the first line break past the middle of the rows (none within
     * SPLIT_PROBE bytes: a giant row, read in one pass) */
    off_t split = 0, mid = (off_t)head_len + (size - (off_t)head_len) / 2;
    char *probe = xmalloc(READ_CHUNK);
    for (off_t at = mid; head_len && !split && at < size && at - mid < SPLIT_PROBE;) {
        ssize_t n = pread_full(fd, probe, READ_CHUNK, at);
        if (n <= 0)
            break;
        const char *nl = memchr(probe, '\n', (size_t)n);
        if (nl)
            split = at + (nl - probe) + 1;
        at += n;
    }
    free(probe);
    if (!split || split >= size) {
        free(head);
        return NULL;
    }

    half h1 = {0}, h2 = {0};
    folio_diag_init(&h1.diag);
    folio_diag_init(&h2.diag);
    h1.diag.quiet = h2.diag.quiet = true;
    loader_init(&h1.ld, spec, &h1.diag, file, false);
    loader_init(&h2.ld, spec, &h2.diag, file, false);
    h1.ld.part = h2.ld.part = true;
    h1.ld.src_fd = h2.ld.src_fd = fd; /* (pread: both threads may read rows back at once) */
    h2.fd = fd;
    h2.head = head + bom;
    h2.head_len = head_len - bom;
    h2.from = split;
    h2.to = size;
    folio_prefault(NULL, 0, 0); /* sets its page size once, before the threads share it */
    folio_thread thread;
    bool threaded = folio_thread_start(&thread, load_second, &h2);
    if (threaded) {
        char *buf = xmalloc(READ_CHUNK);
        ssize_t n = pread_full(fd, buf, READ_CHUNK < (size_t)split ? READ_CHUNK : (size_t)split, 0);
        if (n > 0) {
            size_t skip = text_start(&h1.ld, buf, (size_t)n);
            h1.ld.pos = (off_t)skip;
            feed(&h1.ld, buf + skip, (size_t)n - skip);
            h1.ok = feed_range(&h1.ld, fd, n, split, buf);
        }
        free(buf);
        folio_thread_join(&thread);
    }
    /* the guess held: the first half ended between rows */
    bool ok = threaded && h1.ok && h2.ok && h1.ld.header_done && h1.ld.p.pstate == 0 && h1.ld.field == 0 &&
              merge_halves(&h1.ld, &h2.ld);
    folio_table *t = NULL;
    if (ok) {
        size_t room = FOLIO_MAX_WARNINGS_SHOWN, hidden = h1.ld.hidden + h2.ld.hidden;
        replay(diag, &h1.diag, 0, &room, &hidden);
        replay(diag, &h2.diag, h2.head_msgs, &room, &hidden);
        h1.ld.diag = diag;
        h1.ld.hidden = hidden;
        h1.ld.part = false;
        t = loader_finish(&h1.ld);
    } else {
        h1.ld.stop = true; /* discarded: loader_finish only frees */
        folio_table_free(loader_finish(&h1.ld));
    }
    folio_table_free(loader_finish(&h2.ld));
    folio_diag_free(&h1.diag);
    folio_diag_free(&h2.diag);
    free(head);
    return t;
}

folio_table *folio_table_load(const folio_inputspec *spec, folio_diag *diag)
{
    if (!spec || !diag)
        return NULL;
    const char *file = display_name(spec);
    if (!spec->path) {
        folio_diag_add(diag, FOLIO_ERROR, file, 0, 0, "cannot open: no file given");
        return NULL;
    }
    if (!spec_ok(spec, file, diag))
        return NULL;
    int fd = open(spec->path, O_RDONLY);
    if (fd < 0) {
        folio_diag_add(diag, FOLIO_ERROR, file, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    /* FOLIO_SPLIT_BYTES (tests) sets the size from which a file is read in two halves (0: never) */
    const char *env = getenv("FOLIO_SPLIT_BYTES");
    long long split_min = env && *env ? atoll(env) : FOLIO_SPLIT_MIN_BYTES;
    struct stat st;
    folio_table *t = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && split_min > 0 && st.st_size >= split_min &&
        sysconf(_SC_NPROCESSORS_ONLN) > 1) {
        t = load_split(spec, diag, file, fd, st.st_size);
        if (getenv("FOLIO_SPLIT_REPORT")) /* for tests/e2e/test_data_path.sh */
            fprintf(stderr, "folio: %s: read %s\n", file, t ? "in two halves" : "in one pass");
    }
    if (!t && lseek(fd, 0, SEEK_SET) == 0)
        t = load_sequential(spec, diag, file, fd);
    close(fd);
    return t;
}

folio_table *folio_table_load_text(const folio_inputspec *spec, const char *text, size_t len,
                                   folio_diag *diag)
{
    if (!spec || !diag || (!text && len))
        return NULL;
    const char *file = display_name(spec);
    if (!spec_ok(spec, file, diag))
        return NULL;
    folio_table *t = NULL;
    bool again = false;
    for (int attempt = 0; attempt < 2 && (attempt == 0 || again); attempt++) {
        loader ld;
        folio_diag held;
        loader_init(&ld, spec, diag, file, attempt > 0);
        hold_messages(&ld, &held);
        ld.src_text = text;
        ld.src_len = len;
        if (text) {
            size_t skip = text_start(&ld, text, len);
            ld.pos = (off_t)skip;
            feed(&ld, text + skip, len - skip);
        }
        t = finish_attempt(&ld, diag, &held, &again);
    }
    return t;
}
