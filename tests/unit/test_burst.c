/* Bursting's pure parts: the shard partition, -o templates, safe file names, the values of a
 * column, and narrowing a table to one value's rows (in place, or into a copy). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "data/table_keep.h"
#include "harness.h"
#include "report/burst.h"

/* Over all N shards, every one of `values` values is in exactly one, and the shards' sizes
 * differ by at most one. */
static void test_partition(void)
{
    static const size_t counts[] = {0, 1, 2, 3, 7, 10, 99, 100, 101, 1000, 4099};
    static const unsigned ns[] = {1, 2, 3, 4, 5, 7, 8, 16, 100, 1000, 10000};
    int bad = 0;
    for (size_t a = 0; a < sizeof counts / sizeof *counts; a++)
        for (size_t b = 0; b < sizeof ns / sizeof *ns; b++) {
            size_t values = counts[a];
            unsigned n = ns[b];
            size_t min = (size_t)-1, max = 0;
            for (size_t i = 0; i < values; i++) {
                unsigned in = 0;
                for (unsigned k = 1; k <= n; k++)
                    in += folio_shard_has(i, k, n);
                bad += in != 1;
            }
            for (unsigned k = 1; k <= n; k++) {
                size_t size = 0;
                for (size_t i = 0; i < values; i++)
                    size += folio_shard_has(i, k, n);
                min = size < min ? size : min;
                max = size > max ? size : max;
            }
            bad += max - min > 1;
        }
    CHECK_INT(bad, 0);
    /* the documented rule: value i (0-based) is in shard i mod N + 1 */
    CHECK(folio_shard_has(0, 1, 4));
    CHECK(folio_shard_has(5, 2, 4));
    CHECK(!folio_shard_has(5, 1, 4));
    CHECK(folio_shard_has(7, 4, 4));
    CHECK(!folio_shard_has(0, 0, 4));
    CHECK(!folio_shard_has(0, 5, 4));
}

