/* Output folders and the output lock. The lock file ".NAME-lock" beside the output is held
 * with flock(2); the holder removes it before releasing, and a run that gets the lock of a file
 * that has meanwhile been removed or replaced starts again, so removing it is safe. A lock file
 * left by a killed run is only an empty file: flock locks end with their process. Lock files
 * still held when the process exits or is ended by a signal are removed then (core/cleanup.c). */
#include "cli/output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/util.h"

/* The directory part of path ("." for a bare name), owned by the caller. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    while (slash > path && slash[-1] == '/')
        slash--;
    return xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* Whether path names something that is not a regular file nor a folder (a device, a pipe):
 * written in place, with nothing to lock and no folder to make. */
static bool is_special(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

bool folio_output_make_dirs(const char *path, folio_diag *diag)
{
    if (is_special(path))
        return true;
    char *dir = dir_of(path);
    struct stat st;
    bool good = true;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        /* Each prefix in turn, as mkdir -p: an existing folder is fine, anything else stops. */
        for (char *p = dir + 1;; p++) {
            if (*p != '/' && *p != '\0')
                continue;
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
                int err = errno;
                folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot create folder %s for %s: %s", dir, path,
                               strerror(err));
                good = false;
            } else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
                folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0,
                               "cannot create folder %s for %s: %s is not a folder", dir, path, dir);
                good = false;
            }
            *p = c;
            if (!good || c == '\0')
                break;
        }
    }
    free(dir);
    return good;
}

/* "dir/.name-lock" for "dir/name", owned by the caller. */
static char *lock_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int dirlen = slash ? (int)(slash - path) + 1 : 0;
    return xasprintf("%.*s.%s-lock", dirlen, path, base);
}

/* The process id the holder wrote into the lock file, or 0. */
static long holder_pid(int fd)
{
    char buf[32] = {0};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    return n > 0 ? strtol(buf, NULL, 10) : 0;
}

bool folio_output_lock(folio_lock *l, const char *path, bool wait, folio_diag *diag)
{
    *l = (folio_lock){.fd = -1, .slot = -1};
    if (is_special(path))
        return true;
    /* A symbolic link (-o /dev/stdout redirected to a file) is locked beside the file it names,
     * where the PDF is written. */
    struct stat st;
    char real[PATH_MAX];
    bool link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, real);
    char *lp = lock_path(link ? real : path);
    bool said = false;
    for (;;) {
        int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) {
            /* as the write itself would say: the folder cannot take the lock file either */
            int err = errno;
            char *dir = dir_of(path);
            folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot write %s: %s (in folder %s)", path,
                           strerror(err), dir);
            free(dir);
            free(lp);
            return false;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int err = errno;
            if (err != EWOULDBLOCK && err != EINTR) {
                folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot lock %s (%s): %s", path, lp,
                               strerror(err));
                close(fd);
                free(lp);
                return false;
            }
            long pid = holder_pid(fd);
            char who[64] = "";
            if (pid > 0)
                snprintf(who, sizeof who, " (pid %ld)", pid);
            if (!wait) {
                folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0,
                               "%s is being written by another folio run%s; not waiting (--no-wait)", path,
                               who);
                close(fd);
                free(lp);
                return false;
            }
            if (!said)
                fprintf(stderr, "folio: waiting for another folio run%s writing %s to finish\n", who, path);
            said = true;
            while (flock(fd, LOCK_EX) != 0) {
                if (errno != EINTR) {
                    folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot lock %s (%s): %s", path, lp,
                                   strerror(errno));
                    close(fd);
                    free(lp);
                    return false;
                }
            }
        }
        /* Held; but the holder before us may have removed (or a third run replaced) the file
         * this descriptor locks: then the lock guards nothing and we start again. */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(lp, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
            char pid[32];
            int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
                /* the process id is only for messages */
            }
            l->fd = fd;
            l->path = lp;
            l->slot = folio_cleanup_add(lp);
            return true;
        }
        close(fd);
    }
}

void folio_output_unlock(folio_lock *l)
{
    if (!l || l->fd < 0)
        return;
    folio_cleanup_forget(l->slot); /* first: a signal now leaves an empty file, never removes another's */
    (void)unlink(l->path);         /* while still held: see the top of this file */
    close(l->fd);
    free(l->path);
    *l = (folio_lock){.fd = -1, .slot = -1};
}

bool folio_output_check_writable(const char *path, folio_diag *diag)
{
    if (is_special(path)) {
        if (access(path, W_OK) == 0)
            return true;
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot write %s: %s", path, strerror(errno));
        return false;
    }
    char *dir = dir_of(path);
    struct stat st;
    /* The nearest folder that exists is the one a real run would write into or create in. */
    while (stat(dir, &st) != 0 && strcmp(dir, ".") && strcmp(dir, "/")) {
        char *up = dir_of(dir);
        free(dir);
        dir = up;
    }
    bool good = true;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot write %s: %s is not a folder", path, dir);
        good = false;
    } else if (access(dir, W_OK | X_OK) != 0) {
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot write %s: folder %s: %s", path, dir,
                       strerror(errno));
        good = false;
    } else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot write %s: %s", path, strerror(EISDIR));
        good = false;
    }
    free(dir);
    return good;
}
