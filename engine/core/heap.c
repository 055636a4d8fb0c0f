#include "core/heap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#define FOLIO_HEAP_HUGE 1
#endif

#if defined(__SANITIZE_ADDRESS__)
#undef FOLIO_HEAP_HUGE
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#undef FOLIO_HEAP_HUGE
#endif
#endif

#define MMAP_AT (1 << 20) /* allocations this large are mapped on their own, as glibc's default maps 128 KiB */

int folio_heap_init(size_t reserve)
{
#if defined(FOLIO_HEAP_HUGE) && defined(MADV_HUGEPAGE)
    const char *env = getenv("FOLIO_HUGE_PAGES");
    if (env && !strcmp(env, "0"))
        return 0;
    const uintptr_t huge = (uintptr_t)2 << 20, page = 4096;
    if (reserve < huge || reserve > ((size_t)1 << 30))
        return 0;
    /* The heap glibc made before main() (a few KiB, libraries' constructors) ends at the break.
     * Move the break to one page below the next 2 MiB boundary: glibc sees the gap as another
     * program's sbrk and starts its next extension there, so the header it keeps at the start of
     * its free space lies in that page, below the huge pages. The gap is never touched. */
    uintptr_t cur = (uintptr_t)sbrk(0);
    if (cur == (uintptr_t)-1)
        return 0;
    uintptr_t start = (cur + page + huge - 1) & ~(huge - 1);
    if (sbrk((intptr_t)(start - page - cur)) == (void *)-1)
        return 0;
    /* glibc trims the top when a free leaves it at M_TRIM_THRESHOLD or more, down to M_TOP_PAD
     * (128 KiB once this is done): at `reserve` the whole fresh reserve, a little more than that,
     * would go at the first large free. Twice the reserve keeps it. */
    if ((!mallopt(M_MMAP_THRESHOLD, MMAP_AT)) || !mallopt(M_TRIM_THRESHOLD, (int)(2 * reserve)) ||
        !mallopt(M_TOP_PAD, (int)reserve))
        return 0;
    /* One allocation larger than what is left of the old heap makes glibc extend it by the
     * request plus M_TOP_PAD; volatile so that the compiler keeps the malloc/free pair. */
    void *volatile probe = malloc((size_t)256 << 10);
    free(probe);
    uintptr_t end = (uintptr_t)sbrk(0);
    mallopt(M_TOP_PAD, 128 << 10); /* glibc's default: later extensions as glibc makes them */
    if (end == (uintptr_t)-1 || end <= start + huge)
        return 0;
    size_t len = (end - start) & ~(huge - 1);
    if (madvise((void *)start, len, MADV_HUGEPAGE) != 0)
        return 0;
    /* The probe's memory is free again (its header went back to the page below `start`), but
     * its first pages were touched as small pages, and a 2 MiB range with small pages mapped
     * gets no huge page: drop them (they read as zero again), so the next touch maps one. */
    (void)madvise((void *)start, huge, MADV_DONTNEED);
    return 1;
#else
    (void)reserve;
    return 0;
#endif
}
