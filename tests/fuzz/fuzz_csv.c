/* Fuzz target: the CSV loader (folio_table_load_text). Each input is loaded under the four
 * 4Pi schemas (survey, interviews, signatories, benefits: codes, answer maps, ranges, keys,
 * periods) and under a schema made up from the input's own header, whose column types, flags,
 * codes, ranges, key and period come from the header's bytes and the input's last byte. Every
 * table that loads is then read cell by cell and put through count_by, crosstab, scale,
 * filter, distinct counts, min/max and sums, checking the invariants table.h promises. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "data/table.h"
#include "fuzz.h"

#define MAX_COLS 12      /* columns of the made-up schema */
#define MAX_ROWS_READ 64 /* rows read cell by cell */
#define MAX_SCALE 64     /* widest scale asked for */

/* ---- the 4Pi schemas (../shared/4pi-data-contract.md) ---- */

static const char *const ORG_TYPES[] = {"nhs_trust", "voluntary", "user_led", "local_authority", "commissioner",
                                        "other"};
static const char *const ROLES[] = {"service_user_or_carer", "involvement_lead", "manager", "clinician", "other"};
static const char *const LEVELS[] = {"individual", "community", "services", "strategic"};
static const char *const DOMAINS[] = {"principles", "purpose", "presence", "process", "impact"};
static const char *const SIGNED[] = {"yes", "no", "not_sure"};
static const char *const USE[] = {"not_using", "planning", "some_areas", "whole_organisation"};
static const char *const STATUS[] = {"active", "lapsed"};
static const char *const ORG_FROM[] = {"NHS Mental Health Trust", "Charity", " User-led group "};
static const char *const ORG_TO[] = {"nhs_trust", "voluntary", "user_led"};
static const char *const YES_FROM[] = {"Happy to be interviewed", "Not now"};
static const char *const YES_TO[] = {"yes", "no"};

#define CODES(a) .codes = (a), .ncodes = sizeof(a) / sizeof(a)[0]
#define SCALE .type = FOLIO_INTEGER, .has_range = true, .min = 1, .max = 5

static const folio_colspec SURVEY[] = {
    {.name = "respondent_id", .type = FOLIO_TEXT, .required_value = true},
    {.name = "submitted_at", .type = FOLIO_DATE},
    {.name = "organisation", .type = FOLIO_TEXT, .optional = true},
    {.name = "org_type", .type = FOLIO_CODE, CODES(ORG_TYPES), .map_from = ORG_FROM, .map_to = ORG_TO, .nmap = 3},
    {.name = "region", .type = FOLIO_TEXT},
    {.name = "role", .type = FOLIO_CODE, CODES(ROLES)},
    {.name = "heard_of_4pi", .type = FOLIO_YESNO},
    {.name = "signed_up", .type = FOLIO_CODE, CODES(SIGNED)},
    {.name = "use_of_standards", .type = FOLIO_CODE, CODES(USE)},
    {.name = "levels_used", .type = FOLIO_MULTI, CODES(LEVELS)},
    {.name = "domains_used", .type = FOLIO_MULTI, CODES(DOMAINS)},
    {.name = "difference_individual", SCALE},
    {.name = "difference_community", SCALE},
    {.name = "difference_services", SCALE},
    {.name = "difference_strategic", SCALE},
    {.name = "benefits_seen", .type = FOLIO_MULTI},
    {.name = "comments", .type = FOLIO_TEXT, .optional = true},
    {.name = "interview_ok", .type = FOLIO_YESNO, .optional = true, .map_from = YES_FROM, .map_to = YES_TO,
     .nmap = 2},
};

static const folio_colspec INTERVIEWS[] = {
    {.name = "interview_id", .type = FOLIO_TEXT},
    {.name = "interviewed_on", .type = FOLIO_DATE},
    {.name = "role", .type = FOLIO_CODE, CODES(ROLES)},
    {.name = "org_type", .type = FOLIO_TEXT, .optional = true},
    {.name = "level", .type = FOLIO_CODE, CODES(LEVELS)},
    {.name = "domain", .type = FOLIO_CODE, CODES(DOMAINS)},
    {.name = "quote", .type = FOLIO_TEXT},
    {.name = "consent", .type = FOLIO_TEXT},
};

static const folio_colspec SIGNATORIES[] = {
    {.name = "organisation", .type = FOLIO_TEXT},
    {.name = "region", .type = FOLIO_TEXT},
    {.name = "signed_up_on", .type = FOLIO_DATE},
    {.name = "status", .type = FOLIO_CODE, CODES(STATUS)},
};

