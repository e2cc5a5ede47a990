/*
 * Kernel threads: the control block, the kernel stack (mm/kstack.c, with an
 * unmapped guard page below), the first frame switch_to() resumes, exit and
 * join with reference counting, and the list of all threads for accounting.
 */
#include <asm/page.h>
#include <asm/switch_to.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/vmm.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/printk.h>
#include <tessera/thread.h>
#include "sched/internal.h"

/* switch.asm's offsets. */
_Static_assert(offsetof(struct thread, rsp) == 0, "THREAD_RSP");
_Static_assert(offsetof(struct thread, fs_base) == 8, "THREAD_FS_BASE");
_Static_assert(offsetof(struct thread, gs_base) == 16, "THREAD_GS_BASE");
_Static_assert(offsetof(struct thread, fpu) == 24, "THREAD_FPU");

/* What switch_to() pops for a thread that never ran: see switch.asm. */
struct initial_frame {
	u64 r15, r14, r13, r12, rbx, rbp;
	u64 ret;                     /* thread_entry_asm */
};

extern u8 boot_stack_guard[];
extern u8 boot_stack_top[];

static struct thread boot_thread;
static int next_tid = 1;
static struct list_head all_threads = LIST_HEAD_INIT(all_threads);
static raw_spinlock_t threads_lock = RAW_SPINLOCK_INIT;

void kthread_start(struct thread *prev);

static void list_add_thread(struct thread *t)
{
	unsigned long flags = irq_save();

	raw_spin_lock(&threads_lock);
	list_add_tail(&t->all_node, &all_threads);
	raw_spin_unlock(&threads_lock);
	irq_restore(flags);
}

static void init_tcb(struct thread *t, const char *name, int tid)
{
	t->tid = tid;
	strscpy(t->name, name, sizeof(t->name));
	t->state = THREAD_RUNNABLE;
	t->se.nice = NICE_DEFAULT;
	list_init(&t->se.run_node);
	list_init(&t->sleep_node);
	list_init(&t->all_node);
	wait_queue_init(&t->exit_wq);
	t->fpu = (void *)ALIGN_UP((unsigned long)t->fpu_area, FPU_STATE_ALIGN);
	fpu_init_state(t->fpu);
}

/* In the kernel virtual area with an unmapped guard page below: overflows fault. */
static int alloc_stack(struct thread *t)
{
	u8 *base = kstack_alloc(THREAD_STACK_PAGES);

	if (!base)
		return -ENOMEM;
	t->stack_base = base;
	t->stack_top = (u64)base + THREAD_STACK_PAGES * PAGE_SIZE;
	return 0;
}

static void free_stack(struct thread *t)
{
	kstack_free(t->stack_base, THREAD_STACK_PAGES);
}

/* The first switch_to() into t pops this and returns into thread_entry_asm. */
static void build_initial_frame(struct thread *t)
{
	/*
	 * After the ret, RSP = stack_top - 16: 16-byte aligned, as the C ABI
	 * wants before thread_entry_asm's call. The 16 bytes above stay zero.
	 */
	struct initial_frame *f = (struct initial_frame *)(t->stack_top - 16 - sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->ret = (u64)thread_entry_asm;
	t->rsp = (u64)f;
}

static struct thread *thread_alloc(int (*fn)(void *), void *arg, const char *name, int tid)
{
	struct thread *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	if (alloc_stack(t)) {
		kfree(t);
		return NULL;
	}
	init_tcb(t, name, tid);
	t->fn = fn;
	t->arg = arg;
	t->cpu = this_cpu()->id;
	build_initial_frame(t);
	return t;
}

struct thread *kthread_create_nice(int (*fn)(void *arg), void *arg, const char *name, int nice)
{
	struct thread *t;

	if (nice < NICE_MIN || nice > NICE_MAX)
		return NULL;
	if (!sched_started()) {
		pr_err("kthread_create(%s) before sched_init()\n", name);
		return NULL;
	}
	t = thread_alloc(fn, arg, name, __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED));
	if (!t)
		return NULL;
	t->se.nice = nice;
	t->refs = 2;                 /* the running thread, and the caller's handle */
	list_add_thread(t);
	sched_start_thread(t);
	return t;
}

