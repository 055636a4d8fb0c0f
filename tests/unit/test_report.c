/* report.lua -> folio_report: every field of a good report, and the messages for a missing
 * file, a syntax error, a runtime error, an escape attempt and a file full of shape problems. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/util.h"
#include "harness.h"
#include "report/report.h"

#define MM (72.0 / 25.4)

static folio_report_options opts(void)
{
    return (folio_report_options){.fonts_dir = "fonts", .from = FOLIO_DATE_NONE, .to = FOLIO_DATE_NONE};
}

/* True when diag holds an error with this file, line and text. */
static bool has_error(const folio_diag *d, const char *file, int line, const char *text)
{
    for (size_t i = 0; i < d->n; i++) {
        const folio_message *m = &d->items[i];
        if (m->severity == FOLIO_ERROR && m->file && strcmp(m->file, file) == 0 && m->line == line &&
            strcmp(m->text, text) == 0)
            return true;
    }
    fprintf(stderr, "no error %s:%d: %s; have:\n", file, line, text);
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  %s:%d: %s\n", d->items[i].file ? d->items[i].file : "-", d->items[i].line,
                d->items[i].text);
    return false;
}

static const folio_colspec *col(const folio_input *in, const char *name)
{
    for (size_t i = 0; i < in->spec.ncols; i++)
        if (strcmp(in->spec.cols[i].name, name) == 0)
            return &in->spec.cols[i];
    return NULL;
}

static void test_good(void)
{
    folio_diag d;
    folio_diag_init(&d);
    d.quiet = true;
    folio_report_options o = opts();
    o.from = folio_date_from_ymd(2025, 4, 1);
    o.to = folio_date_from_ymd(2026, 3, 31);
    folio_report *r = folio_report_load("tests/data/reports/good/", &o, &d);
    CHECK(r != NULL);
    CHECK_INT(d.errors, 0);
    if (!r)
        return;
    CHECK_STR(r->dir, "tests/data/reports/good");
    CHECK_STR(r->display, "tests/data/reports/good/report.lua");
    CHECK_STR(r->title, "Good Report");
    CHECK_STR(r->subtitle, "A test");
    CHECK_STR(r->publisher, "Test Org");
    CHECK_STR(r->lang, "en-GB");
    CHECK(fabs(r->theme.page_w - 612) < 1e-9 && fabs(r->theme.page_h - 792) < 1e-9);
    CHECK(fabs(r->theme.margin_top - 25 * MM) < 1e-9);
    CHECK(fabs(r->theme.margin_right - 30 * MM) < 1e-9);
    CHECK(fabs(r->theme.font_size - 11) < 1e-9);
    CHECK_INT(r->theme.accent, 0x336699);
    CHECK_STR(r->font_files[0], "fonts/OpenSans-Regular.ttf");
    CHECK_STR(r->font_files[1], "tests/data/reports/good/../../../../fonts/OpenSans-Bold.ttf");
    CHECK_STR(r->font_files[3], "fonts/OpenSans-BoldItalic.ttf");

    /* inputs in name order */
    CHECK_INT(r->ninputs, 2);
    CHECK_STR(r->inputs[0].spec.name, "benefits");
    CHECK_INT(r->inputs[0].spec.period_rule, FOLIO_PERIOD_NONE);
    const folio_input *s = &r->inputs[1];
    CHECK_STR(s->spec.name, "survey");
    CHECK_STR(s->file, "data/survey.csv");
    CHECK_STR(s->spec.path, "tests/data/reports/good/data/survey.csv");
    CHECK_STR(s->spec.display_path, "data/survey.csv");
    CHECK_STR(s->spec.date_col, "submitted_at");
    CHECK_STR(s->spec.key_col, "respondent_id");
    CHECK_INT(s->spec.period_rule, FOLIO_PERIOD_WITHIN);
    CHECK_INT(s->spec.from, o.from);
    CHECK_INT(s->spec.to, o.to);
    CHECK_INT(s->spec.ncols, 5);
    CHECK_STR(s->spec.cols[0].name, "heard"); /* sorted */
    const folio_colspec *c = col(s, "org_type");
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(c->type, FOLIO_CODE);
        CHECK_INT(c->ncodes, 3);
        CHECK_STR(c->codes[1], "voluntary");
        CHECK_STR(c->header, "Organisation type");
        CHECK_INT(c->nmap, 1);
        CHECK_STR(c->map_from[0], "NHS trust");
        CHECK_STR(c->map_to[0], "nhs_trust");
    }
    c = col(s, "score");
    CHECK(c && c->type == FOLIO_INTEGER && c->has_range && c->min == 1 && c->max == 5 && c->optional);
    c = col(&r->inputs[0], "code");
    CHECK(c && c->type == FOLIO_TEXT && c->required_value && !c->optional);

    /* sections and their options */
    CHECK_INT(r->nsections, 3);
    CHECK_STR(r->sections[0].plugin, "good");
    CHECK_INT(r->sections[0].options.kind, FOLIO_V_TABLE);
    CHECK_INT(r->sections[0].options.n, 1);
    CHECK_STR(r->sections[0].options.keys[0].str, "title");
    CHECK_STR(r->sections[0].options.vals[0].str, "Hello");
    CHECK_INT(r->sections[1].options.n, 0);
    CHECK_INT(r->sections[2].options.vals[0].kind, FOLIO_V_BOOL);
    CHECK_INT(r->table.kind, FOLIO_V_TABLE);
    folio_report_free(r);

    /* --data reads each input's file name from another folder; the file itself also works */
    o.data_dir = "/some/where";
    r = folio_report_load("tests/data/reports/good/report.lua", &o, &d);
    CHECK(r != NULL);
    if (r) {
        CHECK_STR(r->dir, "tests/data/reports/good");
        CHECK_STR(r->inputs[1].spec.path, "/some/where/survey.csv");
        CHECK_STR(r->inputs[1].spec.display_path, "data/survey.csv");
        folio_report_free(r);
    }
    folio_diag_free(&d);
}

