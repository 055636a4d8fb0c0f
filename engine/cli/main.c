/* folio's command line: render a report to PDF, check it, list its plugins. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/provenance.h"
#include "cli/runlog.h"
#include "core/diag.h"
#include "core/heap.h"
#include "core/limits.h"
#include "core/thread.h"
#include "core/util.h"
#include "data/table.h"
#include "doc/doc.h"
#include "layout/fonts.h"
#include "layout/layout.h"
#include "lua/host.h"
#include "pdf/pdf.h"
#include "report/report.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_PARTIAL = 3 };

static const char usage[] = "usage: folio render REPORT [-o FILE] [--data DIR] [--strict] [--keep-going]\n"
                            "                    [--year YYYY | --from DATE --to DATE] [--log FILE] "
                            "[--dry-run] [--no-wait]\n"
                            "                    [--pdf-standard LIST] [LIMITS]\n"
                            "                    [--each [INPUT.]COLUMN [--jobs N] [--shard K/N]]\n"
                            "       folio check REPORT [--data DIR] [--strict] [--log FILE] [LIMITS]\n"
                            "       folio plugins [REPORT] [--details] [LIMITS]\n"
                            "       folio watch REPORT [-o FILE] [--data DIR] [--strict] [--year YYYY | "
                            "--from DATE --to DATE] [LIMITS]\n"
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
    "  -o, --output FILE  where to write the PDF (default: NAME.pdf, NAME = the report folder);\n"
    "                     FILE may hold {value} (--each), {year}, {from}, {to}, {report}; {{ is a '{'\n"
    "  --data DIR         read the report's input files from DIR instead\n"
    "  --strict           treat warnings (rejected rows) as errors\n"
    "  --year YYYY        use only rows dated in that year: the calendar year, or from the\n"
    "                     report's year_start (\"04-01\": --year 2025 is 2025-04-01 to 2026-03-31)\n"
    "  --from DATE        use only rows dated on or after DATE (YYYY-MM-DD)\n"
    "  --to DATE          use only rows dated on or before DATE (YYYY-MM-DD)\n"
    "  --pdf-standard LIST  the standards the PDF claims and is made to meet: a-2b (PDF/A-2b,\n"
    "                     archival), a-2a (PDF/A-2a, tagged), ua-1 (PDF/UA-1, tagged), a list\n"
    "                     such as ua-1,a-2a, or none; wins over report.lua's pdf_standard\n"
    "                     (default: a-2b; see docs/accessibility.md)\n"
    "  --pdf-standard LIST  the standards the PDF claims and is made to meet: a-2b (PDF/A-2b,\n"
    "                     archival), a-2a (PDF/A-2a, tagged), ua-1 (PDF/UA-1, tagged), a list\n"
    "                     such as ua-1,a-2a, or none; wins over report.lua's pdf_standard\n"
    "                     (default: a-2b; see docs/accessibility.md)\n"
    "  --keep-going       a section that fails (its plugin errs, breaks a limit, returns bad\n"
    "                     blocks, or cannot be loaded) is replaced by a marked error box and\n"
    "                     the rest of the PDF is made; the failures are listed; exit status 3\n"
    "  --log FILE         write a JSON run log to FILE at the end of the run, also a failed one:\n"
    "                     versions, inputs with SHA-256 and row counts, timings, messages, outputs\n"
    "  --dry-run          do everything but write the PDF (and its folders and lock)\n"
    "  --no-wait          if another run is writing the same PDF, fail at once (exit 1) instead\n"
    "                     of waiting for it to finish\n"
    "  --each [INPUT.]COLUMN  one PDF per distinct value of COLUMN of the main input (report.lua's\n"
    "                     `main`, or the one input with that column), each seeing only that value's\n"
    "                     rows of every input that has the column; -o must use {value}\n"
    "  --jobs N           with --each: render N reports at once (default: the number of cores)\n"
    "  --shard K/N        with --each: render only the K-th of N shares of the values (K from 1 to N;\n"
    "                     value i of the sorted values is in share i mod N + 1)\n"
    "  --version          print the version\n"
    "  --help             print this help\n"
    "\n"
    "Limits of every plugin run (and of report.lua); they win over report.lua's `limits`:\n"
    "  --memory-limit SIZE         memory of one plugin, e.g. 256M, 1G, \"512 MiB\" (default 512 MiB)\n"
    "  --time-limit SECONDS        wall-clock time of one plugin run (default 60)\n"
    "  --instruction-limit N       Lua VM instructions of one plugin run (default 2e9)\n"
    "\n"
    "Exit status: 0 the PDF was written (or the check passed); 1 the report could not be\n"
    "made (bad input, failing plugin, the PDF being written by another run under --no-wait);\n"
    "2 the command line was wrong; 3 (--keep-going) the PDF was written, but some sections\n"
    "could not be made and are marked as such in it. With --each: 0 every PDF was written,\n"
    "1 one could not be made (the others still are), 3 some have failed sections. See\n"
    "docs/bursting.md.\n"
    "\n"
    "The PDF's date is SOURCE_DATE_EPOCH, else the period's end, else the latest date in the\n"
    "data: never the clock, so the same inputs give the same bytes. See docs/scheduling.md.\n";

typedef struct cli {
    const char *command;
    const char *report;
    const char *output;
    const char *data_dir;
    bool strict;
    bool keep_going;
    bool details;    /* plugins --details */
    const char *log; /* --log FILE */
    bool dry_run, no_wait;
    unsigned pdf_standards; /* --pdf-standard, when pdf_standards_set */
    bool pdf_standards_set;
    int argc;
    char **argv;
    int32_t from, to;
    int year;                  /* --year, 0 = not given */
    folio_limits limits;       /* 0 = not given */
    const char *year_arg;      /* --year as given, for -o's {year} */
    const char *each;          /* --each [INPUT.]COLUMN */
    unsigned jobs;             /* --jobs; 0 = the number of cores */
    unsigned shard_k, shard_n; /* --shard K/N; 0 = every value */
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

