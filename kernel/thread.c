/*
 * Kernel threads: the control block, the kernel stack with a guard page
 * below it, the first frame switch_to() resumes, exit and join with
 * reference counting, and the list of all threads for accounting.
 */
#include <asm/page.h>
#include <asm/switch_to.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/printk.h>
#include <tessera/thread.h>
#include "sched/internal.h"

/*
 * The stack is 2^THREAD_STACK_ORDER pages from the page allocator: the
 * lowest is the guard, the rest the stack. Until the kernel has a virtual
 * memory map the guard cannot be unmapped (it is inside the direct map), so
 * its top words hold a canary that every switch checks: an overflow is
 * caught at the next switch rather than at the faulting write.
 */
#define THREAD_STACK_ORDER  2
#define STACK_CANARY        0x57ac4ca7a5757ac4ULL
#define STACK_CANARY_WORDS  16

_Static_assert((1 << THREAD_STACK_ORDER) == THREAD_STACK_PAGES + 1,
	       "stack allocation is the stack plus one guard page");
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

static u64 *guard_canary(struct thread *t)
{
	return (u64 *)t->stack_base - STACK_CANARY_WORDS;
}

static int alloc_stack(struct thread *t)
{
	phys_addr_t pa = pmm_alloc_pages(THREAD_STACK_ORDER);
	u8 *base;
	u64 *canary;

	if (pa == PMM_NO_PAGE)
		return -ENOMEM;
	base = phys_to_virt(pa);
	t->stack_base = base + PAGE_SIZE;
	t->stack_top = (u64)base + (PAGE_SIZE << THREAD_STACK_ORDER);
	canary = guard_canary(t);
	for (int i = 0; i < STACK_CANARY_WORDS; i++)
		canary[i] = STACK_CANARY;
	return 0;
}

static void free_stack(struct thread *t)
{
	pmm_free_pages(virt_to_phys((u8 *)t->stack_base - PAGE_SIZE), THREAD_STACK_ORDER);
}

void thread_check_stack(struct thread *t)
{
	u64 *canary;

	if (t->flags & THREAD_BOOT)
		return;             /* the boot stack's guard page is really unmapped */
	canary = guard_canary(t);
	for (int i = 0; i < STACK_CANARY_WORDS; i++)
		if (canary[i] != STACK_CANARY)
			panic("kernel stack overflow in thread %s (tid %d): guard page written",
			      t->name, t->tid);
}

/* The first switch_to() into t pops this and returns into thread_entry_asm. */
static void build_initial_frame(struct thread *t)
{
	/* RSP is 16-byte aligned after the ret, as thread_entry_asm's call needs. */
	struct initial_frame *f = (struct initial_frame *)(t->stack_top - sizeof(*f) - 8);

	_Static_assert(sizeof(struct initial_frame) % 16 == 8, "frame keeps RSP aligned");
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
	if (t->flags & (THREAD_BOOT | THREAD_IDLE))
		panic("last reference to %s dropped", t->name);
	flags = irq_save();
	raw_spin_lock(&threads_lock);
	list_del(&t->all_node);
	raw_spin_unlock(&threads_lock);
	irq_restore(flags);
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
