/* Unit tests of the data stage: CSV loading, validation, messages with file:line:col, the
 * period, and every table operation. Run from the repository root (fixtures in tests/data/csv). */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/diag.h"
#include "core/limits.h"
#include "core/util.h"
#include "data/table.h"
#include "data/table_internal.h"
#include "harness.h"
#include "smaps.h"

#define N(a) (sizeof(a) / sizeof *(a))

/* ---- helpers ---- */

static folio_table *load_text(const folio_inputspec *spec, const char *text, folio_diag *d)
{
    return folio_table_load_text(spec, text, strlen(text), d);
}

static void diag_quiet(folio_diag *d)
{
    folio_diag_init(d);
    d->quiet = true;
}

static void dump(const folio_diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  [%d:%d] %s\n", d->items[i].line, d->items[i].col, d->items[i].text);
}

/* The first message containing `text` (at `line`, if line >= 0), or NULL. */
static const folio_message *find_msg_at(const folio_diag *d, const char *text, int line)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->items[i].text, text) && (line < 0 || d->items[i].line == line))
            return &d->items[i];
    return NULL;
}

static const folio_message *find_msg(const folio_diag *d, const char *text)
{
    return find_msg_at(d, text, -1);
}

/* Checks that a message with exactly this text exists at file:line:col. */
#define CHECK_MSG(d, sev_, file_, line_, col_, text_)                                                        \
    do {                                                                                                     \
        const folio_message *m_ = find_msg_at((d), (text_), (line_));                                        \
        if (!m_)                                                                                             \
            m_ = find_msg((d), (text_));                                                                     \
        CHECK(m_ != NULL);                                                                                   \
        if (!m_)                                                                                             \
            dump(d);                                                                                         \
        if (m_) {                                                                                            \
            CHECK_STR(m_->text, (text_));                                                                    \
            CHECK_INT(m_->severity, (sev_));                                                                 \
            CHECK_STR(m_->file, (file_));                                                                    \
            CHECK_INT(m_->line, (line_));                                                                    \
            CHECK_INT(m_->col, (col_));                                                                      \
        }                                                                                                    \
    } while (0)

static size_t count_sev(const folio_diag *d, folio_severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += d->items[i].severity == sev;
    return n;
}

static size_t reason_count(const folio_table *t, const char *text)
{
    folio_table_stats st;
    folio_table_get_stats(t, &st);
    for (size_t i = 0; i < st.nreasons; i++)
        if (strcmp(st.reasons[i].text, text) == 0)
            return st.reasons[i].count;
    return 0;
}

/* "label=count label=count ... missing=N" for a count, to compare whole results at once. */
static void counts_str(const folio_counts *c, char *out, size_t size)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c->n && k < size; i++)
        k += (size_t)snprintf(out + k, size - k, "%s=%zu ", c->groups[i].label, c->groups[i].count);
    if (k < size)
        snprintf(out + k, size - k, "missing=%zu", c->missing);
}

static void count_by_str(const folio_table *t, const folio_rows *sel, const char *col, char *out, size_t size)
{
    folio_counts c;
    out[0] = '\0';
    if (!folio_table_count_by(t, sel, folio_table_column_index(t, col), &c)) {
        snprintf(out, size, "(failed)");
        return;
    }
    counts_str(&c, out, size);
    folio_counts_free(&c);
}

#define CHECK_COUNTS(t, sel, col, want)                                                                      \
    do {                                                                                                     \
        char got_[2048];                                                                                     \
        count_by_str((t), (sel), (col), got_, sizeof got_);                                                  \
        CHECK_STR(got_, (want));                                                                             \
    } while (0)

/* Rows of a selection as "0 2 3". */
static void rows_str(const folio_rows *r, char *out, size_t size)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r->n && k < size; i++)
        k += (size_t)snprintf(out + k, size - k, i ? " %u" : "%u", r->idx[i]);
}

static int32_t ymd(int y, int m, int d)
{
    return folio_date_from_ymd(y, m, d);
}

/* ---- the 4Pi contract, as a report would declare it ---- */

static const char *const ORG_TYPES[] = {"nhs_trust",       "voluntary",    "user_led",
                                        "local_authority", "commissioner", "other"};
static const char *const ROLES[] = {"service_user_or_carer", "involvement_lead", "manager", "clinician",
                                    "other"};
static const char *const SIGNED[] = {"yes", "no", "not_sure"};
static const char *const USE[] = {"not_using", "planning", "some_areas", "whole_organisation"};
static const char *const LEVELS[] = {"individual", "community", "services", "strategic"};
static const char *const DOMAINS[] = {"principles", "purpose", "presence", "process", "impact"};
static const char *const BENEFITS[] = {"self_esteem",        "individual_outcomes", "satisfaction",
                                       "choice_control",     "resilience",          "peer_support",
                                       "social_capital",     "quality_of_care",     "quality_of_life",
                                       "fewer_compulsory",   "staff_relationships", "provider_outcomes",
                                       "information_access", "inclusive_decisions", "staff_attitudes"};
static const char *const STATUS[] = {"active", "lapsed"};

#define CODES(a) .codes = a, .ncodes = N(a)
#define SCALE .type = FOLIO_INTEGER, .has_range = true, .min = 1, .max = 5

static const folio_colspec SURVEY_COLS[] = {
    {.name = "respondent_id", .type = FOLIO_TEXT},
    {.name = "submitted_at", .type = FOLIO_DATE},
    {.name = "organisation", .type = FOLIO_TEXT},
    {.name = "org_type", .type = FOLIO_CODE, CODES(ORG_TYPES)},
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
    {.name = "benefits_seen", .type = FOLIO_MULTI, CODES(BENEFITS)},
    {.name = "comments", .type = FOLIO_TEXT},
    {.name = "interview_ok", .type = FOLIO_YESNO},
};

static const folio_colspec INTERVIEW_COLS[] = {
    {.name = "interview_id", .type = FOLIO_TEXT},
    {.name = "interviewed_on", .type = FOLIO_DATE},
    {.name = "role", .type = FOLIO_CODE, CODES(ROLES)},
    {.name = "org_type", .type = FOLIO_CODE, CODES(ORG_TYPES)},
    {.name = "level", .type = FOLIO_CODE, CODES(LEVELS)},
    {.name = "domain", .type = FOLIO_CODE, CODES(DOMAINS)},
    {.name = "quote", .type = FOLIO_TEXT},
    {.name = "consent", .type = FOLIO_YESNO},
};

static const folio_colspec SIGNATORY_COLS[] = {
    {.name = "organisation", .type = FOLIO_TEXT},
    {.name = "org_type", .type = FOLIO_CODE, CODES(ORG_TYPES)},
    {.name = "region", .type = FOLIO_TEXT},
    {.name = "signed_up_on", .type = FOLIO_DATE},
    {.name = "status", .type = FOLIO_CODE, CODES(STATUS)},
};

static const folio_colspec BENEFIT_COLS[] = {
    {.name = "code", .type = FOLIO_TEXT},
    {.name = "level", .type = FOLIO_CODE, CODES(LEVELS)},
    {.name = "label", .type = FOLIO_TEXT},
};

static folio_table *load_4pi(const char *dir, const char *file, folio_diag *d)
{
    char path[256];
    snprintf(path, sizeof path, "tests/data/csv/%s/%s.csv", dir, file);
    folio_inputspec spec = {.name = file,
                            .path = path,
                            .period_rule = FOLIO_PERIOD_WITHIN,
                            .from = ymd(2026, 1, 1),
                            .to = ymd(2026, 12, 31)};
    if (strcmp(file, "survey") == 0) {
        spec.cols = SURVEY_COLS, spec.ncols = N(SURVEY_COLS);
        spec.date_col = "submitted_at", spec.key_col = "respondent_id";
    } else if (strcmp(file, "interviews") == 0) {
        spec.cols = INTERVIEW_COLS, spec.ncols = N(INTERVIEW_COLS);
        spec.date_col = "interviewed_on";
    } else if (strcmp(file, "signatories") == 0) {
        spec.cols = SIGNATORY_COLS, spec.ncols = N(SIGNATORY_COLS);
        spec.date_col = "signed_up_on", spec.period_rule = FOLIO_PERIOD_UNTIL;
    } else {
        spec.cols = BENEFIT_COLS, spec.ncols = N(BENEFIT_COLS);
        spec.key_col = "code", spec.period_rule = FOLIO_PERIOD_NONE;
    }
    return folio_table_load(&spec, d);
}

/* ---- loading ---- */

static const folio_colspec ID_NAME[] = {
    {.name = "id", .type = FOLIO_INTEGER},
    {.name = "name", .type = FOLIO_TEXT},
};

static void test_bom_crlf_blank_lines(void)
{
    folio_diag d;
    diag_quiet(&d);
    folio_inputspec spec = {.name = "t", .display_path = "t.csv", .cols = ID_NAME, .ncols = 2};
    folio_table *t = load_text(&spec, "\xEF\xBB\xBFid,name\r\n1,Alice\r\n\r\n   \r\n2,Bob\r\n", &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_row_count(t), 2);
    CHECK_INT(folio_table_row_line(t, 0), 2);
    CHECK_INT(folio_table_row_line(t, 1), 5);
    CHECK_STR(folio_table_get_text(t, 1, 1, NULL), "Bob");
    CHECK(folio_table_get_number(t, 1, 0) == 2);
    folio_table_stats st;
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rows_read, 2);
    CHECK_INT(st.rejected, 0);
    CHECK_INT(d.n, 0);
    CHECK_STR(folio_table_path(t), "t.csv");
    CHECK_STR(folio_table_name(t), "t");
    folio_table_free(t);

    /* a quoted header cell right after the byte-order mark, no final line break */
    t = load_text(&spec, "\xEF\xBB\xBF\"id\",\"name\"\n7,\"Zoë\"", &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_row_count(t), 1);
    CHECK_STR(folio_table_get_text(t, 0, 1, NULL), "Zoë");
    folio_table_free(t);
    folio_diag_free(&d);
}

static void test_shuffled_and_extra_columns(void)
{
    folio_diag d;
    diag_quiet(&d);
    folio_inputspec spec = {.name = "t", .path = "t.csv", .cols = ID_NAME, .ncols = 2};
    folio_table *t = load_text(&spec, "Notes, NAME ,extra,\"  Id \"\nx,Ann,y,10\n,Ben,,11\n", &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_column_count(t), 2);
    CHECK_INT(folio_table_column_index(t, "name"), 1);
    CHECK_INT(folio_table_column_index(t, "notes"), -1);
    CHECK_INT(folio_table_column_position(t, 0), 4);
    CHECK_INT(folio_table_column_position(t, 1), 2);
    CHECK_STR(folio_table_column_name(t, 0), "id");
    CHECK_INT(folio_table_column_type(t, 1), FOLIO_TEXT);
    CHECK_STR(folio_table_get_text(t, 0, 1, NULL), "Ann");
    CHECK(folio_table_get_number(t, 1, 0) == 11);
    CHECK_INT(d.n, 0);
    folio_table_free(t);
    folio_diag_free(&d);
}

static const char *const ABC[] = {"a", "b", "c"};

