/* folio render --each: plans a burst (values, shard, file names), then renders each report in a
 * forked process, up to --jobs at once. The inputs are parsed once, before forking: every
 * worker shares them copy-on-write and narrows its own copy to its value. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/runlog.h"
#include "core/util.h"
#include "data/table_keep.h"
#include "lua/sandbox.h"

enum { BURST_OK = 0, BURST_FAILED = 1, BURST_USAGE = 2, BURST_PARTIAL = 3 };

/* One report of the burst. */
typedef struct item {
    size_t index; /* among all the burst's values (sorted) */
    const char *value;
    char *path; /* expanded -o */
    pid_t pid;
} item;

/* What a worker reports back, in memory shared with the parent. */
typedef struct result {
    int done; /* the worker got as far as filling this in */
    int status;
    size_t pages;
    long bytes;
} result;

/* Finds the main input and the column of --each ("COLUMN" or "INPUT.COLUMN"); false after
 * printing why. */
static bool find_column(const folio_burst_plan *p, size_t *input, int *col)
{
    const folio_report *r = p->report;
    const char *dot = strchr(p->each, '.');
    const char *column = dot ? dot + 1 : p->each;
    char name[256];
    folio_format_cut(name, sizeof name, "%.*s", dot ? (int)(dot - p->each) : 0, p->each);
    if (!dot && r->main_input)
        folio_format_cut(name, sizeof name, "%s", r->main_input);
    if (*name) {
        for (*input = 0; *input < r->ninputs && strcmp(r->inputs[*input].spec.name, name); (*input)++)
            ;
        if (*input == r->ninputs) {
            fprintf(stderr, "folio: --each %s: %s has no input \"%s\"\n", p->each, r->display, name);
            return false;
        }
        *col = folio_table_column_index(p->tables[*input], column);
        if (*col < 0) {
            fprintf(stderr, "folio: --each %s: the input %s has no column \"%s\"\n", p->each, name, column);
            return false;
        }
    } else {
        /* no main input named: the one input holding the column */
        size_t found = 0;
        char list[512] = "";
        for (size_t i = 0; i < r->ninputs; i++)
            if (folio_table_column_index(p->tables[i], column) >= 0) {
                *input = i;
                found++;
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s.%s", found > 1 ? ", " : "",
                         r->inputs[i].spec.name, column);
            }
        if (found != 1) {
            if (found)
                fprintf(stderr,
                        "folio: --each %s: several inputs have that column (%s); name one, --each INPUT.%s, "
                        "or set main = \"INPUT\" in %s\n",
                        p->each, list, column, r->display);
            else
                fprintf(stderr, "folio: --each %s: no input of %s has a column \"%s\"\n", p->each, r->display,
                        column);
            return false;
        }
        *col = folio_table_column_index(p->tables[*input], column);
    }
    folio_type type = folio_table_column_type(p->tables[*input], *col);
    if (!folio_burst_type_ok(type)) {
        fprintf(stderr,
                "folio: --each %s: %s.%s holds numbers or lists of codes; --each splits by a text, code, "
                "yes/no, integer or date column\n",
                p->each, r->inputs[*input].spec.name, column);
        return false;
    }
    return true;
}

/* mkdir -p for the folder holding path. */
static bool make_parent(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    bool ok = true;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; ok; p++) {
            if (*p != '/' && *p)
                continue;
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
                fprintf(stderr, "folio: cannot create the folder %s: %s\n", dir, strerror(errno));
                ok = false;
            }
            *p = c;
            if (!c)
                break;
        }
    }
    free(dir);
    return ok;
}

static int cmp_path(const void *a, const void *b)
{
    const item *x = *(item *const *)a, *y = *(item *const *)b;
    return strcasecmp(x->path, y->path);
}

/* ---- progress ---- */

typedef struct progress {
    bool tty;
    size_t total, done, failed;
    int width;
} progress;