static const folio_colspec BENEFITS[] = {
    {.name = "code", .type = FOLIO_TEXT, .required_value = true},
    {.name = "level", .type = FOLIO_CODE, CODES(LEVELS)},
    {.name = "label", .type = FOLIO_TEXT},
};

#define COLS(a) .cols = (a), .ncols = sizeof(a) / sizeof(a)[0]

static folio_inputspec fixed[4] = {
    {.name = "survey", .display_path = "data/survey.csv", COLS(SURVEY), .date_col = "submitted_at",
     .key_col = "respondent_id", .period_rule = FOLIO_PERIOD_WITHIN},
    {.name = "interviews", .display_path = "data/interviews.csv", COLS(INTERVIEWS), .date_col = "interviewed_on",
     .period_rule = FOLIO_PERIOD_WITHIN},
    {.name = "signatories", .display_path = "data/signatories.csv", COLS(SIGNATORIES),
     .date_col = "signed_up_on", .period_rule = FOLIO_PERIOD_UNTIL},
    {.name = "benefits", .display_path = "data/benefits.csv", COLS(BENEFITS), .key_col = "code",
     .period_rule = FOLIO_PERIOD_NONE},
};

/* ---- the made-up schema ---- */

static char generated_codes[64][8]; /* "k0" .. "k63" */
static const char *many_codes[64];
static const char *const FEW_CODES[] = {"a", "b", "yes", "no", "x y", "A", "nhs_trust", " "};
static const char *const MAP_FROM[] = {"Y", "1", "one", "Other answer", "", "B"};

/* Ranges a made-up INTEGER or NUMBER column may get: narrow, byte-sized, word-sized, open. */
static const double RANGES[][2] = {
    {1, 5},          {-127, 127},         {-128, 127}, {0, 0},         {5, 1},          {-100, 100},
    {0, 1e9},        {-2147483647.0, 2147483647.0},    {-HUGE_VAL, 5}, {1, HUGE_VAL},   {-1e300, 1e300},
    {0.5, 4.5},      {-2147483648.0, 0},  {-127.5, 127}, {0, 255},     {-1, 1},
};

/* FNV-1a over a field name and its column number. */
static uint32_t hash_field(const char *s, size_t n, size_t i)
{
    uint32_t h = 2166136261u ^ (uint32_t)(i * 0x9E3779B9u);
    for (size_t k = 0; k < n; k++)
        h = (h ^ (unsigned char)s[k]) * 16777619u;
    return h ^ (h >> 15);
}

typedef struct made_up {
    folio_inputspec spec;
    folio_colspec cols[MAX_COLS];
    char names[MAX_COLS][64];
    const char *codes[MAX_COLS][64];
    const char *map_to[MAX_COLS][6];
} made_up;

/* Builds a schema whose columns are the input's header fields (split at commas, quotes and
 * blanks stripped), with everything else chosen by hashes of the fields and the last byte. */