static void test_codes_case_and_spaces(void)
{
    folio_diag d;
    diag_quiet(&d);
    const folio_colspec cols[] = {{.name = "org_type", .type = FOLIO_CODE, CODES(ORG_TYPES)}};
    folio_inputspec spec = {.name = "t", .path = "t.csv", .cols = cols, .ncols = 1};
    folio_table *t = load_text(&spec,
                               "org_type\n NHS_Trust \nVOLUNTARY\n\" user_led \"\nOther\n"
                               "\"\tnhs_TRUST\"\n\n",
                               &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_row_count(t), 5);
    CHECK_INT(folio_table_get_code(t, 0, 0), 0);
    CHECK_INT(folio_table_get_code(t, 1, 0), 1);
    CHECK_INT(folio_table_get_code(t, 2, 0), 2);
    CHECK_INT(folio_table_get_code(t, 3, 0), 5);
    CHECK_INT(folio_table_get_code(t, 4, 0), 0);
    CHECK_STR(folio_table_get_text(t, 2, 0, NULL), "user_led");
    CHECK_COUNTS(t, NULL, "org_type",
                 "nhs_trust=2 voluntary=1 user_led=1 local_authority=0 commissioner=0 other=1 "
                 "missing=0");
    CHECK_INT(folio_table_find_code(t, 0, "  Commissioner "), 4);
    CHECK_INT(folio_table_find_code(t, 0, "nhs"), -1);
    CHECK_INT(folio_table_code_count(t, 0), 6);
    CHECK_STR(folio_table_code_name(t, 0, 3), "local_authority");
    CHECK(folio_table_code_name(t, 0, 6) == NULL);
    CHECK_INT(d.n, 0);
    folio_table_free(t);
    folio_diag_free(&d);
}

/* Quoted commas, doubled quotes and line breaks; line numbers after multi-line fields. */
static void test_quoted_fields_and_lines(void)
{
    folio_diag d;
    diag_quiet(&d);
    const folio_colspec cols[] = {
        {.name = "id", .type = FOLIO_TEXT},
        {.name = "comment", .type = FOLIO_TEXT},
        {.name = "n", .type = FOLIO_INTEGER},
    };
    folio_inputspec spec = {.name = "q", .display_path = "data/q.csv", .cols = cols, .ncols = 3};
    const char *text = "id,comment,n\n"               /* 1 */
                       "1,\"a, b\",1\n"               /* 2 */
                       "2,\"he said \"\"hi\"\"\",2\n" /* 3 */
                       "3,\"line one\nline two\n"     /* 4, 5 */
                       "line three\",3\n"             /* 6 */
                       "4,\"x\",oops\n"               /* 7: rejected */
                       "5,\"crlf\r\ninside\",5\r\n"   /* 8, 9 */
                       "6,plain,6\n"                  /* 10 */
                       "7,\"two\nlines\",\"4\n2\"\n"  /* 11-13: rejected, cell starts on 12 */
                       "8,\"\",8\n";                  /* 14 */
    folio_table *t = load_text(&spec, text, &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_row_count(t), 6);
    CHECK_STR(folio_table_get_text(t, 0, 1, NULL), "a, b");
    CHECK_STR(folio_table_get_text(t, 1, 1, NULL), "he said \"hi\"");
    CHECK_STR(folio_table_get_text(t, 2, 1, NULL), "line one\nline two\nline three");
    CHECK_STR(folio_table_get_text(t, 3, 1, NULL), "crlf\r\ninside");
    size_t len = 99;
    CHECK(folio_table_get_text(t, 5, 1, &len) == NULL);
    CHECK_INT(len, 0);
    CHECK(folio_table_is_missing(t, 5, 1));
    CHECK_INT(folio_table_row_line(t, 0), 2);
    CHECK_INT(folio_table_row_line(t, 1), 3);
    CHECK_INT(folio_table_row_line(t, 2), 4);
    CHECK_INT(folio_table_row_line(t, 3), 8);
    CHECK_INT(folio_table_row_line(t, 4), 10);
    CHECK_INT(folio_table_row_line(t, 5), 14);
    CHECK_INT(count_sev(&d, FOLIO_WARNING), 2);
    CHECK_MSG(&d, FOLIO_WARNING, "data/q.csv", 7, 3,
              "n not a whole number: \"oops\"; expected a whole number; row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "data/q.csv", 12, 3,
              "n not a whole number: \"4 2\"; expected a whole number; row rejected");
    folio_table_stats st;
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rows_read, 8);
    CHECK_INT(st.rows_used, 6);
    CHECK_INT(st.rejected, 2);
    folio_table_free(t);
    folio_diag_free(&d);
}

static void test_missing_columns(void)
{
    folio_diag d;
    diag_quiet(&d);
    const folio_colspec cols[] = {
        {.name = "org_type", .header = "Organisation type", .type = FOLIO_CODE, CODES(ORG_TYPES)},
        {.name = "region", .type = FOLIO_TEXT},
        {.name = "role", .type = FOLIO_CODE, CODES(ROLES), .optional = true},
        {.name = "id", .type = FOLIO_TEXT},
        {.name = "when", .header = "when", .type = FOLIO_DATE},
    };
    folio_inputspec spec = {.name = "s",
                            .path = "/nonexistent/s.csv",
                            .display_path = "data/s.csv",
                            .cols = cols,
                            .ncols = N(cols)};
    folio_table *t = load_text(&spec, "id,org_type\n1,nhs_trust\n", &d);
    CHECK(t == NULL);
    CHECK_INT(d.errors, 3);
    CHECK_MSG(&d, FOLIO_ERROR, "data/s.csv", 1, 0,
              "missing column \"Organisation type\" (needed for org_type)");
    CHECK_MSG(&d, FOLIO_ERROR, "data/s.csv", 1, 0, "missing column \"region\"");
    CHECK_MSG(&d, FOLIO_ERROR, "data/s.csv", 1, 0, "missing column \"when\"");
    CHECK(find_msg(&d, "role") == NULL);
    folio_diag_free(&d);

    /* an optional column may be absent: all its cells are missing */
    diag_quiet(&d);
    t = load_text(&spec, "WHEN,organisation type,Region,id\n2025-01-01,Other,Wales,9\n", &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_column_position(t, 2), 0);
    CHECK(folio_table_is_missing(t, 0, 2));
    CHECK_INT(folio_table_get_code(t, 0, 2), -1);
    CHECK_INT(folio_table_get_code(t, 0, 0), 5);
    CHECK_COUNTS(t, NULL, "role",
                 "service_user_or_carer=0 involvement_lead=0 manager=0 clinician=0 other=0 missing=1");
    folio_table_free(t);
    folio_diag_free(&d);

    /* a needed column given twice */
    diag_quiet(&d);
    t = load_text(&spec, "when,Organisation Type,region,id,ID\n2025-01-01,other,x,1,2\n", &d);
    CHECK(t == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "data/s.csv", 1, 5, "duplicate column \"ID\" (also column 4)");
    folio_diag_free(&d);
}