static void test_missing(void)
{
    folio_diag d;
    folio_diag_init(&d);
    d.quiet = true;
    folio_report_options o = opts();
    CHECK(folio_report_load("tests/data/reports/empty", &o, &d) == NULL);
    CHECK(has_error(&d, "tests/data/reports/empty", 0, "no report.lua here"));
    CHECK(folio_report_load("tests/data/reports/nowhere", &o, &d) == NULL);
    CHECK_INT(d.errors, 2);
    folio_diag_free(&d);
}

static void test_lua_errors(void)
{
    folio_diag d;
    folio_diag_init(&d);
    d.quiet = true;
    folio_report_options o = opts();
    CHECK(folio_report_load("tests/data/reports/syntax", &o, &d) == NULL);
    CHECK(has_error(&d, "tests/data/reports/syntax/report.lua", 5,
                    "'}' expected (to close '{' at line 1) near <eof>"));
    CHECK(folio_report_load("tests/data/reports/runtime", &o, &d) == NULL);
    CHECK(has_error(&d, "tests/data/reports/runtime/report.lua", 2,
                    "attempt to index a nil value (local 't')"));
    unlink("/tmp/folio-pwned");
    CHECK(folio_report_load("tests/data/reports/escape", &o, &d) == NULL);
    CHECK(has_error(&d, "tests/data/reports/escape/report.lua", 1,
                    "blocked: os.execute is not available to plugins"));
    CHECK(access("/tmp/folio-pwned", F_OK) != 0);
    folio_diag_free(&d);
}

