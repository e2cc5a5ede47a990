/*
 * KTESTs for every synchronisation primitive: spinlock, mutex exclusion
 * under preemption, semaphore counting, condvar producer/consumer, wait
 * queue wake-one against wake-all, completion, msleep/usleep accuracy, and
 * the CONFIG_DEBUG_LOCKS reports. They pass with CONFIG_PREEMPT on and off.
 */
#include <asm/tsc.h>
#include <tessera/completion.h>
#include <tessera/condvar.h>
#include <tessera/delay.h>
#include <tessera/irq.h>
#include <tessera/ktest.h>
#include <tessera/mutex.h>
#include <tessera/printk.h>
#include <tessera/semaphore.h>
#include <tessera/thread.h>
#include <tessera/time.h>

#define NS_PER_US  1000ULL
#define NS_PER_MS  1000000ULL
#define WORKERS    4

static void join_all(struct thread **th, int n)
{
	for (int i = 0; i < n; i++)
		if (th[i])
			kthread_join(th[i], NULL);
}

KTEST(sync, spinlock_basic)
{
	static DEFINE_SPINLOCK(lock);
	int count = preempt_count();

	spin_lock(&lock);
	KT_EXPECT(t, irqs_disabled());
	KT_EXPECT_EQ(t, preempt_count(), count + 1);
	KT_EXPECT(t, spin_is_locked(&lock));
	KT_EXPECT(t, !raw_spin_trylock(&lock.raw));
	spin_unlock(&lock);
	KT_EXPECT(t, !irqs_disabled());
	KT_EXPECT_EQ(t, preempt_count(), count);
	KT_EXPECT(t, spin_trylock(&lock));
	spin_unlock(&lock);
	KT_EXPECT(t, !spin_is_locked(&lock));
}

struct mutex_case {
	struct mutex lock;
	u64 counter;                 /* only ever changed under lock */
	int inside;                  /* threads inside the critical section */
	int max_inside;
	u64 deadline;
	u64 done[WORKERS];
};

static struct mutex_case mc;

/*
 * A slow read-modify-write: a thread preempted (or, cooperatively,
 * yielding) inside it would lose updates without the mutex.
 */
static int mutex_worker(void *arg)
{
	u64 *mine = arg;

	while (ktime_ns() < mc.deadline) {
		u64 v;

		mutex_lock(&mc.lock);
		if (++mc.inside > mc.max_inside)
			mc.max_inside = mc.inside;
		v = mc.counter;
		ndelay_spin(20 * NS_PER_US);
		if (!IS_ENABLED(CONFIG_PREEMPT) && (v & 7) == 0)
			yield();
		mc.counter = v + 1;
		mc.inside--;
		mutex_unlock(&mc.lock);
		(*mine)++;
	}
	return 0;
}

KTEST(sync, mutex_exclusion)
{
	struct thread *th[WORKERS];
	u64 sum = 0;

	mc = (struct mutex_case){ 0 };
	mutex_init(&mc.lock);
	mc.deadline = ktime_ns() + 300 * NS_PER_MS;
	for (int i = 0; i < WORKERS; i++)
		th[i] = kthread_create(mutex_worker, &mc.done[i], "kt-mutex");
	join_all(th, WORKERS);
	for (int i = 0; i < WORKERS; i++)
		sum += mc.done[i];
	KT_EXPECT_EQ(t, mc.counter, sum);
	KT_EXPECT_EQ(t, mc.max_inside, 1);
	/* The lock really was fought over: some lock calls had to sleep. */
	KT_EXPECT(t, mc.lock.contended > 0);
	KT_EXPECT(t, !mutex_is_locked(&mc.lock));
	printk("    # %llu increments, %llu contended lock calls\n", (unsigned long long)sum,
	       (unsigned long long)mc.lock.contended);
}

struct sem_case {
	struct semaphore sem;
	int holders, max_holders;
};

static int sem_worker(void *arg)
{
	struct sem_case *c = arg;
	unsigned long flags;

	down(&c->sem);
	flags = irq_save();
	if (++c->holders > c->max_holders)
		c->max_holders = c->holders;
	irq_restore(flags);
	msleep(10);
	flags = irq_save();
	c->holders--;
	irq_restore(flags);
	up(&c->sem);
	return 0;
}