/* Checks -o's placeholders against the rest of the command line; -1 to go on, or EXIT_USAGE. */
static int check_output(const cli *c)
{
    unsigned uses = 0;
    char err[600];
    if (c->each && !c->output)
        return usage_error("--each %s needs -o with {value}, e.g. -o 'out/{value}.pdf'", c->each);
    if (!c->output)
        return -1;
    if (!folio_output_template_check(c->output, &uses, err, sizeof err))
        return usage_error("%s", err);
    if (c->each && !(uses & FOLIO_OUT_VALUE))
        return usage_error("-o \"%s\" needs {value} with --each, or every report would overwrite the last",
                           c->output);
    if (!c->each && (uses & FOLIO_OUT_VALUE))
        return usage_error("-o \"%s\" uses {value}, which only --each gives", c->output);
    if ((uses & FOLIO_OUT_YEAR) && !c->year && (c->from == FOLIO_DATE_NONE || c->to == FOLIO_DATE_NONE))
        return usage_error("-o \"%s\" uses {year}, which needs --year (or --from and --to)", c->output);
    if ((uses & FOLIO_OUT_FROM) && c->from == FOLIO_DATE_NONE)
        return usage_error("-o \"%s\" uses {from}, which needs --year or --from", c->output);
    if ((uses & FOLIO_OUT_TO) && c->to == FOLIO_DATE_NONE)
        return usage_error("-o \"%s\" uses {to}, which needs --year or --to", c->output);
    return -1;
}

/* Parses argv into c (options may come before or after the command); returns -1 to go on,
 * or an exit status. */