static void test_shapes(void)
{
    folio_diag d;
    folio_diag_init(&d);
    d.quiet = true;
    folio_report_options o = opts();
    const char *f = "tests/data/reports/shapes/report.lua";
    CHECK(folio_report_load("tests/data/reports/shapes", &o, &d) == NULL);
    CHECK(has_error(&d, f, 0,
                    "inputs.survey.schema.org_type: unknown type \"cod\"; expected one of text, integer, "
                    "number, date, yesno, code, multi"));
    CHECK(has_error(&d, f, 0,
                    "titel: unknown field; did you mean \"title\"? Expected one of title, subtitle, "
                    "publisher, lang, page, theme, "
                    "labels, limits, inputs, sections, logo, year_start, main, tagged, pdf_standard"));
    CHECK(has_error(&d, f, 0, "title: missing; expected a string"));
    CHECK(has_error(&d, f, 0, "page.size: expected \"A4\" or \"letter\", got \"A5\""));
    CHECK(has_error(&d, f, 0, "page.margins.top: expected a number of millimetres from 0 to 100"));
    CHECK(has_error(&d, f, 0, "theme.accent: expected a colour \"#rrggbb\""));
    CHECK(has_error(&d, f, 0, "theme.fonts.regular: no file tests/data/reports/shapes/no-such-font.ttf"));
    CHECK(has_error(&d, f, 0, "inputs.survey.period: \"until\" needs a date column (date = \"column\")"));
    CHECK(has_error(&d, f, 0, "inputs.survey.schema.role.values: code \"A\" is listed twice"));
    CHECK(has_error(&d, f, 0, "inputs.survey.schema.team.values: code 2: expected a non-empty string"));
    CHECK(has_error(&d, f, 0,
                    "inputs.survey.schema.team.values: code 3: \" y\" has spaces around it; write it without"));
    CHECK(has_error(&d, f, 0, "inputs.survey.schema.age: only integer and number columns have min and max"));
    CHECK(has_error(&d, f, 0, "inputs.survey.columns.nope: not a column of the schema"));
    CHECK(has_error(&d, f, 0, "inputs.other.file: missing; expected a string"));
    CHECK(has_error(&d, f, 0, "inputs.other.schema: expected at least one column"));
    CHECK(has_error(&d, f, 0, "section 2: expected { \"plugin-name\", option = value, ... }"));
    CHECK(has_error(&d, f, 0, "section 3[2]: options are written name = value, after the plugin's name"));
    CHECK(has_error(&d, f, 0, "labels.org_type.nhs_trust: expected code = \"label\" (strings)"));
    CHECK(has_error(&d, f, 0,
                    "limits.memory: expected a size such as \"512 MiB\", \"256M\" or \"1G\", from 1 MiB to "
                    "64 GiB, got \"lots\""));
    CHECK(has_error(&d, f, 0,
                    "limits.instructions: expected a whole number of VM instructions from 1000 to 10^15, "
                    "such as 2e9, got 2.5"));
    CHECK(has_error(&d, f, 0,
                    "limits.seconds: expected a number of seconds, more than 0 and at most 86400, got -1"));
    CHECK(has_error(&d, f, 0, "limits.cpu: unknown field; expected one of memory, instructions, seconds"));
    CHECK_INT(d.errors, 22);
    folio_diag_free(&d);
}

/* limits: the defaults, report.lua's, and the command line's over them; report.lua itself runs
 * under the command line's */
static void test_limits(void)
{
    folio_diag d;
    folio_diag_init(&d);
    d.quiet = true;
    folio_report_options o = opts();
    folio_report *r = folio_report_load("tests/data/reports/good", &o, &d);
    CHECK(r != NULL);
    if (r) {
        CHECK(r->limits.memory == FOLIO_LUA_MEMORY_DEFAULT);
        CHECK(r->limits.instructions == FOLIO_LUA_INSTRUCTIONS_DEFAULT);
        CHECK(r->limits.seconds == FOLIO_LUA_SECONDS_DEFAULT);
        folio_report_free(r);
    }
    r = folio_report_load("tests/data/reports/limits", &o, &d);
    CHECK(r != NULL);
    if (r) {
        CHECK(r->limits.memory == (size_t)96 << 20);
        CHECK(r->limits.instructions == 50000000);
        CHECK(r->limits.seconds == 2.5);
        folio_report_free(r);
    }
    o.limits = (folio_limits){.memory = (size_t)1 << 30, .seconds = 7};
    r = folio_report_load("tests/data/reports/limits", &o, &d);
    CHECK(r != NULL);
    if (r) {
        CHECK(r->limits.memory == (size_t)1 << 30);
        CHECK(r->limits.instructions == 50000000);
        CHECK(r->limits.seconds == 7);
        folio_report_free(r);
    }
    CHECK_INT(d.errors, 0);
    /* a report.lua that loops runs out of the command line's instructions */
    o.limits = (folio_limits){.instructions = 100000};
    CHECK(folio_report_load("tests/data/reports/limits-loop", &o, &d) == NULL);
    CHECK(has_error(&d, "tests/data/reports/limits-loop/report.lua", 2,
                    "report.lua: exceeded the instruction limit of 100000"));
    folio_diag_free(&d);
}

int main(void)
{
    test_good();
    test_missing();
    test_lua_errors();
    test_shapes();
    test_limits();
    return harness_summary();
}
