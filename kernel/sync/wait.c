/*
 * Wait queues: the list of sleeping waiters under a spinlock, and the
 * wake-ups. The waiter marks itself blocked while holding the queue's lock
 * and the waker wakes while holding it, so no wake-up falls between them.
 */
#include <tessera/thread.h>
#include <tessera/wait.h>

void waiter_init(struct waiter *w)
{
	list_init(&w->node);
	w->thread = current_thread();
}

void prepare_to_wait(struct wait_queue *wq, struct waiter *w)
{
	spin_lock(&wq->lock);
	if (list_empty(&w->node))
		list_add_tail(&w->node, &wq->waiters);
	__atomic_store_n(&w->thread->state, THREAD_BLOCKED, __ATOMIC_RELEASE);
	spin_unlock(&wq->lock);
}

void finish_wait(struct wait_queue *wq, struct waiter *w)
{
	__atomic_store_n(&w->thread->state, THREAD_RUNNABLE, __ATOMIC_RELEASE);
	/* Under the lock even when a waker dequeued us: it may still be unlinking. */
	spin_lock(&wq->lock);
	if (!list_empty(&w->node))
		list_del(&w->node);
	spin_unlock(&wq->lock);
}

/* Dequeues before waking, so the next wake_up_one() picks another waiter. */
static int wake(struct wait_queue *wq, int max)
{
	int n = 0;

	spin_lock(&wq->lock);
	while (n < max && !list_empty(&wq->waiters)) {
		struct waiter *w = list_first_entry(&wq->waiters, struct waiter, node);

		list_del(&w->node);
		wake_up_thread(w->thread);
		n++;
	}
	spin_unlock(&wq->lock);
	return n;
}

int wake_up_one(struct wait_queue *wq)
{
	return wake(wq, 1);
}

int wake_up_all(struct wait_queue *wq)
{
	return wake(wq, __INT_MAX__);
}

int wait_queue_len(struct wait_queue *wq)
{
	struct list_head *pos;
	int n = 0;

	spin_lock(&wq->lock);
	list_for_each(pos, &wq->waiters)
		n++;
	spin_unlock(&wq->lock);
	return n;
}