static void test_broken_csv(void)
{
    folio_diag d;
    folio_inputspec spec = {.name = "b", .display_path = "b.csv", .cols = ID_NAME, .ncols = 2};

    diag_quiet(&d);
    CHECK(load_text(&spec, "id,name\n1,ok\n2,\"broken\n3,x\n", &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "b.csv", 3, 3, "unterminated quoted field");
    CHECK_INT(d.errors, 1);
    folio_diag_free(&d);

    /* a doubled quote and a line break inside the field do not hide where it opened */
    diag_quiet(&d);
    CHECK(load_text(&spec, "id,name\n1,\"ok\"\n2,  \"ab\"\"cd\nmore\nlast\n", &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "b.csv", 3, 5, "unterminated quoted field");
    folio_diag_free(&d);

    /* a field that closes on a later line, then another that never does */
    diag_quiet(&d);
    CHECK(load_text(&spec, "id,name\n1,\"a\nb\",\"c\nd\n", &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "b.csv", 3, 4, "unterminated quoted field");
    folio_diag_free(&d);

    diag_quiet(&d);
    CHECK(load_text(&spec, "id,name\n1,ok\n2,ab\"c\n", &d) == NULL);
    const folio_message *m = find_msg(&d, "malformed CSV: ");
    CHECK(m != NULL);
    if (m) {
        CHECK(strncmp(m->text, "malformed CSV: quote inside an unquoted field", 45) == 0);
        CHECK_INT(m->line, 3);
        CHECK_INT(m->col, 5);
    }
    folio_diag_free(&d);

    /* columns count characters, not bytes */
    diag_quiet(&d);
    CHECK(load_text(&spec, "id,name\n1,\"é\"x\n", &d) == NULL);
    m = find_msg(&d, "malformed CSV: ");
    CHECK(m != NULL);
    if (m) {
        CHECK(strncmp(m->text, "malformed CSV: unexpected text after a closing quote", 52) == 0);
        CHECK_INT(m->line, 2);
        CHECK_INT(m->col, 6);
    }
    folio_diag_free(&d);

    /* empty input */
    diag_quiet(&d);
    CHECK(load_text(&spec, "", &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "b.csv", 0, 0, "empty file: expected a header row");
    folio_diag_free(&d);
    diag_quiet(&d);
    CHECK(load_text(&spec, "\xEF\xBB\xBF\r\n\n", &d) == NULL);
    CHECK(find_msg(&d, "empty file: expected a header row") != NULL);
    folio_diag_free(&d);

    /* a header and no rows is a good, empty table */
    diag_quiet(&d);
    folio_table *t = load_text(&spec, "name,id\n", &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_row_count(t), 0);
    CHECK_INT(d.n, 0);
    folio_table_free(t);
    folio_diag_free(&d);
}

static void test_field_too_large(void)
{
    folio_diag d;
    diag_quiet(&d);
    folio_inputspec spec = {.name = "big", .display_path = "big.csv", .cols = ID_NAME, .ncols = 2};
    size_t n = FOLIO_MAX_FIELD_BYTES + 100;
    char *text = xmalloc(n + 64);
    size_t k = (size_t)sprintf(text, "id,name\n1,ok\n2,\"");
    memset(text + k, 'x', n);
    strcpy(text + k + n, "\"\n");
    CHECK(folio_table_load_text(&spec, text, strlen(text), &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "big.csv", 3, 3,
              "quoted field too large (more than 16 MiB): is its closing quote missing?");
    CHECK_INT(d.errors, 1);
    folio_diag_free(&d);

    /* unquoted: at the field */
    diag_quiet(&d);
    k = (size_t)sprintf(text, "id,name\n1,ok\n2,");
    memset(text + k, 'x', n);
    strcpy(text + k + n, "\n");
    CHECK(folio_table_load_text(&spec, text, strlen(text), &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "big.csv", 3, 2, "field too large (more than 16 MiB)");
    folio_diag_free(&d);

    /* a quote that never closes, on line 3 after "2,": every later line joins the field */
    diag_quiet(&d);
    k = (size_t)sprintf(text, "id,name\n1,ok\n2,\"x\n");
    for (size_t i = 0; k + 8 < n; i++)
        k += (size_t)sprintf(text + k, "%zu,y\n", i % 10);
    CHECK(folio_table_load_text(&spec, text, k, &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "big.csv", 3, 3,
              "quoted field too large (more than 16 MiB): is its closing quote missing?");
    CHECK_INT(d.errors, 1);
    free(text);
    folio_diag_free(&d);
}

/* Invalid UTF-8 or a NUL byte in a needed cell rejects its row, with the bytes shown escaped;
 * in a column the report does not read they are ignored. A UTF-16 file is an error. */
static void test_bad_text(void)
{
    const folio_colspec cols[] = {
        {.name = "id", .type = FOLIO_INTEGER},
        {.name = "name", .type = FOLIO_TEXT},
        {.name = "kind", .type = FOLIO_CODE, .codes = ABC, .ncodes = 2},
    };
    folio_inputspec spec = {.name = "u", .display_path = "u.csv", .cols = cols, .ncols = 3};
    static const char text[] = "id,name,kind,other\n"
                               "1,caf\xC3\xA9,a,\xFF\n"   /* 2 used: bad bytes only in an unread column */
                               "2,caf\xE9,a,x\n"          /* 3 Latin-1 */
                               "3,ok,b\xC0\xAF,x\n"       /* 4 an overlong '/' in a code */
                               "4,\xED\xA0\x80,a,x\n"     /* 5 a UTF-16 surrogate */
                               "5,\xF4\x90\x80\x80,a,x\n" /* 6 past U+10FFFF */
                               "6,ab\xE2\x82,a,x\n"       /* 7 a cut sequence */
                               "7,\"N\0L\",a,x\n"         /* 8 a NUL byte */
                               "8,\xF0\x9F\x98\x80 \xE2\x82\xAC,b,x\n"; /* 9 used: 4- and 3-byte */
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = folio_table_load_text(&spec, text, sizeof text - 1, &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_row_count(t), 2);
    CHECK_STR(folio_table_get_text(t, 0, 1, NULL), "caf\xC3\xA9");
    CHECK_STR(folio_table_get_text(t, 1, 1, NULL), "\xF0\x9F\x98\x80 \xE2\x82\xAC");
    CHECK_INT(reason_count(t, "invalid UTF-8 in name"), 4);
    CHECK_INT(reason_count(t, "invalid UTF-8 in kind"), 1);
    CHECK_INT(reason_count(t, "NUL byte in name"), 1);
    CHECK_MSG(
        &d, FOLIO_WARNING, "u.csv", 3, 2,
        "invalid UTF-8 in name: \"caf\\xE9\"; expected UTF-8 text (save the file as UTF-8); row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "u.csv", 4, 3,
              "invalid UTF-8 in kind: \"b\\xC0\\xAF\"; expected UTF-8 text (save the file as UTF-8); row "
              "rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "u.csv", 7, 2,
              "invalid UTF-8 in name: \"ab\\xE2\\x82\"; expected UTF-8 text (save the file as UTF-8); row "
              "rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "u.csv", 8, 2,
              "NUL byte in name: \"N\\0L\"; expected text without NUL bytes; row rejected");
    folio_table_free(t);
    folio_diag_free(&d);

    /* the checker itself, at every offset of an eight-byte word */
    static const char clean[] = "0123456789abcdef\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80xyz";
    CHECK_INT(folio_cell_text_check(clean, sizeof clean - 1), sizeof clean - 1);
    for (size_t at = 0; at < 20; at++) {
        char buf[32];
        memset(buf, 'a', sizeof buf);
        buf[at] = '\0';
        CHECK_INT(folio_cell_text_check(buf, sizeof buf), at);
        buf[at] = (char)0x80;
        CHECK_INT(folio_cell_text_check(buf, sizeof buf), at);
    }

    /* UTF-16, either byte order */
    diag_quiet(&d);
    CHECK(folio_table_load_text(&spec, "\xFF\xFEi\0d\0", 6, &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "u.csv", 1, 1, "the file is UTF-16 text; save it as CSV in UTF-8");
    CHECK_INT(d.errors, 1);
    folio_diag_free(&d);
    diag_quiet(&d);
    CHECK(folio_table_load_text(&spec, "\xFE\xFF\0i\0d", 6, &d) == NULL);
    CHECK_INT(d.errors, 1);
    folio_diag_free(&d);

    /* a value past the header's fields is shown escaped too */
    diag_quiet(&d);
    t = load_text(&spec, "id,name,kind\n9,x,a,\xFF\n", &d);
    CHECK(t != NULL);
    CHECK_MSG(&d, FOLIO_WARNING, "u.csv", 2, 4,
              "too many fields: \"\\xFF\"; expected at most 3 fields, as in the header; row rejected");
    folio_table_free(t);
    folio_diag_free(&d);
}

static void test_files(void)
{
    folio_diag d;
    diag_quiet(&d);
    folio_inputspec spec = {.name = "f",
                            .path = "tests/data/csv/no-such-file.csv",
                            .display_path = "data/no-such-file.csv",
                            .cols = ID_NAME,
                            .ncols = 2};
    CHECK(folio_table_load(&spec, &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "data/no-such-file.csv", 0, 0, "cannot open: No such file or directory");
    folio_diag_free(&d);

    diag_quiet(&d);
    spec.path = "tests/data/csv";
    spec.display_path = NULL;
    CHECK(folio_table_load(&spec, &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "tests/data/csv", 0, 0, "cannot read: Is a directory");
    folio_diag_free(&d);

    diag_quiet(&d);
    spec.path = "tests/data/csv/empty.csv";
    CHECK(folio_table_load(&spec, &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "tests/data/csv/empty.csv", 0, 0, "empty file: expected a header row");
    folio_diag_free(&d);
}

/* Lines that cross the 64 KiB reads, multi-line fields across them, an error after them. */
static void test_chunk_boundaries(void)
{
    char path[] = "/tmp/folio-test-table-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    FILE *f = fdopen(fd, "w");
    fputs("id,name\n", f);
    int line = 2, rows = 0, multi_rows = 0;
    int lines[4000];
    for (int i = 0; i < 4000; i++) {
        lines[i] = line;
        if (i % 7 == 3) {
            fprintf(f, "%d,\"row %d\nsecond line, \"\"quoted\"\"\r\nthird\"\n", i, i);
            line += 3;
            multi_rows++;
        } else {
            fprintf(f, "%d,name number %d with some padding to make lines longer\r\n", i, i);
            line += 1;
        }
        rows++;
    }
    fprintf(f, "4000,\"never closed\nand more\n");
    fclose(f);

    folio_diag d;
    diag_quiet(&d);
    folio_inputspec spec = {.name = "c", .path = path, .display_path = "c.csv", .cols = ID_NAME, .ncols = 2};
    CHECK(folio_table_load(&spec, &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "c.csv", line, 6, "unterminated quoted field");
    folio_diag_free(&d);

    /* the same file without its last, broken row */
    f = fopen(path, "r+");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    CHECK(truncate(path, size - (long)strlen("4000,\"never closed\nand more\n")) == 0);
    diag_quiet(&d);
    folio_table *t = folio_table_load(&spec, &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_row_count(t), rows);
    bool lines_ok = true, text_ok = true;
    for (int i = 0; t && i < rows; i++) {
        lines_ok &= folio_table_row_line(t, (size_t)i) == lines[i];
        char want[128];
        if (i % 7 == 3)
            snprintf(want, sizeof want, "row %d\nsecond line, \"quoted\"\r\nthird", i);
        else
            snprintf(want, sizeof want, "name number %d with some padding to make lines longer", i);
        const char *got = folio_table_get_text(t, (size_t)i, 1, NULL);
        text_ok &= got && strcmp(got, want) == 0;
    }
    CHECK(lines_ok);
    CHECK(text_ok);
    CHECK(multi_rows > 500);
    folio_table_free(t);
    folio_diag_free(&d);
    unlink(path);
}

/* Every reason, its exact text and count, and the warning for each at file:line:col. */
static void test_rejections(void)
{
    const folio_colspec cols[] = {
        {.name = "id", .type = FOLIO_TEXT},
        {.name = "when", .type = FOLIO_DATE},
        {.name = "kind", .type = FOLIO_CODE, .codes = ABC, .ncodes = 2},
        {.name = "ok", .type = FOLIO_YESNO},
        {.name = "score", SCALE},
        {.name = "amount", .type = FOLIO_NUMBER},
        {.name = "note", .type = FOLIO_TEXT, .required_value = true},
    };
    folio_inputspec spec = {.name = "r",
                            .display_path = "r.csv",
                            .cols = cols,
                            .ncols = N(cols),
                            .date_col = "when",
                            .key_col = "id",
                            .period_rule = FOLIO_PERIOD_NONE};
    const char *text = "id,when,kind,ok,score,amount,note\n" /* 1 */
                       "r1,2025-01-02,a,yes,3,1.5,x\n"       /* 2 used */
                       "r2,2025-13-01,a,yes,3,1.5,x\n"       /* 3 bad date */
                       "r3,2025-01-02,c,yes,3,1.5,x\n"       /* 4 unknown kind */
                       "r4,2025-01-02,a,maybe,3,1.5,x\n"     /* 5 bad yes/no */
                       "r5,2025-01-02,a,yes,3.5,1.5,x\n"     /* 6 not whole */
                       "r6,2025-01-02,a,yes,9,1.5,x\n"       /* 7 out of range */
                       "r7,2025-01-02,a,yes,3,1.5.1,x\n"     /* 8 not a number */
                       "r8,2025-01-02,a,yes,3,1.5,  \n"      /* 9 empty note */
                       "r1,2025-01-02,b,no,4,2,y\n"          /* 10 duplicate */
                       "r9,2025-01-02,a,yes,3,1.5,x,extra\n" /* 11 too many fields */
                       "r10,2025-01-02,c,maybe,9,x,\n"       /* 12 unknown kind (first) */
                       "r11,,c,yes,3,1,x\n"                  /* 13 bad date (date first) */
                       "r12,2025-01-03,b,no\n"               /* 14 short: empty note */
                       ",2025-01-04,B,N,5,-2e1,z\n"          /* 15 used: a missing key */
                       ",2025-01-04,b,TRUE,1,+.5,z\n";       /* 16 used */
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = load_text(&spec, text, &d);
    CHECK(t != NULL);
    folio_table_stats st;
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rows_read, 15);
    CHECK_INT(st.rows_used, 3);
    CHECK_INT(st.rejected, 12);
    CHECK_INT(st.out_of_period, 0);
    CHECK_INT(st.nreasons, 9);
    const char *order[] = {"bad date in when",
                           "empty note",
                           "unknown kind",
                           "amount not a number",
                           "bad yes/no in ok",
                           "duplicate id",
                           "score not a whole number",
                           "score out of range 1-5",
                           "too many fields"};
    const size_t counts[] = {2, 2, 2, 1, 1, 1, 1, 1, 1};
    for (size_t i = 0; i < st.nreasons && i < N(order); i++) {
        CHECK_STR(st.reasons[i].text, order[i]);
        CHECK_INT(st.reasons[i].count, counts[i]);
    }
    CHECK_INT(d.warnings, 12);
    CHECK_INT(d.errors, 0);
    CHECK_MSG(&d, FOLIO_WARNING, "r.csv", 3, 2,
              "bad date in when: \"2025-13-01\"; expected a date YYYY-MM-DD; row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "r.csv", 4, 3, "unknown kind: \"c\"; expected one of a, b; row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "r.csv", 5, 4,
              "bad yes/no in ok: \"maybe\"; expected yes or no; row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "r.csv", 6, 5,
              "score not a whole number: \"3.5\"; expected a whole number from 1 to 5; row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "r.csv", 7, 5,
              "score out of range 1-5: \"9\"; expected a whole number from 1 to 5; row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "r.csv", 8, 6,
              "amount not a number: \"1.5.1\"; expected a number; row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "r.csv", 9, 7, "empty note: \"\"; expected a value; row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "r.csv", 10, 1,
              "duplicate id: \"r1\"; expected a value not used before (line 2 has it); row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "r.csv", 11, 8,
              "too many fields: \"extra\"; expected at most 7 fields, as in the header; row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "r.csv", 12, 3, "unknown kind: \"c\"; expected one of a, b; row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "r.csv", 13, 2,
              "bad date in when: \"\"; expected a date YYYY-MM-DD; row rejected");
    CHECK_MSG(&d, FOLIO_WARNING, "r.csv", 14, 7, "empty note: \"\"; expected a value; row rejected");
    /* the rows kept */
    CHECK_INT(folio_table_row_line(t, 0), 2);
    CHECK_INT(folio_table_row_line(t, 1), 15);
    CHECK(folio_table_is_missing(t, 1, 0));
    CHECK_INT(folio_table_get_code(t, 1, 2), 1);
    CHECK_INT(folio_table_get_yesno(t, 1, 3), 0);
    CHECK_INT(folio_table_get_yesno(t, 2, 3), 1);
    CHECK(folio_table_get_number(t, 1, 5) == -20);
    CHECK(folio_table_get_number(t, 2, 5) == 0.5);
    CHECK(folio_table_get_number(t, 2, 4) == 1);
    CHECK_INT(folio_table_get_date(t, 0, 1), ymd(2025, 1, 2));
    CHECK_INT(st.first_date, ymd(2025, 1, 2));
    CHECK_INT(st.last_date, ymd(2025, 1, 4));
    folio_table_free(t);
    folio_diag_free(&d);

    /* strict mode is the caller's business: the warnings are the same, and they fail the run */
    diag_quiet(&d);
    d.strict = true;
    t = load_text(&spec, text, &d);
    CHECK(t != NULL);
    CHECK(folio_diag_failed(&d));
    folio_table_free(t);
    folio_diag_free(&d);
}

static void test_warning_limit(void)
{
    folio_diag d;
    diag_quiet(&d);
    const folio_colspec cols[] = {
        {.name = "n", .type = FOLIO_INTEGER},
        {.name = "comment", .type = FOLIO_TEXT},
    };
    folio_inputspec spec = {.name = "w", .display_path = "w.csv", .cols = cols, .ncols = 2};
    folio_buf b = {0};
    folio_buf_puts(&b, "n,comment\n");
    for (int i = 0; i < 25; i++)
        folio_buf_printf(&b, "x%d,fine\n", i);
    folio_buf_puts(&b, "\"a value far longer than forty bytes, in ünïcödé, to be cut\",y\n");
    folio_buf_puts(&b, "7,ok\n");
    folio_table *t = folio_table_load_text(&spec, b.data, b.len, &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_row_count(t), 1);
    CHECK_INT(d.warnings, FOLIO_MAX_WARNINGS_SHOWN + 1);
    CHECK_MSG(&d, FOLIO_WARNING, "w.csv", 0, 0, "6 more rows rejected (not shown)");
    CHECK_STR(d.items[FOLIO_MAX_WARNINGS_SHOWN].text, "6 more rows rejected (not shown)");
    CHECK_INT(reason_count(t, "n not a whole number"), 26);
    folio_table_free(t);
    folio_diag_free(&d);

    /* a long value is cut at 40 bytes, on a character boundary */
    diag_quiet(&d);
    t = load_text(&spec, "n,comment\n\"a value far longer than forty bytes, in ünïcödé\",y\n", &d);
    CHECK(t != NULL);
    CHECK_MSG(&d, FOLIO_WARNING, "w.csv", 2, 1,
              "n not a whole number: \"a value far longer than forty bytes, in ...\"; expected a "
              "whole number; row rejected");
    folio_table_free(t);
    folio_diag_free(&d);
    diag_quiet(&d);
    t = load_text(&spec, "n,comment\n\"a value far longer than forty bytes, xxüü\",y\n", &d);
    CHECK(t != NULL);
    CHECK_MSG(&d, FOLIO_WARNING, "w.csv", 2, 1,
              "n not a whole number: \"a value far longer than forty bytes, xx...\"; expected a "
              "whole number; row rejected");
    folio_table_free(t);
    folio_diag_free(&d);
    folio_buf_free(&b);
}

/* The `columns` map (header differs from name) and the `values` map. */
static void test_maps(void)
{
    static const char *const org_from[] = {"NHS", " Charity "};
    static const char *const org_to[] = {"nhs_trust", "voluntary"};
    static const char *const agree_from[] = {"Agree", "disagree"};
    static const char *const agree_to[] = {"yes", "no"};
    static const char *const lev_from[] = {"me", "Board"};
    static const char *const lev_to[] = {"individual", "strategic"};
    const folio_colspec cols[] = {
        {.name = "org_type",
         .header = "Type of organisation",
         .type = FOLIO_CODE,
         CODES(ORG_TYPES),
         .map_from = org_from,
         .map_to = org_to,
         .nmap = 2},
        {.name = "agree",
         .header = "Do you agree?",
         .type = FOLIO_YESNO,
         .map_from = agree_from,
         .map_to = agree_to,
         .nmap = 2},
        {.name = "levels",
         .type = FOLIO_MULTI,
         CODES(LEVELS),
         .map_from = lev_from,
         .map_to = lev_to,
         .nmap = 2},
    };
    folio_inputspec spec = {.name = "m", .display_path = "m.csv", .cols = cols, .ncols = N(cols)};
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = load_text(&spec,
                               "\"Do you agree?\",levels,TYPE OF ORGANISATION\n"
                               "Agree,ME; services ;bogus,nhs\n"
                               "DISAGREE,,charity\n"
                               "no,board,User_Led\n"
                               "maybe,,other\n",
                               &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_row_count(t), 3);
    CHECK_INT(folio_table_get_code(t, 0, 0), 0);
    CHECK_INT(folio_table_get_code(t, 1, 0), 1);
    CHECK_INT(folio_table_get_code(t, 2, 0), 2);
    CHECK_INT(folio_table_get_yesno(t, 0, 1), 1);
    CHECK_INT(folio_table_get_yesno(t, 1, 1), 0);
    CHECK_STR(folio_table_get_text(t, 1, 1, NULL), "no");
    CHECK(folio_table_get_multi(t, 0, 2) == 0x5u); /* individual, services; bogus ignored */
    CHECK(folio_table_is_missing(t, 1, 2));
    CHECK(folio_table_get_multi(t, 2, 2) == 0x8u);
    CHECK_MSG(&d, FOLIO_WARNING, "m.csv", 5, 1,
              "bad yes/no in agree: \"maybe\"; expected yes or no; row rejected");
    folio_table_free(t);
    folio_diag_free(&d);
}

static void test_period(void)
{
    const folio_colspec cols[] = {
        {.name = "when", .type = FOLIO_DATE},
        {.name = "kind", .type = FOLIO_CODE, .codes = ABC, .ncodes = 3},
    };
    const char *text = "when,kind\n"
                       "2025-03-31,a\n"
                       "2025-04-01,a\n"
                       "2026-03-31T23:59:59Z,b\n"
                       "2026-04-01,zzz\n" /* out of the period: not validated, not rejected */
                       "2024-12-01T10:00:00+01:00,c\n"
                       "not a date,a\n";
    folio_inputspec spec = {.name = "p",
                            .display_path = "p.csv",
                            .cols = cols,
                            .ncols = 2,
                            .date_col = "when",
                            .period_rule = FOLIO_PERIOD_WITHIN,
                            .from = ymd(2025, 4, 1),
                            .to = ymd(2026, 3, 31)};
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = load_text(&spec, text, &d);
    folio_table_stats st;
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rows_read, 6);
    CHECK_INT(st.rows_used, 2);
    CHECK_INT(st.out_of_period, 3);
    CHECK_INT(st.rejected, 1);
    CHECK_INT(reason_count(t, "bad date in when"), 1);
    CHECK_INT(st.first_date, ymd(2025, 4, 1));
    CHECK_INT(st.last_date, ymd(2026, 3, 31));
    CHECK_INT(folio_table_row_line(t, 0), 3);
    folio_table_free(t);
    folio_diag_free(&d);

    /* UNTIL: everything up to the end of the period */
    diag_quiet(&d);
    spec.period_rule = FOLIO_PERIOD_UNTIL;
    t = load_text(&spec, text, &d);
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rows_used, 4);
    CHECK_INT(st.out_of_period, 1);
    CHECK_INT(st.first_date, ymd(2024, 12, 1));
    folio_table_free(t);
    folio_diag_free(&d);

    /* NONE: the date does not filter, but must still be a date; "zzz" is now rejected */
    diag_quiet(&d);
    spec.period_rule = FOLIO_PERIOD_NONE;
    t = load_text(&spec, text, &d);
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rows_used, 4);
    CHECK_INT(st.out_of_period, 0);
    CHECK_INT(st.rejected, 2);
    CHECK_INT(reason_count(t, "unknown kind"), 1);
    folio_table_free(t);
    folio_diag_free(&d);

    /* open bounds */
    diag_quiet(&d);
    spec.period_rule = FOLIO_PERIOD_WITHIN;
    spec.from = FOLIO_DATE_NONE;
    spec.to = ymd(2025, 12, 31);
    t = load_text(&spec, text, &d);
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rows_used, 3);
    CHECK_INT(st.out_of_period, 2);
    folio_table_free(t);
    folio_diag_free(&d);
    diag_quiet(&d);
    spec.from = ymd(2026, 1, 1);
    spec.to = FOLIO_DATE_NONE;
    t = load_text(&spec, text, &d);
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rows_used, 1);
    CHECK_INT(st.out_of_period, 3);
    CHECK_INT(st.rejected, 2);
    folio_table_free(t);
    folio_diag_free(&d);

    /* no usable rows: no dates */
    diag_quiet(&d);
    t = load_text(&spec, "when,kind\n", &d);
    folio_table_get_stats(t, &st);
    CHECK_INT(st.first_date, FOLIO_DATE_NONE);
    CHECK_INT(st.last_date, FOLIO_DATE_NONE);
    folio_table_free(t);
    folio_diag_free(&d);
}

/* The previous period's rows, kept in the same pass: text, fixed and interned codes (translated
 * to the second table's own dictionary), boundaries, bad rows, and an "until" input. */
static void test_previous_period(void)
{
    const folio_colspec cols[] = {
        {.name = "when", .type = FOLIO_DATE}, {.name = "kind", .type = FOLIO_CODE, .codes = ABC, .ncodes = 3},
        {.name = "tag", .type = FOLIO_CODE},  {.name = "tags", .type = FOLIO_MULTI},
        {.name = "note", .type = FOLIO_TEXT}, {.name = "n", .type = FOLIO_INTEGER},
    };
    const char *text = "when,kind,tag,tags,note,n\n"
                       "2025-04-01,a,new,x;y,first of this year,1\n"
                       "2025-03-31,b,old,y;z,last of the year before,2\n"
                       "2024-04-01,c,older,,first of the year before,3\n"
                       "2024-03-31,a,oldest,x,two years ago,4\n"
                       "2024-06-01,zzz,bad,,a bad code the year before,5\n"
                       "2025-05-01,b,new,z,,6\n";
    folio_inputspec spec = {.name = "p",
                            .display_path = "p.csv",
                            .cols = cols,
                            .ncols = 6,
                            .date_col = "when",
                            .period_rule = FOLIO_PERIOD_WITHIN,
                            .from = ymd(2025, 4, 1),
                            .to = ymd(2026, 3, 31),
                            .has_previous = true,
                            .prev_from = ymd(2024, 4, 1),
                            .prev_to = ymd(2025, 3, 31),
                            .keep_previous = true};
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = load_text(&spec, text, &d);
    CHECK(d.warnings == 0); /* the bad row is the year before's: no warning */
    folio_table_stats st;
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rows_used, 2);
    CHECK_INT(st.out_of_period, 4);
    CHECK_INT(st.rejected, 0);
    CHECK(st.counts_previous);
    CHECK_INT(st.previous_used, 2);
    int tag = folio_table_column_index(t, "tag"), tags = folio_table_column_index(t, "tags");
    CHECK_INT(folio_table_code_count(t, tag), 1); /* "new" only: the year before's codes were taken back */
    folio_table *p = folio_table_previous(t);
    CHECK(p != NULL);
    folio_table_get_stats(p, &st);
    CHECK_INT(st.rows_used, 2);
    CHECK_INT(st.rejected, 1);
    CHECK_INT(st.first_date, ymd(2024, 4, 1));
    CHECK_INT(st.last_date, ymd(2025, 3, 31));
    CHECK_INT(folio_table_row_line(p, 0), 3);
    size_t len;
    CHECK_STR(folio_table_get_text(p, 0, folio_table_column_index(p, "note"), &len),
              "last of the year before");
    CHECK_STR(folio_table_get_text(p, 1, folio_table_column_index(p, "note"), &len),
              "first of the year before");
    CHECK_STR(folio_table_get_text(t, 0, folio_table_column_index(t, "note"), &len), "first of this year");
    CHECK(folio_table_get_text(t, 1, folio_table_column_index(t, "note"), &len) == NULL);
    CHECK_STR(folio_table_code_name(p, 1, (size_t)folio_table_get_code(p, 0, 1)), "b");
    CHECK_STR(folio_table_code_name(p, tag, (size_t)folio_table_get_code(p, 0, tag)), "old");
    CHECK_STR(folio_table_code_name(p, tag, (size_t)folio_table_get_code(p, 1, tag)), "older");
    CHECK_INT(folio_table_code_count(p, tag), 2);
    uint64_t m = folio_table_get_multi(p, 0, tags); /* y;z in the second table's own dictionary */
    CHECK_INT(folio_table_code_count(p, tags), 2);
    CHECK(m == 3);
    CHECK_STR(folio_table_code_name(p, tags, 0), "y");
    CHECK(folio_table_is_missing(p, 1, tags));
    CHECK(folio_table_get_number(p, 1, folio_table_column_index(p, "n")) == 3);
    folio_table_free(t);
    folio_diag_free(&d);

    /* UNTIL: the year before is everything up to its end (rows in both tables) */
    diag_quiet(&d);
    spec.period_rule = FOLIO_PERIOD_UNTIL;
    t = load_text(&spec, text, &d);
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rows_used, 5);
    CHECK_INT(st.rejected, 1);
    CHECK_INT(st.previous_used, 3);
    folio_table_get_stats(folio_table_previous(t), &st);
    CHECK_INT(st.rows_used, 3);
    CHECK_INT(st.first_date, ymd(2024, 3, 31));
    folio_table_free(t);
    folio_diag_free(&d);

    /* counted but not kept; and nothing at all without a previous period */
    diag_quiet(&d);
    spec.period_rule = FOLIO_PERIOD_WITHIN;
    spec.keep_previous = false;
    t = load_text(&spec, text, &d);
    folio_table_get_stats(t, &st);
    CHECK_INT(st.previous_used, 2);
    CHECK(folio_table_previous(t) == NULL);
    folio_table_free(t);
    folio_diag_free(&d);
    diag_quiet(&d);
    spec.has_previous = false;
    spec.keep_previous = true;
    t = load_text(&spec, text, &d);
    folio_table_get_stats(t, &st);
    CHECK(!st.counts_previous);
    CHECK_INT(st.previous_used, 0);
    CHECK(folio_table_previous(t) == NULL);
    folio_table_free(t);
    folio_diag_free(&d);
}

static void test_interned_codes_and_keys(void)
{
    const folio_colspec cols[] = {
        {.name = "id", .type = FOLIO_INTEGER},
        {.name = "group", .type = FOLIO_CODE},
        {.name = "tags", .type = FOLIO_MULTI},
        {.name = "n", .type = FOLIO_INTEGER},
    };
    folio_inputspec spec = {.name = "i", .display_path = "i.csv", .cols = cols, .ncols = 4, .key_col = "id"};
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = load_text(&spec,
                               "id,group,tags,n\n"
                               "1,B,x;Y,1\n"
                               "2, a ,y,2\n"
                               "3,Zed,new,oops\n" /* rejected: zed and new are forgotten */
                               "4,b,,3\n"
                               "1.0,c,x,4\n" /* 1.0 is not a whole number */
                               "01,C,x,5\n"  /* duplicate of 1 */
                               "5,C,z,6\n",
                               &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_row_count(t), 4);
    CHECK_INT(folio_table_code_count(t, 1), 3);
    CHECK_STR(folio_table_code_name(t, 1, 0), "b");
    CHECK_STR(folio_table_code_name(t, 1, 1), "a");
    CHECK_STR(folio_table_code_name(t, 1, 2), "c");
    CHECK_INT(folio_table_code_count(t, 2), 3);
    CHECK_STR(folio_table_code_name(t, 2, 2), "z");
    CHECK_COUNTS(t, NULL, "group", "b=2 a=1 c=1 missing=0");
    CHECK_COUNTS(t, NULL, "tags", "x=1 y=2 z=1 missing=1");
    CHECK_INT(reason_count(t, "duplicate id"), 1);
    CHECK_MSG(&d, FOLIO_WARNING, "i.csv", 7, 1,
              "duplicate id: \"01\"; expected a value not used before (line 2 has it); row rejected");
    /* a filter on a value the data never held matches nothing, without an error */
    folio_rows r;
    char err[256];
    CHECK(folio_table_filter(t, NULL, 1, FOLIO_EQ, "zed", &r, err, sizeof err));
    CHECK_INT(r.n, 0);
    folio_rows_free(&r);
    CHECK(folio_table_filter(t, NULL, 1, FOLIO_NE, "zed", &r, err, sizeof err));
    CHECK_INT(r.n, 4);
    folio_rows_free(&r);
    folio_table_free(t);
    folio_diag_free(&d);
}

/* A multi-select whose codes come from the data starts at one byte a row and is widened when a
 * row chooses its 9th, 17th and 33rd code: every earlier row keeps its codes. */
static void test_collected_multi_widens(void)
{
    const folio_colspec cols[] = {{.name = "id", .type = FOLIO_INTEGER},
                                  {.name = "tags", .type = FOLIO_MULTI}};
    folio_inputspec spec = {.name = "w", .display_path = "w.csv", .cols = cols, .ncols = 2, .key_col = "id"};
    folio_buf b = {0};
    folio_buf_puts(&b, "id,tags\n");
    /* row i (1-based) chooses c0 and c(i-1): code c(i-1) is first seen in row i */
    for (int i = 1; i <= 40; i++) {
        char line[64];
        snprintf(line, sizeof line, "%d,c0;c%d\n", i, i - 1);
        folio_buf_puts(&b, line);
    }
    folio_buf_puts(&b, "41,c39;last\n");
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = load_text(&spec, b.data, &d);
    folio_buf_free(&b);
    CHECK(t != NULL);
    CHECK_INT(folio_table_row_count(t), 41);
    CHECK_INT(folio_table_code_count(t, 1), 41); /* c0..c39, last */
    for (int i = 1; i <= 40; i++) {
        uint64_t want = UINT64_C(1) | UINT64_C(1) << (i - 1);
        if (folio_table_get_multi(t, (size_t)i - 1, 1) != want) {
            fprintf(stderr, "row %d: %llx, not %llx\n", i,
                    (unsigned long long)folio_table_get_multi(t, (size_t)i - 1, 1), (unsigned long long)want);
            CHECK(false);
        }
    }
    CHECK(folio_table_get_multi(t, 40, 1) == (UINT64_C(1) << 39 | UINT64_C(1) << 40));
    folio_counts c;
    CHECK(folio_table_count_by(t, NULL, 1, &c));
    CHECK_INT(c.groups[0].count, 40);
    CHECK_INT(c.groups[8].count, 1);
    CHECK_INT(c.groups[39].count, 2);
    folio_counts_free(&c);
    folio_rows r;
    char err[64];
    CHECK(folio_table_filter(t, NULL, 1, FOLIO_HAS, "c33", &r, err, sizeof err));
    CHECK_INT(r.n, 1);
    CHECK_INT(r.idx[0], 33);
    folio_rows_free(&r);
    folio_table_free(t);
    folio_diag_free(&d);
}

/* Loads text with its text key `id` read by a plugin (stored) and not (checked by hashes,
 * rows read back when hashes agree), and checks both give the same rows and messages. */
static void check_hashed_keys_agree(const char *text, size_t want_rows, size_t want_dups)
{
    folio_colspec cols[] = {{.name = "id", .type = FOLIO_TEXT, .required_value = true},
                            {.name = "v", .type = FOLIO_INTEGER}};
    folio_inputspec spec = {.name = "k", .display_path = "k.csv", .cols = cols, .ncols = 2, .key_col = "id"};
    folio_diag stored, hashed;
    diag_quiet(&stored);
    diag_quiet(&hashed);
    folio_table *a = load_text(&spec, text, &stored);
    cols[0].unread = true;
    folio_table *b = load_text(&spec, text, &hashed);
    CHECK(a && b);
    if (!a || !b)
        return;
    CHECK_INT(folio_table_row_count(a), want_rows);
    CHECK_INT(folio_table_row_count(b), want_rows);
    CHECK_INT(reason_count(b, "duplicate id"), want_dups);
    CHECK_INT(reason_count(a, "duplicate id"), want_dups);
    CHECK(folio_table_column_index(a, "id") == 0);
    CHECK(folio_table_column_index(b, "id") == -1 && folio_table_column_is_unread(b, "id"));
    CHECK_INT(hashed.n, stored.n);
    for (size_t i = 0; i < stored.n && i < hashed.n; i++) {
        CHECK_STR(hashed.items[i].text, stored.items[i].text);
        CHECK_INT(hashed.items[i].line, stored.items[i].line);
    }
    for (size_t r = 0; r < want_rows; r++)
        CHECK(folio_table_get_number(a, r, 1) == folio_table_get_number(b, r, 1));
    folio_table_free(a);
    folio_table_free(b);
    folio_diag_free(&stored);
    folio_diag_free(&hashed);
}

/* A text key no plugin reads is not stored: duplicates are found by 64-bit hashes, and rows whose
 * hashes agree are read back and compared (FOLIO_WEAK_KEY_HASH=4 gives every key one of four
 * hashes, so keys that differ share one). */
static void test_hashed_keys(void)
{
    static const char *const texts[] = {
        "id,v\na,1\nb,2\nc,3\n a ,4\nA,5\nb,6\nab,7\nba,8\n",
        /* a key holding a line break; lines of 64 and more (where rows are found from) */
        "id,v\n\"x\ny\",1\nz,2\n\"x\ny\",3\n\"x\nY\",4\n",
        /* CRLF and a byte-order mark */
        "\xEF\xBB\xBFid,v\r\nk1,1\r\nk2,2\r\nk1,3\r\n",
        /* a lone CR ends rows: they cannot be found by line, so the keys are stored after all */
        "id,v\rk1,1\rk2,2\rk1,3\rk3,4\r",
    };
    static const size_t rows[] = {6, 3, 2, 3}, dups[] = {2, 1, 1, 1};
    for (int weak = 0; weak < 2; weak++) {
        setenv("FOLIO_WEAK_KEY_HASH", weak ? "4" : "0", 1);
        for (size_t i = 0; i < N(texts); i++)
            check_hashed_keys_agree(texts[i], rows[i], dups[i]);
        folio_buf b = {0}; /* 300 rows, a duplicate every 50th, found past several line marks */
        folio_buf_puts(&b, "id,v\n");
        for (int r = 0; r < 300; r++) {
            char line[64];
            snprintf(line, sizeof line, "key%d,%d\n", r % 50 == 49 ? r - 40 : r, r);
            folio_buf_puts(&b, line);
        }
        check_hashed_keys_agree(b.data, 294, 6);
        folio_buf_free(&b);
    }
    unsetenv("FOLIO_WEAK_KEY_HASH");
}

/* ---- operations ---- */

static const folio_colspec OPS_COLS[] = {
    {.name = "id", .type = FOLIO_INTEGER},
    {.name = "when", .type = FOLIO_DATE},
    {.name = "kind", .type = FOLIO_CODE, .codes = ABC, .ncodes = 3},
    {.name = "ok", .type = FOLIO_YESNO},
    {.name = "score", SCALE},
    {.name = "amount", .type = FOLIO_NUMBER},
    {.name = "levels", .type = FOLIO_MULTI, .codes = (const char *const[]){"x", "y", "z"}, .ncodes = 3},
    {.name = "region", .type = FOLIO_TEXT},
};

static folio_table *ops_table(folio_diag *d)
{
    folio_inputspec spec = {.name = "ops", .display_path = "ops.csv", .cols = OPS_COLS, .ncols = N(OPS_COLS)};
    return load_text(&spec,
                     "id,when,kind,ok,score,amount,levels,region\n"
                     "1,2025-01-05,a,yes,5,2.5,x;y,North\n"
                     "2,2025-02-01,b,no,3,1,y,South\n"
                     "3,2025-01-05,a,,4,,x,North\n"
                     "4,2025-03-09,a,yes,,0.25,,West\n"
                     "5,,b,no,5,2.5,x;z,North\n",
                     d);
}

static void test_accessors(void)
{
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = ops_table(&d);
    CHECK(t != NULL);
    size_t len;
    CHECK_STR(folio_table_get_text(t, 0, 2, &len), "a");
    CHECK_INT(len, 1);
    CHECK_STR(folio_table_get_text(t, 1, 3, NULL), "no");
    CHECK_STR(folio_table_get_text(t, 0, 7, &len), "North");
    CHECK_INT(len, 5);
    CHECK(folio_table_get_text(t, 2, 3, NULL) == NULL);
    CHECK(folio_table_get_text(t, 0, 4, NULL) == NULL); /* not a text column */
    CHECK(folio_table_get_number(t, 0, 5) == 2.5);
    CHECK(isnan(folio_table_get_number(t, 3, 4)));
    CHECK(isnan(folio_table_get_number(t, 0, 2)));
    CHECK_INT(folio_table_get_date(t, 1, 1), ymd(2025, 2, 1));
    CHECK_INT(folio_table_get_date(t, 4, 1), FOLIO_DATE_NONE);
    CHECK_INT(folio_table_get_yesno(t, 2, 3), -1);
    CHECK_INT(folio_table_get_code(t, 1, 2), 1);
    CHECK(folio_table_get_multi(t, 4, 6) == 0x5u);
    CHECK(folio_table_get_multi(t, 3, 6) == 0);
    CHECK(folio_table_is_missing(t, 3, 6));
    CHECK(!folio_table_is_missing(t, 0, 6));
    CHECK(folio_table_is_missing(t, 99, 0));
    CHECK(folio_table_is_missing(t, 0, 99));
    CHECK_INT(folio_table_get_code(t, 0, -1), -1);
    CHECK(folio_table_column_name(t, 8) == NULL);
    CHECK_INT(folio_table_row_line(t, 4), 6);
    CHECK_INT(folio_table_row_line(t, 5), 0);
    CHECK_INT(folio_table_code_count(t, 6), 3);
    CHECK_INT(folio_table_code_count(t, 7), 0);
    CHECK_INT(folio_table_find_code(t, 6, " Z"), 2);
    CHECK_INT(folio_rows_count(t, NULL), 5);
    CHECK(folio_table_row_count(NULL) == 0);
    CHECK(folio_table_column_index(NULL, "x") == -1);
    folio_table_free(NULL);
    folio_table_free(t);
    folio_diag_free(&d);
}

static void test_count_by(void)
{
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = ops_table(&d);
    CHECK_COUNTS(t, NULL, "kind", "a=3 b=2 c=0 missing=0");
    CHECK_COUNTS(t, NULL, "ok", "yes=2 no=2 missing=1");
    CHECK_COUNTS(t, NULL, "region", "North=3 South=1 West=1 missing=0");
    CHECK_COUNTS(t, NULL, "score", "3=1 4=1 5=2 missing=1");
    CHECK_COUNTS(t, NULL, "amount", "0.25=1 1=1 2.5=2 missing=1");
    CHECK_COUNTS(t, NULL, "when", "2025-01-05=2 2025-02-01=1 2025-03-09=1 missing=1");
    CHECK_COUNTS(t, NULL, "levels", "x=3 y=2 z=1 missing=1");
    CHECK_COUNTS(t, NULL, "id", "1=1 2=1 3=1 4=1 5=1 missing=0");
    folio_counts c;
    CHECK(folio_table_count_by(t, NULL, 2, &c));
    CHECK_INT(c.base, 5);
    folio_counts_free(&c);
    CHECK(!folio_table_count_by(t, NULL, 8, &c));
    CHECK(c.groups == NULL && c.n == 0);
    folio_rows bad = {.idx = (uint32_t[]){0, 7}, .n = 2};
    CHECK(!folio_table_count_by(t, &bad, 2, &c));

    /* on a selection */
    folio_rows sel = {.idx = (uint32_t[]){1, 3, 4}, .n = 3};
    CHECK_COUNTS(t, &sel, "kind", "a=1 b=2 c=0 missing=0");
    CHECK_COUNTS(t, &sel, "region", "North=1 South=1 West=1 missing=0");
    CHECK(folio_table_count_by(t, &sel, 4, &c));
    CHECK_INT(c.base, 3);
    CHECK_INT(c.missing, 1);
    folio_counts_free(&c);
    folio_rows none = {0};
    CHECK_COUNTS(t, &none, "region", "missing=0");
    CHECK_COUNTS(t, &none, "kind", "a=0 b=0 c=0 missing=0");

    /* TEXT: most frequent first, then by byte order */
    const folio_colspec tc[] = {{.name = "w", .type = FOLIO_TEXT}};
    folio_inputspec ts = {.name = "w", .display_path = "w.csv", .cols = tc, .ncols = 1};
    folio_table *w = load_text(&ts, "w\nb\nab\na\nb\nB\nab\na\n\xC3\xA9\n\n\" \"\nb\n", &d);
    CHECK_COUNTS(w, NULL, "w", "b=3 a=2 ab=2 B=1 \xC3\xA9=1 missing=1");
    CHECK_INT(folio_table_count_distinct(w, NULL, 0), 5);
    folio_table_free(w);

    /* counts of numbers written without locale or float noise */
    const folio_colspec nc[] = {{.name = "v", .type = FOLIO_NUMBER}};
    folio_inputspec ns = {.name = "v", .display_path = "v.csv", .cols = nc, .ncols = 1};
    folio_table *v = load_text(&ns, "v\n0.1\n-0\n0\n1e2\n-3.75\n100.0\n0.30000000000000004\n", &d);
    CHECK_COUNTS(v, NULL, "v", "-3.75=1 0=2 0.1=1 0.30000000000000004=1 100=2 missing=0");
    folio_table_free(v);
    folio_table_free(t);
    folio_diag_free(&d);
}

static void test_crosstab(void)
{
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = ops_table(&d);
    folio_crosstab x;
    char got[512];

    /* CODE by MULTI */
    CHECK(folio_table_crosstab(t, NULL, 2, 6, &x));
    counts_str(&x.rows, got, sizeof got);
    CHECK_STR(got, "a=3 b=2 c=0 missing=0");
    counts_str(&x.cols, got, sizeof got);
    CHECK_STR(got, "x=3 y=2 z=1 missing=1");
    size_t want1[] = {2, 1, 0, /* a */ 1, 1, 1, /* b */ 0, 0, 0 /* c */};
    bool same = true;
    for (size_t i = 0; i < N(want1); i++)
        same &= x.cells[i] == want1[i];
    CHECK(same);
    folio_crosstab_free(&x);

    /* MULTI by MULTI: how often two levels are chosen together */
    CHECK(folio_table_crosstab(t, NULL, 6, 6, &x));
    size_t want2[] = {3, 1, 1, 1, 2, 0, 1, 0, 1};
    same = true;
    for (size_t i = 0; i < N(want2); i++)
        same &= x.cells[i] == want2[i];
    CHECK(same);
    folio_crosstab_free(&x);

    /* TEXT by YESNO on a selection */
    folio_rows sel = {.idx = (uint32_t[]){0, 1, 2, 3}, .n = 4};
    CHECK(folio_table_crosstab(t, &sel, 7, 3, &x));
    counts_str(&x.rows, got, sizeof got);
    CHECK_STR(got, "North=2 South=1 West=1 missing=0");
    counts_str(&x.cols, got, sizeof got);
    CHECK_STR(got, "yes=2 no=1 missing=1");
    size_t want3[] = {1, 0, 0, 1, 1, 0};
    same = true;
    for (size_t i = 0; i < N(want3); i++)
        same &= x.cells[i] == want3[i];
    CHECK(same);
    folio_crosstab_free(&x);

    /* INTEGER by DATE */
    CHECK(folio_table_crosstab(t, NULL, 4, 1, &x));
    CHECK_INT(x.rows.n, 3);
    CHECK_INT(x.cols.n, 3);
    CHECK_STR(x.cols.groups[0].label, "2025-01-05");
    CHECK_INT(x.cells[2 * 3 + 0], 1); /* score 5 on 2025-01-05 */
    CHECK_INT(x.cells[1 * 3 + 0], 1); /* score 4 on 2025-01-05 */
    folio_crosstab_free(&x);

    CHECK(!folio_table_crosstab(t, NULL, 2, 42, &x));
    CHECK(x.cells == NULL);
    folio_table_free(t);
    folio_diag_free(&d);
}

static void test_summaries(void)
{
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = ops_table(&d);
    size_t counts[5], missing = 9, other = 9;
    CHECK(folio_table_scale(t, NULL, 4, 1, 5, counts, &missing, &other));
    CHECK(counts[0] == 0 && counts[1] == 0 && counts[2] == 1 && counts[3] == 1 && counts[4] == 2);
    CHECK_INT(missing, 1);
    CHECK_INT(other, 0);
    CHECK(folio_table_scale(t, NULL, 4, 4, 5, counts, &missing, &other));
    CHECK(counts[0] == 1 && counts[1] == 2);
    CHECK_INT(other, 1);
    CHECK(!folio_table_scale(t, NULL, 5, 1, 5, counts, NULL, NULL)); /* NUMBER */
    CHECK(!folio_table_scale(t, NULL, 4, 5, 1, counts, NULL, NULL));

    CHECK_INT(folio_table_count_distinct(t, NULL, 7), 3);
    CHECK_INT(folio_table_count_distinct(t, NULL, 2), 2);
    CHECK_INT(folio_table_count_distinct(t, NULL, 6), 3);
    CHECK_INT(folio_table_count_distinct(t, NULL, 1), 3);
    CHECK_INT(folio_table_count_distinct(t, NULL, 3), 2);
    CHECK_INT(folio_table_count_distinct(t, NULL, 99), 0);

    double lo = 0, hi = 0;
    CHECK(folio_table_min_max(t, NULL, 1, &lo, &hi));
    CHECK(lo == ymd(2025, 1, 5) && hi == ymd(2025, 3, 9));
    CHECK(folio_table_min_max(t, NULL, 4, &lo, &hi));
    CHECK(lo == 3 && hi == 5);
    CHECK(folio_table_min_max(t, NULL, 5, &lo, &hi));
    CHECK(lo == 0.25 && hi == 2.5);
    CHECK(!folio_table_min_max(t, NULL, 7, &lo, &hi));
    folio_rows sel = {.idx = (uint32_t[]){3}, .n = 1};
    CHECK(!folio_table_min_max(t, &sel, 4, &lo, &hi));

    double sum = 0;
    size_t n = 0;
    CHECK(folio_table_sum(t, NULL, 5, &sum, &n));
    CHECK(sum == 6.25);
    CHECK_INT(n, 4);
    CHECK(folio_table_sum(t, NULL, 4, &sum, &n));
    CHECK(sum == 17);
    CHECK(folio_table_sum(t, &sel, 4, &sum, &n));
    CHECK(sum == 0 && n == 0);
    CHECK(!folio_table_sum(t, NULL, 1, &sum, &n));
    folio_table_free(t);
    folio_diag_free(&d);
}

#define CHECK_FILTER(t, in, col, op, value, want)                                                            \
    do {                                                                                                     \
        folio_rows r_;                                                                                       \
        char err_[256], got_[256];                                                                           \
        bool ok_ = folio_table_filter((t), (in), (col), (op), (value), &r_, err_, sizeof err_);              \
        CHECK(ok_);                                                                                          \
        if (!ok_)                                                                                            \
            fprintf(stderr, "  filter error: %s\n", err_);                                                   \
        rows_str(&r_, got_, sizeof got_);                                                                    \
        CHECK_STR(got_, (want));                                                                             \
        size_t n_ = 99; /* counting without the list agrees */                                               \
        CHECK(folio_table_count_where((t), (in), (col), (op), (value), &n_, err_, sizeof err_));             \
        CHECK_INT(n_, r_.n);                                                                                 \
        folio_rows_free(&r_);                                                                                \
    } while (0)

#define CHECK_FILTER_ERR(t, col, op, value, want)                                                            \
    do {                                                                                                     \
        folio_rows r_ = {.idx = (uint32_t *)1, .n = 9};                                                      \
        char err_[256];                                                                                      \
        CHECK(!folio_table_filter((t), NULL, (col), (op), (value), &r_, err_, sizeof err_));                 \
        CHECK_STR(err_, (want));                                                                             \
        CHECK(r_.idx == NULL && r_.n == 0);                                                                  \
        size_t n_ = 99;                                                                                      \
        CHECK(!folio_table_count_where((t), NULL, (col), (op), (value), &n_, err_, sizeof err_));            \
        CHECK_STR(err_, (want));                                                                             \
        CHECK_INT(n_, 0);                                                                                    \
    } while (0)

static void test_filter(void)
{
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = ops_table(&d);
    CHECK_FILTER(t, NULL, 2, FOLIO_EQ, "a", "0 2 3");
    CHECK_FILTER(t, NULL, 2, FOLIO_EQ, " A ", "0 2 3");
    CHECK_FILTER(t, NULL, 2, FOLIO_NE, "a", "1 4");
    CHECK_FILTER(t, NULL, 2, FOLIO_EQ, "c", "");
    CHECK_FILTER(t, NULL, 3, FOLIO_EQ, "yes", "0 3");
    CHECK_FILTER(t, NULL, 3, FOLIO_EQ, "Y", "0 3");
    CHECK_FILTER(t, NULL, 3, FOLIO_NE, "true", "1 2 4"); /* NE keeps missing cells */
    CHECK_FILTER(t, NULL, 3, FOLIO_EQ, "0", "1 4");
    CHECK_FILTER(t, NULL, 4, FOLIO_GE, "4", "0 2 4");
    CHECK_FILTER(t, NULL, 4, FOLIO_LT, "4", "1");
    CHECK_FILTER(t, NULL, 4, FOLIO_LE, "4.5", "1 2");
    CHECK_FILTER(t, NULL, 4, FOLIO_GT, "5", "");
    CHECK_FILTER(t, NULL, 4, FOLIO_EQ, "5", "0 4");
    CHECK_FILTER(t, NULL, 4, FOLIO_NE, "5", "1 2 3");
    CHECK_FILTER(t, NULL, 1, FOLIO_LE, "2025-01-31", "0 2");
    CHECK_FILTER(t, NULL, 1, FOLIO_GT, "2025-01-05T12:00:00Z", "1 3");
    CHECK_FILTER(t, NULL, 1, FOLIO_EQ, "2025-01-05", "0 2");
    CHECK_FILTER(t, NULL, 5, FOLIO_GT, "1", "0 4");
    CHECK_FILTER(t, NULL, 5, FOLIO_EQ, "2.50", "0 4");
    CHECK_FILTER(t, NULL, 6, FOLIO_HAS, "x", "0 2 4");
    CHECK_FILTER(t, NULL, 6, FOLIO_HAS, "X ; y", "0");
    CHECK_FILTER(t, NULL, 6, FOLIO_EQ, "y", "1");
    CHECK_FILTER(t, NULL, 6, FOLIO_EQ, "z;x", "4");
    CHECK_FILTER(t, NULL, 6, FOLIO_NE, "y", "0 2 3 4");
    CHECK_FILTER(t, NULL, 7, FOLIO_EQ, "North", "0 2 4");
    CHECK_FILTER(t, NULL, 7, FOLIO_EQ, "north", "");
    CHECK_FILTER(t, NULL, 7, FOLIO_NE, " North ", "1 3");
    CHECK_FILTER(t, NULL, 7, FOLIO_MISSING, NULL, "");
    CHECK_FILTER(t, NULL, 4, FOLIO_MISSING, NULL, "3");
    CHECK_FILTER(t, NULL, 3, FOLIO_PRESENT, "ignored", "0 1 3 4");
    CHECK_FILTER(t, NULL, 6, FOLIO_MISSING, NULL, "3");
    CHECK_FILTER(t, NULL, 4, FOLIO_EQ, "", "3"); /* the empty cell */
    CHECK_FILTER(t, NULL, 1, FOLIO_NE, "  ", "0 1 2 3");

    /* chained: a selection filtered again, and counted */
    folio_rows a;
    char err[256];
    CHECK(folio_table_filter(t, NULL, 2, FOLIO_EQ, "a", &a, err, sizeof err));
    CHECK_FILTER(t, &a, 4, FOLIO_GE, "5", "0");
    CHECK_FILTER(t, &a, 6, FOLIO_PRESENT, NULL, "0 2");
    CHECK_INT(folio_rows_count(t, &a), 3);
    CHECK_COUNTS(t, &a, "ok", "yes=2 no=0 missing=1");
    folio_rows_free(&a);
    folio_rows_free(&a);
    CHECK(a.idx == NULL && a.n == 0);

    CHECK_FILTER_ERR(t, 2, FOLIO_EQ, "zzz", "unknown kind \"zzz\": expected one of a, b, c");
    CHECK_FILTER_ERR(t, 6, FOLIO_HAS, "x;w", "unknown levels \"w\": expected one of x, y, z");
    CHECK_FILTER_ERR(t, 3, FOLIO_EQ, "maybe", "ok: \"maybe\" is not yes or no");
    CHECK_FILTER_ERR(t, 1, FOLIO_EQ, "2025-02-30", "when: \"2025-02-30\" is not a date YYYY-MM-DD");
    CHECK_FILTER_ERR(t, 4, FOLIO_GE, "four", "score: \"four\" is not a number");
    CHECK_FILTER_ERR(t, 5, FOLIO_LT, "1,5", "amount: \"1,5\" is not a number");
    CHECK_FILTER_ERR(t, 7, FOLIO_LT, "x", "region holds text: <, <=, > and >= need a number or date column");
    CHECK_FILTER_ERR(t, 2, FOLIO_GT, "a", "kind holds codes: <, <=, > and >= need a number or date column");
    CHECK_FILTER_ERR(t, 2, FOLIO_HAS, "a", "kind holds codes: \"has\" needs a multi-select column");
    CHECK_FILTER_ERR(t, 4, FOLIO_EQ, NULL, "score: no value to compare with");
    CHECK_FILTER_ERR(t, 4, FOLIO_GT, " ", "score: no value to compare with");
    CHECK_FILTER_ERR(t, 9, FOLIO_EQ, "1", "filter: no column 9 in ops");
    CHECK_FILTER_ERR(t, 0, (folio_cmp)42, "1", "filter: unknown comparison on id");
    folio_rows bad = {.idx = (uint32_t[]){5}, .n = 1}, out;
    CHECK(!folio_table_filter(t, &bad, 0, FOLIO_PRESENT, NULL, &out, err, sizeof err));
    CHECK_STR(err, "filter: the selection holds rows that are not in ops");
    CHECK(!folio_table_filter(t, NULL, 0, FOLIO_PRESENT, NULL, NULL, NULL, 0));
    CHECK(!folio_table_filter(NULL, NULL, 0, FOLIO_PRESENT, NULL, &out, NULL, 0));
    folio_table_free(t);
    folio_diag_free(&d);
}

/* Numbers are read the same whatever the locale, and only with '.' as the decimal point. */
static void test_numbers(void)
{
    const folio_colspec cols[] = {{.name = "v", .type = FOLIO_NUMBER}};
    folio_inputspec spec = {.name = "n", .display_path = "n.csv", .cols = cols, .ncols = 1};
    const char *text = "v\n1e3\n-0.5\n.5\n5.\n+7\n12345678901234567890.5\n0.1e-400\n2.5E+2\n"
                       "1.2.3\n0x10\ninf\nnan\n\"1,5\"\n-\n.\ne5\n1e\n1e999\n";
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && !setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "fr_FR.UTF-8"))
            break; /* no comma-decimal locale installed: the first pass is the test */
        folio_diag d;
        diag_quiet(&d);
        folio_table *t = load_text(&spec, text, &d);
        CHECK_INT(folio_table_row_count(t), 8);
        const double want[] = {1000, -0.5, 0.5, 5, 7, 12345678901234567890.5, 0, 250};
        bool same = true;
        for (size_t i = 0; i < N(want); i++)
            same &= folio_table_get_number(t, i, 0) == want[i];
        CHECK(same);
        CHECK_INT(reason_count(t, "v not a number"), 10);
        folio_table_free(t);
        folio_diag_free(&d);
    }
    setlocale(LC_NUMERIC, "C");

    /* integers: a sign and digits only; wide ranges keep every digit */
    const folio_colspec ic[] = {
        {.name = "big", .type = FOLIO_INTEGER, .has_range = true, .min = -3e9, .max = 3e9},
        {.name = "mid", .type = FOLIO_INTEGER, .has_range = true, .min = -1000, .max = 100000},
        {.name = "any", .type = FOLIO_INTEGER},
    };
    folio_inputspec is = {.name = "i", .display_path = "i.csv", .cols = ic, .ncols = 3};
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = load_text(&is,
                               "big,mid,any\n-2999999999,-1000,9007199254740993\n"
                               "2999999999,+100000,-12\n3000000001,1,1\n1,100001,1\n",
                               &d);
    CHECK_INT(folio_table_row_count(t), 2);
    CHECK(folio_table_get_number(t, 0, 0) == -2999999999.0);
    CHECK(folio_table_get_number(t, 1, 1) == 100000);
    CHECK(folio_table_get_number(t, 0, 1) == -1000);
    CHECK(folio_table_get_number(t, 1, 2) == -12);
    CHECK_INT(reason_count(t, "big out of range -3000000000-3000000000"), 1);
    CHECK_INT(reason_count(t, "mid out of range -1000-100000"), 1);
    CHECK_COUNTS(t, NULL, "mid", "-1000=1 100000=1 missing=0");
    folio_table_free(t);
    folio_diag_free(&d);
}

/* Bad specs are the caller's mistake, reported as errors, never a crash. */
static void test_bad_specs(void)
{
    folio_diag d;
    diag_quiet(&d);
    folio_inputspec spec = {
        .name = "s", .display_path = "s.csv", .cols = ID_NAME, .ncols = 2, .date_col = "name"};
    CHECK(load_text(&spec, "id,name\n", &d) == NULL);
    CHECK(find_msg(&d, "input \"s\": the date column is not one of its date columns") != NULL);
    spec.date_col = NULL;
    spec.key_col = "nope";
    CHECK(load_text(&spec, "id,name\n", &d) == NULL);
    CHECK(find_msg(&d, "the key column is not one of its columns") != NULL);
    CHECK(folio_table_load(NULL, &d) == NULL);
    CHECK(folio_table_load_text(&spec, NULL, 3, &d) == NULL);
    spec.key_col = NULL;
    CHECK(folio_table_load(&spec, &d) == NULL);
    CHECK(find_msg(&d, "cannot open: no file given") != NULL);
    folio_diag_free(&d);
}

/* Limits: a dictionary collected from the data, the list of reasons, the header's width. */
static void test_limits(void)
{
    folio_diag d;
    diag_quiet(&d);
    const folio_colspec cols[] = {{.name = "g", .type = FOLIO_CODE}, {.name = "m", .type = FOLIO_MULTI}};
    folio_inputspec spec = {.name = "l", .display_path = "l.csv", .cols = cols, .ncols = 2};
    folio_buf b = {0};
    folio_buf_puts(&b, "g,m\n");
    for (int i = 0; i < FOLIO_MAX_CODES + 2; i++)
        folio_buf_printf(&b, "G%d,m%d;M0\n", i, i);
    folio_table *t = folio_table_load_text(&spec, b.data, b.len, &d);
    CHECK(t != NULL);
    CHECK_INT(folio_table_row_count(t), FOLIO_MAX_CODES);
    CHECK_INT(folio_table_code_count(t, 0), FOLIO_MAX_CODES);
    CHECK_STR(folio_table_code_name(t, 0, 5), "g5");
    CHECK_INT(folio_table_code_count(t, 1), FOLIO_MAX_CODES);
    CHECK(folio_table_get_multi(t, 63, 1) == (UINT64_C(1) << 63 | 1));
    CHECK_INT(reason_count(t, "unknown g"), 2);
    CHECK_MSG(&d, FOLIO_WARNING, "l.csv", 66, 1,
              "unknown g: \"G64\"; expected one of the first 64 distinct values; row rejected");
    folio_table_free(t);
    folio_buf_free(&b);
    folio_diag_free(&d);

    /* more distinct reasons than are kept: the rest are counted together */
    enum { NC = FOLIO_MAX_REASONS + 6 };
    folio_colspec many[NC];
    char names[NC][8];
    for (int i = 0; i < NC; i++) {
        snprintf(names[i], sizeof names[i], "c%02d", i);
        many[i] = (folio_colspec){.name = names[i], .type = FOLIO_INTEGER};
    }
    folio_inputspec ms = {.name = "many", .display_path = "many.csv", .cols = many, .ncols = NC};
    folio_buf_puts(&b, "");
    for (int i = 0; i < NC; i++)
        folio_buf_printf(&b, i ? ",c%02d" : "c%02d", i);
    for (int r = 0; r < NC; r++) {
        folio_buf_puts(&b, "\n");
        for (int i = 0; i < NC; i++)
            folio_buf_printf(&b, i ? ",%s" : "%s", i == r ? (r < 3 ? "x" : r < 5 ? "y" : "z") : "1");
    }
    folio_buf_puts(&b, "\n1");
    diag_quiet(&d);
    t = folio_table_load_text(&ms, b.data, b.len, &d);
    folio_table_stats st;
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rejected, NC);
    CHECK_INT(st.rows_used, 1);
    CHECK_INT(st.nreasons, FOLIO_MAX_REASONS);
    CHECK_STR(st.reasons[0].text, "c00 not a whole number");
    CHECK_STR(st.reasons[FOLIO_MAX_REASONS - 1].text, "other reasons");
    CHECK_INT(st.reasons[FOLIO_MAX_REASONS - 1].count, 7);
    size_t total = 0;
    for (size_t i = 0; i < st.nreasons; i++)
        total += st.reasons[i].count;
    CHECK_INT(total, NC);
    folio_table_free(t);
    folio_buf_free(&b);
    folio_diag_free(&d);

    /* a header wider than FOLIO_MAX_COLUMNS */
    for (int i = 0; i <= FOLIO_MAX_COLUMNS; i++)
        folio_buf_printf(&b, i ? ",h%d" : "h%d", i);
    diag_quiet(&d);
    CHECK(folio_table_load_text(&ms, b.data, b.len, &d) == NULL);
    CHECK_MSG(&d, FOLIO_ERROR, "many.csv", 1, FOLIO_MAX_COLUMNS + 1, "too many columns (at most 1024)");
    folio_buf_free(&b);
    folio_diag_free(&d);
}

