/* Private layout of folio_table, shared by the CSV loader, the accessors and the operations.
 * Columns are arrays of one C type each; TEXT cells live in one arena per column. */
#ifndef FOLIO_TABLE_INTERNAL_H
#define FOLIO_TABLE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>

#include "core/limits.h"
#include "data/table.h"

#define FOLIO_CODE_SLOTS (4 * FOLIO_MAX_CODES) /* open-addressing slots of a code dictionary */

typedef struct folio_column {
    char *name; /* contract name */
    folio_type type;
    int pos;     /* 1-based field in the file; 0 = the column is absent (optional) */
    bool stored; /* false: validated while loading, but no plugin reads it, so no array is kept */

    /* Values: exactly one of these arrays is used, by type. Missing is a sentinel, except MULTI. */
    void *num;               /* INTEGER, NUMBER: int8_t, int32_t or double by width (see below) */
    int32_t *date;           /* DATE: FOLIO_DATE_NONE = missing */
    int8_t *small;           /* CODE: code index; YESNO: 1 or 0; -1 = missing */
    void *multi;             /* MULTI: 1, 2, 4 or 8-byte bit sets by width: bit i = code i chosen */
    unsigned width;          /* bytes per value of num or multi, the least the spec allows: an
                                INTEGER ranged within int8/int32 (missing = INT8_MIN/INT32_MIN),
                                else double (missing = NAN); a MULTI with at most 8/16/32 codes,
                                or whose codes come from the data: 1, widened as rows need */
    uint64_t *multi_present; /* MULTI: bit r of word r/64 = row r's cell was not empty */
    uint64_t *text_off;      /* TEXT: cell r is text[text_off[r] .. text_off[r+1]), NUL included;
                                equal offsets = missing. Offsets, not pointers: the arena grows. */
    char *text;
    size_t text_len, text_cap, text_ready; /* text_ready: bytes made resident ahead of use */

    /* Dictionary of CODE/MULTI columns, in display order. */
    char **codes;
    size_t *code_len;
    char **code_fold; /* the codes in lower case, for lookups */
    size_t ncodes, max_code_len;
    bool interned; /* codes were collected from the data (lower case, first seen first) */
    uint8_t code_slot[FOLIO_CODE_SLOTS]; /* hash of a code, case folded -> index + 1; 0 = free */
} folio_column;

struct folio_table {
    char *name, *path;
    folio_column *cols;
    size_t ncols;
    size_t nrows, cap;
    size_t ready;   /* rows made resident ahead of use (see folio_prefault) */
    uint32_t *line; /* file line where each used row starts */
    int date_col;   /* column of the input's date, -1 if none */

    size_t rows_read, out_of_period, rejected;
    folio_reason *reasons;
    size_t nreasons;
    int32_t first_date, last_date;
    folio_table *previous; /* the previous period's rows (table_previous.c), or NULL */
    size_t previous_used;  /* rows of the previous period (kept or not) */
    bool counts_previous;  /* the input is dated and the period has a previous one */
};

/* The value of an INTEGER/NUMBER cell; NAN if missing. */
static inline double folio_num_at(const folio_column *c, size_t r)
{
    switch (c->width) {
    case 1: {
        int8_t v = ((const int8_t *)c->num)[r];
        return v == INT8_MIN ? NAN : v;
    }
    case 4: {
        int32_t v = ((const int32_t *)c->num)[r];
        return v == INT32_MIN ? NAN : v;
    }
    default: return ((const double *)c->num)[r];
    }
}

/* The bit set of a MULTI cell (0 if missing). */
static inline uint64_t folio_multi_at(const folio_column *c, size_t r)
{
    switch (c->width) {
    case 1: return ((const uint8_t *)c->multi)[r];
    case 2: return ((const uint16_t *)c->multi)[r];
    case 4: return ((const uint32_t *)c->multi)[r];
    default: return ((const uint64_t *)c->multi)[r];
    }
}

/* One validated cell on its way into a column (fields by type, as in folio_column). */
typedef struct folio_cell {
    bool missing;
    double num;
    int32_t date;
    int small;
    uint64_t multi;
    const char *text; /* TEXT: trimmed bytes, not NUL-terminated (unique keys only) */
    size_t len;
} folio_cell;

/* ---- table.c: storage ---- */

/* Creates an empty table with the spec's columns (names and fixed dictionaries copied). */
folio_table *folio_table_create(const folio_inputspec *spec, const char *display_path);
/* Appends a TEXT cell of the pending (next) row to column c. */
void folio_table_add_text(folio_table *t, folio_column *c, const char *s, size_t n);
/* Takes back the text of the pending row (it was rejected). */
void folio_table_drop_text(folio_table *t);
/* Appends one row of ncols validated cells (TEXT cells were added already with
 * folio_table_add_text; missing ones not at all). Amortised growth, no allocation per row. */
