/* Bursting: one report per distinct value of a column of the main input (--each), the share of
 * those values one machine renders (--shard K/N), and the output file names (-o templates). */
#ifndef FOLIO_BURST_H
#define FOLIO_BURST_H

#include <stdbool.h>
#include <stddef.h>

#include "data/table.h"

/* The longest file name {value} becomes, in bytes (cut at a character boundary). */
#define FOLIO_BURST_NAME_MAX 100

/* The value one report of a burst is for, as plugins see it in ctx.burst. */
typedef struct folio_burst {
    const char *column;        /* --each COLUMN, e.g. "region" */
    const char *input;         /* the main input, e.g. "survey" */
    const char *value;         /* this report's value, as the data writes it: "North West" */
    const char *label;         /* how to print it: report.lua's labels[column][value], else value */
    const char *const *inputs; /* the inputs narrowed to the value: every one holding the column */
    size_t ninputs;
} folio_burst;

/* What -o's placeholders stand for; NULL = not known in this run. */
typedef struct folio_output_vars {
    const char *value;  /* {value}: the burst value, already made safe */
    const char *year;   /* {year}: "2025" */
    const char *from;   /* {from}: "2025-01-01" */
    const char *to;     /* {to}: "2025-12-31" */
    const char *report; /* {report}: the report folder's name */
} folio_output_vars;

/* Checks an -o template: every {name} is one of value, year, from, to, report; "{{" and "}}" are
 * a literal brace; a lone brace is an error. On success *uses gets a bit per placeholder used:
 * 1 value, 2 year, 4 from, 8 to, 16 report. false with a message in err otherwise. */
enum { FOLIO_OUT_VALUE = 1, FOLIO_OUT_YEAR = 2, FOLIO_OUT_FROM = 4, FOLIO_OUT_TO = 8, FOLIO_OUT_REPORT = 16 };
bool folio_output_template_check(const char *tmpl, unsigned *uses, char *err, size_t errlen);
/* Expands a checked template into out (size bytes). false with a message in err when a
 * placeholder it uses is not known (NULL in vars) or the result does not fit. */
bool folio_output_expand(const char *tmpl, const folio_output_vars *vars, char *out, size_t size, char *err,
                         size_t errlen);
/* Makes a value a safe file name (at most FOLIO_BURST_NAME_MAX bytes plus the NUL; size must be
 * larger): '/' and '\' become '-'; control characters, invalid UTF-8 and : * ? " < > | become
 * '_'; runs of dots become one dot; blanks are trimmed at both ends; a leading '.' or '-'
 * becomes '_'; an empty result is "_". Other characters (accents, any script) are kept. */
void folio_output_safe_name(const char *value, char *out, size_t size);
/* Whether two output paths would name the same file on a case-insensitive file system (ASCII
 * letters compared without case). */
bool folio_output_same(const char *a, const char *b);

/* Parses "K/N" (1 <= K <= N <= 10000). false if malformed. */
bool folio_shard_parse(const char *s, unsigned *k, unsigned *n);
/* Whether value number `index` (0-based, in the burst's sorted order) belongs to shard K of N
 * (K 1-based): index mod N == K - 1. Every value is in exactly one shard. */
bool folio_shard_has(size_t index, unsigned k, unsigned n);

/* Whether --each can split by this column's type (text, code, yes/no, integer, date). */
bool folio_burst_type_ok(folio_type type);
/* The value of a cell as a burst sees it, written as text into buf; NULL if the cell is
 * missing. Text as stored, a code's name, "yes"/"no", an integer's digits, a date YYYY-MM-DD. */
const char *folio_burst_cell(const folio_table *t, size_t row, int col, char *buf, size_t size);
/* The distinct non-missing values of column col, sorted by their bytes (strcmp), malloc'ed
 * (free each and the array); *missing gets the rows with no value. */
char **folio_burst_values(const folio_table *t, int col, size_t *n, size_t *missing);
/* The rows whose cell in col is value (out->idx malloc'ed; free with folio_rows_free). */
void folio_burst_rows(const folio_table *t, int col, const char *value, folio_rows *out);

/* The rows of a column grouped by value, made once to find many values' rows (a burst finds
 * each report's): the table must not change while the index is used. */
typedef struct folio_burst_index folio_burst_index;
folio_burst_index *folio_burst_index_create(const folio_table *t, int col);
/* The same rows as folio_burst_rows(t, col, value, out), found by binary search. */
void folio_burst_index_get_rows(const folio_burst_index *ix, const char *value, folio_rows *out);
void folio_burst_index_free(folio_burst_index *ix);

#endif