KTEST(sync, semaphore_counting)
{
	struct sem_case c = { .holders = 0 };
	struct thread *th[5];

	sema_init(&c.sem, 2);
	for (int i = 0; i < 5; i++)
		th[i] = kthread_create(sem_worker, &c, "kt-sem");
	join_all(th, 5);
	KT_EXPECT_EQ(t, c.max_holders, 2);
	KT_EXPECT_EQ(t, c.sem.count, 2);
	KT_EXPECT(t, down_trylock(&c.sem));
	KT_EXPECT(t, down_trylock(&c.sem));
	KT_EXPECT(t, !down_trylock(&c.sem));
	up(&c.sem);
	up(&c.sem);
}

#define RING 4
#define ITEMS 200

struct prodcons {
	struct mutex m;
	struct condvar not_empty, not_full;
	int buf[RING];
	int head, count;
	long sum;
	int received;
};

static int consumer(void *arg)
{
	struct prodcons *pc = arg;

	for (;;) {
		int v;

		mutex_lock(&pc->m);
		while (pc->count == 0)
			cond_wait(&pc->not_empty, &pc->m);
		v = pc->buf[pc->head];
		pc->head = (pc->head + 1) % RING;
		pc->count--;
		if (v > 0) {
			pc->sum += v;
			pc->received++;
		}
		cond_signal(&pc->not_full);
		mutex_unlock(&pc->m);
		if (v < 0)
			return 0;
	}
}

static void produce(struct prodcons *pc, int v)
{
	mutex_lock(&pc->m);
	while (pc->count == RING)
		cond_wait(&pc->not_full, &pc->m);
	pc->buf[(pc->head + pc->count) % RING] = v;
	pc->count++;
	cond_signal(&pc->not_empty);
	mutex_unlock(&pc->m);
}

KTEST(sync, condvar_producer_consumer)
{
	static struct prodcons pc;
	struct thread *th[2];

	pc = (struct prodcons){ .head = 0 };
	mutex_init(&pc.m);
	cond_init(&pc.not_empty);
	cond_init(&pc.not_full);
	for (int i = 0; i < 2; i++)
		th[i] = kthread_create(consumer, &pc, "kt-consumer");
	for (int v = 1; v <= ITEMS; v++)
		produce(&pc, v);
	produce(&pc, -1);               /* one stop sign per consumer */
	produce(&pc, -1);
	join_all(th, 2);
	KT_EXPECT_EQ(t, pc.received, ITEMS);
	KT_EXPECT_EQ(t, pc.sum, ITEMS * (ITEMS + 1) / 2);
}

struct wq_case {
	struct wait_queue wq;
	volatile bool go;
	int passed;
};

static int wq_waiter(void *arg)
{
	struct wq_case *c = arg;

	wait_event(c->wq, c->go);
	__atomic_fetch_add(&c->passed, 1, __ATOMIC_RELAXED);
	return 0;
}

/* With the condition already true, wake-one still lets exactly one through. */
KTEST(sync, waitqueue_one_vs_all)
{
	static struct wq_case c;
	struct thread *th[WORKERS];

	c = (struct wq_case){ .go = false };
	wait_queue_init(&c.wq);
	for (int i = 0; i < WORKERS; i++)
		th[i] = kthread_create(wq_waiter, &c, "kt-waiter");
	msleep(20);
	KT_EXPECT_EQ(t, wait_queue_len(&c.wq), WORKERS);
	c.go = true;
	KT_EXPECT_EQ(t, wake_up_one(&c.wq), 1);
	msleep(20);
	KT_EXPECT_EQ(t, c.passed, 1);
	KT_EXPECT_EQ(t, wait_queue_len(&c.wq), WORKERS - 1);
	KT_EXPECT_EQ(t, wake_up_all(&c.wq), WORKERS - 1);
	join_all(th, WORKERS);
	KT_EXPECT_EQ(t, c.passed, WORKERS);
	KT_EXPECT_EQ(t, wake_up_all(&c.wq), 0);
}