static int parse_args(int argc, char **argv, cli *c)
{
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"data", required_argument, NULL, 'd'},
                                             {"strict", no_argument, NULL, 's'},
                                             {"year", required_argument, NULL, 'y'},
                                             {"from", required_argument, NULL, 'f'},
                                             {"to", required_argument, NULL, 't'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"version", no_argument, NULL, 'V'},
                                             {"keep-going", no_argument, NULL, 'k'},
                                             {"memory-limit", required_argument, NULL, 'M'},
                                             {"time-limit", required_argument, NULL, 'T'},
                                             {"instruction-limit", required_argument, NULL, 'I'},
                                             {"details", no_argument, NULL, 'D'},
                                             {"each", required_argument, NULL, 'E'},
                                             {"log", required_argument, NULL, 'L'},
                                             {"dry-run", no_argument, NULL, 'n'},
                                             {"no-wait", no_argument, NULL, 'W'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"shard", required_argument, NULL, 'S'},
                                             {"pdf-standard", required_argument, NULL, 'P'},
                                             {NULL, 0, NULL, 0}};
    *c = (cli){.from = FOLIO_DATE_NONE, .to = FOLIO_DATE_NONE, .argc = argc, .argv = argv};
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
        case 'L': c->log = optarg; break;
        case 'n': c->dry_run = true; break;
        case 'W': c->no_wait = true; break;
        case 'E':
            if (!*optarg)
                return usage_error("--each takes a column name, e.g. --each region%s", "");
            c->each = optarg;
            break;
        case 'j': {
            char *end;
            long j = strtol(optarg, &end, 10);
            if (*end || end == optarg || j < 1 || j > 1024)
                return usage_error(
                    "--jobs takes a number of reports to render at once, 1 to 1024, not \"%s\"", optarg);
            c->jobs = (unsigned)j;
            break;
        }
        case 'S':
            if (!folio_shard_parse(optarg, &c->shard_k, &c->shard_n))
                return usage_error("--shard takes K/N, the K-th of N shares with 1 <= K <= N <= 10000 "
                                   "(e.g. --shard 1/4), not \"%s\"",
                                   optarg);
            break;
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
            c->year = (int)y;
            c->year_arg = optarg;
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
    if ((c->dry_run || c->no_wait) && strcmp(c->command, "render"))
        return usage_error("%s",
                           c->dry_run ? "--dry-run is only for render" : "--no-wait is only for render");
    if (c->log && strcmp(c->command, "render") && strcmp(c->command, "check"))
        return usage_error("%s", "--log is only for render and check");
    if (c->log && !*c->log)
        return usage_error("%s", "--log needs a file name");
    if (c->pdf_standards_set && strcmp(c->command, "render") && strcmp(c->command, "watch"))
        return usage_error("%s", "--pdf-standard is only for render and watch");
    if (c->each && strcmp(c->command, "render"))
        return usage_error("%s", "--each is only for render");
    if ((c->jobs || c->shard_n) && !c->each)
        return usage_error("%s needs --each COLUMN", c->jobs ? "--jobs" : "--shard");
    return check_output(c);
}

