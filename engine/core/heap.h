/* The heap on transparent huge pages.
 *
 * On the virtual machines folio is measured on, a first touch of a 4 KiB page costs 11-15 us,
 * so the ~900 pages a default render touches cost more system
 * time than its layout costs user time. A 2 MiB transparent huge page is one fault for 512 pages:
 * 8 MiB took 0.4-1 ms instead of 22 ms (docs/pdf-size-and-startup.md, "Memory on huge pages").
 *
 * folio_heap_init() moves the break to one page below a 2 MiB boundary, grows glibc's heap by
 * `reserve` bytes at once and asks the kernel (madvise MADV_HUGEPAGE) for huge pages from the
 * boundary on. The reservation is address space only: a page is resident once it is touched, as
 * before. Allocations below 1 MiB stay on the heap (M_MMAP_THRESHOLD; larger ones are mapped on
 * their own and returned when freed), and up to twice `reserve` bytes of freed memory at the
 * heap's top are kept for reuse (M_TRIM_THRESHOLD): a trimmed heap would grow back on small pages.
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