struct comp_case {
	struct completion done;
	int passed;
};

static int comp_waiter(void *arg)
{
	struct comp_case *c = arg;

	wait_for_completion(&c->done);
	__atomic_fetch_add(&c->passed, 1, __ATOMIC_RELAXED);
	return 0;
}

KTEST(sync, completion)
{
	static struct comp_case c;
	struct thread *th[3];

	init_completion(&c.done);
	c.passed = 0;
	for (int i = 0; i < 3; i++)
		th[i] = kthread_create(comp_waiter, &c, "kt-compl");
	msleep(20);
	KT_EXPECT_EQ(t, c.passed, 0);
	complete(&c.done);
	msleep(20);
	KT_EXPECT_EQ(t, c.passed, 1);
	complete_all(&c.done);
	join_all(th, 3);
	KT_EXPECT_EQ(t, c.passed, 3);
	KT_EXPECT(t, try_wait_for_completion(&c.done));   /* complete_all stays open */
	reinit_completion(&c.done);
	KT_EXPECT(t, !try_wait_for_completion(&c.done));
	complete(&c.done);                                 /* banked for a later waiter */
	KT_EXPECT(t, try_wait_for_completion(&c.done));
}

/* A sleep lasts at least what was asked and at most a tick or two more. */
KTEST(sync, msleep_accuracy)
{
	static const unsigned int ms[] = { 1, 15, 50 };

	for (unsigned int i = 0; i < ARRAY_SIZE(ms); i++) {
		u64 start = ktime_ns(), took;

		msleep(ms[i]);
		took = ktime_ns() - start;
		printk("    # msleep(%u) took %llu us\n", ms[i], (unsigned long long)took / 1000);
		KT_EXPECT(t, took >= ms[i] * NS_PER_MS);
		KT_EXPECT(t, took <= ms[i] * NS_PER_MS + 2 * TICK_NS + 5 * NS_PER_MS);
	}
}

KTEST(sync, usleep_accuracy)
{
	static const unsigned long us[] = { 50, 300, 20000 };

	for (unsigned int i = 0; i < ARRAY_SIZE(us); i++) {
		u64 start = ktime_ns(), took;

		usleep(us[i]);
		took = ktime_ns() - start;
		KT_EXPECT(t, took >= us[i] * NS_PER_US);
		KT_EXPECT(t, took <= us[i] * NS_PER_US + 2 * TICK_NS + 5 * NS_PER_MS);
	}
}

/* CONFIG_DEBUG_LOCKS: an A-B / B-A order and a sleep under a spinlock are reported. */
KTEST(sync, debug_locks_reports)
{
	static DEFINE_SPINLOCK(kt_lock_a);
	static DEFINE_SPINLOCK(kt_lock_b);
	unsigned long before = lockdep_report_count();

	if (!IS_ENABLED(CONFIG_DEBUG_LOCKS))
		KT_SKIP(t, "CONFIG_DEBUG_LOCKS=n");
	spin_lock(&kt_lock_a);
	spin_lock(&kt_lock_b);
	spin_unlock(&kt_lock_b);
	spin_unlock(&kt_lock_a);
	KT_EXPECT_EQ(t, lockdep_report_count(), before);
	printk("    # two reports expected below: lock order inversion, sleeping under a spinlock\n");
	spin_lock(&kt_lock_b);
	spin_lock(&kt_lock_a);
	spin_unlock(&kt_lock_a);
	spin_unlock(&kt_lock_b);
	KT_EXPECT_EQ(t, lockdep_report_count(), before + 1);
	spin_lock(&kt_lock_a);
	might_sleep();
	spin_unlock(&kt_lock_a);
	KT_EXPECT_EQ(t, lockdep_report_count(), before + 2);
	/* Reported once per pair and per call site: the same again stays quiet. */
	spin_lock(&kt_lock_b);
	spin_lock(&kt_lock_a);
	spin_unlock(&kt_lock_a);
	spin_unlock(&kt_lock_b);
	KT_EXPECT_EQ(t, lockdep_report_count(), before + 2);
}
