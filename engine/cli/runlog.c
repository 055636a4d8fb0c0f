/* The run log: what a run read, made and said, as one JSON document (docs/scheduling.md). */
#include "cli/runlog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/output.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/util.h"
#include "pdf/pdf_internal.h"

typedef struct log_plugin {
    char *name, *version, *path, *display;
} log_plugin;

typedef struct log_section {
    char *plugin;
    double seconds;
    char *failure;
    const char *status; /* "ok", "failed", "not run" */
} log_section;

typedef struct log_reason {
    char *text;
    size_t count;
} log_reason;

typedef struct log_input {
    char *name, *path;
    folio_input_digest digest;
    bool loaded;
    folio_table_stats stats; /* reasons copied below, the rest by value */
    log_reason *reasons;
} log_input;

typedef struct log_stage {
    const char *name; /* a literal */
    double seconds;
} log_stage;

typedef struct log_output {
    char *path;
    size_t pages;
    bool dry_run, hashed;
    long long bytes;
    char sha256[FOLIO_SHA256_HEX];
} log_output;

struct folio_runlog {
    pthread_mutex_t lock; /* outputs may be added from several threads */
    char *command, **argv;
    int argc;
    char *cwd;
    struct timespec started, mono0;
    int32_t from, to;
    bool strict, keep_going, dry_run;
    char *report, *title;
    bool have_run;
    char date[11];
    folio_date_source date_source;
    bool have_date;
    log_plugin *plugins;
    size_t nplugins;
    log_section *sections;
    size_t nsections;
    log_input *inputs;
    size_t ninputs;
    log_stage stages[8];
    size_t nstages;
    log_output *outputs;
    size_t noutputs;
};

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

folio_runlog *folio_runlog_create(const char *command, int argc, char **argv)
{
    folio_runlog *log = xcalloc(1, sizeof *log);
    pthread_mutex_init(&log->lock, NULL);
    log->command = dup_or_null(command);
    log->argc = argc > 0 ? argc : 0;
    log->argv = xcalloc((size_t)log->argc + 1, sizeof *log->argv);
    for (int i = 0; i < log->argc; i++)
        log->argv[i] = xstrdup(argv[i] ? argv[i] : "");
    char buf[4096];
    log->cwd = getcwd(buf, sizeof buf) ? xstrdup(buf) : NULL;
    clock_gettime(CLOCK_REALTIME, &log->started);
    clock_gettime(CLOCK_MONOTONIC, &log->mono0);
    log->from = log->to = FOLIO_DATE_NONE;
    return log;
}

void folio_runlog_set_period(folio_runlog *log, int32_t from, int32_t to)
{
    if (!log)
        return;
    log->from = from;
    log->to = to;
}

void folio_runlog_set_flags(folio_runlog *log, bool strict, bool keep_going, bool dry_run)
{
    if (!log)
        return;
    log->strict = strict;
    log->keep_going = keep_going;
    log->dry_run = dry_run;
}

/* The period as the inputs hold it (wt-periods may widen --year to a financial year there). */
static void period_from_report(folio_runlog *log, const folio_report *r)
{
    for (size_t i = 0; i < r->ninputs; i++) {
        log->from = r->inputs[i].spec.from;
        log->to = r->inputs[i].spec.to;
        return;
    }
}

