/* Narrowing a loaded table to some of its rows, in place (one report of a burst sees only its
 * value's rows; the burst runs each report in a forked process, so the parent's copy is intact). */
#ifndef FOLIO_TABLE_KEEP_H
#define FOLIO_TABLE_KEEP_H

#include "data/table.h"

/* Keeps only the rows listed in `keep` (ascending row indices, as folio_table_filter returns
 * them), in that order; every other row is dropped from every column. The table's dates
 * (first_date, last_date) are those of the kept rows; rows_read, out_of_period and the
 * rejections still describe the file. Allocates nothing. false if keep is not ascending or
 * names a row the table does not have (the table is then unchanged). */
bool folio_table_keep_rows(folio_table *t, const folio_rows *keep);

/* Sets the count of the previous period's rows (stats previous_used), for a table whose
 * previous-period table was narrowed the same way. */
void folio_table_set_previous_used(folio_table *t, size_t n);

#endif
