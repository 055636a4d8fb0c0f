/* `folio watch REPORT [-o FILE]`: render, then render again whenever a file the report reads
 * changes (inotify on the report folder, its subfolders and the standard plugins). Each render
 * is a child process running `folio render` with the same options, so a failed render leaves
 * the last good PDF in place (the PDF writer renames into place only on success) and nothing
 * of one render leaks into the next. SIGINT or SIGTERM stop the child (which removes its
 * temporary file) and then the watch. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/util.h"

#define WATCH_DEBOUNCE_MS 100 /* a burst of events (an editor's save) makes one render */
#define WATCH_MAX_DIRS 256    /* folders watched at most */
#define WATCH_MAX_DEPTH 4     /* how deep below the report folder */

typedef struct watcher {
    int ifd, sfd;
    char *dirs[WATCH_MAX_DIRS]; /* by watch descriptor order: dirs[i] has wds[i] */
    int wds[WATCH_MAX_DIRS];
    size_t ndirs;
    char **child_argv;
    char exe[PATH_MAX];
    sigset_t old_mask;
} watcher;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Watches dir and (to WATCH_MAX_DEPTH) its folders that do not start with a dot. */
static void add_dir(watcher *w, const char *dir, int depth)
{
    if (w->ndirs >= WATCH_MAX_DIRS)
        return;
    int wd = inotify_add_watch(
        w->ifd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ONLYDIR);
    if (wd < 0)
        return;
    for (size_t i = 0; i < w->ndirs; i++)
        if (w->wds[i] == wd)
            return; /* already watched (the standard plugins inside the report folder) */
    w->wds[w->ndirs] = wd;
    w->dirs[w->ndirs++] = xstrdup(dir);
    if (depth >= WATCH_MAX_DEPTH)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            add_dir(w, sub, depth + 1);
        free(sub);
    }
    closedir(d);
}

static const char *dir_of(const watcher *w, int wd)
{
    for (size_t i = 0; i < w->ndirs; i++)
        if (w->wds[i] == wd)
            return w->dirs[i];
    return NULL;
}

/* Whether a change to a file of this name can change the PDF: report.lua, inputs, plugins,
 * prose, images and fonts; not PDFs, not hidden or temporary files. */
static bool relevant(const char *name)
{
    static const char *const exts[] = {".lua", ".csv", ".md", ".png", ".jpg", ".jpeg", ".ttf", ".otf", NULL};
    if (!name[0] || name[0] == '.')
        return false;
    size_t n = strlen(name);
    for (const char *const *e = exts; *e; e++) {
        size_t m = strlen(*e);
        if (n > m && strcasecmp(name + n - m, *e) == 0)
            return true;
    }
    return false;
}

/* Reads the pending inotify events; watches new folders; names the first relevant file in
 * `changed`. True if any event was relevant. */
static bool read_events(watcher *w, char *changed, size_t size)
{
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool any = false;
    for (;;) {
        ssize_t len = read(w->ifd, buf, sizeof buf);
        if (len <= 0)
            break;
        for (char *p = buf; p < buf + len;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            const char *dir = dir_of(w, ev->wd);
            if (!dir || !ev->len)
                continue;
            if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)) && ev->name[0] != '.') {
                char *sub = xasprintf("%s/%s", dir, ev->name);
                add_dir(w, sub, 1);
                free(sub);
                continue;
            }
            if (!relevant(ev->name))
                continue;
            if (!any)
                folio_format_cut(changed, size, "%s/%s", dir, ev->name);
            any = true;
        }
    }
    return any;
}

/* Waits for a stop signal or, with child > 0, for the child to end. Returns the signal that
 * asked to stop (0 if none); *status gets the child's wait status. */
static int wait_signal(watcher *w, pid_t child, int *status, int timeout_ms)
{
    struct pollfd pfd = {.fd = w->sfd, .events = POLLIN};
    for (;;) {
        if (child > 0 && waitpid(child, status, WNOHANG) == child)
            return 0;
        int r = poll(&pfd, 1, child > 0 ? 200 : timeout_ms);
        if (r < 0 && errno != EINTR)
            return SIGTERM;
        if (r > 0) {
            struct signalfd_siginfo si;
            if (read(w->sfd, &si, sizeof si) == (ssize_t)sizeof si && si.ssi_signo != SIGCHLD)
                return (int)si.ssi_signo;
        }
        if (child <= 0)
            return 0;
    }
}