/* Where the standard plugins and bundled fonts live: $FOLIO_HOME, else the source tree. */
static const char *folio_home(void)
{
    const char *h = getenv("FOLIO_HOME");
    return h && *h ? h : FOLIO_SOURCE_DIR;
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

/* --each [INPUT.]COLUMN: the column a burst splits by is stored in every input that has it
 * (the burst narrows each such input by it), and so are their date columns, whether or not a
 * plugin reads them. */
static void keep_burst_column(folio_report *rep, const char *each)
{
    const char *dot = strchr(each, '.');
    const char *column = dot ? dot + 1 : each;
    for (size_t i = 0; i < rep->ninputs; i++) {
        folio_input *in = &rep->inputs[i];
        if (dot && (strlen(in->spec.name) != (size_t)(dot - each) ||
                    strncmp(in->spec.name, each, (size_t)(dot - each))))
            continue;
        for (size_t k = 0; k < in->spec.ncols; k++)
            if (!strcmp(in->cols[k].name, column) ||
                (in->spec.date_col && !strcmp(in->cols[k].name, in->spec.date_col)))
                in->cols[k].unread = false;
    }
}

/* The inputs' SHA-256 (provenance) are computed on a thread of their own while the plugins,
 * the layout and the PDF's pages are made: only the PDF's metadata needs them, and on 1,000,000
 * responses they took 0.1 s of the run in series. */
typedef struct hasher {
    folio_thread thread;
    bool running;
    folio_provenance *prov;
    const folio_report *rep;
} hasher;

static void *hash_main(void *arg)
{
    hasher *h = arg;
    folio_provenance_digest(h->prov, h->rep); /* allocates nothing: see provenance.h */
    return NULL;
}

static void hash_start(hasher *h, folio_provenance *prov, const folio_report *rep)
{
    h->prov = prov;
    h->rep = rep;
    folio_provenance_begin(prov, rep);
    h->running = folio_thread_start(&h->thread, hash_main, h);
    if (!h->running) { /* no thread: in series, as before */
        folio_provenance_digest(prov, rep);
        folio_provenance_name(prov, rep);
    }
}

/* Waits for the digests; safe to call again, and when none were started. */
static void hash_wait(hasher *h)
{
    if (h->running) {
        folio_thread_join(&h->thread);
        h->running = false;
        folio_provenance_name(h->prov, h->rep);
    }
}

/* Everything a run loads once; every report it renders shares it. */
typedef struct session {
    const cli *c;
    const folio_report *rep;
    folio_table **tables;
    folio_run *fr; /* plugins resolved; each report runs a copy */
    folio_fontset *fonts;
    folio_diag *diag;
    const folio_provenance *prov; /* the date and the inputs' SHA-256 every PDF carries */
    hasher *hash;                 /* computing prov's digests: wait before reading them */
    folio_runlog *log;            /* --log, or NULL */
    struct timespec t0;
    struct timespec marks[4]; /* a single report's stages end: load, plugins, layout, pdf */
} session;

/* Renders one report (a folio_render_fn): the whole report when b is NULL, else the report of
 * one burst value, whose tables are already narrowed. The PDF goes to out->path. A burst's
 * report leaves the session as it found it, for the next. */
static int render_one(void *arg, const folio_burst *b, folio_output *out)
{
    session *s = arg;
    const folio_report *rep = s->rep;
    folio_run fr = *s->fr;
    fr.doc = folio_doc_create();
    fr.burst = b;
    folio_layout *layout = NULL;
    struct timespec t_plugins, t_layout, t_built, t1;
    folio_lock lock = {.fd = -1};
    bool dry = s->c->dry_run;
    /* a burst's worker renders report after report: the sections that fail in this one are
     * marked for it only (those that failed while resolving stay marked) */
    bool *failed_before = b ? xcalloc(fr.nplugins ? fr.nplugins : 1, sizeof *failed_before) : NULL;
    for (size_t i = 0; b && i < fr.nplugins; i++)
        failed_before[i] = fr.plugins[i].failure != NULL;
    out->status = EXIT_FAILED;
    out->pages = 0;
    out->bytes = 0;
    clock_gettime(CLOCK_MONOTONIC, &t_plugins);
    if (!b)
        s->marks[0] = t_plugins;
    if (!folio_host_build(&fr) || run_failed(s->diag, &fr))
        goto done;
    clock_gettime(CLOCK_MONOTONIC, &t_layout);
    if (!b)
        s->marks[1] = t_layout;
    layout = folio_layout_render(fr.doc, &rep->theme, s->fonts, s->diag);
    if (layout)
        folio_report_unprintable(rep, s->tables, layout, s->diag);
    if (!layout || run_failed(s->diag, &fr))
        goto done;
    clock_gettime(CLOCK_MONOTONIC, &t_built);
    if (!b)
        s->marks[2] = t_built;

    folio_pdf_options popt = {.fallback_files = (const char *const *)rep->fallback_files,
                              .nfallback_files = rep->nfallback * FOLIO_FACES};
    for (int i = 0; i < FOLIO_FACES; i++)
        popt.font_files[i] = rep->font_files[i];
    hash_wait(s->hash);
    folio_provenance_pdf_options(s->prov, &popt);
    popt.untagged = rep->untagged;
    popt.standards = s->c->pdf_standards_set  ? s->c->pdf_standards
                     : rep->pdf_standards_set ? rep->pdf_standards
                                              : FOLIO_PDF_STANDARD_DEFAULT;
    popt.standards_default = !s->c->pdf_standards_set && !rep->pdf_standards_set;
    /* One report of a burst locks its own PDF (a single report's was locked before loading). */
    if (b && !dry && !folio_output_lock(&lock, out->path, !s->c->no_wait, s->diag))
        goto done;
    /* A dry run makes every byte of the PDF, into /dev/null. */
    if (!folio_pdf_write(layout, fr.doc, &popt, dry ? "/dev/null" : out->path, s->diag))
        goto done;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    struct stat st;
    out->bytes = !dry && stat(out->path, &st) == 0 ? (long)st.st_size : 0;
    out->pages = layout->npages;
    out->status = fr.nfailed ? EXIT_PARTIAL : EXIT_OK;
    if (b)
        goto done; /* the burst reports progress itself, and adds the output to the log */
    s->marks[3] = t1;
    folio_runlog_add_output(s->log, out->path, layout->npages, dry);
    double secs = elapsed(&s->t0, &t1);
    for (size_t i = 0; i < fr.nplugins; i++)
        if (fr.plugins[i].failure)
            fprintf(stderr, "folio: section %zu (%s) could not be made: %s\n", i + 1, rep->sections[i].plugin,
                    fr.plugins[i].failure);
    if (dry)
        fprintf(stderr, "folio: dry run: would write %s (%zu pages) in %.2f s%s\n", out->path, layout->npages,
                secs, s->diag->warnings ? ", with warnings" : "");
    else
        fprintf(stderr, "folio: wrote %s (%zu pages, %ld KB) in %.2f s%s\n", out->path, layout->npages,
                (out->bytes + 1023) / 1024, secs, s->diag->warnings ? ", with warnings" : "");
    if (getenv("FOLIO_TIMING") && *getenv("FOLIO_TIMING")) {
        /* Per stage: report and inputs, plugins (and fonts), layout, PDF (bench/run reads it). */
        double load = elapsed(&s->t0, &t_plugins), plugins = elapsed(&t_plugins, &t_layout);
        double lay = elapsed(&t_layout, &t_built), pdf = elapsed(&t_built, &t1);
        fprintf(stderr,
                "folio: timing: load %.3f s, plugins %.3f s, layout %.3f s (%.3f ms/page), pdf %.3f s\n",
                load, plugins, lay, 1000 * lay / (double)layout->npages, pdf);
    }
    if (fr.nfailed)
        fprintf(stderr, "folio: %zu section%s could not be made and %s marked in the PDF (--keep-going)\n",
                fr.nfailed, fr.nfailed == 1 ? "" : "s", fr.nfailed == 1 ? "is" : "are");

done:
    if (b) {
        for (size_t i = 0; i < fr.nplugins; i++)
            if (!failed_before[i] && fr.plugins[i].failure) {
                free(fr.plugins[i].failure);
                fr.plugins[i].failure = NULL;
            }
        free(failed_before);
    } else {
        s->fr->nfailed = fr.nfailed;
        s->fr->failed_errors = fr.failed_errors;
    }
    folio_output_unlock(&lock);
    folio_layout_free(layout);
    folio_doc_free(fr.doc);
    return out->status;
}

/* The number of cores, the default of --jobs. */
static unsigned cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 1024 ? 1024 : (unsigned)n;
}

