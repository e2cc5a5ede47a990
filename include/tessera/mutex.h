/*
 * Mutexes: sleeping locks with an owner. A thread that finds it held
 * sleeps on the mutex's wait queue instead of spinning; only the owner may
 * unlock. Never from interrupt handlers.
 */
#ifndef TESSERA_MUTEX_H
#define TESSERA_MUTEX_H

#include <tessera/lockdep.h>
#include <tessera/wait.h>

struct mutex {
	struct thread *owner;        /* NULL when free */
	struct wait_queue wq;
	u64 contended;               /* lock calls that had to sleep */
	struct lockdep_map dep;
};

#define MUTEX_INIT(name) \
	{ .owner = NULL, .wq = WAIT_QUEUE_INIT(name.wq), .contended = 0, \
	  .dep = LOCKDEP_MAP_INIT(#name, LOCKDEP_MUTEX) }
#define DEFINE_MUTEX(name) struct mutex name = MUTEX_INIT(name)

#define mutex_init(m) \
	do { \
		static const char mutex_class_key; \
		__mutex_init((m), #m, &mutex_class_key); \
	} while (0)
void __mutex_init(struct mutex *m, const char *name, const void *key);

/* Sleeps until the mutex is free, then takes it. May sleep. */
void mutex_lock(struct mutex *m);
/* Takes the mutex if free; returns whether it did. Never sleeps. */
bool mutex_trylock(struct mutex *m);
/* Releases it (the caller must own it) and wakes one waiter. */
void mutex_unlock(struct mutex *m);
bool mutex_is_locked(struct mutex *m);

#endif
