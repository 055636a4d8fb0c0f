/* Columnar tables loaded from CSV: typed columns held in C, counted and grouped in C.
 * One folio_table per input file. Rows that fail validation are rejected at load time
 * (a warning each, counted by reason); the table holds only the rows that were used. */
#ifndef FOLIO_TABLE_H
#define FOLIO_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

typedef enum folio_type {
    FOLIO_TEXT,    /* any text; kept as written, surrounding blanks trimmed */
    FOLIO_INTEGER, /* whole number, optional range */
    FOLIO_NUMBER,  /* decimal number with '.', optional range */
    FOLIO_DATE,    /* YYYY-MM-DD or an ISO date-time; stored as days since 1970-01-01 */
    FOLIO_YESNO,   /* yes/no, y/n, true/false, 1/0, case-insensitive */
    FOLIO_CODE,    /* one code of a list, case-insensitive, blanks trimmed */
    FOLIO_MULTI    /* codes separated by ';' in one cell; unknown codes ignored */
} folio_type;

/* What one column of an input must hold. Strings are owned by the spec's creator. */
typedef struct folio_colspec {
    const char *name;            /* contract name, as plugins use it, e.g. "org_type" */
    const char *header;          /* header text in the file; NULL = name (compared trimmed, case-insensitively) */
    folio_type type;
    const char *const *codes;    /* allowed codes for CODE/MULTI, in display order; NULL = any (interned, first seen first) */
    size_t ncodes;
    const char *const *map_from; /* `values` map: raw answer -> code, compared trimmed and case-insensitively */
    const char *const *map_to;
    size_t nmap;
    bool has_range;              /* INTEGER/NUMBER: reject values outside [min, max] */
    double min, max;
    bool optional;               /* the column may be missing from the file (all values missing) */
    bool required_value;         /* an empty cell rejects the row (default false: empty = missing) */
    bool unread;                 /* no plugin reads it: every cell is still validated (and can reject
                                    its row), none is stored; the input's key column is always stored */
} folio_colspec;

typedef enum folio_period_rule {
    FOLIO_PERIOD_WITHIN, /* rows dated inside [from, to] are used */
    FOLIO_PERIOD_UNTIL,  /* rows dated on or before `to` are used (a cumulative list) */
    FOLIO_PERIOD_NONE    /* the date does not filter */
} folio_period_rule;

typedef struct folio_inputspec {
    const char *name;         /* "survey" */
    const char *path;         /* file to open */
    const char *display_path; /* how messages name the file, e.g. "data/survey.csv"; NULL = path */
    const folio_colspec *cols;
    size_t ncols;
    const char *date_col;     /* a DATE column among cols, or NULL */
    const char *key_col;      /* a column whose values must be unique, or NULL (duplicates rejected) */
    folio_period_rule period_rule;
    int32_t from, to;         /* period bounds in days; FOLIO_DATE_NONE = open */
    bool has_previous;        /* the period has a previous one, [prev_from, prev_to] (the same rule
                                 applies): its rows are counted (stats previous_used) */
    int32_t prev_from, prev_to;
    bool keep_previous; /* and kept, in a second table (folio_table_previous) */
} folio_inputspec;

typedef struct folio_table folio_table;

/* Why rows were rejected, counted. */
typedef struct folio_reason {
    char *text; /* e.g. "unknown org_type" */
    size_t count;
} folio_reason;

typedef struct folio_table_stats {
    size_t rows_read;     /* data rows in the file (header and blank lines excluded) */
    size_t rows_used;     /* rows held in the table */
    size_t out_of_period; /* valid rows left out by the period */
    size_t rejected;      /* rows rejected for a bad value */
    const folio_reason *reasons; /* rejected, by reason, most frequent first */
    size_t nreasons;
    int32_t first_date, last_date; /* over the used rows' date column; FOLIO_DATE_NONE if none */
    bool counts_previous;          /* the input is dated and the period has a previous one: */
    size_t previous_used;          /* good rows of the previous period (counted in the same pass) */
} folio_table_stats;

/* Loads and validates a CSV file. On a fatal problem (missing file, missing column,
 * broken CSV) adds an error to diag and returns NULL. Bad values add warnings and reject rows. */
folio_table *folio_table_load(const folio_inputspec *spec, folio_diag *diag);
/* Builds a table from CSV text in memory (for tests and inline fixtures); display_path names it. */
folio_table *folio_table_load_text(const folio_inputspec *spec, const char *text, size_t len,
                                   folio_diag *diag);
void folio_table_free(folio_table *t);
/* The same input over the previous period, read in the same pass when spec.keep_previous was set
 * and the input is dated: owned by t (freed with it). NULL otherwise. Its stats count rows_read
 * as t's, rows_used as its own, and rows of that period with a bad value as rejected (no
 * warning: the report is not about them). */
folio_table *folio_table_previous(const folio_table *t);

const char *folio_table_name(const folio_table *t);
const char *folio_table_path(const folio_table *t); /* display path */
size_t folio_table_row_count(const folio_table *t);
size_t folio_table_column_count(const folio_table *t);
int folio_table_column_index(const folio_table *t, const char *name); /* -1 if absent or not stored */
/* Whether the input has the column but did not store it (its spec marked it unread). */
bool folio_table_column_is_unread(const folio_table *t, const char *name);
const char *folio_table_column_name(const folio_table *t, int col);
folio_type folio_table_column_type(const folio_table *t, int col);
void folio_table_get_stats(const folio_table *t, folio_table_stats *out);