/* What -o's placeholders stand for in this run (from, to, year: buffers of the caller). */
static void output_vars(const cli *c, const folio_report *rep, int32_t pfrom, int32_t pto, char from[11],
                        char to[11], char year[16], folio_output_vars *v)
{
    *v = (folio_output_vars){.report = report_name(rep)};
    if (pfrom != FOLIO_DATE_NONE) {
        folio_date_format(pfrom, from);
        v->from = from;
    }
    if (pto != FOLIO_DATE_NONE) {
        folio_date_format(pto, to);
        v->to = to;
    }
    if (c->year_arg) {
        v->year = c->year_arg;
    } else if (v->from && v->to) {
        /* --from and --to: the year, or the years they span ("2025-2026") */
        if (!strncmp(from, to, 4))
            snprintf(year, 16, "%.4s", from);
        else
            snprintf(year, 16, "%.4s-%.4s", from, to);
        v->year = year;
    }
}

/* The PDF's path: -o expanded, or NAME.pdf. false after reporting. */
static bool output_path(const cli *c, const folio_report *rep, char *out, size_t size)
{
    if (!c->output) {
        snprintf(out, size, "%s.pdf", report_name(rep));
        return true;
    }
    char from[11], to[11], year[16], err[600];
    folio_output_vars v;
    const folio_inputspec *period = rep->ninputs ? &rep->inputs[0].spec : NULL;
    output_vars(c, rep, period ? period->from : c->from, period ? period->to : c->to, from, to, year, &v);
    if (folio_output_expand(c->output, &v, out, size, err, sizeof err))
        return true;
    fprintf(stderr, "folio: %s\n", err);
    return false;
}

