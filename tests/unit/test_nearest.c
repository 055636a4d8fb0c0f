/* folio_nearest_name: the "did you mean" of every unknown column, method, option and field. */
#include "core/util.h"
#include "harness.h"

#define STR(x) ((x) ? (x) : "(none)")

int main(void)
{
    const char *cols[] = {"id", "org_type", "region", "heard_of_4pi", "rating"};
    size_t n = sizeof cols / sizeof *cols;
    CHECK_STR(STR(folio_nearest_name("orgtype", cols, n)), "org_type");  /* one deletion */
    CHECK_STR(STR(folio_nearest_name("Org_Type", cols, n)), "org_type"); /* case ignored */
    CHECK_STR(STR(folio_nearest_name("regoin", cols, n)), "region");     /* swapped letters */
    CHECK_STR(STR(folio_nearest_name("ratings", cols, n)), "rating");
    CHECK_STR(STR(folio_nearest_name("heard_of_4p1", cols, n)), "heard_of_4pi");
    CHECK_STR(STR(folio_nearest_name("salary", cols, n)), "(none)"); /* nothing close */
    CHECK_STR(STR(folio_nearest_name("xy", cols, n)), "(none)");     /* short: one edit at most */
    CHECK_STR(STR(folio_nearest_name("ix", cols, n)), "id");
    CHECK_STR(STR(folio_nearest_name("org_type", cols, n)), "(none)"); /* itself is not a suggestion */
    CHECK_STR(STR(folio_nearest_name("", cols, n)), "(none)");
    CHECK_STR(STR(folio_nearest_name("orgtype", cols, 0)), "(none)");
    const char *methods[] = {"count", "count_by", "count_distinct", "crosstab", "where"};
    CHECK_STR(STR(folio_nearest_name("count_bi", methods, 5)), "count_by");
    CHECK_STR(STR(folio_nearest_name("wher", methods, 5)), "where");
    return harness_summary();
}