/* ---- the 4Pi fixtures ---- */

static const char *const FILES[] = {"survey", "interviews", "signatories", "benefits"};

/* Tidy files and a messy export of the same data (BOM, CRLF, shuffled and extra columns, codes in
 * odd case with spaces, yes/no as Y/TRUE/1) give identical figures. */
static void test_tidy_and_messy_agree(void)
{
    for (size_t f = 0; f < N(FILES); f++) {
        folio_diag d;
        diag_quiet(&d);
        folio_table *a = load_4pi("tidy", FILES[f], &d);
        folio_table *b = load_4pi("messy-same", FILES[f], &d);
        CHECK(a != NULL && b != NULL);
        CHECK_INT(d.n, 0);
        if (!a || !b) {
            folio_table_free(a);
            folio_table_free(b);
            folio_diag_free(&d);
            continue;
        }
        folio_table_stats sa, sb;
        folio_table_get_stats(a, &sa);
        folio_table_get_stats(b, &sb);
        CHECK_INT(sa.rows_read, sb.rows_read);
        CHECK_INT(sa.rows_used, sb.rows_used);
        CHECK_INT(sa.out_of_period, sb.out_of_period);
        CHECK_INT(sa.first_date, sb.first_date);
        CHECK_INT(sa.last_date, sb.last_date);
        bool all_same = true;
        for (size_t c = 0; c < folio_table_column_count(a); c++) {
            const char *name = folio_table_column_name(a, (int)c);
            char ca[4096], cb[4096];
            count_by_str(a, NULL, name, ca, sizeof ca);
            count_by_str(b, NULL, name, cb, sizeof cb);
            if (strcmp(ca, cb) != 0) {
                fprintf(stderr, "  %s.%s differs:\n    %s\n    %s\n", FILES[f], name, ca, cb);
                all_same = false;
            }
        }
        CHECK(all_same);
        folio_table_free(a);
        folio_table_free(b);
        folio_diag_free(&d);
    }
}

