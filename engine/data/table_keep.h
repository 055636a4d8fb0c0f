/* Narrowing a loaded table to some of its rows (one report of a burst sees only its value's
 * rows), in place or into a copy that leaves the loaded table for the next report. */
#ifndef FOLIO_TABLE_KEEP_H
#define FOLIO_TABLE_KEEP_H

#include "data/table.h"

/* Keeps only the rows listed in `keep` (ascending row indices, as folio_table_filter returns
 * them), in that order; every other row is dropped from every column. The table's dates
 * (first_date, last_date) are those of the kept rows; rows_read, out_of_period and the
 * rejections still describe the file. Allocates nothing. false if keep is not ascending or
 * names a row the table does not have (the table is then unchanged). */
bool folio_table_keep_rows(folio_table *t, const folio_rows *keep);

/* A new table holding only the rows listed in `keep` (ascending row indices, as
 * folio_table_filter returns them), in that order, and t unchanged: every column, dictionary,
 * file statistic and date is what folio_table_keep_rows would leave in t. The previous
 * period's table, if t has one, is copied too: narrowed to keep_previous (ascending rows of
 * it; stats previous_used becomes their count, as folio_table_set_previous_used sets it), or
 * whole if keep_previous is NULL. The caller frees the copy with folio_table_free. NULL if a
 * list is not ascending or names a row its table does not have. */
folio_table *folio_table_copy_rows(const folio_table *t, const folio_rows *keep,
                                   const folio_rows *keep_previous);

/* Sets the count of the previous period's rows (stats previous_used), for a table whose
 * previous-period table was narrowed the same way. */
void folio_table_set_previous_used(folio_table *t, size_t n);

#endif