static void test_shard_parse(void)
{
    unsigned k = 0, n = 0;
    CHECK(folio_shard_parse("1/8", &k, &n) && k == 1 && n == 8);
    CHECK(folio_shard_parse("8/8", &k, &n) && k == 8 && n == 8);
    CHECK(folio_shard_parse("1/1", &k, &n) && k == 1 && n == 1);
    static const char *const bad[] = {"0/8",  "9/8",  "1/0",     "1",    "1/",
                                      "/8",   "a/8",  "1/8x",    "-1/8", "1/-8",
                                      " 1/8", "1 /8", "1/10001", "",     "99999999999999999999/2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(!folio_shard_parse(bad[i], &k, &n));
}

static const char *expand(const char *tmpl, const folio_output_vars *v)
{
    static char out[256];
    char err[256];
    unsigned uses;
    if (!folio_output_template_check(tmpl, &uses, err, sizeof err))
        return "(bad)";
    if (!folio_output_expand(tmpl, v, out, sizeof out, err, sizeof err))
        return "(unknown)";
    return out;
}

static void test_template(void)
{
    folio_output_vars v = {
        .value = "North West", .year = "2025", .from = "2025-04-01", .to = "2026-03-31", .report = "4pi"};
    CHECK_STR(expand("out/{value}-{year}.pdf", &v), "out/North West-2025.pdf");
    CHECK_STR(expand("{report}/{from}_{to}/{value}.pdf", &v), "4pi/2025-04-01_2026-03-31/North West.pdf");
    CHECK_STR(expand("a{{b}}c.pdf", &v), "a{b}c.pdf");
    CHECK_STR(expand("{{value}}.pdf", &v), "{value}.pdf");
    CHECK_STR(expand("{{{value}}}.pdf", &v), "{North West}.pdf");
    CHECK_STR(expand("plain.pdf", &v), "plain.pdf");

    unsigned uses = 0;
    char err[256];
    CHECK(folio_output_template_check("o/{value}-{year}{from}{to}{report}", &uses, err, sizeof err));
    CHECK_INT(uses, FOLIO_OUT_VALUE | FOLIO_OUT_YEAR | FOLIO_OUT_FROM | FOLIO_OUT_TO | FOLIO_OUT_REPORT);
    CHECK(folio_output_template_check("o/{{value}}.pdf", &uses, err, sizeof err) && uses == 0);
    CHECK(!folio_output_template_check("o/{region}.pdf", &uses, err, sizeof err));
    CHECK(strstr(err, "unknown placeholder {region}") != NULL);
    CHECK(!folio_output_template_check("o/{value.pdf", &uses, err, sizeof err));
    CHECK(!folio_output_template_check("o/value}.pdf", &uses, err, sizeof err));
    CHECK(!folio_output_template_check("o/{}.pdf", &uses, err, sizeof err));
    CHECK(!folio_output_template_check("o/{Value}.pdf", &uses, err, sizeof err));
    CHECK(!folio_output_template_check("", &uses, err, sizeof err));

    folio_output_vars none = {.report = "4pi"};
    CHECK_STR(expand("{report}-{year}.pdf", &none), "(unknown)");
}

static const char *safe(const char *value)
{
    static char out[FOLIO_BURST_NAME_MAX + 1];
    folio_output_safe_name(value, out, sizeof out);
    return out;
}

static void test_safe_names(void)
{
    CHECK_STR(safe("North West"), "North West");
    CHECK_STR(safe("Bedfordshire/Luton"), "Bedfordshire-Luton");
    CHECK_STR(safe("a\\b"), "a-b");
    CHECK_STR(safe("../../etc/passwd"), "_-.-etc-passwd");
    CHECK_STR(safe(".."), "_");
    CHECK_STR(safe("."), "_");
    CHECK_STR(safe(".hidden"), "_hidden");
    CHECK_STR(safe("-rf"), "_rf");
    CHECK_STR(safe("a..b"), "a.b");
    CHECK_STR(safe("  spaced  "), "spaced");
    CHECK_STR(safe("tab\there\nnew"), "tab_here_new");
    CHECK_STR(safe("Île-de-France"), "Île-de-France");
    CHECK_STR(safe("Ynys Môn / Anglesey"), "Ynys Môn - Anglesey");
    CHECK_STR(safe("北海道"), "北海道");
    CHECK_STR(safe("a:b*c?d\"e<f>g|h"), "a_b_c_d_e_f_g_h");
    CHECK_STR(safe("bad\xff\xfe utf8"), "bad__ utf8");
    CHECK_STR(safe("\xc0\xaf"), "__"); /* an overlong '/' is not a slash */
    CHECK_STR(safe(""), "_");
    CHECK_STR(safe("Ltd."), "Ltd");
    /* bounded, cut at a character boundary */
    char long_value[400] = "";
    for (int i = 0; i < 100; i++)
        strcat(long_value, "é");
    const char *s = safe(long_value);
    CHECK(strlen(s) <= FOLIO_BURST_NAME_MAX);
    CHECK(strlen(s) % 2 == 0 && strlen(s) >= FOLIO_BURST_NAME_MAX - 1);
    char dots[200];
    memset(dots, 'x', sizeof dots);
    dots[0] = '.';
    dots[sizeof dots - 1] = '\0';
    CHECK(strlen(safe(dots)) <= FOLIO_BURST_NAME_MAX && safe(dots)[0] == '_');
    /* whatever the input, no '/', no "..", no leading '.' or '-', no control character */
    int bad = 0;
    srand(7);
    for (int round = 0; round < 20000; round++) {
        char in[40];
        size_t n = (size_t)(rand() % 39);
        for (size_t i = 0; i < n; i++) {
            static const char pick[] = "./\\-. \t\n\x01\x7f"
                                       "ab\xc3\xa9\xe2\x80";
            in[i] = pick[rand() % (int)(sizeof pick - 1)];
        }
        in[n] = '\0';
        const char *o = safe(in);
        bad += !*o || strchr(o, '/') || strstr(o, "..") || o[0] == '.' || o[0] == '-' ||
               strlen(o) > FOLIO_BURST_NAME_MAX;
        for (const char *p = o; *p; p++)
            bad += (unsigned char)*p < 0x20 || *p == 0x7f;
    }
    CHECK_INT(bad, 0);

    CHECK(folio_output_same("out/North.pdf", "out/north.pdf"));
    CHECK(!folio_output_same("out/North.pdf", "out/North2.pdf"));
}

/* Loads csv as a table of six columns; with `year`, the period is that year and the year
 * before is kept as the previous period's table. */
static folio_table *load_period(const char *csv, int year)
{
    static folio_colspec cols[] = {
        {.name = "id", .type = FOLIO_INTEGER}, {.name = "region", .type = FOLIO_TEXT},
        {.name = "day", .type = FOLIO_DATE},   {.name = "kind", .type = FOLIO_CODE},
        {.name = "tags", .type = FOLIO_MULTI}, {.name = "ok", .type = FOLIO_YESNO}};
    static const char *const kinds[] = {"a", "b"};
    cols[3].codes = kinds;
    cols[3].ncodes = 2;
    folio_inputspec spec = {.name = "t",
                            .cols = cols,
                            .ncols = 6,
                            .date_col = "day",
                            .period_rule = FOLIO_PERIOD_NONE,
                            .from = FOLIO_DATE_NONE,
                            .to = FOLIO_DATE_NONE};
    if (year) {
        spec.period_rule = FOLIO_PERIOD_WITHIN;
        spec.from = folio_date_from_ymd(year, 1, 1);
        spec.to = folio_date_from_ymd(year, 12, 31);
        spec.has_previous = spec.keep_previous = true;
        spec.prev_from = folio_date_from_ymd(year - 1, 1, 1);
        spec.prev_to = folio_date_from_ymd(year - 1, 12, 31);
    }
    folio_diag d;
    folio_diag_init(&d);
    d.quiet = true;
    folio_table *t = folio_table_load_text(&spec, csv, strlen(csv), &d);
    folio_diag_free(&d);
    return t;
}

static folio_table *load(const char *csv)
{
    return load_period(csv, 0);
}

static void test_values_and_keep(void)
{
    const char *csv = "id,region,day,kind,tags,ok\n"
                      "1,North West,2025-01-05,a,x;y,yes\n"
                      "2,Wales,2025-02-01,b,,no\n"
                      "3,,2025-03-01,a,y,yes\n"
                      "4,North West,2025-04-01,b,z,\n"
                      "5,Île-de-France,2025-05-01,a,x,no\n"
                      "6,North West,2025-06-30,,,yes\n";
    folio_table *t = load(csv);
    CHECK(t != NULL);
    if (!t)
        return;
    int region = folio_table_column_index(t, "region");
    size_t n = 0, missing = 0;
    char **v = folio_burst_values(t, region, &n, &missing);
    CHECK_INT(n, 3);
    CHECK_INT(missing, 1);
    if (n == 3) {
        CHECK_STR(v[0], "North West");
        CHECK_STR(v[1], "Wales");
        CHECK_STR(v[2], "Île-de-France"); /* byte order: stable on every machine */
    }
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    char **kinds = folio_burst_values(t, folio_table_column_index(t, "kind"), &n, &missing);
    CHECK_INT(n, 2);
    CHECK_INT(missing, 1);
    for (size_t i = 0; i < n; i++)
        free(kinds[i]);
    free(kinds);
    CHECK(!folio_burst_type_ok(FOLIO_MULTI) && !folio_burst_type_ok(FOLIO_NUMBER));

    folio_rows rows;
    folio_burst_rows(t, region, "North West", &rows);
    CHECK_INT(rows.n, 3);
    CHECK(folio_table_keep_rows(t, &rows));
    folio_rows_free(&rows);
    CHECK_INT(folio_table_row_count(t), 3);
    int id = folio_table_column_index(t, "id"), tags = folio_table_column_index(t, "tags");
    int kind = folio_table_column_index(t, "kind"), ok = folio_table_column_index(t, "ok");
    CHECK(folio_table_get_number(t, 0, id) == 1 && folio_table_get_number(t, 1, id) == 4 &&
          folio_table_get_number(t, 2, id) == 6);
    for (size_t r = 0; r < 3; r++)
        CHECK_STR(folio_table_get_text(t, r, region, NULL), "North West");
    CHECK_INT(folio_table_get_multi(t, 0, tags), 3); /* x;y */
    CHECK(!folio_table_is_missing(t, 1, tags));
    CHECK(folio_table_is_missing(t, 2, tags));
    CHECK_INT(folio_table_get_code(t, 1, kind), 1);
    CHECK(folio_table_is_missing(t, 2, kind));
    CHECK_INT(folio_table_get_yesno(t, 1, ok), -1);
    CHECK_INT(folio_table_row_line(t, 1), 5);
    folio_table_stats st;
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rows_used, 3);
    CHECK_INT(st.rows_read, 6);
    char a[11], b[11];
    folio_date_format(st.first_date, a);
    folio_date_format(st.last_date, b);
    CHECK_STR(a, "2025-01-05");
    CHECK_STR(b, "2025-06-30");
    folio_counts c;
    CHECK(folio_table_count_by(t, NULL, region, &c) && c.n == 1 && c.groups[0].count == 3);
    folio_counts_free(&c);

    /* not ascending, or out of range: refused, the table unchanged */
    uint32_t back[] = {1, 0}, far[] = {0, 9};
    CHECK(!folio_table_keep_rows(t, &(folio_rows){back, 2}));
    CHECK(!folio_table_keep_rows(t, &(folio_rows){far, 2}));
    CHECK_INT(folio_table_row_count(t), 3);
    CHECK(folio_table_keep_rows(t, &(folio_rows){NULL, 0}));
    CHECK_INT(folio_table_row_count(t), 0);
    folio_table_free(t);
}

