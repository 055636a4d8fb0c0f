/* folio's command line: render a report to PDF, check it, list its plugins. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "core/diag.h"
#include "core/limits.h"
#include "core/util.h"
#include "data/table.h"
#include "doc/doc.h"
#include "layout/fonts.h"
#include "layout/layout.h"
#include "lua/host.h"
#include "pdf/pdf.h"
#include "report/report.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_PARTIAL = 3 };

static const char usage[] =
    "usage: folio render REPORT [-o FILE] [--data DIR] [--strict] [--keep-going]\n"
    "                    [--year YYYY | --from DATE --to DATE] [--pdf-standard LIST] [LIMITS]\n"
    "       folio check REPORT [--data DIR] [--strict] [LIMITS]\n"
    "       folio plugins [REPORT] [--details] [LIMITS]\n"
    "       folio watch REPORT [-o FILE] [--data DIR] [--strict] [--year YYYY | --from DATE --to DATE] [LIMITS]\n"
    "       folio test [PATH ...]\n"
    "       folio new-plugin NAME [--report DIR]\n"
    "       folio --version | --help\n"
    "LIMITS: [--memory-limit SIZE] [--time-limit SECONDS] [--instruction-limit N]\n";

static const char help[] =
    "folio renders printable PDF reports from CSV files and Lua section plugins.\n"
    "\n"
    "Commands:\n"
    "  render REPORT    make the PDF of REPORT (a report folder or its report.lua)\n"
    "  check REPORT     validate the definition, the inputs and the plugins; no PDF\n"
    "  plugins [REPORT] list the plugins the report uses (or every standard plugin), with versions\n"
    "                   and files; --details adds each one's options (type, default) and needs\n"
    "  watch REPORT     render, then render again whenever report.lua, an input, a plugin or a\n"
    "                   Markdown file changes; a failed render keeps the last good PDF\n"
    "  test [PATH ...]  run plugin tests (NAME_test.lua; default: the standard plugins' tests)\n"
    "  new-plugin NAME  write a working plugin and its test (--report DIR: into DIR/plugins)\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE  where to write the PDF (default: NAME.pdf, NAME = the report folder)\n"
    "  --data DIR         read the report's input files from DIR instead\n"
    "  --strict           treat warnings (rejected rows) as errors\n"
    "  --year YYYY        use only rows dated in that calendar year\n"
    "  --from DATE        use only rows dated on or after DATE (YYYY-MM-DD)\n"
    "  --to DATE          use only rows dated on or before DATE (YYYY-MM-DD)\n"
    "  --pdf-standard LIST  the standards the PDF claims and is made to meet: a-2b (PDF/A-2b,\n"
    "                     archival), a-2a (PDF/A-2a, tagged), ua-1 (PDF/UA-1, tagged), a list\n"
    "                     such as ua-1,a-2a, or none; wins over report.lua's pdf_standard\n"
    "                     (default: a-2b; see docs/accessibility.md)\n"
    "  --keep-going       a section that fails (its plugin errs, breaks a limit, returns bad\n"
    "                     blocks, or cannot be loaded) is replaced by a marked error box and\n"
    "                     the rest of the PDF is made; the failures are listed; exit status 3\n"
    "  --version          print the version\n"
    "  --help             print this help\n"
    "\n"
    "Limits of every plugin run (and of report.lua); they win over report.lua's `limits`:\n"
    "  --memory-limit SIZE         memory of one plugin, e.g. 256M, 1G, \"512 MiB\" (default 512 MiB)\n"
    "  --time-limit SECONDS        wall-clock time of one plugin run (default 60)\n"
    "  --instruction-limit N       Lua VM instructions of one plugin run (default 2e9)\n"
    "\n"
    "Exit status: 0 the PDF was written (or the check passed); 1 the report could not be\n"
    "made (bad input, failing plugin); 2 the command line was wrong; 3 (--keep-going) the PDF\n"
    "was written, but some sections could not be made and are marked as such in it.\n";

typedef struct cli {
    const char *command;
    const char *report;
    const char *output;
    const char *data_dir;
    bool strict;
    bool keep_going;
    bool details; /* plugins --details */
    unsigned pdf_standards; /* --pdf-standard, when pdf_standards_set */
    bool pdf_standards_set;
    int32_t from, to;
    folio_limits limits; /* 0 = not given */
} cli;

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "folio: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return EXIT_USAGE;
}