static int run(const cli *c)
{
    folio_diag diag;
    folio_diag_init(&diag);
    diag.strict = c->strict;
    char std_plugins[4096], fonts_dir[4096];
    snprintf(std_plugins, sizeof std_plugins, "%s/plugins", folio_home());
    snprintf(fonts_dir, sizeof fonts_dir, "%s/fonts", folio_home());
    folio_runlog *log = c->log ? folio_runlog_create(c->command, c->argc, c->argv) : NULL;
    folio_runlog_set_period(log, c->from, c->to); /* until report.lua is read (year_start) */
    folio_runlog_set_flags(log, c->strict, c->keep_going, c->dry_run);
    folio_provenance prov = {0};
    folio_lock lock = {.fd = -1};
    bool rendering = !strcmp(c->command, "render");
    hasher hash = {0};
    session ses = {.c = c, .prov = &prov, .hash = &hash, .log = log};

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    folio_report_options ropt = {.data_dir = c->data_dir,
                                 .fonts_dir = fonts_dir,
                                 .from = c->from,
                                 .to = c->to,
                                 .year = c->year,
                                 .limits = c->limits};
    folio_report *rep = folio_report_load(c->report, &ropt, &diag);
    folio_table **tables = NULL;
    folio_doc *doc = NULL;
    folio_fontset fonts = {0};
    folio_run fr = {0};
    int status = EXIT_FAILED;
    bool burst_ran = false;
    folio_output out = {0};
    if (!rep)
        goto done;
    folio_runlog_set_period(log, rep->period.from, rep->period.to);
    if (rendering)
        folio_layout_prefetch(rep->lang);

    /* A single report's output: its folders and its lock before any work, so a second run waits
     * (or fails with --no-wait) before it reads anything; a dry run only checks it could be
     * written. (A burst's reports make their folders and take their locks one by one.) */
    if (rendering && !c->each) {
        if (!output_path(c, rep, out.path, sizeof out.path))
            goto done;
        if (c->dry_run ? !folio_output_check_writable(out.path, &diag)
                       : !folio_output_make_dirs(out.path, &diag) ||
                             !folio_output_lock(&lock, out.path, !c->no_wait, &diag))
            goto done;
    }

    tables = xcalloc(rep->ninputs ? rep->ninputs : 1, sizeof *tables);
    doc = folio_doc_create();
    fr = (folio_run){.report = rep,
                     .tables = tables,
                     .doc = doc,
                     .diag = &diag,
                     .limits = rep->limits,
                     .engine_version = FOLIO_VERSION,
                     .std_plugins = std_plugins,
                     .keep_going = c->keep_going};
    bool plugins_ok = folio_host_resolve(&fr);
    folio_host_mark_previous(&fr, rep); /* inputs a plugin reads over the previous period */
    folio_host_mark_unread(&fr, rep);   /* store only the columns some plugin reads */
    if (c->each)
        keep_burst_column(rep, c->each);     /* and the column a burst splits by */
    if (c->each && rep->period.has_previous) /* each report's previous period is narrowed too */
        for (size_t i = 0; i < rep->ninputs; i++)
            rep->inputs[i].spec.keep_previous = true;
    bool tables_ok = strcmp(c->command, "plugins") ? load_tables(rep, tables, &diag) : true;
    if (strcmp(c->command, "plugins")) {
        hash_start(&hash, &prov, rep);
        if (!folio_provenance_date(&prov, rep, tables, &diag))
            tables_ok = false;
        fr.run_date = prov.date[0] ? prov.date : NULL;
    }

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
        printf("%s: ok: %zu inputs (%zu rows used), %zu sections, %zu warnings\n", rep->display, rep->ninputs,
               rows, rep->nsections, diag.warnings);
        status = EXIT_OK;
        goto done;
    }

    if (!load_fonts(rep, &fonts, &diag))
        goto done;
    fonts.fallback_files = (const char *const *)rep->fallback_files;
    fonts.nfallback_files = rep->nfallback * FOLIO_FACES;
    ses.rep = rep;
    ses.tables = tables;
    ses.fr = &fr;
    ses.fonts = &fonts;
    ses.diag = &diag;
    ses.t0 = t0;
    if (c->each) {
        char from[11], to[11], year[16];
        const folio_inputspec *period = rep->ninputs ? &rep->inputs[0].spec : NULL;
        int32_t pfrom = period ? period->from : c->from, pto = period ? period->to : c->to;
        folio_burst_plan plan = {.report = rep,
                                 .tables = tables,
                                 .diag = &diag,
                                 .each = c->each,
                                 .output = c->output,
                                 .jobs = c->jobs ? c->jobs : cores(),
                                 .shard_k = c->shard_k,
                                 .shard_n = c->shard_n,
                                 .log = log,
                                 .dry_run = c->dry_run};
        output_vars(c, rep, pfrom, pto, from, to, year, &plan.vars);
        hash_wait(&hash); /* no thread may run across the workers' fork */
        folio_layout_prefetch_wait(); /* (and the workers inherit the patterns) */
        status = folio_cli_burst(&plan, render_one, &ses);
        burst_ran = true;
        goto done;
    }
    status = render_one(&ses, NULL, &out);

