/* Files removed at exit or on a terminating signal: see cleanup.h.
 *
 * A slot's path is written before the slot is marked used and unmarked before it is reused, so
 * the signal handler only ever sees complete paths. Handlers are installed while at least one
 * file is registered, and only for signals whose action is the default: a process that handles
 * a signal itself (the burst's parent forwards them to its workers) keeps its handler. */
#include "core/cleanup.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The flags apart from the paths: walking them at exit touches one page, not one per slot. */
static volatile sig_atomic_t used[FOLIO_CLEANUP_SLOTS];
static char paths[FOLIO_CLEANUP_SLOTS][PATH_MAX];

static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NSIGNALS (sizeof signals / sizeof *signals)
static struct sigaction saved[NSIGNALS];
static bool installed[NSIGNALS];
static int nused;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;

static void remove_all(void)
{
    for (int i = 0; i < FOLIO_CLEANUP_SLOTS; i++)
        if (used[i])
            (void)unlink(paths[i]); /* async-signal-safe */
}

/* SA_RESETHAND restored the default action: the raised signal ends the process as it would have. */
static void on_signal(int sig)
{
    int saved_errno = errno;
    remove_all();
    raise(sig);
    errno = saved_errno;
}

int folio_cleanup_add(const char *path)
{
    static bool at_exit;
    if (strlen(path) >= PATH_MAX)
        return -1;
    pthread_mutex_lock(&mutex);
    if (!at_exit)
        at_exit = atexit(remove_all) == 0;
    int slot = -1;
    for (int i = 0; i < FOLIO_CLEANUP_SLOTS && slot < 0; i++) {
        if (used[i])
            continue;
        strcpy(paths[i], path);
        atomic_signal_fence(memory_order_seq_cst); /* the path is complete before it is used */
        used[i] = 1;
        slot = i;
        if (nused++ == 0) {
            struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESETHAND};
            sigemptyset(&sa.sa_mask);
            for (size_t k = 0; k < NSIGNALS; k++)
                installed[k] = sigaction(signals[k], NULL, &saved[k]) == 0 && saved[k].sa_handler == SIG_DFL &&
                               sigaction(signals[k], &sa, NULL) == 0;
        }
    }
    pthread_mutex_unlock(&mutex);
    return slot;
}

void folio_cleanup_forget(int slot)
{
    if (slot < 0 || slot >= FOLIO_CLEANUP_SLOTS)
        return;
    pthread_mutex_lock(&mutex);
    if (used[slot]) {
        used[slot] = 0;
        if (--nused == 0)
            for (size_t k = 0; k < NSIGNALS; k++)
                if (installed[k])
                    sigaction(signals[k], &saved[k], NULL);
    }
    pthread_mutex_unlock(&mutex);
}