static void progress_bar(const progress *pg, const char *last)
{
    if (!pg->tty)
        return;
    int bar = 24;
    int filled = pg->total ? (int)(pg->done * (size_t)bar / pg->total) : bar;
    char line[512];
    int n = snprintf(line, sizeof line, "\r\033[K[%.*s%.*s] %zu/%zu", filled, "########################",
                     bar - filled, "........................", pg->done, pg->total);
    if (pg->failed)
        n += snprintf(line + n, sizeof line - (size_t)n, " (%zu failed)", pg->failed);
    if (last && pg->width - (n - 4) > 10) {
        /* as much of the file name as the terminal has room for, cut between characters */
        size_t room = (size_t)(pg->width - (n - 4) - 2), len = strlen(last);
        if (len > room) {
            len = room;
            while (len && ((unsigned char)last[len] & 0xC0) == 0x80)
                len--;
        }
        n += snprintf(line + n, sizeof line - (size_t)n, " %.*s", (int)len, last);
    }
    fputs(line, stderr);
    fflush(stderr);
}

static void progress_report(progress *pg, const item *it, const result *res)
{
    pg->done++;
    if (res->status == BURST_FAILED)
        pg->failed++;
    char what[64];
    if (res->status == BURST_FAILED)
        snprintf(what, sizeof what, "failed, nothing written");
    else
        snprintf(what, sizeof what, "%zu page%s%s", res->pages, res->pages == 1 ? "" : "s",
                 res->status == BURST_PARTIAL ? ", with failed sections" : "");
    if (!pg->tty || res->status != BURST_OK)
        fprintf(stderr, "%s[%zu/%zu] %s: %s\n", pg->tty ? "\r\033[K" : "", pg->done, pg->total, it->path,
                what);
    progress_bar(pg, it->path);
}

/* ---- one worker ---- */

/* The label of a value: report.lua's labels[column][value], else the value. */
static const char *value_label(const folio_report *r, const char *column, const char *value)
{
    const folio_value *labels = folio_value_get(&r->table, "labels");
    const folio_value *kind =
        labels && labels->kind == FOLIO_V_TABLE ? folio_value_get(labels, column) : NULL;
    const folio_value *l = kind && kind->kind == FOLIO_V_TABLE ? folio_value_get(kind, value) : NULL;
    return l && l->kind == FOLIO_V_STRING ? l->str : value;
}

/* In the forked worker: narrows every input that has the column to the value, renders, and
 * writes its messages to stderr in one piece, each prefixed with the value. */
static void work(const folio_burst_plan *p, size_t main_input, const char *column, const item *it,
                 result *res, folio_render_fn render, void *session, bool tty)
{
    const folio_report *r = p->report;
    const char **names = xcalloc(r->ninputs, sizeof *names);
    folio_burst b = {.column = column,
                     .input = r->inputs[main_input].spec.name,
                     .value = it->value,
                     .label = value_label(r, column, it->value),
                     .inputs = names};
    for (size_t i = 0; i < r->ninputs; i++) {
        int col = folio_table_column_index(p->tables[i], column);
        if (col < 0 || !folio_burst_type_ok(folio_table_column_type(p->tables[i], col)))
            continue;
        folio_rows rows;
        folio_burst_rows(p->tables[i], col, it->value, &rows);
        folio_table_keep_rows(p->tables[i], &rows);
        folio_rows_free(&rows);
        /* the previous period's rows (year over year) are narrowed to the same value */
        folio_table *prev = folio_table_previous(p->tables[i]);
        if (prev) {
            folio_burst_rows(prev, col, it->value, &rows);
            folio_table_keep_rows(prev, &rows);
            folio_rows_free(&rows);
            folio_table_set_previous_used(p->tables[i], folio_table_row_count(prev));
        }
        names[b.ninputs++] = r->inputs[i].spec.name;
    }
    size_t first = p->diag->n;
    p->diag->quiet = true;
    folio_output out = {0};
    folio_format_cut(out.path, sizeof out.path, "%s", it->path);
    render(session, &b, &out);
    folio_buf msg = {0};
    for (size_t i = first; i < p->diag->n; i++) {
        char line[2048];
        folio_message_format(&p->diag->items[i], line, sizeof line);
        folio_buf_printf(&msg, "%s[%s] %s\n", tty && !msg.len ? "\r\033[K" : "", it->value, line);
    }
    if (msg.len && write(STDERR_FILENO, msg.data, msg.len) < 0) {
        /* nowhere left to say it */
    }
    res->status = out.status;
    res->pages = out.pages;
    res->bytes = out.bytes;
    res->done = 1;
}