/* The generator's own messy export (different data) loads cleanly, with the figures Python's csv
 * module gives for it. */
static void test_generated_messy(void)
{
    folio_diag d;
    diag_quiet(&d);
    folio_table *t = load_4pi("messy", "survey", &d);
    CHECK(t != NULL);
    CHECK_INT(d.n, 0);
    CHECK_INT(folio_table_row_count(t), 29);
    CHECK_COUNTS(t, NULL, "org_type",
                 "nhs_trust=11 voluntary=10 user_led=1 local_authority=2 commissioner=4 other=1 "
                 "missing=0");
    CHECK_COUNTS(t, NULL, "role",
                 "service_user_or_carer=3 involvement_lead=12 manager=3 clinician=7 other=4 "
                 "missing=0");
    CHECK_COUNTS(t, NULL, "heard_of_4pi", "yes=21 no=8 missing=0");
    CHECK_COUNTS(t, NULL, "levels_used", "individual=7 community=6 services=6 strategic=6 missing=16");
    CHECK_COUNTS(t, NULL, "difference_services", "1=1 3=1 4=1 5=3 missing=23");
    folio_table_stats st;
    folio_table_get_stats(t, &st);
    CHECK_INT(st.first_date, ymd(2026, 1, 4));
    CHECK_INT(st.last_date, ymd(2026, 12, 28));
    folio_table_free(t);
    for (size_t f = 1; f < N(FILES); f++) {
        t = load_4pi("messy", FILES[f], &d);
        CHECK(t != NULL);
        CHECK_INT(d.n, 0);
        folio_table_free(t);
    }
    t = load_4pi("messy", "interviews", &d);
    CHECK_INT(folio_table_count_distinct(t, NULL, 0), 9);
    int q = folio_table_column_index(t, "quote");
    bool found = false;
    for (size_t r = 0; r < folio_table_row_count(t); r++) {
        const char *s = folio_table_get_text(t, r, q, NULL);
        found |= s && strstr(s, "“call me on 07700 900123") != NULL;
    }
    CHECK(found);
    folio_table_free(t);
    t = load_4pi("tidy", "signatories", &d);
    folio_table_get_stats(t, &st);
    CHECK_INT(st.rows_used + st.out_of_period, 74);
    CHECK_INT(st.out_of_period, 0);
    folio_table_free(t);
    folio_diag_free(&d);
}