static void make_spec(made_up *m, const uint8_t *data, size_t size)
{
    memset(m, 0, sizeof *m);
    unsigned seed = size ? data[size - 1] : 0;
    size_t pos = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    size_t n = 0;
    while (n < MAX_COLS && pos <= size) {
        size_t start = pos;
        while (pos < size && data[pos] != ',' && data[pos] != '\n')
            pos++;
        size_t len = pos - start;
        const char *f = (const char *)data + start;
        while (len && (f[0] == '"' || f[0] == ' '))
            f++, len--;
        while (len && (f[len - 1] == '"' || f[len - 1] == ' ' || f[len - 1] == '\r'))
            len--;
        if (len >= sizeof m->names[n])
            len = sizeof m->names[n] - 1;
        memcpy(m->names[n], f, len);
        m->names[n][len] = '\0';

        uint32_t h = hash_field(f, len, n) ^ seed * 0x01000193u;
        folio_colspec *c = &m->cols[n];
        c->name = m->names[n];
        c->type = (folio_type)(h % 7);
        c->optional = h >> 3 & 1;
        c->required_value = (h >> 4 & 3) == 0;
        if ((c->type == FOLIO_INTEGER || c->type == FOLIO_NUMBER) && (h >> 6 & 1)) {
            const double *r = RANGES[(h >> 8) % (sizeof RANGES / sizeof RANGES[0])];
            c->has_range = true;
            c->min = r[0];
            c->max = r[1];
        }
        if ((c->type == FOLIO_CODE || c->type == FOLIO_MULTI) && (h >> 6 & 1)) {
            size_t nc = 1 + (h >> 12) % 64;
            if (nc > 12 && (h >> 18 & 1))
                nc = 1 + (h >> 12) % 8; /* mostly a few codes */
            for (size_t k = 0; k < nc; k++)
                m->codes[n][k] = nc <= 8 ? FEW_CODES[k] : many_codes[k];
            c->codes = m->codes[n];
            c->ncodes = nc;
        }
        if ((c->type == FOLIO_CODE || c->type == FOLIO_MULTI || c->type == FOLIO_YESNO) && (h >> 7 & 1)) {
            for (size_t k = 0; k < 6; k++) {
                if (c->type == FOLIO_YESNO)
                    m->map_to[n][k] = k % 2 ? "no" : "yes";
                else if (c->codes)
                    m->map_to[n][k] = k == 5 ? "zzz" : c->codes[k % c->ncodes];
                else
                    m->map_to[n][k] = k % 2 ? "mapped" : "Other";
            }
            c->map_from = MAP_FROM;
            c->map_to = m->map_to[n];
            c->nmap = 1 + (h >> 19) % 6;
        }
        if (!m->spec.key_col && (h >> 25 & 7) == 0)
            m->spec.key_col = c->name;
        if (!m->spec.date_col && c->type == FOLIO_DATE && (seed & 1))
            m->spec.date_col = c->name;
        n++;
        if (pos >= size || data[pos] == '\n')
            break;
        pos++;
    }
    static const int32_t bounds[][2] = {
        {FOLIO_DATE_NONE, FOLIO_DATE_NONE}, {0, 20000}, {20454, 20819}, {20819, 20454}, {FOLIO_DATE_NONE, 0},
        {-719162, 2932896},
    };
    const int32_t *b = bounds[(seed >> 3) % (sizeof bounds / sizeof bounds[0])];
    m->spec.name = "made_up";
    m->spec.display_path = "data/made-up.csv";
    m->spec.cols = m->cols;
    m->spec.ncols = n;
    m->spec.period_rule = (folio_period_rule)((seed >> 1) % 3);
    m->spec.from = b[0];
    m->spec.to = b[1];
}

/* ---- exercising a table ---- */

/* Sum of a count's groups. */
static size_t group_total(const folio_counts *c)
{
    size_t s = 0;
    for (size_t i = 0; i < c->n; i++) {
        FUZZ_CHECK(c->groups[i].label != NULL);
        (void)strlen(c->groups[i].label);
        s += c->groups[i].count;
    }
    return s;
}

/* count_by over a selection (NULL = all), with its invariants. */
static void check_count(const folio_table *t, const folio_rows *sel, int col)
{
    folio_counts c;
    if (!folio_table_count_by(t, sel, col, &c))
        return;
    size_t n = folio_rows_count(t, sel);
    FUZZ_CHECK(c.base == n);
    FUZZ_CHECK(c.missing <= n);
    folio_type type = folio_table_column_type(t, col);
    size_t total = group_total(&c);
    if (type != FOLIO_MULTI)
        FUZZ_CHECK(total + c.missing == n);
    if (type == FOLIO_CODE || type == FOLIO_MULTI)
        FUZZ_CHECK(c.n == folio_table_code_count(t, col));
    size_t distinct = folio_table_count_distinct(t, sel, col);
    FUZZ_CHECK(distinct <= c.n);
    folio_counts_free(&c);
}

static void check_crosstab(const folio_table *t, const folio_rows *sel, int a, int b)
{
    folio_crosstab x;
    if (!folio_table_crosstab(t, sel, a, b, &x))
        return;
    bool multi = folio_table_column_type(t, a) == FOLIO_MULTI || folio_table_column_type(t, b) == FOLIO_MULTI;
    for (size_t i = 0; i < x.rows.n; i++) {
        size_t row = 0;
        for (size_t j = 0; j < x.cols.n; j++)
            row += x.cells[i * x.cols.n + j];
        if (!multi)
            FUZZ_CHECK(row <= x.rows.groups[i].count);
    }
    folio_crosstab_free(&x);
}

static void check_scale(const folio_table *t, const folio_rows *sel, int col, int lo, int hi)
{
    size_t counts[MAX_SCALE + 1], missing = 0, other = 0;
    if (hi < lo || (long)hi - lo > MAX_SCALE)
        return;
    if (!folio_table_scale(t, sel, col, lo, hi, counts, &missing, &other))
        return;
    size_t total = missing + other;
    for (int v = lo; v <= hi; v++)
        total += counts[v - lo];
    FUZZ_CHECK(total == folio_rows_count(t, sel));
}

