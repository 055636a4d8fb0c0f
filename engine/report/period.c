/* The report's period: --year (from the report's year_start) or --from/--to, the period before
 * it, and how both are written ("2025-26", "1 April 2025 to 31 March 2026"). */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "report/report.h"

static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};

bool folio_period_parse_start(const char *s, int *month, int *day)
{
    static const int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != 5 || s[2] != '-')
        return false;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return false;
    int m = (s[0] - '0') * 10 + (s[1] - '0'), d = (s[3] - '0') * 10 + (s[4] - '0');
    if (m < 1 || m > 12 || d < 1 || d > days_in[m - 1]) /* 29 February is not in every year */
        return false;
    *month = m;
    *day = d;
    return true;
}

/* The bounds of the year `year` that starts on p's first day. */
static void year_bounds(const folio_period *p, int year, int32_t *from, int32_t *to)
{
    *from = folio_date_from_ymd(year, p->start_month, p->start_day);
    *to = folio_date_from_ymd(year + 1, p->start_month, p->start_day) - 1;
}

void folio_period_set(folio_period *p, int year, int32_t from, int32_t to)
{
    if (!p->start_month) {
        p->start_month = 1;
        p->start_day = 1;
    }
    p->year = year;
    p->has_previous = false;
    p->prev_from = p->prev_to = FOLIO_DATE_NONE;
    if (year) {
        year_bounds(p, year, &p->from, &p->to);
        year_bounds(p, year - 1, &p->prev_from, &p->prev_to);
        p->has_previous = true;
        return;
    }
    p->from = from;
    p->to = to;
    if (from != FOLIO_DATE_NONE && to != FOLIO_DATE_NONE && to >= from) {
        int32_t days = to - from + 1;
        p->prev_from = from - days;
        p->prev_to = from - 1;
        p->has_previous = true;
    }
}

bool folio_period_is_financial(const folio_period *p)
{
    return p->start_month != 1 || p->start_day != 1;
}

/* "1 April 2025", or "1 Apr 2025" when abbreviated (the year left out when omit_year). */
static void date_words(int32_t days, bool abbrev, bool omit_year, char *out, size_t size)
{
    int y, m, d;
    folio_date_to_ymd(days, &y, &m, &d);
    const char *name = months[(m - 1) % 12];
    if (omit_year)
        snprintf(out, size, "%d %.*s", d, abbrev ? 3 : 20, name);
    else
        snprintf(out, size, "%d %.*s %d", d, abbrev ? 3 : 20, name, y);
}

void folio_period_describe(const folio_period *p, bool previous, char *label, size_t lsize, char *shrt,
                           size_t ssize)
{
    int32_t from = previous ? p->prev_from : p->from, to = previous ? p->prev_to : p->to;
    int year = p->year ? p->year - (previous ? 1 : 0) : 0;
    char a[40], b[40];
    if (from != FOLIO_DATE_NONE)
        date_words(from, false, false, a, sizeof a);
    if (to != FOLIO_DATE_NONE)
        date_words(to, false, false, b, sizeof b);
    if (from != FOLIO_DATE_NONE && to != FOLIO_DATE_NONE)
        snprintf(label, lsize, "%s to %s", a, b);
    else if (from != FOLIO_DATE_NONE)
        snprintf(label, lsize, "From %s", a);
    else if (to != FOLIO_DATE_NONE)
        snprintf(label, lsize, "Up to %s", b);
    else
        snprintf(label, lsize, "All dates");

    if (year && folio_period_is_financial(p)) {
        snprintf(shrt, ssize, "%d-%02d", year, (year + 1) % 100); /* UK style: 2025-26 */
    } else if (year) {
        snprintf(shrt, ssize, "%d", year);
    } else if (from != FOLIO_DATE_NONE && to != FOLIO_DATE_NONE) {
        int y1, y2, m, d;
        folio_date_to_ymd(from, &y1, &m, &d);
        folio_date_to_ymd(to, &y2, &m, &d);
        date_words(from, true, y1 == y2, a, sizeof a);
        date_words(to, true, false, b, sizeof b);
        snprintf(shrt, ssize, "%s to %s", a, b);
    } else {
        snprintf(shrt, ssize, "%s", label);
    }
}
