/* folio_thread_start (engine/core/thread.c): with two CPUs or more, the new thread begins on a
 * CPU other than its creator's, even while the creator is busy, and then may run on every CPU
 * the process may use; join returns what it returned; running out of memory on it ends folio
 * from its join; with one CPU it is a plain thread; and none starts where threads are not
 * allowed. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/thread.h"
#include "core/util.h"
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

static atomic_int asking;

/* Asks for more memory than there is, as xmalloc does everywhere in folio. */
static void *greedy(void *p)
{
    (void)p;
    atomic_store(&asking, 1);
    return xmalloc(SIZE_MAX / 2);
}

/* Out of memory on a helper thread ends that thread only; folio_thread_join_checked says so, and
 * folio_thread_join ends folio ("folio: out of memory", exit 1), on the joining thread. The
 * second in a child, whose main thread says it is still there after the helper thread has met
 * the shortage (with exit() on the helper thread, it never would). */
static void test_out_of_memory(void)
{
    /* joined for work the caller can do without: told, and nothing ends */
    folio_thread t;
    CHECK(folio_thread_start(&t, greedy, NULL));
    void *r = &t;
    CHECK(!folio_thread_join_checked(&t, &r));
    CHECK(r == NULL);
    atomic_store(&asking, 0);

    int out[2];
    CHECK(pipe(out) == 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(out[0]);
        if (!folio_thread_start(&t, greedy, NULL))
            _exit(3);
        while (!atomic_load(&asking))
            ;
        nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL); /* the allocation fails at once */
        if (write(out[1], "alive", 5) != 5)
            _exit(4);
        folio_thread_join(&t);
        _exit(5); /* not reached */
    }
    close(out[1]);
    char buf[16] = {0};
    ssize_t n = read(out[0], buf, sizeof buf - 1);
    close(out[0]);
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK(n == 5 && !strcmp(buf, "alive"));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
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

    if (!SANITIZED) /* (a sanitizer's allocator stops the program on such a request) */
        test_out_of_memory();

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
