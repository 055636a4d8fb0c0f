/* A helper thread started on another core (core/thread.h). */
#define _GNU_SOURCE
#include "core/thread.h"

#include <sched.h>
#include <stdlib.h>

typedef struct start {
    void *(*fn)(void *);
    void *arg;
    cpu_set_t all; /* the CPUs the process may use, given back once the thread runs */
} start;

/* Nothing here allocates: memory a new thread allocates comes from an arena of its own, on
 * fresh pages. */
static void *trampoline(void *p)
{
    const start *s = p;
    pthread_setaffinity_np(pthread_self(), sizeof s->all, &s->all);
    return s->fn(s->arg);
}

static bool allowed = true;

void folio_thread_allow(bool allow)
{
    allowed = allow;
}

unsigned folio_thread_cpus(void)
{
    cpu_set_t set;
    int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    return n > 0 ? (unsigned)n : 1;
}

bool folio_thread_start(folio_thread *t, void *(*fn)(void *), void *arg)
{
    t->start = NULL;
    if (!allowed)
        return false;
    start *s = malloc(sizeof *s);
    int cpu = sched_getcpu();
    if (s && cpu >= 0 && cpu < CPU_SETSIZE && sched_getaffinity(0, sizeof s->all, &s->all) == 0 &&
        CPU_COUNT(&s->all) > 1 && CPU_ISSET(cpu, &s->all)) {
        cpu_set_t others = s->all;
        CPU_CLR(cpu, &others);
        s->fn = fn;
        s->arg = arg;
        pthread_attr_t attr;
        bool made = false;
        if (pthread_attr_init(&attr) == 0) {
            made = pthread_attr_setaffinity_np(&attr, sizeof others, &others) == 0 &&
                   pthread_create(&t->id, &attr, trampoline, s) == 0;
            pthread_attr_destroy(&attr);
        }
        if (made) {
            t->start = s;
            return true;
        }
    }
    free(s);
    return pthread_create(&t->id, NULL, fn, arg) == 0;
}

void *folio_thread_join(folio_thread *t)
{
    void *r = NULL;
    pthread_join(t->id, &r);
    free(t->start);
    t->start = NULL;
    return r;
}
