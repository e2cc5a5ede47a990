/*
 * Condition variables on a wait queue. cond_wait() queues the caller before
 * it releases the mutex, so a signal sent by the next owner of the mutex
 * always finds it on the queue: no wake-up is lost in between.
 */
#include <tessera/condvar.h>

void cond_init(struct condvar *cv)
{
	wait_queue_init(&cv->wq);
}

void cond_wait(struct condvar *cv, struct mutex *m)
{
	struct waiter w;

	might_sleep();
	waiter_init(&w);
	prepare_to_wait(&cv->wq, &w);
	mutex_unlock(m);
	schedule();
	finish_wait(&cv->wq, &w);
	mutex_lock(m);
}

void cond_signal(struct condvar *cv)
{
	wake_up_one(&cv->wq);
}

void cond_broadcast(struct condvar *cv)
{
	wake_up_all(&cv->wq);
}
