/* A tiny test harness: CHECK records a failure with file:line and goes on; the summary line
 * "N passed, N failed" ends the run, and the exit status is 1 on any failure. */
#ifndef FOLIO_HARNESS_H
#define FOLIO_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_passed, harness_failed;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (cond) {                                                                    \
            harness_passed++;                                                          \
        } else {                                                                       \
            harness_failed++;                                                          \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
        }                                                                              \
    } while (0)

#define CHECK_STR(a, b)                                                                \
    do {                                                                               \
        const char *ha_ = (a), *hb_ = (b);                                             \
        if (ha_ && hb_ && strcmp(ha_, hb_) == 0) {                                     \
            harness_passed++;                                                          \
        } else {                                                                       \
            harness_failed++;                                                          \
            fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__, \
                    hb_ ? hb_ : "(null)", ha_ ? ha_ : "(null)");                       \
        }                                                                              \
    } while (0)

#define CHECK_INT(a, b)                                                                \
    do {                                                                               \
        long long ha_ = (long long)(a), hb_ = (long long)(b);                          \
        if (ha_ == hb_) {                                                              \
            harness_passed++;                                                          \
        } else {                                                                       \
            harness_failed++;                                                          \
            fprintf(stderr, "%s:%d: %s: expected %lld, got %lld\n", __FILE__, __LINE__, \
                    #a, hb_, ha_);                                                     \
        }                                                                              \
    } while (0)

/* SANITIZED: 1 in a build with AddressSanitizer (its allocator is not glibc's, and it stops the
 * program on an allocation it cannot make), else 0. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static inline int harness_summary(void)
{
    printf("%d passed, %d failed\n", harness_passed, harness_failed);
    return harness_failed ? 1 : 0;
}

#endif
