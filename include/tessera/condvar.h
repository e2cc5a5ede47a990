/*
 * Condition variables, used with a mutex as in POSIX: cond_wait() releases
 * the mutex and sleeps in one step, so a signal sent after the caller
 * checked its predicate cannot be lost; it holds the mutex again on return.
 */
#ifndef TESSERA_CONDVAR_H
#define TESSERA_CONDVAR_H

#include <tessera/mutex.h>
#include <tessera/wait.h>

struct condvar {
	struct wait_queue wq;
};

#define CONDVAR_INIT(name) { .wq = WAIT_QUEUE_INIT(name.wq) }
#define DEFINE_CONDVAR(name) struct condvar name = CONDVAR_INIT(name)

void cond_init(struct condvar *cv);
/*
 * Atomically releases m and sleeps until signalled, then retakes m. Wake-ups
 * may be spurious: always call it in a loop over the predicate. May sleep.
 */
void cond_wait(struct condvar *cv, struct mutex *m);
/* Wakes one waiter (if any). */
void cond_signal(struct condvar *cv);
/* Wakes every waiter. */
void cond_broadcast(struct condvar *cv);

#endif
