/*
 * The big machine lock.
 *
 * A plain GMutex plus a thread-local flag: glib mutexes cannot tell who
 * holds them, and devices assert bql_locked() in debug paths.
 */
#include "system/bql.h"

#include <pthread.h>

static GMutex bql;
static __thread bool bql_held;
static pthread_t main_thread;
static bool main_thread_set;

void qemu_main_thread_init(void)
{
    main_thread = pthread_self();
    main_thread_set = true;
}

bool qemu_in_main_thread(void)
{
    /* Before qemu_main_thread_init() (unit tests) every thread is "main". */
    return !main_thread_set || pthread_equal(pthread_self(), main_thread);
}

void bql_lock(void)
{
    g_assert(!bql_held);
    g_mutex_lock(&bql);
    bql_held = true;
}

void bql_unlock(void)
{
    g_assert(bql_held);
    bql_held = false;
    g_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}
