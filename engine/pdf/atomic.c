/* Writing a file atomically: a temporary file in the target's directory, synced, then renamed
 * over the target, so a failed or killed run never leaves a partial file at the target. The
 * temporary file is removed on every error, at exit and on a terminating signal (core/cleanup.c);
 * only SIGKILL (or a crash) can leave one behind, and the next successful write of the same
 * target removes it once it is a minute old. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "pdf/pdf_internal.h"

/* ---- helpers ---- */

/* The process's umask without changing it: /proc/self/status has it on Linux 4.7 and later;
 * elsewhere fall back to setting and restoring it (briefly visible to other threads). */
static mode_t current_umask(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[256];
        unsigned mask;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "Umask: %o", &mask) == 1) {
                fclose(f);
                return (mode_t)mask;
            }
        fclose(f);
    }
    mode_t mask = umask(022);
    umask(mask);
    return mask;
}

static const char *target_of(const folio_atomic *a)
{
    return a->target ? a->target : a->path;
}

/* The directory part of the target ("." if none), owned by the caller. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
}

static bool fail(folio_atomic *a, folio_diag *diag, int err)
{
    folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot write %s: %s", a->path, strerror(err));
    folio_atomic_abort(a);
    return false;
}

/* Removes ".<base>.XXXXXX" files in dir that are ours and have not changed for
 * FOLIO_STALE_TEMP_SECONDS: left by a run that was killed while writing the same target.
 * Best effort: any failure leaves them. */
static void remove_stale(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t bl = strlen(base);
    time_t now = time(NULL);
    for (struct dirent *e; (e = readdir(d));) {
        const char *n = e->d_name;
        if (n[0] != '.' || strncmp(n + 1, base, bl) != 0 || n[1 + bl] != '.' || strlen(n + 2 + bl) != 6)
            continue;
        bool pattern = true;
        for (const char *p = n + 2 + bl; *p; p++)
            pattern &= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
        struct stat st;
        if (pattern && fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
            st.st_uid == geteuid() && now - st.st_mtime >= FOLIO_STALE_TEMP_SECONDS)
            (void)unlinkat(dirfd(d), n, 0);
    }
    closedir(d);
}

/* ---- the file ---- */

bool folio_atomic_open(folio_atomic *a, const char *path, folio_diag *diag)
{
    *a = (folio_atomic){.fd = -1, .path = path, .live = -1};
    /* A symbolic link is followed: the file it points to is replaced, not the link. */
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        char buf[PATH_MAX];
        if (realpath(path, buf))
            a->target = xstrdup(buf);
        else if (errno != ENOENT) /* a dangling link is replaced by the file */
            return fail(a, diag, errno);
    }
    const char *target = target_of(a);
    bool exists = stat(target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return fail(a, diag, EISDIR);
    if (exists && !S_ISREG(st.st_mode)) {
        /* a device or a pipe: there is nothing to rename over, so write to it directly */
        a->direct = true;
        a->fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        return a->fd >= 0 ? true : fail(a, diag, errno);
    }
    a->mode = exists ? (unsigned)(st.st_mode & 07777) : (unsigned)(0644 & ~current_umask());

    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    if (*base == '\0')
        return fail(a, diag, EISDIR);
    /* "dir/name.pdf" -> "dir/.name.pdf.XXXXXX"; "name.pdf" -> ".name.pdf.XXXXXX" */
    int dirlen = slash ? (int)(slash - target) + 1 : 0;
    a->tmp = xasprintf("%.*s.%s.XXXXXX", dirlen, target, base);
    a->dir = dir_of(target);
    a->fd = mkstemp(a->tmp);
    if (a->fd < 0) {
        int err = errno;
        free(a->tmp);
        a->tmp = NULL; /* nothing was created */
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot write %s: %s (%s folder %s)", a->path,
                       strerror(err), err == ENOENT ? "no" : "in", a->dir);
        folio_atomic_abort(a);
        return false;
    }
    (void)fcntl(a->fd, F_SETFD, FD_CLOEXEC);
    a->live = folio_cleanup_add(a->tmp);
    return true;
}

bool folio_atomic_write(folio_atomic *a, const void *data, size_t n, folio_diag *diag)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(a->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return fail(a, diag, errno);
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

bool folio_atomic_commit(folio_atomic *a, folio_diag *diag)
{
    if (a->direct) {
        int fd = a->fd;
        a->fd = -1;
        if (close(fd) != 0)
            return fail(a, diag, errno);
        folio_atomic_abort(a);
        return true;
    }
    /* A file system without permissions (vfat) refusing the mode does not make the file wrong. */
    (void)fchmod(a->fd, (mode_t)a->mode);
    if (fsync(a->fd) != 0)
        return fail(a, diag, errno);
    int fd = a->fd;
    a->fd = -1;
    const char *target = target_of(a);
    if (close(fd) != 0 || rename(a->tmp, target) != 0)
        return fail(a, diag, errno);
    folio_cleanup_forget(a->live);
    a->live = -1;
    free(a->tmp);
    a->tmp = NULL;

    /* Make the rename itself durable; a directory that cannot be opened or synced (some
     * network file systems) does not make the already renamed file wrong. Nothing from here
     * on can fail the write: the file is in place. */
    int dfd = open(a->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    const char *slash = strrchr(target, '/');
    remove_stale(a->dir, slash ? slash + 1 : target);
    folio_atomic_abort(a); /* frees the resolved target and the directory */
    return true;
}

void folio_atomic_abort(folio_atomic *a)
{
    if (a->fd >= 0) {
        close(a->fd);
        a->fd = -1;
    }
    if (a->tmp) {
        unlink(a->tmp);
        folio_cleanup_forget(a->live);
        a->live = -1;
        free(a->tmp);
        a->tmp = NULL;
    }
    free(a->target);
    a->target = NULL;
    free(a->dir);
    a->dir = NULL;
}