/* filter with EQ and NE (they split the selection) and the ordered comparisons. */
static void check_filter(const folio_table *t, const folio_rows *sel, int col, const char *value)
{
    size_t n = folio_rows_count(t, sel);
    char err[256];
    folio_rows eq, ne;
    bool a = folio_table_filter(t, sel, col, FOLIO_EQ, value, &eq, err, sizeof err);
    bool b = folio_table_filter(t, sel, col, FOLIO_NE, value, &ne, err, sizeof err);
    FUZZ_CHECK(a == b);
    if (a) {
        FUZZ_CHECK(eq.n + ne.n == n);
        check_count(t, &eq, col);
        check_count(t, &ne, (col + 1) % (int)folio_table_column_count(t));
    }
    folio_rows_free(&eq);
    folio_rows_free(&ne);
    for (folio_cmp op = FOLIO_LT; op <= FOLIO_HAS; op++) {
        folio_rows r;
        if (folio_table_filter(t, sel, col, op, value, &r, err, sizeof err)) {
            FUZZ_CHECK(r.n <= n);
            for (size_t k = 1; k < r.n; k++)
                FUZZ_CHECK(r.idx[k - 1] < r.idx[k]); /* file order */
        }
        folio_rows_free(&r);
    }
}

/* A value of row r, column c, written as it would be in a CSV cell ("" if missing). */
static void cell_value(const folio_table *t, size_t r, int c, char *out, size_t size)
{
    size_t len;
    const char *s = folio_table_get_text(t, r, c, &len);
    out[0] = '\0';
    switch (folio_table_column_type(t, c)) {
    case FOLIO_INTEGER:
    case FOLIO_NUMBER: {
        double v = folio_table_get_number(t, r, c);
        if (!isnan(v))
            snprintf(out, size, "%.17g", v);
        break;
    }
    case FOLIO_DATE: {
        int32_t d = folio_table_get_date(t, r, c);
        if (d != FOLIO_DATE_NONE)
            folio_date_format(d, out);
        break;
    }
    case FOLIO_MULTI: {
        uint64_t m = folio_table_get_multi(t, r, c);
        size_t used = 0;
        for (size_t k = 0; k < 64 && used < size; k++)
            if (m >> k & 1) {
                const char *name = folio_table_code_name(t, c, k);
                FUZZ_CHECK(name != NULL);
                int w = snprintf(out + used, size - used, "%s%s", used ? ";" : "", name);
                used += w > 0 ? (size_t)w : 0;
            }
        break;
    }
    default:
        if (s)
            snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), s);
        break;
    }
}

