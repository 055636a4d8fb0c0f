/* folio render --each: plans a burst (values, shard, file names), then renders the reports in
 * a pool of --jobs worker processes. The inputs are parsed once, before the workers are forked:
 * each shares them copy-on-write, takes one report at a time from the burst, renders it from a
 * copy of just that value's rows, frees the copy and asks for the next. The memory a worker
 * touched for one report serves the next, so a report costs few page faults. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/runlog.h"
#include "core/thread.h"
#include "core/util.h"
#include "data/table_keep.h"
#include "lua/sandbox.h"

enum { BURST_OK = 0, BURST_FAILED = 1, BURST_USAGE = 2, BURST_PARTIAL = 3 };

/* One report of the burst. */
typedef struct item {
    size_t index; /* among all the burst's values (sorted) */
    const char *value;
    char *path; /* expanded -o */
} item;

/* What came of one report: a worker sends it back when the report is done. */
typedef struct result {
    size_t k; /* the report: its place in this shard's list */
    int status;
    size_t pages;
    long bytes;
} result;

#define IDLE SIZE_MAX /* worker.at of a worker waiting for a report */

/* A worker process, the parent's end of the socket it is given reports and answers on, and the
 * report it is rendering (so that, if it dies, that report and only that one fails). */
typedef struct worker {
    pid_t pid; /* 0: none */
    int fd;    /* -1: closed (the worker was told to end, or it ended) */
    size_t at; /* the report it is on, IDLE */
} worker;

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

/* Forgets the messages from the n-th on, and their counts: a worker's next report starts with
 * the run's messages only. */
static void forget_messages(folio_diag *d, size_t n, size_t errors, size_t warnings)
{
    for (size_t i = n; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].text);
    }
    d->n = n;
    d->errors = errors;
    d->warnings = warnings;
}

/* Everything a worker needs to render reports, and the parent to run the workers. */
typedef struct pool {
    const folio_burst_plan *p;
    size_t main_input;
    const char *column;
    item **sorted; /* this shard's reports */
    size_t n;
    folio_render_fn render;
    void *session;
    bool tty;
    folio_burst_index **index;      /* per input narrowed, its rows by value (else NULL) */
    folio_burst_index **index_prev; /* and its previous period's */
    worker *workers;
    unsigned nworkers;
    const struct sigaction *saved; /* the signal actions before the burst forwarded them */
} pool;

/* In a worker: renders one report from copies of the inputs narrowed to its value (in place of
 * the loaded tables until it is done; every input that has the column, and its previous period),
 * and writes its messages to stderr in one piece, each prefixed with the value. */
