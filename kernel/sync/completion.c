/*
 * Completions: a counter of passes under the wait queue's lock. complete_all()
 * sets it to COMPLETION_ALL, which waiters never use up.
 */
#include <tessera/completion.h>

void init_completion(struct completion *c)
{
	c->done = 0;
	wait_queue_init(&c->wq);
}

bool try_wait_for_completion(struct completion *c)
{
	bool ok;

	spin_lock(&c->wq.lock);
	ok = c->done > 0;
	if (ok && c->done != COMPLETION_ALL)
		c->done--;
	spin_unlock(&c->wq.lock);
	return ok;
}

void wait_for_completion(struct completion *c)
{
	wait_event(c->wq, try_wait_for_completion(c));
}

void complete(struct completion *c)
{
	spin_lock(&c->wq.lock);
	if (c->done != COMPLETION_ALL)
		c->done++;
	spin_unlock(&c->wq.lock);
	wake_up_one(&c->wq);
}

void complete_all(struct completion *c)
{
	spin_lock(&c->wq.lock);
	c->done = COMPLETION_ALL;
	spin_unlock(&c->wq.lock);
	wake_up_all(&c->wq);
}

void reinit_completion(struct completion *c)
{
	spin_lock(&c->wq.lock);
	c->done = 0;
	spin_unlock(&c->wq.lock);
}
