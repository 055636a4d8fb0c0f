/* folio_thread_start (engine/core/thread.c): with two CPUs or more, the new thread begins on a
 * CPU other than its creator's, even while the creator is busy, and then may run on every CPU
 * the process may use; join returns what it returned; with one CPU it is a plain thread; and
 * none starts where threads are not allowed. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/thread.h"
#include "harness.h"

typedef struct probe {
    atomic_int cpu; /* where the thread began; -1 until it has */
    cpu_set_t mask; /* its affinity once running */
} probe;

static void *run(void *p)
{
    probe *pr = p;
    pthread_getaffinity_np(pthread_self(), sizeof pr->mask, &pr->mask);
    atomic_store(&pr->cpu, sched_getcpu());
    return pr;
}

/* Starts a thread from a creator that spins until it has begun; false if the creator moved. */
static bool trial(probe *pr, int *creator)
{
    atomic_store(&pr->cpu, -1);
    *creator = sched_getcpu();
    folio_thread t;
    CHECK(folio_thread_start(&t, run, pr));
    while (atomic_load(&pr->cpu) < 0)
        ; /* busy, as folio's main thread is */
    bool stayed = sched_getcpu() == *creator;
    CHECK(folio_thread_join(&t) == pr);
    return stayed;
}

int main(void)
{
    cpu_set_t all;
    CHECK(sched_getaffinity(0, sizeof all, &all) == 0);
    int ncpu = CPU_COUNT(&all);
    probe pr;
    int creator, elsewhere = 0, stayed = 0;
    for (int i = 0; i < 20; i++)
        if (trial(&pr, &creator)) {
            stayed++;
            elsewhere += pr.cpu != creator;
            CHECK(CPU_EQUAL(&pr.mask, &all));
        }
    if (ncpu > 1) {
        CHECK(stayed > 0);
        CHECK_INT(elsewhere, stayed);
    } else {
        printf("one CPU here: checked only that the thread runs\n");
    }

    /* not allowed (a burst's workers, one per CPU): no thread, and the caller does the work */
    folio_thread_allow(false);
    folio_thread t;
    CHECK(!folio_thread_start(&t, run, &pr));
    folio_thread_allow(true);
    CHECK_INT(folio_thread_cpus(), ncpu);

    /* one CPU: a plain thread on it */
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    CHECK(sched_setaffinity(0, sizeof one, &one) == 0);
    trial(&pr, &creator);
    CHECK_INT(pr.cpu, creator);
    CHECK(CPU_EQUAL(&pr.mask, &one));
    return harness_summary();
}
