/* Starting a helper thread that runs at once, on another core.
 *
 * Linux queues a new thread on its creator's CPU and moves it only when it balances load: with
 * the creator busy, as folio's main thread always is, a helper thread began 0.6-6 ms after
 * pthread_create on the 2-vCPU machines folio is measured on, often after the work it was made
 * to take had been done (bench/RESULTS.md, fourth pass). folio_thread_start creates the thread
 * with its affinity set to the creator's other CPUs, so it starts on one of them (in ~0.1 ms),
 * and the thread gives itself back every CPU the process may use before it runs `fn`, so the
 * scheduler may move it as it likes from then on. With one CPU, or if that fails, Linux places
 * it as it would. */
#ifndef FOLIO_THREAD_H
#define FOLIO_THREAD_H

#include <pthread.h>
#include <stdbool.h>

typedef struct folio_thread {
    pthread_t id;
    void *start; /* what the thread reads as it starts; freed by folio_thread_join */
} folio_thread;

/* As pthread_create(&t->id, NULL, fn, arg); true if the thread was started. A started thread
 * must be joined with folio_thread_join. */
bool folio_thread_start(folio_thread *t, void *(*fn)(void *), void *arg);
/* pthread_join; returns what fn returned. If the thread ran out of memory (xmalloc and the like
 * on it end the thread, not folio), this ends folio as xmalloc does, on the joining thread: two
 * threads in exit() at once once left the output's lock file behind. */
void *folio_thread_join(folio_thread *t);
/* pthread_join for work the caller can do again or do without: false (and nothing ended) if the
 * thread ran out of memory, whose allocations so far are then lost; else true, with *result
 * (if not NULL) what fn returned. */
bool folio_thread_join_checked(folio_thread *t, void **result);
/* Whether the calling thread is one folio_thread_start started. */
bool folio_thread_is_helper(void);
/* On such a thread: ends it at once, marked out of memory for its join (core/util.c). */
void folio_thread_out_of_memory(void) __attribute__((noreturn));

/* Whether folio_thread_start may start threads in this process (yes unless told otherwise):
 * every caller does the work itself when it may not. A burst's workers say no when there is one
 * of them per CPU: every core is busy, and a helper thread would only take turns with its
 * creator. */
void folio_thread_allow(bool allow);
/* The CPUs this thread may run on (at least 1). */
unsigned folio_thread_cpus(void);

#endif