static bool parse_date_arg(const char *s, int32_t *out)
{
    return strlen(s) == 10 && folio_date_parse(s, 10, out);
}

/* Parses argv into c (options may come before or after the command); returns -1 to go on,
 * or an exit status. */
static int parse_args(int argc, char **argv, cli *c)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"data", required_argument, NULL, 'd'},
        {"strict", no_argument, NULL, 's'},       {"year", required_argument, NULL, 'y'},
        {"from", required_argument, NULL, 'f'},   {"to", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
        {"keep-going", no_argument, NULL, 'k'},   {"memory-limit", required_argument, NULL, 'M'},
        {"time-limit", required_argument, NULL, 'T'}, {"instruction-limit", required_argument, NULL, 'I'},
        {"details", no_argument, NULL, 'D'},
        {"pdf-standard", required_argument, NULL, 'P'},
        {NULL, 0, NULL, 0}};
    *c = (cli){.from = FOLIO_DATE_NONE, .to = FOLIO_DATE_NONE};
    bool have_year = false, have_range = false;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o': c->output = optarg; break;
        case 'd': c->data_dir = optarg; break;
        case 's': c->strict = true; break;
        case 'k': c->keep_going = true; break;
        case 'D': c->details = true; break;
        case 'P': {
            char why[160];
            if (strlen(optarg) > FOLIO_PDF_MAX_STANDARD ||
                !folio_pdf_standard_parse(optarg, &c->pdf_standards, why, sizeof why)) {
                if (strlen(optarg) > FOLIO_PDF_MAX_STANDARD)
                    snprintf(why, sizeof why, "too long");
                fprintf(stderr, "folio: --pdf-standard \"%.*s\": %s\n", FOLIO_PDF_MAX_STANDARD, optarg, why);
                return usage_error("%s", "--pdf-standard takes " FOLIO_PDF_STANDARD_HELP);
            }
            c->pdf_standards_set = true;
            break;
        }
        case 'M':
            if (!folio_limits_parse_memory(optarg, &c->limits.memory))
                return usage_error("--memory-limit takes " FOLIO_LIMITS_MEMORY_HELP ", not \"%s\"", optarg);
            break;
        case 'T':
            if (!folio_limits_parse_seconds(optarg, &c->limits.seconds))
                return usage_error("--time-limit takes " FOLIO_LIMITS_SECONDS_HELP ", not \"%s\"", optarg);
            break;
        case 'I':
            if (!folio_limits_parse_instructions(optarg, &c->limits.instructions))
                return usage_error("--instruction-limit takes " FOLIO_LIMITS_INSTRUCTIONS_HELP ", not \"%s\"",
                                   optarg);
            break;
        case 'y': {
            char *end;
            long y = strtol(optarg, &end, 10);
            if (*end || strlen(optarg) != 4 || y < 1000)
                return usage_error("--year takes a year such as 2026, not \"%s\"", optarg);
            c->from = folio_date_from_ymd((int)y, 1, 1);
            c->to = folio_date_from_ymd((int)y, 12, 31);
            have_year = true;
            break;
        }
        case 'f':
            if (!parse_date_arg(optarg, &c->from))
                return usage_error("--from takes a date YYYY-MM-DD, not \"%s\"", optarg);
            have_range = true;
            break;
        case 't':
            if (!parse_date_arg(optarg, &c->to))
                return usage_error("--to takes a date YYYY-MM-DD, not \"%s\"", optarg);
            have_range = true;
            break;
        case 'h':
            fputs(usage, stdout);
            fputs("\n", stdout);
            fputs(help, stdout);
            return EXIT_OK;
        case 'V': printf("folio %s\n", FOLIO_VERSION); return EXIT_OK;
        case ':': return usage_error("option %s needs a value", argv[optind - 1]);
        default: return usage_error("unknown option %s", argv[optind - 1]);
        }
    }
    if (have_year && have_range)
        return usage_error("%s", "--year cannot be combined with --from or --to");
    if (c->from != FOLIO_DATE_NONE && c->to != FOLIO_DATE_NONE && c->from > c->to)
        return usage_error("%s", "the period ends before it starts (--from is after --to)");
    if (optind >= argc)
        return usage_error("%s", "no command given");
    c->command = argv[optind++];
    if (strcmp(c->command, "render") && strcmp(c->command, "check") && strcmp(c->command, "plugins") &&
        strcmp(c->command, "watch"))
        return usage_error("unknown command \"%s\"", c->command);
    if (optind >= argc && strcmp(c->command, "plugins"))
        return usage_error("%s needs a REPORT (a report folder or its report.lua)", c->command);
    if (optind < argc)
        c->report = argv[optind++];
    if (optind < argc)
        return usage_error("unexpected argument \"%s\"", argv[optind]);
    if (c->output && strcmp(c->command, "render") && strcmp(c->command, "watch"))
        return usage_error("%s", "-o is only for render and watch");
    if (c->details && strcmp(c->command, "plugins"))
        return usage_error("%s", "--details is only for plugins");
    if (c->pdf_standards_set && strcmp(c->command, "render") && strcmp(c->command, "watch"))
        return usage_error("%s", "--pdf-standard is only for render and watch");
    if (c->keep_going && strcmp(c->command, "render"))
        return usage_error("%s", "--keep-going is only for render");
    return -1;
}