/* Whether a and b hold the same rows, cells, dictionaries and statistics (previous period's
 * tables included), as far as a plugin can tell. */
static bool same_table(const folio_table *a, const folio_table *b)
{
    if (!a || !b)
        return a == b;
    size_t n = folio_table_row_count(a), ncols = folio_table_column_count(a);
    if (n != folio_table_row_count(b) || ncols != folio_table_column_count(b))
        return false;
    for (int c = 0; c < (int)ncols; c++) {
        if (folio_table_column_type(a, c) != folio_table_column_type(b, c) ||
            folio_table_code_count(a, c) != folio_table_code_count(b, c))
            return false;
        for (size_t k = 0; k < folio_table_code_count(a, c); k++)
            if (strcmp(folio_table_code_name(a, c, k), folio_table_code_name(b, c, k)))
                return false;
        for (size_t r = 0; r < n; r++) {
            const char *ta = folio_table_get_text(a, r, c, NULL), *tb = folio_table_get_text(b, r, c, NULL);
            double na = folio_table_get_number(a, r, c), nb = folio_table_get_number(b, r, c);
            if (folio_table_is_missing(a, r, c) != folio_table_is_missing(b, r, c) || !ta != !tb ||
                (ta && strcmp(ta, tb)) || (na != nb && !(isnan(na) && isnan(nb))) ||
                folio_table_get_date(a, r, c) != folio_table_get_date(b, r, c) ||
                folio_table_get_code(a, r, c) != folio_table_get_code(b, r, c) ||
                folio_table_get_yesno(a, r, c) != folio_table_get_yesno(b, r, c) ||
                folio_table_get_multi(a, r, c) != folio_table_get_multi(b, r, c))
                return false;
        }
    }
    for (size_t r = 0; r < n; r++)
        if (folio_table_row_line(a, r) != folio_table_row_line(b, r))
            return false;
    folio_table_stats sa, sb;
    folio_table_get_stats(a, &sa);
    folio_table_get_stats(b, &sb);
    if (sa.rows_read != sb.rows_read || sa.rows_used != sb.rows_used ||
        sa.out_of_period != sb.out_of_period || sa.counts_previous != sb.counts_previous ||
        sa.previous_used != sb.previous_used || sa.rejected != sb.rejected || sa.nreasons != sb.nreasons ||
        sa.first_date != sb.first_date || sa.last_date != sb.last_date)
        return false;
    for (size_t i = 0; i < sa.nreasons; i++)
        if (strcmp(sa.reasons[i].text, sb.reasons[i].text) || sa.reasons[i].count != sb.reasons[i].count)
            return false;
    return same_table(folio_table_previous(a), folio_table_previous(b));
}

