/* The heap on transparent huge pages.
 *
 * On the virtual machines folio is measured on, a first touch of a 4 KiB page costs 11-15 us
 * (the host backs the page then), so the ~900 pages a default render touches cost more system
 * time than its layout costs user time. A 2 MiB transparent huge page is one fault for 512 pages:
 * 8 MiB took 0.4-1 ms instead of 22 ms (bench/RESULTS.md, "Memory: huge pages").
 *
 * folio_heap_init() moves the break to a 2 MiB boundary, grows glibc's heap by `reserve` bytes
 * at once and asks the kernel (madvise MADV_HUGEPAGE) for huge pages there. The reservation is
 * address space only: a page is resident once it is touched, as before. Allocations stay on the
 * heap up to 32 MiB (M_MMAP_THRESHOLD), and freed memory is kept for reuse (M_TRIM_THRESHOLD).
 *
 * Call it first in main(), before threads. Where huge pages are off (transparent_hugepage set to
 * never), under a sanitizer, or if any step fails, the heap is glibc's default; nothing else
 * changes. FOLIO_HUGE_PAGES=0 in the environment turns it off (to measure the difference). */
#ifndef FOLIO_HEAP_H
#define FOLIO_HEAP_H

#include <stddef.h>

/* Returns 1 if the heap was set up on huge pages, 0 if it was left as it was. */
int folio_heap_init(size_t reserve);

#endif