/* One render in a child process. Returns the stop signal received meanwhile (0 if none). */
static int render(watcher *w)
{
    double t0 = now();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "folio watch: cannot start a render: %s\n", strerror(errno));
        return 0;
    }
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &w->old_mask, NULL);
        execv(w->exe, w->child_argv);
        fprintf(stderr, "folio watch: cannot run %s: %s\n", w->exe, strerror(errno));
        _exit(127);
    }
    int status = 0;
    int sig = wait_signal(w, pid, &status, -1);
    if (sig) {
        kill(pid, SIGTERM); /* the render removes its temporary file and ends */
        waitpid(pid, &status, 0);
        return sig;
    }
    double secs = now() - t0;
    if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3))
        fprintf(stderr, "folio watch: rendered in %.2f s; watching for changes\n", secs);
    else
        fprintf(stderr,
                "folio watch: render failed after %.2f s; the last good PDF is kept; watching for changes\n",
                secs);
    return 0;
}

/* The folder of REPORT (a folder or a file in it); NULL (errno set) if it is not there. */
static char *report_dir(const char *report)
{
    struct stat st;
    if (stat(report, &st) != 0)
        return NULL;
    if (S_ISDIR(st.st_mode))
        return xstrdup(report);
    const char *slash = strrchr(report, '/');
    return slash ? xstrndup(report, (size_t)(slash - report)) : xstrdup(".");
}

int folio_cli_watch(int argc, char **argv, const char *report, const char *std_plugins)
{
    watcher w = {.ifd = -1, .sfd = -1};
    ssize_t n = readlink("/proc/self/exe", w.exe, sizeof w.exe - 1);
    if (n <= 0) {
        fprintf(stderr, "folio watch: cannot find the folio executable\n");
        return 1;
    }
    w.exe[n] = '\0';
    /* the same command line, with "watch" made "render" */
    w.child_argv = xcalloc((size_t)argc + 1, sizeof *w.child_argv);
    bool replaced = false;
    for (int i = 0; i < argc; i++) {
        w.child_argv[i] = argv[i];
        if (i > 0 && !replaced && strcmp(argv[i], "watch") == 0) {
            static char render_cmd[] = "render";
            w.child_argv[i] = render_cmd;
            replaced = true;
        }
    }

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, &w.old_mask);
    w.sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    w.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    int status = 0;
    if (w.sfd < 0 || w.ifd < 0) {
        fprintf(stderr, "folio watch: cannot watch files: %s\n", strerror(errno));
        status = 1;
        goto done;
    }
    errno = 0;
    char *dir = report_dir(report);
    if (dir)
        add_dir(&w, dir, 0);
    free(dir);
    if (w.ndirs == 0) {
        fprintf(stderr, "folio watch: cannot watch %s: %s\n", report,
                errno ? strerror(errno) : "not a report folder");
        status = 1;
        goto done;
    }
    add_dir(&w, std_plugins, WATCH_MAX_DEPTH);
    for (int i = 1; i + 1 < argc; i++) /* --data DIR */
        if (strcmp(argv[i], "--data") == 0)
            add_dir(&w, argv[i + 1], WATCH_MAX_DEPTH);
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], "--data=", 7) == 0)
            add_dir(&w, argv[i] + 7, WATCH_MAX_DEPTH);

    int sig = render(&w);
    struct pollfd pfd[2] = {{.fd = w.ifd, .events = POLLIN}, {.fd = w.sfd, .events = POLLIN}};
    while (!sig) {
        if (poll(pfd, 2, -1) < 0 && errno != EINTR)
            break;
        if (pfd[1].revents) {
            int st;
            sig = wait_signal(&w, 0, &st, 0);
            if (sig)
                break;
        }
        if (!pfd[0].revents)
            continue;
        char changed[PATH_MAX];
        if (!read_events(&w, changed, sizeof changed))
            continue;
        /* debounce: wait until no event has come for WATCH_DEBOUNCE_MS */
        char more[PATH_MAX];
        while (poll(pfd, 1, WATCH_DEBOUNCE_MS) > 0)
            read_events(&w, more, sizeof more);
        fprintf(stderr, "folio watch: %s changed\n", changed);
        sig = render(&w);
    }
    fprintf(stderr, "folio watch: stopped\n");

done:
    for (size_t i = 0; i < w.ndirs; i++)
        free(w.dirs[i]);
    if (w.ifd >= 0)
        close(w.ifd);
    if (w.sfd >= 0)
        close(w.sfd);
    free(w.child_argv);
    sigprocmask(SIG_SETMASK, &w.old_mask, NULL);
    return status;
}