/* folio_table_copy_rows gives what folio_table_keep_rows leaves, previous period included, and
 * leaves the table it copies from as it was loaded. */
static void test_copy_rows(void)
{
    const char *csv = "id,region,day,kind,tags,ok\n"
                      "1,North West,2025-01-05,a,x;y,yes\n"
                      "2,Wales,2025-02-01,b,,no\n"
                      "3,North West,2024-03-01,a,w,yes\n"
                      "4,North West,2025-04-01,b,z,\n"
                      "5,Wales,2024-05-01,a,x,no\n"
                      "6,North West,2025-06-30,,,yes\n"
                      "7,North West,2025-07-01,c,x,yes\n" /* rejected: no code c */
                      "8,North West,2024-12-31,b,y;w,\n"
                      "9,Wales,2023-01-01,a,x,no\n"; /* in neither period */
    folio_table *t = load_period(csv, 2025), *loaded = load_period(csv, 2025);
    CHECK(t && loaded && folio_table_previous(t));
    if (!t || !loaded || !folio_table_previous(t))
        return;
    int region = folio_table_column_index(t, "region");
    CHECK(same_table(t, loaded));
    for (int v = 0; v < 3; v++) {
        const char *value = v == 0 ? "North West" : v == 1 ? "Wales" : "Nowhere";
        folio_rows rows, prev_rows;
        folio_burst_rows(t, region, value, &rows);
        folio_burst_rows(folio_table_previous(t), region, value, &prev_rows);
        folio_table *copy = folio_table_copy_rows(t, &rows, &prev_rows);
        folio_table *whole_prev = folio_table_copy_rows(t, &rows, NULL);
        CHECK(copy != NULL && whole_prev != NULL);

        /* keep_rows on a second load of the same file, as the burst did in each process */
        folio_table *k = load_period(csv, 2025);
        CHECK(folio_table_keep_rows(k, &rows));
        CHECK(folio_table_keep_rows(folio_table_previous(k), &prev_rows));
        folio_table_set_previous_used(k, prev_rows.n);
        CHECK(same_table(copy, k));
        CHECK(same_table(t, loaded)); /* the copy took nothing from t */
        CHECK(same_table(folio_table_previous(whole_prev), folio_table_previous(loaded)));
        folio_table_stats st;
        folio_table_get_stats(whole_prev, &st);
        CHECK_INT(st.previous_used, 2 + 1); /* rows 3, 5 and 8: not narrowed, not recounted */
        if (v == 0) {
            CHECK_INT(folio_table_row_count(copy), 3);
            CHECK_INT(folio_table_row_count(folio_table_previous(copy)), 2);
            folio_table_get_stats(copy, &st);
            CHECK_INT(st.previous_used, 2);
            CHECK_INT(st.rejected, 1);
            char a[11], b[11];
            folio_date_format(st.first_date, a);
            folio_date_format(st.last_date, b);
            CHECK_STR(a, "2025-01-05");
            CHECK_STR(b, "2025-06-30");
        }
        if (v == 2)
            CHECK_INT(folio_table_row_count(copy), 0);
        folio_table_free(copy);
        folio_table_free(whole_prev);
        folio_table_free(k);
        folio_rows_free(&rows);
        folio_rows_free(&prev_rows);
    }

    /* not ascending, or out of range, in either list: refused */
    uint32_t back[] = {1, 0}, far[] = {0, 99}, one[] = {0};
    CHECK(folio_table_copy_rows(t, &(folio_rows){back, 2}, NULL) == NULL);
    CHECK(folio_table_copy_rows(t, &(folio_rows){far, 2}, NULL) == NULL);
    CHECK(folio_table_copy_rows(t, &(folio_rows){one, 1}, &(folio_rows){far, 2}) == NULL);
    CHECK(folio_table_copy_rows(t, NULL, NULL) == NULL);
    CHECK(same_table(t, loaded));
    folio_table_free(t);
    folio_table_free(loaded);
}

