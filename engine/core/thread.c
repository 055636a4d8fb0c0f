/* A helper thread started on another core (core/thread.h). */
#define _GNU_SOURCE
#include "core/thread.h"

#include <sched.h>
#include <setjmp.h>
#include <stdlib.h>

#include "core/util.h"

typedef struct start {
    void *(*fn)(void *);
    void *arg;
    cpu_set_t all;       /* the CPUs the process may use, given back once the thread runs */
    bool pin;            /* the thread was made on the creator's other CPUs */
    jmp_buf out;         /* where running out of memory in the thread returns to */
    bool out_of_memory;  /* ... and that it did */
} start;

/* The start record of the helper thread this is; NULL on any other thread. */
static _Thread_local start *self;

/* Nothing here allocates: memory a new thread allocates comes from an arena of its own, on
 * fresh pages. */
static void *trampoline(void *p)
{
    start *s = p;
    self = s;
    if (s->pin)
        pthread_setaffinity_np(pthread_self(), sizeof s->all, &s->all);
    if (setjmp(s->out) != 0) {
        s->out_of_memory = true;
        return NULL;
    }
    return s->fn(s->arg);
}

bool folio_thread_is_helper(void)
{
    return self != NULL;
}

void folio_thread_out_of_memory(void)
{
    longjmp(self->out, 1);
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
    start *s = calloc(1, sizeof *s);
    if (!s)
        return false; /* the caller does the work, and meets the shortage itself */
    s->fn = fn;
    s->arg = arg;
    int cpu = sched_getcpu();
    if (cpu >= 0 && cpu < CPU_SETSIZE && sched_getaffinity(0, sizeof s->all, &s->all) == 0 &&
        CPU_COUNT(&s->all) > 1 && CPU_ISSET(cpu, &s->all)) {
        cpu_set_t others = s->all;
        CPU_CLR(cpu, &others);
        pthread_attr_t attr;
        if (pthread_attr_init(&attr) == 0) {
            /* set before the thread can read it */
            s->pin = pthread_attr_setaffinity_np(&attr, sizeof others, &others) == 0;
            bool made = s->pin && pthread_create(&t->id, &attr, trampoline, s) == 0;
            pthread_attr_destroy(&attr);
            if (made) {
                t->start = s;
                return true;
            }
            s->pin = false;
        }
    }
    if (pthread_create(&t->id, NULL, trampoline, s) != 0) {
        free(s);
        return false;
    }
    t->start = s;
    return true;
}

bool folio_thread_join_checked(folio_thread *t, void **result)
{
    void *r = NULL;
    pthread_join(t->id, &r);
    start *s = t->start;
    bool out_of_memory = s->out_of_memory;
    free(s);
    t->start = NULL;
    if (result)
        *result = r;
    return !out_of_memory;
}

void *folio_thread_join(folio_thread *t)
{
    void *r;
    if (!folio_thread_join_checked(t, &r))
        folio_out_of_memory(); /* here, on the thread that may end folio */
    return r;
}
