/* For tests of memory placement: what /proc/self/smaps says of the mapping holding an address,
 * and whether the kernel has transparent huge pages on (test_heap.c, test_table.c). */
#ifndef FOLIO_TEST_SMAPS_H
#define FOLIO_TEST_SMAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The smaps entry of the mapping holding p: its VmFlags line and AnonHugePages in KiB. */
static inline bool mapping_of(const void *p, char *flags, size_t flags_size, long *huge_kb)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return false;
    char line[512];
    bool in = false, found = false;
    uintptr_t a = (uintptr_t)p;
    *huge_kb = -1;
    flags[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            if (found)
                break;
            in = a >= lo && a < hi;
            continue;
        }
        if (!in)
            continue;
        found = true;
        if (!strncmp(line, "AnonHugePages:", 14))
            *huge_kb = strtol(line + 14, NULL, 10);
        else if (!strncmp(line, "VmFlags:", 8))
            snprintf(flags, flags_size, "%s", line + 8);
    }
    fclose(f);
    return found;
}

static inline bool huge_pages_on(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    char line[128] = "";
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
    }
    return strstr(line, "[always]") || strstr(line, "[madvise]");
}

#endif