struct thread *kthread_create(int (*fn)(void *arg), void *arg, const char *name)
{
	return kthread_create_nice(fn, arg, name, NICE_DEFAULT);
}

/* Entered from thread_entry_asm the first time a thread runs. */
void kthread_start(struct thread *prev)
{
	struct thread *self = current_thread();

	sched_finish_switch(prev);
	irq_enable();
	kthread_exit(self->fn(self->arg));
}

__noreturn void kthread_exit(int code)
{
	struct thread *self = current_thread();

	if (self->flags & THREAD_IDLE)
		panic("the idle thread tried to exit");
	irq_disable();
	if (IS_ENABLED(CONFIG_DEBUG_LOCKS) && preempt_count())
		pr_err("thread %s exits with preempt_count %d\n", self->name, preempt_count());
	self->exit_code = code;
	self->state = THREAD_DEAD;
	wake_up_all(&self->exit_wq);
	sched_exit_current();
}

int kthread_join(struct thread *t, int *code)
{
	if (t == current_thread())
		return -EDEADLK;
	wait_event(t->exit_wq, __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == THREAD_DEAD);
	if (code)
		*code = t->exit_code;
	thread_put(t);
	return 0;
}

void kthread_detach(struct thread *t)
{
	thread_put(t);
}

struct thread *thread_get(struct thread *t)
{
	__atomic_fetch_add(&t->refs, 1, __ATOMIC_RELAXED);
	return t;
}

void thread_put(struct thread *t)
{
	unsigned long flags;

	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (t->flags & THREAD_IDLE)
		panic("last reference to %s dropped", t->name);
	flags = irq_save();
	raw_spin_lock(&threads_lock);
	list_del(&t->all_node);
	raw_spin_unlock(&threads_lock);
	irq_restore(flags);
	/* The boot thread's TCB is static and its stack the boot stack: nothing to free. */
	if (t->flags & THREAD_BOOT)
		return;
	free_stack(t);
	kfree(t);
}

struct thread *thread_adopt_boot(void)
{
	struct thread *t = &boot_thread;

	init_tcb(t, "boot", __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED));
	t->flags = THREAD_BOOT;
	t->refs = 1;
	t->cpu = this_cpu()->id;
	t->stack_base = boot_stack_guard + PAGE_SIZE;
	t->stack_top = (u64)boot_stack_top;
	list_add_thread(t);
	return t;
}

struct thread *thread_create_idle(int (*fn)(void *arg), unsigned int cpu)
{
	struct thread *t = thread_alloc(fn, NULL, "idle", 0);

	if (!t)
		return NULL;
	t->flags = THREAD_IDLE;
	t->refs = 1;
	t->cpu = cpu;
	list_add_thread(t);
	return t;
}

void thread_for_each(void (*fn)(struct thread *t, void *ctx), void *ctx)
{
	unsigned long flags = irq_save();
	struct list_head *pos;

	raw_spin_lock(&threads_lock);
	list_for_each(pos, &all_threads)
		fn(list_entry(pos, struct thread, all_node), ctx);
	raw_spin_unlock(&threads_lock);
	irq_restore(flags);
}

static const char *state_name(const struct thread *t)
{
	static const char *const names[] = { "run", "blocked", "dead" };

	return names[t->state];
}

static void dump_one(struct thread *t, void *ctx)
{
	printk("  %4d %-15s %-7s %3d %10llu %10llu %10llu %8llu %8llu\n", t->tid, t->name,
	       state_name(t), t->se.nice, (unsigned long long)(t->se.sum_exec_ns / 1000),
	       (unsigned long long)(t->stats.wait_ns / 1000),
	       (unsigned long long)(t->stats.sleep_ns / 1000),
	       (unsigned long long)t->stats.nvcsw, (unsigned long long)t->stats.nivcsw);
}

void thread_dump_all(void)
{
	printk("   tid name            state  nice     run_us    wait_us   sleep_us    nvcsw   nivcsw\n");
	thread_for_each(dump_one, NULL);
}