void folio_table_add_row(folio_table *t, const folio_cell *cells, uint32_t line);
/* Appends every row of `from` (same spec) to t, code k of `from`'s column c becoming code
 * map[c * FOLIO_MAX_CODES + k] of t's (both dictionaries as they are now). Each column of
 * `from` is freed once copied, so the two tables never both hold every row; `from` is left
 * empty (its counts untouched). */
void folio_table_append(folio_table *t, folio_table *from, const int *map);
/* Sets every row array of c to none (no rows, no text) without freeing: they were freed, or
 * belong to another column. */
void folio_column_forget_rows(folio_column *c);
/* Frees a TEXT column's cells and marks it not stored (a key kept only for the duplicate check). */
void folio_table_drop_column(folio_table *t, int col);
/* Adds a code to an interned dictionary (stored lower case); returns its index. */
int folio_column_intern(folio_column *c, const char *s, size_t n);
/* Drops the last interned code (a row that used it was rejected). */
void folio_column_unintern(folio_column *c);
/* Makes bytes [from, to) of an allocation resident in one system call where the system can
 * (Linux MADV_POPULATE_WRITE): far cheaper than one page fault per 4 KiB while filling a column. */
void folio_prefault(void *p, size_t from, size_t to);
/* Resizes an array of `old` bytes to `bytes` (old 0: a new one). From 256 KiB an array is a
 * mapping of its own, on huge pages where it can be, grown with mremap; below, malloc's. Free it
 * with folio_array_free and the size it has now. (Row columns, and the row lists of filters.) */
void *folio_array_resize(void *p, size_t old, size_t bytes);
void folio_array_free(void *p, size_t bytes);
/* Appends to `to` a copy of the row pending in `from` (its TEXT cells added to from's columns,
 * the rest in cells, codes as from's indices), translating codes of interned dictionaries.
 * Both tables have the same spec. (table_previous.c) */
void folio_table_copy_pending(folio_table *to, const folio_table *from, const folio_cell *cells,
                              uint32_t line);
/* Makes every stored column (and the line numbers) hold at least `rows` rows (64 if 0);
 * what they hold is kept, new MULTI presence bits are clear. (table_keep.c copies into it.) */
void folio_table_reserve_rows(folio_table *t, size_t rows);
/* Makes the text arena of c hold at least `bytes` bytes, exactly that many if it grows. */
void folio_column_reserve_text(folio_column *c, size_t bytes);
/* Releases spare capacity once loading is done. */
void folio_table_shrink(folio_table *t);

/* ---- cell.c: reading one cell as a typed value (loader and filter share the rules) ---- */

bool folio_cell_ieq(const char *a, const char *b, size_t n);   /* ASCII case-insensitive, same length */
bool folio_cell_integer(const char *s, size_t n, double *out); /* [+-]digits */
bool folio_cell_number(const char *s, size_t n, double *out);  /* [+-]digits[.digits][e[+-]digits] */
int folio_cell_yesno(const char *s, size_t n);                 /* 1, 0, or -1 if not a yes/no */
/* Rebuilds the column's code lookup after its dictionary changed. */
void folio_column_index_codes(folio_column *c);
/* Index of the trimmed code s in the column's dictionary, case-insensitively; -1 if absent. */
int folio_cell_find_code(const folio_column *c, const char *s, size_t n);
/* Writes a number as a label: integers without decimals, others with the fewest decimals that
 * read back as the same double. Never depends on the locale. */
void folio_cell_format_number(double v, char *out, size_t size);
/* Hashes for distinct values and unique keys. */
uint64_t folio_cell_hash_bytes(const char *s, size_t n);
uint64_t folio_cell_hash_u64(uint64_t x);
uint64_t folio_cell_double_bits(double v); /* -0 and 0 give the same bits */
/* Writes "one of a, b, c" (or "one or more of ...") for messages, truncated to fit. */
void folio_cell_code_list(const folio_column *c, const char *lead, char *out, size_t size);
/* Offset of the first byte of s[0..n) that is a NUL or not part of well-formed UTF-8 (RFC 3629:
 * no overlong forms, surrogates or code points past U+10FFFF); n if the text is clean. */
size_t folio_cell_text_check(const char *s, size_t n);
/* Length of the well-formed UTF-8 sequence starting at s (whose first byte is >= 0x80), or 0. */
size_t folio_cell_utf8_length(const char *s, size_t n);

#endif
