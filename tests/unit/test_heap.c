/* The heap on transparent huge pages (engine/core/heap.c): after folio_heap_init the heap's
 * mapping is advised for huge pages (VmFlags "hg" in /proc/self/smaps) and memory touched there
 * is backed by them (AnonHugePages); with FOLIO_HUGE_PAGES=0 the heap is left as glibc made it;
 * a large free at the top does not trim the reserve away; and malloc/realloc/free work as
 * before across the reserve's edge. Where the kernel has huge pages off, or under a sanitizer
 * (its allocator is not glibc's), folio_heap_init must say 0. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/heap.h"
#include "harness.h"
#include "smaps.h"

int main(void)
{
    unsetenv("FOLIO_HUGE_PAGES"); /* (the parent's own check wants the default) */
    bool on = huge_pages_on() && !SANITIZED;
    char flags[600];
    long huge_kb;

    /* FOLIO_HUGE_PAGES=0, in a child (folio_heap_init is once per process) */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("FOLIO_HUGE_PAGES", "0", 1);
        int r = folio_heap_init((size_t)4 << 20);
        char *p = malloc(1000);
        bool ok = r == 0 && p && mapping_of(p, flags, sizeof flags, &huge_kb) && !strstr(flags, " hg");
        free(p);
        _exit(ok ? 0 : 1);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    int r = folio_heap_init((size_t)4 << 20);
    CHECK_INT(r, on ? 1 : 0);
    /* a large block freed at the heap's top before much else is allocated must not give the
     * reserve back (it would grow back on small pages) */
    void *top = sbrk(0);
    void *volatile first = malloc((size_t)512 << 10);
    CHECK(first != NULL);
    free(first);
    if (on)
        CHECK(sbrk(0) == top);
    /* small allocations land in the reserve: its mapping is advised, and what is touched there
     * is on huge pages */
    enum { N = 256 };
    char *blocks[N];
    for (int i = 0; i < N; i++) {
        blocks[i] = malloc(8000);
        CHECK(blocks[i] != NULL);
        memset(blocks[i], i, 8000);
    }
    CHECK(mapping_of(blocks[N / 2], flags, sizeof flags, &huge_kb));
    if (on) {
        CHECK(strstr(flags, " hg") != NULL);
        CHECK(huge_kb >= 2048);
    } else {
        printf("huge pages are off here (or a sanitizer's allocator is in use): checked only that the heap works\n");
    }
    /* the heap still works as a heap: beyond the reserve, and shrinking and growing in place */
    char *big = malloc((size_t)6 << 20);
    CHECK(big != NULL);
    memset(big, 7, (size_t)6 << 20);
    for (int i = 0; i < N; i++) {
        blocks[i] = realloc(blocks[i], i % 2 ? 100 : 20000);
        CHECK(blocks[i] != NULL && (unsigned char)blocks[i][99] == (unsigned char)i);
    }
    CHECK(big[(6 << 20) - 1] == 7);
    free(big);
    for (int i = 0; i < N; i++)
        free(blocks[i]);
    return harness_summary();
}
