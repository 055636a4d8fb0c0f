/* An LD_PRELOAD shim for allocation-failure sweeps (tests/e2e/test_alloc_failure.sh): counts
 * the calls to malloc, calloc, realloc and the aligned allocators made after the program's
 * libraries are loaded, and makes them fail (NULL, errno ENOMEM) from the Nth call on.
 *
 *   FOLIO_FAILMALLOC=N          fail the Nth allocation and every later one (0 or unset: none)
 *   FOLIO_FAILMALLOC_ONCE=1     fail only the Nth
 *   FOLIO_FAILMALLOC_REPORT=F   at exit, write "COUNT FAILED" to file F: the allocations seen
 *                               and how many of them were made to fail
 *
 * The real allocator is glibc's, reached through its __libc_* entry points (no dlsym, which
 * itself allocates). realloc(p, 0) and free are never counted. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t align, size_t n);
void __libc_free(void *p);

void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
void *memalign(size_t align, size_t n);
void *aligned_alloc(size_t align, size_t n);
int posix_memalign(void **out, size_t align, size_t n);

static unsigned long fail_at; /* 0 = never */
static int fail_once;
static int counting; /* set by the constructor: allocations before it are not counted */
static unsigned long calls, failed;
static char report[4096];

__attribute__((constructor)) static void failmalloc_init(void)
{
    const char *n = getenv("FOLIO_FAILMALLOC");
    const char *once = getenv("FOLIO_FAILMALLOC_ONCE");
    const char *r = getenv("FOLIO_FAILMALLOC_REPORT");
    fail_at = n ? strtoul(n, NULL, 10) : 0;
    fail_once = once && *once == '1';
    if (r && strlen(r) < sizeof report)
        strcpy(report, r);
    counting = 1;
}

__attribute__((destructor)) static void failmalloc_report(void)
{
    if (!report[0])
        return;
    char line[64];
    int len = snprintf(line, sizeof line, "%lu %lu\n", calls, failed);
    int fd = open(report, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        if (write(fd, line, (size_t)len) < 0) {
            /* nothing to do: the sweep sees an empty report */
        }
        close(fd);
    }
}

/* True if this allocation is to fail. */
static int fail_now(void)
{
    if (!counting)
        return 0;
    unsigned long k = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
    if (fail_at == 0 || k < fail_at || (fail_once && k != fail_at))
        return 0;
    __atomic_add_fetch(&failed, 1, __ATOMIC_RELAXED);
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t n)
{
    return fail_now() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    if (p && n == 0)
        return __libc_realloc(p, 0);
    return fail_now() ? NULL : __libc_realloc(p, n);
}

void free(void *p)
{
    __libc_free(p);
}

void *memalign(size_t align, size_t n)
{
    return fail_now() ? NULL : __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
    return fail_now() ? NULL : __libc_memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (fail_now())
        return ENOMEM;
    void *p = __libc_memalign(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