void folio_runlog_add_run(folio_runlog *log, const folio_run *run, folio_table *const *tables,
                          const folio_provenance *prov)
{
    if (!log || !run || !run->report || log->have_run)
        return;
    const folio_report *r = run->report;
    log->have_run = true;
    log->report = xstrdup(r->display ? r->display : r->path);
    log->title = dup_or_null(r->title);
    period_from_report(log, r);

    /* Plugins once each, in the order of first use; sections in report order. */
    log->plugins = xcalloc(run->nplugins ? run->nplugins : 1, sizeof *log->plugins);
    log->sections = xcalloc(r->nsections ? r->nsections : 1, sizeof *log->sections);
    log->nsections = r->nsections;
    for (size_t s = 0; s < r->nsections; s++) {
        log_section *ls = &log->sections[s];
        ls->plugin = xstrdup(r->sections[s].plugin);
        if (s >= run->nplugins)
            continue;
        const folio_plugin_info *p = &run->plugins[s];
        ls->seconds = p->seconds;
        ls->failure = dup_or_null(p->failure);
        ls->status = p->failure || (p->ran && !p->built) ? "failed" : p->built ? "ok" : "not run";
        bool seen = false;
        for (size_t k = 0; k < log->nplugins && !seen; k++)
            seen = p->path && log->plugins[k].path && !strcmp(log->plugins[k].path, p->path);
        if (!seen && p->path)
            log->plugins[log->nplugins++] =
                (log_plugin){.name = dup_or_null(p->name ? p->name : r->sections[s].plugin),
                             .version = dup_or_null(p->version),
                             .path = xstrdup(p->path),
                             .display = dup_or_null(p->display)};
    }

    log->inputs = xcalloc(r->ninputs ? r->ninputs : 1, sizeof *log->inputs);
    log->ninputs = r->ninputs;
    for (size_t i = 0; i < r->ninputs; i++) {
        log_input *li = &log->inputs[i];
        const folio_inputspec *spec = &r->inputs[i].spec;
        li->name = xstrdup(spec->name);
        li->path = xstrdup(spec->display_path ? spec->display_path : spec->path);
        if (prov && i < prov->ninputs)
            li->digest = prov->inputs[i];
        if (tables && tables[i]) {
            li->loaded = true;
            folio_table_get_stats(tables[i], &li->stats);
            li->reasons = xcalloc(li->stats.nreasons ? li->stats.nreasons : 1, sizeof *li->reasons);
            for (size_t k = 0; k < li->stats.nreasons; k++)
                li->reasons[k] = (log_reason){xstrdup(li->stats.reasons[k].text), li->stats.reasons[k].count};
            li->stats.reasons = NULL;
        }
    }
    if (prov) {
        memcpy(log->date, prov->date, sizeof log->date);
        log->date_source = prov->date_source;
        log->have_date = true;
    }
}

void folio_runlog_add_stage(folio_runlog *log, const char *name, double seconds)
{
    if (!log || log->nstages >= sizeof log->stages / sizeof *log->stages)
        return;
    log->stages[log->nstages++] = (log_stage){name, seconds};
}