/* Where the standard plugins and bundled fonts live: $FOLIO_HOME, else the source tree. */
static const char *folio_home(void)
{
    const char *h = getenv("FOLIO_HOME");
    return h && *h ? h : FOLIO_SOURCE_DIR;
}

/* The date printed on the cover and in the PDF's metadata: SOURCE_DATE_EPOCH when set
 * (reproducible builds), else today's date. */
static void run_date(char out[11])
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t;
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        t = (*end || v < 0) ? time(NULL) : (time_t)v;
    } else {
        t = time(NULL);
    }
    folio_date_format((int32_t)(t / 86400), out);
}

static const char *report_name(const folio_report *r)
{
    const char *slash = strrchr(r->dir, '/');
    return slash ? slash + 1 : r->dir;
}

/* Loads every input; reports every failure; false if any input could not be read. */
static bool load_tables(const folio_report *r, folio_table **tables, folio_diag *diag)
{
    bool ok = true;
    for (size_t i = 0; i < r->ninputs; i++) {
        tables[i] = folio_table_load(&r->inputs[i].spec, diag);
        if (!tables[i])
            ok = false;
    }
    return ok;
}

static bool load_fonts(const folio_report *r, folio_fontset *fonts, folio_diag *diag)
{
    bool ok = true;
    for (int i = 0; i < FOLIO_FACES; i++) {
        char err[512];
        fonts->face[i] = folio_font_load(r->font_files[i], err, sizeof err);
        if (!fonts->face[i]) {
            folio_diag_add(diag, FOLIO_ERROR, r->font_files[i], 0, 0, "%s", err);
            ok = false;
        }
    }
    return ok;
}

/* Whether the run must stop: an error that is not a failed section's (those are replaced by
 * an error box under --keep-going), or a warning under --strict. */
static bool run_failed(const folio_diag *diag, const folio_run *fr)
{
    size_t tolerated = fr->keep_going ? fr->failed_errors : 0;
    return diag->errors > tolerated || (diag->strict && diag->warnings > 0);
}