static void render_value(const pool *pl, const item *it, result *res)
{
    const folio_burst_plan *p = pl->p;
    const folio_report *r = p->report;
    const char **names = xcalloc(r->ninputs, sizeof *names);
    folio_table **loaded = xcalloc(r->ninputs, sizeof *loaded);
    folio_burst b = {.column = pl->column,
                     .input = r->inputs[pl->main_input].spec.name,
                     .value = it->value,
                     .label = value_label(r, pl->column, it->value),
                     .inputs = names};
    size_t first = p->diag->n, errors = p->diag->errors, warnings = p->diag->warnings;
    p->diag->quiet = true;
    bool narrowed = true;
    for (size_t i = 0; i < r->ninputs && narrowed; i++) {
        if (!pl->index[i])
            continue;
        folio_rows rows, prev_rows = {0};
        folio_burst_index_get_rows(pl->index[i], it->value, &rows);
        if (pl->index_prev[i]) /* the previous period's rows (year over year): the same value */
            folio_burst_index_get_rows(pl->index_prev[i], it->value, &prev_rows);
        folio_table *copy = folio_table_copy_rows(p->tables[i], &rows, pl->index_prev[i] ? &prev_rows : NULL);
        folio_rows_free(&rows);
        folio_rows_free(&prev_rows);
        if (!copy) {
            folio_diag_add(p->diag, FOLIO_ERROR, NULL, 0, 0, "cannot narrow the input %s to the value",
                           r->inputs[i].spec.name);
            narrowed = false;
            continue;
        }
        loaded[i] = p->tables[i];
        p->tables[i] = copy;
        names[b.ninputs++] = r->inputs[i].spec.name;
    }
    folio_output out = {.status = BURST_FAILED};
    folio_format_cut(out.path, sizeof out.path, "%s", it->path);
    if (narrowed)
        pl->render(pl->session, &b, &out);
    for (size_t i = 0; i < r->ninputs; i++)
        if (loaded[i]) {
            folio_table_free(p->tables[i]);
            p->tables[i] = loaded[i];
        }
    folio_buf msg = {0};
    for (size_t i = first; i < p->diag->n; i++) {
        char line[2048];
        folio_message_format(&p->diag->items[i], line, sizeof line);
        folio_buf_printf(&msg, "%s[%s] %s\n", pl->tty && !msg.len ? "\r\033[K" : "", it->value, line);
    }
    if (msg.len && write(STDERR_FILENO, msg.data, msg.len) < 0) {
        /* nowhere left to say it */
    }
    folio_buf_free(&msg);
    forget_messages(p->diag, first, errors, warnings);
    free(loaded);
    free(names);
    res->status = out.status;
    res->pages = out.pages;
    res->bytes = out.bytes;
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

/* ---- the pool of workers ---- */

/* In a worker: renders each report the parent sends (its index) and answers with its result,
 * until the parent closes the socket. Never returns. */
static void worker_main(pool *pl, int fd)
{
    for (;;) {
        size_t k;
        ssize_t got = recv(fd, &k, sizeof k, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got != (ssize_t)sizeof k || k >= pl->n)
            break;
        result res = {.k = k, .status = BURST_FAILED};
        render_value(pl, pl->sorted[k], &res);
        while (send(fd, &res, sizeof res, MSG_NOSIGNAL) < 0 && errno == EINTR)
            ;
    }
    close(fd);
    exit(0); /* at exit as any process ends (a leak check, under the sanitizers) */
}

/* Starts worker w with a socket of its own; false after saying why. */
static bool worker_start(pool *pl, size_t w)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0) {
        fprintf(stderr, "folio: cannot start a worker: %s\n", strerror(errno));
        return false;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        restore_signals(pl->saved); /* the worker's own handlers (atomic.c) want the defaults */
        folio_thread_allow(pl->nworkers < folio_thread_cpus()); /* one worker per CPU: no core to spare */
        close(sv[0]);
        for (unsigned i = 0; i < pl->nworkers; i++) /* only the parent may hold the others' ends */
            if (pl->workers[i].fd >= 0)
                close(pl->workers[i].fd);
        worker_main(pl, sv[1]);
    }
    close(sv[1]);
    if (pid < 0) {
        fprintf(stderr, "folio: cannot start a worker: %s\n", strerror(errno));
        close(sv[0]);
        return false;
    }
    pl->workers[w] = (worker){.pid = pid, .fd = sv[0], .at = IDLE};
    worker_pids[w] = pid;
    return true;
}