static void exercise(const folio_table *t, const uint8_t *data, size_t size)
{
    folio_table_stats st;
    folio_table_get_stats(t, &st);
    size_t nrows = folio_table_row_count(t);
    int ncols = (int)folio_table_column_count(t);
    FUZZ_CHECK(st.rows_used == nrows);
    FUZZ_CHECK(st.rows_read == st.rows_used + st.out_of_period + st.rejected);
    size_t reasons = 0;
    for (size_t i = 0; i < st.nreasons; i++) {
        FUZZ_CHECK(st.reasons[i].text && st.reasons[i].count > 0);
        reasons += st.reasons[i].count;
    }
    FUZZ_CHECK(reasons == st.rejected);
    (void)folio_table_name(t);
    (void)folio_table_path(t);
    size_t pick = 0; /* which fixed filter values to try, from the input */
    for (size_t i = 0; i < size; i++)
        pick = pick * 31 + data[i];

    /* every cell of the first rows, through every accessor */
    for (size_t r = 0; r < nrows && r < MAX_ROWS_READ; r++) {
        FUZZ_CHECK(folio_table_row_line(t, r) > 0);
        for (int c = 0; c < ncols; c++) {
            size_t len;
            bool missing = folio_table_is_missing(t, r, c);
            const char *s = folio_table_get_text(t, r, c, &len);
            if (s)
                FUZZ_CHECK(s[len] == '\0');
            (void)folio_table_get_number(t, r, c);
            (void)folio_table_get_date(t, r, c);
            int yn = folio_table_get_yesno(t, r, c);
            FUZZ_CHECK(yn >= -1 && yn <= 1);
            int code = folio_table_get_code(t, r, c);
            FUZZ_CHECK(code >= -1 && (code < 0 || (size_t)code < folio_table_code_count(t, c)));
            if (folio_table_column_type(t, c) == FOLIO_CODE)
                FUZZ_CHECK((code < 0) == missing);
            uint64_t m = folio_table_get_multi(t, r, c);
            size_t nc = folio_table_code_count(t, c);
            FUZZ_CHECK(nc > 63 || (m >> nc) == 0);
        }
    }
    for (int c = 0; c < ncols; c++) {
        (void)folio_table_column_name(t, c);
        (void)folio_table_column_position(t, c);
        for (size_t k = 0; k < folio_table_code_count(t, c); k++) {
            const char *name = folio_table_code_name(t, c, k);
            FUZZ_CHECK(name != NULL);
            int found = folio_table_find_code(t, c, name); /* an empty code is never found */
            FUZZ_CHECK(name[0] == '\0' || (found >= 0 && (size_t)found < folio_table_code_count(t, c)));
        }
        check_count(t, NULL, c);
        check_crosstab(t, NULL, c, (c + 1) % ncols);
        check_crosstab(t, NULL, c, c);
        double lo, hi, sum;
        size_t n;
        if (folio_table_min_max(t, NULL, c, &lo, &hi))
            FUZZ_CHECK(lo <= hi);
        if (folio_table_sum(t, NULL, c, &sum, &n))
            FUZZ_CHECK(n <= nrows);
        if (folio_table_column_type(t, c) == FOLIO_INTEGER) {
            check_scale(t, NULL, c, 1, 5);
            if (folio_table_min_max(t, NULL, c, &lo, &hi) && lo >= -1e6 && hi <= 1e6)
                check_scale(t, NULL, c, (int)lo, (int)hi);
        }

        /* filters with values from the table, from the input and of every type */
        char value[128];
        static const char *const fixed_values[] = {"",  "yes", "no",        "2026-05-01", "3", "1e3",
                                                   "a;b", "individual;strategic", "nhs_trust", " ", "-0", "zzz"};
        size_t nfixed = sizeof fixed_values / sizeof fixed_values[0];
        check_filter(t, NULL, c, fixed_values[(pick + (size_t)c) % nfixed]);
        check_filter(t, NULL, c, fixed_values[(pick / nfixed + (size_t)c * 5) % nfixed]);
        if (nrows) {
            cell_value(t, 0, c, value, sizeof value);
            check_filter(t, NULL, c, value);
            cell_value(t, nrows - 1, c, value, sizeof value);
            check_filter(t, NULL, c, value);
        }
        size_t tail = size < 12 ? size : 12;
        memcpy(value, data + size - tail, tail);
        value[tail] = '\0';
        check_filter(t, NULL, c, value);

        /* a selection feeding the other operations */
        folio_rows sel;
        char err[256];
        if (folio_table_filter(t, NULL, c, FOLIO_PRESENT, NULL, &sel, err, sizeof err)) {
            int other = (c + 1) % ncols;
            check_count(t, &sel, other);
            check_crosstab(t, &sel, other, c);
            check_scale(t, &sel, other, 1, 5);
            if (nrows) {
                cell_value(t, nrows / 2, other, value, sizeof value);
                check_filter(t, &sel, other, value);
            }
            folio_rows_free(&sel);
        }
        folio_rows missing;
        folio_rows present;
        bool a = folio_table_filter(t, NULL, c, FOLIO_MISSING, NULL, &missing, err, sizeof err);
        bool b = folio_table_filter(t, NULL, c, FOLIO_PRESENT, NULL, &present, err, sizeof err);
        FUZZ_CHECK(a && b && missing.n + present.n == nrows);
        folio_rows_free(&missing);
        folio_rows_free(&present);
    }
}

static void load(const folio_inputspec *spec, const uint8_t *data, size_t size)
{
    folio_diag d;
    folio_diag_init(&d);
    d.quiet = true;
    folio_table *t = folio_table_load_text(spec, (const char *)data, size, &d);
    FUZZ_CHECK((t == NULL) == (d.errors > 0));
    for (size_t i = 0; i < d.n; i++) {
        char line[2048];
        folio_message_format(&d.items[i], line, sizeof line);
        FUZZ_CHECK(d.items[i].line >= 0 && d.items[i].col >= 0);
    }
    if (t)
        exercise(t, data, size);
    folio_table_free(t);
    folio_diag_free(&d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (int k = 0; k < 64; k++) {
        snprintf(generated_codes[k], sizeof generated_codes[k], "k%d", k);
        many_codes[k] = generated_codes[k];
    }
    int32_t from = folio_date_from_ymd(2026, 1, 1), to = folio_date_from_ymd(2026, 12, 31);
    for (int i = 0; i < 4; i++) {
        fixed[i].from = i == 2 ? FOLIO_DATE_NONE : from;
        fixed[i].to = to;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int i = 0; i < 4; i++)
        load(&fixed[i], data, size);
    made_up m;
    make_spec(&m, data, size);
    load(&m.spec, data, size);
    return 0;
}
