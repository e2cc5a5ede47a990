/*
 * Counting semaphores: a count guarded by the wait queue's spinlock. down()
 * sleeps while the count is zero; up() increments it and wakes one sleeper.
 */
#include <tessera/semaphore.h>

void sema_init(struct semaphore *s, long count)
{
	s->count = count;
	wait_queue_init(&s->wq);
}

static bool take_unit(struct semaphore *s)
{
	bool ok;

	spin_lock(&s->wq.lock);
	ok = s->count > 0;
	if (ok)
		s->count--;
	spin_unlock(&s->wq.lock);
	return ok;
}

void down(struct semaphore *s)
{
	wait_event(s->wq, take_unit(s));
}

bool down_trylock(struct semaphore *s)
{
	return take_unit(s);
}

void up(struct semaphore *s)
{
	spin_lock(&s->wq.lock);
	s->count++;
	spin_unlock(&s->wq.lock);
	wake_up_one(&s->wq);
}