/* Row lists (folio_rows_room/fit, as filters make them): a long one is a mapping of its own on a
 * 2 MiB boundary advised for huge pages, shrinks in place keeping its rows, and frees with
 * folio_rows_free; a short one is malloc's. Columns grown past 2 MiB are advised the same way. */
static void test_row_lists_and_huge_pages(void)
{
    char flags[600];
    long huge_kb;
    folio_rows r;
    folio_rows_room(&r, 1000000);
    CHECK(r.idx != NULL && r.n == 0);
    CHECK(((uintptr_t)r.idx & ((2u << 20) - 1)) == 0);
    for (size_t i = 0; i < 1000000; i += 3)
        r.idx[r.n++] = (uint32_t)i;
    mapping_of(r.idx, flags, sizeof flags, &huge_kb);
    if (huge_pages_on())
        CHECK(strstr(flags, " hg") != NULL);
    folio_rows_fit(&r, 1000000);
    CHECK_INT(r.n, 333334);
    CHECK_INT(r.idx[0], 0);
    CHECK_INT(r.idx[333333], 999999);
    folio_rows_free(&r);
    CHECK(r.idx == NULL && r.n == 0);
    folio_rows_room(&r, 10);
    r.idx[r.n++] = 7;
    folio_rows_fit(&r, 10);
    CHECK_INT(r.idx[0], 7);
    folio_rows_free(&r);
    folio_rows_room(&r, 0); /* an empty list still frees */
    folio_rows_fit(&r, 0);
    folio_rows_free(&r);
    /* a column array grown from malloc's to a mapping, then to more than 2 MiB */
    uint8_t *a = folio_array_resize(NULL, 0, 1000);
    memset(a, 5, 1000);
    a = folio_array_resize(a, 1000, (size_t)300 << 10);
    CHECK(a[999] == 5);
    memset(a, 6, (size_t)300 << 10);
    a = folio_array_resize(a, (size_t)300 << 10, (size_t)5 << 20);
    CHECK(a[(300 << 10) - 1] == 6);
    memset(a, 7, (size_t)5 << 20);
    a = folio_array_resize(a, (size_t)5 << 20, 100);
    CHECK(a[99] == 7);
    folio_array_free(a, 100);
    uint8_t *b = folio_array_resize(NULL, 0, (size_t)4 << 20);
    CHECK(((uintptr_t)b & ((2u << 20) - 1)) == 0);
    mapping_of(b, flags, sizeof flags, &huge_kb);
    if (huge_pages_on())
        CHECK(strstr(flags, " hg") != NULL);
    folio_array_free(b, (size_t)4 << 20);
}

int main(void)
{
    test_bom_crlf_blank_lines();
    test_shuffled_and_extra_columns();
    test_codes_case_and_spaces();
    test_quoted_fields_and_lines();
    test_missing_columns();
    test_broken_csv();
    test_field_too_large();
    test_bad_text();
    test_files();
    test_chunk_boundaries();
    test_rejections();
    test_warning_limit();
    test_maps();
    test_period();
    test_previous_period();
    test_interned_codes_and_keys();
    test_collected_multi_widens();
    test_hashed_keys();
    test_accessors();
    test_count_by();
    test_crosstab();
    test_summaries();
    test_filter();
    test_numbers();
    test_bad_specs();
    test_limits();
    test_tidy_and_messy_agree();
    test_generated_messy();
    test_row_lists_and_huge_pages();
    return harness_summary();
}