/* Gives idle worker w report k; false if it cannot take it (it has ended). */
static bool worker_give(worker *w, size_t k)
{
    ssize_t sent;
    while ((sent = send(w->fd, &k, sizeof k, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    if (sent != (ssize_t)sizeof k)
        return false;
    w->at = k;
    return true;
}

/* Waits for worker w to end (its socket closed); its status in *status. */
static void worker_reap(pool *pl, size_t w, int *status)
{
    worker *wk = &pl->workers[w];
    if (wk->fd >= 0)
        close(wk->fd);
    wk->fd = -1;
    *status = 0;
    while (waitpid(wk->pid, status, 0) < 0 && errno == EINTR)
        ;
    worker_pids[w] = 0;
    wk->pid = 0;
}

/* The burst's counts, and what each report came to. */
typedef struct tally {
    result *results; /* by report */
    size_t done, written, partial, failed;
    bool worker_failed; /* a worker ended badly between reports */
    progress pg;
} tally;

static void tally_add(const pool *pl, tally *t, size_t k, const result *res)
{
    t->results[k] = *res;
    t->done++;
    if (res->status == BURST_OK)
        t->written++;
    else if (res->status == BURST_PARTIAL)
        t->partial++;
    else
        t->failed++;
    if (res->status != BURST_FAILED)
        folio_runlog_add_output(pl->p->log, pl->sorted[k]->path, res->pages, pl->p->dry_run);
    progress_report(&t->pg, pl->sorted[k], res);
}

/* Renders this shard's reports in up to plan->jobs workers, each started once and given one
 * report at a time; a worker that ends mid-report fails that report, and another is started for
 * the reports left. */
static void pool_run(pool *pl, tally *t)
{
    size_t next = 0;
    struct pollfd *fds = xcalloc(pl->nworkers, sizeof *fds);
    size_t *of = xcalloc(pl->nworkers, sizeof *of); /* fds[i] is worker of[i]'s */
    while (t->done < pl->n) {
        /* start workers as reports are left for them, and keep each busy */
        size_t running = 0;
        for (size_t w = 0; w < pl->nworkers; w++) {
            worker *wk = &pl->workers[w];
            if (!wk->pid && next < pl->n)
                worker_start(pl, w);
            if (wk->fd >= 0 && wk->at == IDLE && next < pl->n && worker_give(wk, next))
                next++;
            if (wk->fd >= 0 && wk->at == IDLE && next == pl->n) {
                close(wk->fd); /* nothing left: the worker ends (reaped below) */
                wk->fd = -1;
            }
            running += wk->fd >= 0;
        }
        if (!running) { /* no worker could start: the next report fails, and the next tries again */
            if (next == pl->n)
                break; /* (cannot be: a report given to a worker is tallied when it ends) */
            tally_add(pl, t, next++, &(result){.status = BURST_FAILED});
            continue;
        }
        size_t nfds = 0;
        for (size_t w = 0; w < pl->nworkers; w++)
            if (pl->workers[w].fd >= 0) {
                fds[nfds] = (struct pollfd){.fd = pl->workers[w].fd, .events = POLLIN};
                of[nfds++] = w;
            }
        if (poll(fds, nfds, -1) < 0)
            continue; /* EINTR */
        for (size_t i = 0; i < nfds; i++) {
            if (!fds[i].revents)
                continue;
            size_t w = of[i];
            worker *wk = &pl->workers[w];
            result res;
            ssize_t got = recv(wk->fd, &res, sizeof res, MSG_DONTWAIT);
            if (got < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (got == (ssize_t)sizeof res && res.k == wk->at) {
                wk->at = IDLE;
                if (next < pl->n && worker_give(wk, next)) /* before the progress line: keep it busy */
                    next++;
                tally_add(pl, t, res.k, &res);
                continue;
            }
            /* the worker ended (or said something it should not): what it was on failed */
            size_t k = wk->at;
            int st;
            if (got > 0)
                kill(wk->pid, SIGKILL);
            worker_reap(pl, w, &st);
            if (k != IDLE) {
                fprintf(stderr, "%s[%s] folio: the worker ended %s %d\n", t->pg.tty ? "\r\033[K" : "",
                        pl->sorted[k]->value, WIFSIGNALED(st) ? "by signal" : "with status",
                        WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
                tally_add(pl, t, k, &(result){.k = k, .status = BURST_FAILED});
            } else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
                fprintf(stderr, "%sfolio: a worker ended %s %d between reports\n",
                        t->pg.tty ? "\r\033[K" : "", WIFSIGNALED(st) ? "by signal" : "with status",
                        WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
                t->worker_failed = true;
            }
        }
    }
    /* every report is done: the workers still running were told to end */
    for (size_t w = 0; w < pl->nworkers; w++) {
        int st;
        if (!pl->workers[w].pid)
            continue;
        worker_reap(pl, w, &st);
        if (!WIFEXITED(st) || WEXITSTATUS(st)) {
            fprintf(stderr, "%sfolio: a worker ended %s %d after its last report\n",
                    t->pg.tty ? "\r\033[K" : "", WIFSIGNALED(st) ? "by signal" : "with status",
                    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
            t->worker_failed = true;
        }
    }
    free(fds);
    free(of);
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
    tally t = {0};
    pool pl = {0};

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

    t = (tally){.results = xcalloc(n ? n : 1, sizeof *t.results),
                .pg = {.tty = isatty(STDERR_FILENO), .total = n, .width = 80}};
    struct winsize ws;
    if (t.pg.tty && ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
        t.pg.width = ws.ws_col;
    progress_bar(&t.pg, NULL);

    unsigned nworkers = p->jobs < n ? p->jobs : (unsigned)n;
    pl = (pool){.p = p,
                .main_input = main_input,
                .column = column,
                .sorted = sorted,
                .n = n,
                .render = render,
                .session = session,
                .tty = t.pg.tty,
                .workers = xcalloc(nworkers ? nworkers : 1, sizeof *pl.workers),
                .nworkers = nworkers};
    for (unsigned w = 0; w < nworkers; w++)
        pl.workers[w].fd = -1;
    /* every input that has the column is narrowed: its rows by value, found once for all */
    pl.index = xcalloc(p->report->ninputs ? p->report->ninputs : 1, sizeof *pl.index);
    pl.index_prev = xcalloc(p->report->ninputs ? p->report->ninputs : 1, sizeof *pl.index_prev);
    for (size_t i = 0; i < p->report->ninputs; i++) {
        int c = folio_table_column_index(p->tables[i], column);
        if (c < 0 || !folio_burst_type_ok(folio_table_column_type(p->tables[i], c)))
            continue;
        pl.index[i] = folio_burst_index_create(p->tables[i], c);
        if (folio_table_previous(p->tables[i]))
            pl.index_prev[i] = folio_burst_index_create(folio_table_previous(p->tables[i]), c);
    }
    worker_pids = xcalloc(nworkers, sizeof *worker_pids);
    nworker_pids = nworkers;
    struct sigaction saved[NFORWARDED];
    forward_signals(saved);
    pl.saved = saved;
    pool_run(&pl, &t);
    restore_signals(saved);
    free((void *)worker_pids);
    worker_pids = NULL;
    nworker_pids = 0;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (t.pg.tty)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "folio: %s%zu of %zu report%s by %s.%s written", shard, t.written + t.partial, n,
            n == 1 ? "" : "s", input_name, column);
    if (t.partial)
        fprintf(stderr, " (%zu with failed sections)", t.partial);
    if (t.failed)
        fprintf(stderr, ", %zu failed", t.failed);
    fprintf(stderr, " in %.2f s with %u job%s\n", secs, p->jobs, p->jobs == 1 ? "" : "s");
    if (t.failed) {
        fprintf(stderr, "folio: failed:");
        size_t shown = 0;
        for (size_t i = 0; i < n && shown < 10; i++)
            if (t.results[i].status == BURST_FAILED)
                fprintf(stderr, "%s \"%s\"", shown++ ? "," : "", sorted[i]->value);
        fprintf(stderr, "%s\n", t.failed > 10 ? ", ..." : "");
    }
    status = t.failed || t.worker_failed ? BURST_FAILED : t.partial ? BURST_PARTIAL : BURST_OK;

done:
    for (size_t i = 0; pl.index && i < p->report->ninputs; i++) {
        folio_burst_index_free(pl.index[i]);
        folio_burst_index_free(pl.index_prev[i]);
    }
    free(pl.index);
    free(pl.index_prev);
    free(t.results);
    free(pl.workers);
    for (size_t i = 0; i < nvalues; i++) {
        free(items[i].path);
        free(values[i]);
    }
    free(values);
    free(items);
    free(sorted);
    return status;
}
