/* Writing a file atomically: a temporary file in the target's directory, synced, then renamed
 * over the target, so a failed or killed run never leaves a partial file at the target. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "pdf/pdf_internal.h"

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

static bool fail(folio_atomic *a, folio_diag *diag, int err)
{
    folio_diag_add(diag, FOLIO_ERROR, NULL, 0, 0, "cannot write %s: %s", a->path, strerror(err));
    folio_atomic_abort(a);
    return false;
}

bool folio_atomic_open(folio_atomic *a, const char *path, folio_diag *diag)
{
    *a = (folio_atomic){.fd = -1, .path = path};
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (*base == '\0')
        return fail(a, diag, EISDIR);
    /* "dir/name.pdf" -> "dir/.name.pdf.XXXXXX"; "name.pdf" -> ".name.pdf.XXXXXX" */
    int dirlen = slash ? (int)(slash - path) + 1 : 0;
    a->tmp = xasprintf("%.*s.%s.XXXXXX", dirlen, path, base);
    a->fd = mkstemp(a->tmp);
    if (a->fd < 0) {
        int err = errno;
        free(a->tmp);
        a->tmp = NULL; /* nothing was created */
        return fail(a, diag, err);
    }
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
    if (fchmod(a->fd, 0644 & ~current_umask()) != 0 || fsync(a->fd) != 0)
        return fail(a, diag, errno);
    int fd = a->fd;
    a->fd = -1;
    if (close(fd) != 0 || rename(a->tmp, a->path) != 0)
        return fail(a, diag, errno);
    free(a->tmp);
    a->tmp = NULL;

    /* Make the rename itself durable; a directory that cannot be opened or synced (some
     * network file systems) does not make the already renamed file wrong. */
    const char *slash = strrchr(a->path, '/');
    char *dir = slash ? xstrndup(a->path, slash == a->path ? 1 : (size_t)(slash - a->path)) : xstrdup(".");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    free(dir);
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
        free(a->tmp);
        a->tmp = NULL;
    }
}