static double elapsed(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static int run(const cli *c)
{
    folio_diag diag;
    folio_diag_init(&diag);
    diag.strict = c->strict;
    char std_plugins[4096], fonts_dir[4096], date[11];
    snprintf(std_plugins, sizeof std_plugins, "%s/plugins", folio_home());
    snprintf(fonts_dir, sizeof fonts_dir, "%s/fonts", folio_home());
    run_date(date);

    struct timespec t0, t1, t_plugins, t_layout, t_built;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    folio_report_options ropt = {
        .data_dir = c->data_dir, .fonts_dir = fonts_dir, .from = c->from, .to = c->to, .limits = c->limits};
    folio_report *rep = folio_report_load(c->report, &ropt, &diag);
    folio_table **tables = NULL;
    folio_doc *doc = NULL;
    folio_layout *layout = NULL;
    folio_fontset fonts = {0};
    folio_run fr = {0};
    int status = EXIT_FAILED;
    if (!rep)
        goto done;

    tables = xcalloc(rep->ninputs ? rep->ninputs : 1, sizeof *tables);
    bool tables_ok = strcmp(c->command, "plugins") ? load_tables(rep, tables, &diag) : true;
    doc = folio_doc_create();
    fr = (folio_run){.report = rep,
                     .tables = tables,
                     .doc = doc,
                     .diag = &diag,
                     .limits = rep->limits,
                     .engine_version = FOLIO_VERSION,
                     .run_date = date,
                     .std_plugins = std_plugins,
                     .keep_going = c->keep_going};
    bool plugins_ok = folio_host_resolve(&fr);

    if (!strcmp(c->command, "plugins")) {
        folio_cli_print_plugins(&fr, c->details);
        status = plugins_ok ? EXIT_OK : EXIT_FAILED;
        goto done;
    }
    if (!tables_ok || !plugins_ok || run_failed(&diag, &fr))
        goto done;
    if (!strcmp(c->command, "check")) {
        size_t rows = 0;
        for (size_t i = 0; i < rep->ninputs; i++)
            rows += folio_table_row_count(tables[i]);
        printf("%s: ok: %zu inputs (%zu rows used), %zu sections, %zu warnings\n", rep->display,
               rep->ninputs, rows, rep->nsections, diag.warnings);
        status = EXIT_OK;
        goto done;
    }

    clock_gettime(CLOCK_MONOTONIC, &t_plugins);
    if (!folio_host_build(&fr) || run_failed(&diag, &fr))
        goto done;
    if (!load_fonts(rep, &fonts, &diag))
        goto done;
    fonts.fallback_files = (const char *const *)rep->fallback_files;
    fonts.nfallback_files = rep->nfallback * FOLIO_FACES;
    clock_gettime(CLOCK_MONOTONIC, &t_layout);
    layout = folio_layout_render(doc, &rep->theme, &fonts, &diag);
    if (layout)
        folio_report_unprintable(rep, tables, layout, &diag);
    if (!layout || run_failed(&diag, &fr))
        goto done;
    clock_gettime(CLOCK_MONOTONIC, &t_built);

    char default_out[4096];
    const char *out = c->output;
    if (!out) {
        snprintf(default_out, sizeof default_out, "%s.pdf", report_name(rep));
        out = default_out;
    }
    folio_pdf_options popt = {.creation_date = date,
                              .fallback_files = (const char *const *)rep->fallback_files,
                              .nfallback_files = rep->nfallback * FOLIO_FACES,
                              .standards = c->pdf_standards_set     ? c->pdf_standards
                                           : rep->pdf_standards_set ? rep->pdf_standards
                                                                    : FOLIO_PDF_STANDARD_DEFAULT,
                              .standards_default = !c->pdf_standards_set && !rep->pdf_standards_set};
    for (int i = 0; i < FOLIO_FACES; i++)
        popt.font_files[i] = rep->font_files[i];
    if (!folio_pdf_write(layout, doc, &popt, out, &diag))
        goto done;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct stat st;
    long kb = stat(out, &st) == 0 ? (long)((st.st_size + 1023) / 1024) : 0;
    for (size_t i = 0; i < fr.nplugins; i++)
        if (fr.plugins[i].failure)
            fprintf(stderr, "folio: section %zu (%s) could not be made: %s\n", i + 1, rep->sections[i].plugin,
                    fr.plugins[i].failure);
    fprintf(stderr, "folio: wrote %s (%zu pages, %ld KB) in %.2f s%s\n", out, layout->npages, kb, secs,
            diag.warnings ? ", with warnings" : "");
    if (getenv("FOLIO_TIMING") && *getenv("FOLIO_TIMING")) {
        /* Per stage: report and inputs, plugins (and fonts), layout, PDF (bench/run reads it). */
        double load = elapsed(&t0, &t_plugins), plugins = elapsed(&t_plugins, &t_layout);
        double lay = elapsed(&t_layout, &t_built), pdf = elapsed(&t_built, &t1);
        fprintf(stderr, "folio: timing: load %.3f s, plugins %.3f s, layout %.3f s (%.3f ms/page), pdf %.3f s\n",
                load, plugins, lay, 1000 * lay / (double)layout->npages, pdf);
    }
    status = EXIT_OK;
    if (fr.nfailed) {
        fprintf(stderr, "folio: %zu section%s could not be made and %s marked in the PDF (--keep-going)\n",
                fr.nfailed, fr.nfailed == 1 ? "" : "s", fr.nfailed == 1 ? "is" : "are");
        status = EXIT_PARTIAL;
    }

done:
    if (status == EXIT_FAILED && diag.strict && diag.errors == 0 && diag.warnings > 0)
        fprintf(stderr, "folio: %zu warnings, and --strict makes them errors; no PDF written\n", diag.warnings);
    else if (status == EXIT_FAILED && !strcmp(c->command, "check"))
        fprintf(stderr, "folio: check found %zu error%s and %zu warning%s\n", diag.errors,
                diag.errors == 1 ? "" : "s", diag.warnings, diag.warnings == 1 ? "" : "s");
    else if (status == EXIT_FAILED && strcmp(c->command, "plugins"))
        fprintf(stderr, "folio: %s failed: %zu error%s; no PDF written\n", c->command, diag.errors,
                diag.errors == 1 ? "" : "s");
    folio_layout_free(layout);
    for (int i = 0; i < FOLIO_FACES; i++)
        folio_font_free(fonts.face[i]);
    folio_run_free_plugins(&fr);
    folio_doc_free(doc);
    if (rep && tables)
        for (size_t i = 0; i < rep->ninputs; i++)
            folio_table_free(tables[i]);
    free(tables);
    folio_report_free(rep);
    folio_diag_free(&diag);
    return status;
}

int main(int argc, char **argv)
{
    /* commands with arguments of their own (cli/commands.h) */
    if (argc >= 2 && strcmp(argv[1], "test") == 0)
        return folio_cmd_test(argc - 2, argv + 2, folio_home());
    if (argc >= 2 && strcmp(argv[1], "new-plugin") == 0)
        return folio_cmd_new_plugin(argc - 2, argv + 2, folio_home());
    cli c;
    int r = parse_args(argc, argv, &c);
    if (r >= 0)
        return r;
    char std_plugins[4096];
    snprintf(std_plugins, sizeof std_plugins, "%s/plugins", folio_home());
    if (!strcmp(c.command, "plugins") && !c.report)
        return folio_cli_list_standard(std_plugins, "plugins", c.details, &c.limits);
    if (!strcmp(c.command, "watch"))
        return folio_cli_watch(argc, argv, c.report, std_plugins);
    return run(&c);
}