/* ---- ending the workers with the burst ---- */

/* The running workers' process ids (0 = a free slot), for the signal handler. */
static volatile pid_t *worker_pids;
static size_t nworker_pids;
static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NFORWARDED (sizeof forwarded / sizeof *forwarded)

/* SIGTERM (say) to the burst ends its workers the same way (each removes its temporary file),
 * then the burst itself. */
static void on_signal(int sig)
{
    for (size_t i = 0; i < nworker_pids; i++)
        if (worker_pids[i] > 0)
            kill(worker_pids[i], sig);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void forward_signals(struct sigaction *saved)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NFORWARDED; i++)
        sigaction(forwarded[i], &sa, &saved[i]);
}

static void restore_signals(const struct sigaction *saved)
{
    for (size_t i = 0; i < NFORWARDED; i++)
        sigaction(forwarded[i], &saved[i], NULL);
}

/* ---- the burst ---- */

int folio_cli_burst(const folio_burst_plan *p, folio_render_fn render, void *session)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t main_input = 0, n = 0;
    int col = -1;
    if (!find_column(p, &main_input, &col))
        return BURST_USAGE;
    const char *input_name = p->report->inputs[main_input].spec.name;
    const char *column = folio_table_column_name(p->tables[main_input], col);
    size_t nvalues, missing;
    char **values = folio_burst_values(p->tables[main_input], col, &nvalues, &missing);
    int status = BURST_OK;
    item *items = xcalloc(nvalues ? nvalues : 1, sizeof *items);
    item **sorted = xcalloc(nvalues ? nvalues : 1, sizeof *sorted);
    result *results = MAP_FAILED;

    /* every value's file name, over the whole burst, so that every shard agrees */
    for (size_t i = 0; i < nvalues; i++) {
        char safe[FOLIO_BURST_NAME_MAX + 1], path[4096], err[512];
        folio_output_safe_name(values[i], safe, sizeof safe);
        folio_output_vars v = p->vars;
        v.value = safe;
        if (!folio_output_expand(p->output, &v, path, sizeof path, err, sizeof err)) {
            fprintf(stderr, "folio: %s\n", err);
            status = BURST_USAGE;
            goto done;
        }
        items[i] = (item){.index = i, .value = values[i], .path = xstrdup(path)};
        sorted[i] = &items[i];
    }
    qsort(sorted, nvalues, sizeof *sorted, cmp_path);
    for (size_t i = 1; i < nvalues; i++)
        if (folio_output_same(sorted[i - 1]->path, sorted[i]->path)) {
            fprintf(stderr,
                    "folio: --each %s: the values \"%s\" and \"%s\" would both be written to %s; nothing "
                    "written (put something that tells them apart in -o, or tidy the data)\n",
                    p->each, sorted[i - 1]->value, sorted[i]->value, sorted[i]->path);
            status = BURST_FAILED;
            goto done;
        }

    /* this shard's share */
    for (size_t i = 0; i < nvalues; i++)
        if (!p->shard_n || folio_shard_has(i, p->shard_k, p->shard_n))
            sorted[n++] = &items[i];
    char shard[64] = "";
    if (p->shard_n)
        snprintf(shard, sizeof shard, "shard %u/%u: ", p->shard_k, p->shard_n);
    if (missing)
        fprintf(stderr, "folio: %zu row%s of %s ha%s no %s and %s in no report\n", missing,
                missing == 1 ? "" : "s", input_name, missing == 1 ? "s" : "ve", column,
                missing == 1 ? "is" : "are");
    if (!nvalues) {
        fprintf(stderr, "folio: --each %s: %s has no values of %s in the period; nothing written\n", p->each,
                input_name, column);
        status = BURST_FAILED;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (!p->dry_run && !make_parent(sorted[i]->path)) {
            status = BURST_FAILED;
            goto done;
        }

    results =
        mmap(NULL, (n ? n : 1) * sizeof *results, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (results == MAP_FAILED) {
        fprintf(stderr, "folio: cannot share memory with the workers: %s\n", strerror(errno));
        status = BURST_FAILED;
        goto done;
    }
    progress pg = {.tty = isatty(STDERR_FILENO), .total = n, .width = 80};
    struct winsize ws;
    if (pg.tty && ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
        pg.width = ws.ws_col;
    progress_bar(&pg, NULL);

    unsigned running = 0;
    size_t next = 0, written = 0, partial = 0, failed = 0;
    worker_pids = xcalloc(p->jobs, sizeof *worker_pids);
    nworker_pids = p->jobs;
    struct sigaction saved[NFORWARDED];
    forward_signals(saved);
    while (next < n || running) {
        while (running < p->jobs && next < n) {
            fflush(NULL);
            pid_t pid = fork();
            if (pid == 0) {
                restore_signals(saved); /* the worker's own handlers (atomic.c) want the defaults */
                work(p, main_input, column, sorted[next], &results[next], render, session, pg.tty);
                _exit(results[next].status);
            }
            if (pid < 0) {
                fprintf(stderr, "folio: cannot start a worker for \"%s\": %s\n", sorted[next]->value,
                        strerror(errno));
                if (running)
                    break; /* try again when one ends */
                results[next].status = BURST_FAILED;
                failed++;
                progress_report(&pg, sorted[next], &results[next]);
                next++;
                continue;
            }
            sorted[next++]->pid = pid;
            for (size_t w = 0; w < nworker_pids; w++)
                if (!worker_pids[w]) {
                    worker_pids[w] = pid;
                    break;
                }
            running++;
        }
        int ws_status;
        pid_t pid = waitpid(-1, &ws_status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        size_t k = 0;
        while (k < next && sorted[k]->pid != pid)
            k++;
        if (k == next)
            continue;
        running--;
        sorted[k]->pid = 0;
        for (size_t w = 0; w < nworker_pids; w++)
            if (worker_pids[w] == pid)
                worker_pids[w] = 0;
        result *res = &results[k];
        if (!res->done || !WIFEXITED(ws_status)) {
            res->status = BURST_FAILED;
            fprintf(stderr, "%s[%s] folio: the worker ended %s %d\n", pg.tty ? "\r\033[K" : "",
                    sorted[k]->value, WIFSIGNALED(ws_status) ? "by signal" : "with status",
                    WIFSIGNALED(ws_status) ? WTERMSIG(ws_status) : WEXITSTATUS(ws_status));
        }
        if (res->status == BURST_OK)
            written++;
        else if (res->status == BURST_PARTIAL)
            partial++;
        else
            failed++;
        if (res->status != BURST_FAILED)
            folio_runlog_add_output(p->log, sorted[k]->path, res->pages, p->dry_run);
        progress_report(&pg, sorted[k], res);
    }
    restore_signals(saved);
    free((void *)worker_pids);
    worker_pids = NULL;
    nworker_pids = 0;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (pg.tty)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "folio: %s%zu of %zu report%s by %s.%s written", shard, written + partial, n,
            n == 1 ? "" : "s", input_name, column);
    if (partial)
        fprintf(stderr, " (%zu with failed sections)", partial);
    if (failed)
        fprintf(stderr, ", %zu failed", failed);
    fprintf(stderr, " in %.2f s with %u job%s\n", secs, p->jobs, p->jobs == 1 ? "" : "s");
    if (failed) {
        fprintf(stderr, "folio: failed:");
        size_t shown = 0;
        for (size_t i = 0; i < n && shown < 10; i++)
            if (results[i].status == BURST_FAILED)
                fprintf(stderr, "%s \"%s\"", shown++ ? "," : "", sorted[i]->value);
        fprintf(stderr, "%s\n", failed > 10 ? ", ..." : "");
    }
    status = failed ? BURST_FAILED : partial ? BURST_PARTIAL : BURST_OK;

done:
    if (results != MAP_FAILED)
        munmap(results, (n ? n : 1) * sizeof *results);
    for (size_t i = 0; i < nvalues; i++) {
        free(items[i].path);
        free(values[i]);
    }
    free(values);
    free(items);
    free(sorted);
    return status;
}