/* ---- cells (row = 0-based index among used rows) ---- */
bool folio_table_is_missing(const folio_table *t, size_t row, int col);
const char *folio_table_get_text(const folio_table *t, size_t row, int col, size_t *len); /* TEXT; CODE/YESNO give the code/"yes"/"no"; NULL if missing */
double folio_table_get_number(const folio_table *t, size_t row, int col);  /* INTEGER/NUMBER; NAN if missing */
int32_t folio_table_get_date(const folio_table *t, size_t row, int col);   /* FOLIO_DATE_NONE if missing */
int folio_table_get_yesno(const folio_table *t, size_t row, int col);      /* 1, 0, -1 missing */
int folio_table_get_code(const folio_table *t, size_t row, int col);       /* code index, -1 missing */
uint64_t folio_table_get_multi(const folio_table *t, size_t row, int col); /* bit i = code i chosen */
size_t folio_table_code_count(const folio_table *t, int col);              /* CODE/MULTI dictionary size */
const char *folio_table_code_name(const folio_table *t, int col, size_t i);
int folio_table_find_code(const folio_table *t, int col, const char *code); /* -1 if unknown */
int folio_table_row_line(const folio_table *t, size_t row);  /* file line where the row starts */
int folio_table_column_position(const folio_table *t, int col); /* 1-based column in the file, 0 if absent */

/* ---- selections: a set of rows, in file order. NULL selection = all rows. ---- */
typedef struct folio_rows {
    uint32_t *idx;
    size_t n;
} folio_rows;

typedef enum folio_cmp {
    FOLIO_EQ, FOLIO_NE,            /* any type; a CODE compares by code, a YESNO by truth */
    FOLIO_LT, FOLIO_LE, FOLIO_GT, FOLIO_GE, /* INTEGER, NUMBER, DATE */
    FOLIO_HAS,                     /* MULTI: the cell includes the code */
    FOLIO_MISSING, FOLIO_PRESENT   /* any type; value ignored */
} folio_cmp;

/* Keeps the rows of `in` (NULL = all) whose cell satisfies `op value`, value written as in a CSV
 * cell ("nhs_trust", "yes", "2025-04-01", "3"). false + message in err (size errlen) if the value
 * cannot be read for the column's type, or the code is unknown. out->idx is malloc'ed. */
bool folio_table_filter(const folio_table *t, const folio_rows *in, int col, folio_cmp op,
                        const char *value, folio_rows *out, char *err, size_t errlen);
/* How many rows folio_table_filter would keep, without building the list (same errors). */
bool folio_table_count_where(const folio_table *t, const folio_rows *in, int col, folio_cmp op,
                             const char *value, size_t *count, char *err, size_t errlen);
void folio_rows_free(folio_rows *r);
/* Making a list: room for `cap` rows (r->n = 0), filled by the caller, then folio_rows_fit
 * gives back what r->n does not use. A long list is a mapping of its own, on huge pages where
 * it can be, so folio_rows_free must get a list made this way (or by folio_table_filter). */
void folio_rows_room(folio_rows *r, size_t cap);
void folio_rows_fit(folio_rows *r, size_t cap);
size_t folio_rows_count(const folio_table *t, const folio_rows *sel);

/* One group of a count. `label` points into the table (or a static string). */
typedef struct folio_group {
    const char *label; /* code, text value, "yes"/"no", or a number/date written as text */
    size_t count;
} folio_group;

typedef struct folio_counts {
    folio_group *groups; /* malloc'ed */
    size_t n;
    size_t missing;      /* rows whose cell is empty */
    size_t base;         /* rows considered */
} folio_counts;

/* Counts rows by value. CODE: every code in dictionary order, zeros included. MULTI: rows
 * choosing each code (a row may count in several). YESNO: "yes", "no". TEXT: distinct values,
 * most frequent first, then by value. INTEGER/DATE/NUMBER: distinct values ascending. */
bool folio_table_count_by(const folio_table *t, const folio_rows *sel, int col, folio_counts *out);
void folio_counts_free(folio_counts *c);

/* Cross-tabulation: cells[i * ncols + j] = rows with row-value i and column-value j, with
 * the groups of each dimension as count_by would give them (MULTI allowed on either side). */
typedef struct folio_crosstab {
    folio_counts rows, cols;
    size_t *cells;
} folio_crosstab;
bool folio_table_crosstab(const folio_table *t, const folio_rows *sel, int row_col, int col_col,
                          folio_crosstab *out);
void folio_crosstab_free(folio_crosstab *x);

/* Distribution of an INTEGER column over [lo, hi]: counts[v - lo]; out-of-range values are
 * impossible after validation with a range, otherwise counted in `other`. */
bool folio_table_scale(const folio_table *t, const folio_rows *sel, int col, int lo, int hi,
                       size_t *counts, size_t *missing, size_t *other);

/* Number of distinct non-missing values. */
size_t folio_table_count_distinct(const folio_table *t, const folio_rows *sel, int col);
/* Min/max of INTEGER, NUMBER or DATE (as days); false if no value. */
bool folio_table_min_max(const folio_table *t, const folio_rows *sel, int col, double *min, double *max);
/* Sum and count of non-missing INTEGER/NUMBER values. */
bool folio_table_sum(const folio_table *t, const folio_rows *sel, int col, double *sum, size_t *n);

#endif
