/*
 * Mutexes: an owner pointer guarded by the wait queue's spinlock; a locker
 * that finds an owner sleeps on the queue and unlock wakes the longest
 * waiter, which then competes for the mutex again.
 */
#include <tessera/mutex.h>
#include <tessera/panic.h>
#include <tessera/thread.h>

#define CALLER_IP ((unsigned long)__builtin_return_address(0))

void __mutex_init(struct mutex *m, const char *name, const void *key)
{
	m->owner = NULL;
	m->contended = 0;
	wait_queue_init(&m->wq);
	lockdep_init_map(&m->dep, name, key, LOCKDEP_MUTEX);
}

/* Takes m if it is free; the queue lock must be held. */
static bool take_if_free(struct mutex *m)
{
	if (m->owner)
		return false;
	m->owner = current_thread();
	return true;
}

void mutex_lock(struct mutex *m)
{
	struct waiter w;

	might_sleep();
	lockdep_acquire(&m->dep, CALLER_IP);
	waiter_init(&w);
	spin_lock(&m->wq.lock);
	if (take_if_free(m)) {
		spin_unlock(&m->wq.lock);
		return;
	}
	m->contended++;
	spin_unlock(&m->wq.lock);
	for (;;) {
		prepare_to_wait(&m->wq, &w);
		spin_lock(&m->wq.lock);
		if (take_if_free(m)) {
			spin_unlock(&m->wq.lock);
			break;
		}
		spin_unlock(&m->wq.lock);
		schedule();
	}
	finish_wait(&m->wq, &w);
}

bool mutex_trylock(struct mutex *m)
{
	bool taken;

	spin_lock(&m->wq.lock);
	taken = take_if_free(m);
	spin_unlock(&m->wq.lock);
	if (taken)
		lockdep_acquire_try(&m->dep, CALLER_IP);
	return taken;
}

void mutex_unlock(struct mutex *m)
{
	if (m->owner != current_thread())
		panic("mutex_unlock of %p by %s, which does not own it", (void *)m,
		      current_thread()->name);
	lockdep_release(&m->dep, CALLER_IP);
	spin_lock(&m->wq.lock);
	m->owner = NULL;
	spin_unlock(&m->wq.lock);
	wake_up_one(&m->wq);
}

bool mutex_is_locked(struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) != NULL;
}