done:
    if (burst_ran)
        ; /* the burst printed its own summary */
    else if (status == EXIT_FAILED && diag.strict && diag.errors == 0 && diag.warnings > 0)
        fprintf(stderr, "folio: %zu warnings, and --strict makes them errors; no PDF written\n",
                diag.warnings);
    else if (status == EXIT_FAILED && !strcmp(c->command, "check"))
        fprintf(stderr, "folio: check found %zu error%s and %zu warning%s\n", diag.errors,
                diag.errors == 1 ? "" : "s", diag.warnings, diag.warnings == 1 ? "" : "s");
    else if (status == EXIT_FAILED && strcmp(c->command, "plugins"))
        fprintf(stderr, "folio: %s failed: %zu error%s; no PDF written\n", c->command, diag.errors,
                diag.errors == 1 ? "" : "s");
    hash_wait(&hash);
    folio_layout_prefetch_wait(); /* a run that stopped before its layout */
    if (log) {
        folio_runlog_add_run(log, fr.report ? &fr : NULL, tables, rep ? &prov : NULL);
        /* the stages a single report reached */
        static const char *const names[] = {"load", "plugins", "layout", "pdf"};
        const struct timespec *from = &t0;
        for (size_t i = 0; i < 4 && ses.marks[i].tv_sec + ses.marks[i].tv_nsec > 0; i++) {
            folio_runlog_add_stage(log, names[i], elapsed(from, &ses.marks[i]));
            from = &ses.marks[i];
        }
        folio_runlog_write(log, c->log, &diag, status);
        folio_runlog_free(log);
    }
    folio_output_unlock(&lock);
    folio_provenance_free(&prov);
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
    folio_heap_init((size_t)4 << 20); /* before anything allocates much (core/heap.h) */
    /* commands with arguments of their own (cli/commands.h) */
    if (argc >= 2 && strcmp(argv[1], "test") == 0)
        return folio_cmd_test(argc - 2, argv + 2, folio_home());
    if (argc >= 2 && strcmp(argv[1], "new-plugin") == 0)
        return folio_cmd_new_plugin(argc - 2, argv + 2, folio_home());
    cli c;
    char **args = xcalloc((size_t)argc + 1, sizeof *args); /* as given: getopt reorders argv */
    memcpy(args, argv, (size_t)argc * sizeof *args);
    int r = parse_args(argc, argv, &c);
    c.argv = args;
    if (r >= 0) {
        free(args);
        return r;
    }
    char std_plugins[4096];
    snprintf(std_plugins, sizeof std_plugins, "%s/plugins", folio_home());
    if (!strcmp(c.command, "plugins") && !c.report)
        r = folio_cli_list_standard(std_plugins, "plugins", c.details, &c.limits);
    else if (!strcmp(c.command, "watch"))
        r = folio_cli_watch(argc, argv, c.report, std_plugins);
    else
        r = run(&c);
    free(args);
    return r;
}
