/*
 * Wait queues: threads sleep on one until another thread (or an interrupt
 * handler) wakes one or all of them. Every sleeping primitive in
 * kernel/sync/ is built on this; wait_event() is the usual way in.
 */
#ifndef TESSERA_WAIT_H
#define TESSERA_WAIT_H

#include <tessera/preempt.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>
#include <lib/list.h>

struct thread;

struct wait_queue {
	spinlock_t lock;
	struct list_head waiters;    /* struct waiter, oldest first */
};

struct waiter {
	struct list_head node;       /* empty while not queued */
	struct thread *thread;
};

#define WAIT_QUEUE_INIT(name) \
	{ .lock = SPINLOCK_INIT(name.lock), .waiters = LIST_HEAD_INIT(name.waiters) }
#define DEFINE_WAIT_QUEUE(name) struct wait_queue name = WAIT_QUEUE_INIT(name)

#define wait_queue_init(wq) \
	do { \
		spin_lock_init(&(wq)->lock); \
		list_init(&(wq)->waiters); \
	} while (0)

void waiter_init(struct waiter *w);
/*
 * Queues w (if it is not queued) and marks the current thread blocked; the
 * caller then checks its condition and calls schedule() if it is still
 * false. A wake-up that comes in between just makes schedule() return.
 */
void prepare_to_wait(struct wait_queue *wq, struct waiter *w);
/* Marks the current thread running again and takes w off the queue. */
void finish_wait(struct wait_queue *wq, struct waiter *w);

/* Wakes the longest waiter; returns how many woke (0 or 1). Safe in IRQs. */
int wake_up_one(struct wait_queue *wq);
/* Wakes every waiter; returns how many woke. Safe in IRQs. */
int wake_up_all(struct wait_queue *wq);
/* Number of threads waiting now (racy; for tests and statistics). */
int wait_queue_len(struct wait_queue *wq);

/*
 * Sleeps until cond is true; cond is checked after queueing, so a wake-up
 * between check and sleep is not lost. The waker changes what cond reads,
 * then calls wake_up_one()/wake_up_all() on the same queue.
 */
#define wait_event(wq, cond) \
	do { \
		struct waiter __wait; \
		might_sleep(); \
		if (cond) \
			break; \
		waiter_init(&__wait); \
		for (;;) { \
			prepare_to_wait(&(wq), &__wait); \
			if (cond) \
				break; \
			schedule(); \
		} \
		finish_wait(&(wq), &__wait); \
	} while (0)

#endif