void folio_runlog_add_output(folio_runlog *log, const char *path, size_t pages, bool dry_run)
{
    if (!log || !path)
        return;
    log_output o = {.path = xstrdup(path), .pages = pages, .dry_run = dry_run};
    struct stat st;
    if (!dry_run && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        o.hashed = folio_sha256_file(path, o.sha256, &o.bytes);
    pthread_mutex_lock(&log->lock);
    log->outputs = xrealloc(log->outputs, (log->noutputs + 1) * sizeof *log->outputs);
    log->outputs[log->noutputs++] = o;
    pthread_mutex_unlock(&log->lock);
}

/* ---- writing ---- */

static void json_date(folio_json *j, const char *key, int32_t d)
{
    if (d == FOLIO_DATE_NONE) {
        folio_json_null(j, key);
        return;
    }
    char s[11];
    folio_date_format(d, s);
    folio_json_string(j, key, s);
}

/* The plugin whose file a message names, or NULL. */
static const char *plugin_of(const folio_runlog *log, const char *file)
{
    for (size_t k = 0; file && k < log->nplugins; k++)
        if ((log->plugins[k].display && !strcmp(file, log->plugins[k].display)) ||
            !strcmp(file, log->plugins[k].path))
            return log->plugins[k].name;
    return NULL;
}

static const char *status_name(int exit_status)
{
    switch (exit_status) {
    case 0: return "ok";
    case 2: return "usage";
    case 3: return "partial";
    default: return "failed";
    }
}

static void write_inputs(folio_json *j, const folio_runlog *log)
{
    folio_json_array(j, "inputs");
    for (size_t i = 0; i < log->ninputs; i++) {
        const log_input *in = &log->inputs[i];
        folio_json_object(j, NULL);
        folio_json_string(j, "name", in->name);
        folio_json_string(j, "path", in->path);
        folio_json_string(j, "sha256", in->digest.ok ? in->digest.sha256 : NULL);
        if (in->digest.ok)
            folio_json_int(j, "bytes", in->digest.bytes);
        else
            folio_json_null(j, "bytes");
        folio_json_bool(j, "loaded", in->loaded);
        if (in->loaded) {
            folio_json_int(j, "rows_read", (long long)in->stats.rows_read);
            folio_json_int(j, "rows_used", (long long)in->stats.rows_used);
            folio_json_int(j, "rows_rejected", (long long)in->stats.rejected);
            folio_json_int(j, "rows_out_of_period", (long long)in->stats.out_of_period);
            folio_json_array(j, "rejected_by_reason");
            for (size_t k = 0; k < in->stats.nreasons; k++) {
                folio_json_object(j, NULL);
                folio_json_string(j, "reason", in->reasons[k].text);
                folio_json_int(j, "rows", (long long)in->reasons[k].count);
                folio_json_end(j);
            }
            folio_json_end(j);
            json_date(j, "first_date", in->stats.first_date);
            json_date(j, "last_date", in->stats.last_date);
        }
        folio_json_end(j);
    }
    folio_json_end(j);
}

static void write_diagnostics(folio_json *j, const folio_runlog *log, const folio_diag *diag)
{
    folio_json_array(j, "diagnostics");
    for (size_t i = 0; diag && i < diag->n; i++) {
        const folio_message *m = &diag->items[i];
        folio_json_object(j, NULL);
        folio_json_string(j, "severity", m->severity == FOLIO_ERROR ? "error" : "warning");
        folio_json_string(j, "file", m->file);
        if (m->line > 0)
            folio_json_int(j, "line", m->line);
        else
            folio_json_null(j, "line");
        if (m->col > 0)
            folio_json_int(j, "column", m->col);
        else
            folio_json_null(j, "column");
        folio_json_string(j, "plugin", plugin_of(log, m->file));
        folio_json_string(j, "message", m->text);
        char text[FOLIO_MAX_MESSAGE + 512];
        folio_message_format(m, text, sizeof text);
        folio_json_string(j, "text", text);
        folio_json_end(j);
    }
    folio_json_end(j);
}

static void write_document(folio_buf *b, folio_runlog *log, const folio_diag *diag, int exit_status)
{
    folio_json j;
    folio_json_begin(&j, b);
    folio_json_object(&j, NULL);
    folio_json_int(&j, "format", FOLIO_RUNLOG_FORMAT);
    folio_json_object(&j, "engine");
    folio_json_string(&j, "name", "folio");
    folio_json_string(&j, "version", FOLIO_VERSION);
    folio_json_end(&j);
    folio_json_string(&j, "command", log->command);
    folio_json_array(&j, "argv");
    for (int i = 0; i < log->argc; i++)
        folio_json_string(&j, NULL, log->argv[i]);
    folio_json_end(&j);
    folio_json_string(&j, "cwd", log->cwd);
    char started[32];
    struct tm tm;
    gmtime_r(&log->started.tv_sec, &tm);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    folio_json_string(&j, "started", started);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    folio_json_number(
        &j, "seconds",
        (double)(now.tv_sec - log->mono0.tv_sec) + (double)(now.tv_nsec - log->mono0.tv_nsec) / 1e9, 3);
    folio_json_int(&j, "exit_status", exit_status);
    folio_json_string(&j, "status", status_name(exit_status));
    folio_json_object(&j, "options");
    folio_json_bool(&j, "strict", log->strict);
    folio_json_bool(&j, "keep_going", log->keep_going);
    folio_json_bool(&j, "dry_run", log->dry_run);
    folio_json_end(&j);

    folio_json_object(&j, "report");
    folio_json_string(&j, "path", log->report);
    folio_json_string(&j, "title", log->title);
    folio_json_end(&j);
    folio_json_object(&j, "period");
    json_date(&j, "from", log->from);
    json_date(&j, "to", log->to);
    folio_json_end(&j);
    folio_json_object(&j, "date");
    folio_json_string(&j, "value", log->have_date && log->date[0] ? log->date : NULL);
    folio_json_string(&j, "source", log->have_date ? folio_date_source_name(log->date_source) : NULL);
    folio_json_end(&j);

    folio_json_array(&j, "plugins");
    for (size_t k = 0; k < log->nplugins; k++) {
        folio_json_object(&j, NULL);
        folio_json_string(&j, "name", log->plugins[k].name);
        folio_json_string(&j, "version", log->plugins[k].version);
        folio_json_string(&j, "path", log->plugins[k].path);
        folio_json_end(&j);
    }
    folio_json_end(&j);
    write_inputs(&j, log);

    folio_json_array(&j, "sections");
    for (size_t s = 0; s < log->nsections; s++) {
        const log_section *ls = &log->sections[s];
        folio_json_object(&j, NULL);
        folio_json_int(&j, "section", (long long)s + 1);
        folio_json_string(&j, "plugin", ls->plugin);
        folio_json_string(&j, "status", ls->status ? ls->status : "not run");
        folio_json_number(&j, "seconds", ls->seconds, 4);
        folio_json_string(&j, "failure", ls->failure);
        folio_json_end(&j);
    }
    folio_json_end(&j);
    folio_json_object(&j, "stages");
    for (size_t i = 0; i < log->nstages; i++)
        folio_json_number(&j, log->stages[i].name, log->stages[i].seconds, 4);
    folio_json_end(&j);

    write_diagnostics(&j, log, diag);
    folio_json_int(&j, "errors", diag ? (long long)diag->errors : 0);
    folio_json_int(&j, "warnings", diag ? (long long)diag->warnings : 0);

    folio_json_array(&j, "outputs");
    for (size_t i = 0; i < log->noutputs; i++) {
        const log_output *o = &log->outputs[i];
        folio_json_object(&j, NULL);
        folio_json_string(&j, "path", o->path);
        folio_json_int(&j, "pages", (long long)o->pages);
        if (o->hashed)
            folio_json_int(&j, "bytes", o->bytes);
        else
            folio_json_null(&j, "bytes");
        folio_json_string(&j, "sha256", o->hashed ? o->sha256 : NULL);
        folio_json_bool(&j, "dry_run", o->dry_run);
        folio_json_end(&j);
    }
    folio_json_end(&j);
    folio_json_end(&j);
}

bool folio_runlog_write(folio_runlog *log, const char *path, const folio_diag *diag, int exit_status)
{
    if (!log || !path)
        return false;
    folio_buf b = {0};
    pthread_mutex_lock(&log->lock);
    write_document(&b, log, diag, exit_status);
    pthread_mutex_unlock(&log->lock);
    /* Its own diagnostics: the run's are already final, and a log that cannot be written must
     * not change the run's outcome. */
    folio_diag own;
    folio_diag_init(&own);
    own.quiet = true;
    folio_atomic a;
    bool good = folio_output_make_dirs(path, &own) && folio_atomic_open(&a, path, &own) &&
                folio_atomic_write(&a, b.data, b.len, &own) && folio_atomic_commit(&a, &own);
    if (!good)
        fprintf(stderr, "folio: error: cannot write the run log: %s\n", own.n ? own.items[0].text : path);
    folio_diag_free(&own);
    folio_buf_free(&b);
    return good;
}

void folio_runlog_free(folio_runlog *log)
{
    if (!log)
        return;
    free(log->command);
    for (int i = 0; i < log->argc; i++)
        free(log->argv[i]);
    free(log->argv);
    free(log->cwd);
    free(log->report);
    free(log->title);
    for (size_t k = 0; k < log->nplugins; k++) {
        free(log->plugins[k].name);
        free(log->plugins[k].version);
        free(log->plugins[k].path);
        free(log->plugins[k].display);
    }
    free(log->plugins);
    for (size_t s = 0; s < log->nsections; s++) {
        free(log->sections[s].plugin);
        free(log->sections[s].failure);
    }
    free(log->sections);
    for (size_t i = 0; i < log->ninputs; i++) {
        free(log->inputs[i].name);
        free(log->inputs[i].path);
        for (size_t k = 0; log->inputs[i].reasons && k < log->inputs[i].stats.nreasons; k++)
            free(log->inputs[i].reasons[k].text);
        free(log->inputs[i].reasons);
    }
    free(log->inputs);
    for (size_t i = 0; i < log->noutputs; i++)
        free(log->outputs[i].path);
    free(log->outputs);
    pthread_mutex_destroy(&log->lock);
    free(log);
}