/* An index finds, for every value of every column a burst can split by, the rows
 * folio_burst_rows finds by reading the whole column. */
static void test_index(void)
{
    const char *csv = "id,region,day,kind,tags,ok\n"
                      "1,North West,2025-01-05,a,x;y,yes\n"
                      "2,Wales,2025-02-01,b,,no\n"
                      "3,,2025-03-01,a,y,yes\n"
                      "4,North West,2025-04-01,b,z,\n"
                      "5,Île-de-France,2025-01-05,a,x,no\n"
                      "-6, North West ,2025-06-30,,,yes\n"
                      "1,Wales,2025-01-05,a,,no\n";
    folio_table *t = load(csv);
    CHECK(t != NULL);
    if (!t)
        return;
    static const char *const names[] = {"id", "region", "day", "kind", "ok"};
    int bad = 0, found = 0;
    for (size_t c = 0; c < sizeof names / sizeof *names; c++) {
        int col = folio_table_column_index(t, names[c]);
        folio_burst_index *ix = folio_burst_index_create(t, col);
        size_t n = 0, missing = 0;
        char **v = folio_burst_values(t, col, &n, &missing);
        for (size_t i = 0; i <= n + 2; i++) {
            const char *value = i < n ? v[i] : i == n ? "Nowhere" : i == n + 1 ? "" : "zzz";
            folio_rows want, got;
            folio_burst_rows(t, col, value, &want);
            folio_burst_index_get_rows(ix, value, &got);
            bad += want.n != got.n || (want.n && memcmp(want.idx, got.idx, want.n * sizeof *want.idx));
            found += (int)got.n;
            folio_rows_free(&want);
            folio_rows_free(&got);
        }
        for (size_t i = 0; i < n; i++)
            free(v[i]);
        free(v);
        folio_burst_index_free(ix);
    }
    CHECK_INT(bad, 0);
    CHECK_INT(found, 7 + 6 + 7 + 6 + 6); /* every row with a value, once per column */
    folio_table_free(t);
}

int main(void)
{
    test_partition();
    test_shard_parse();
    test_template();
    test_safe_names();
    test_values_and_keep();
    test_copy_rows();
    test_index();
    return harness_summary();
}
