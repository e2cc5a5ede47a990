/*
 * The process tree: creation of the first process, exit with zombies and
 * re-parenting of orphans to init, wait4, fault kills, and the memory a
 * process owns (freed page by page on exit).
 */
#include <asm/pgtable.h>
#include <asm/regs.h>
#include <asm/tsc.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/percpu.h>
#include <tessera/printk.h>
#include <tessera/process.h>
#include <tessera/spinlock.h>
#include "internal.h"

#define INIT_PID 1
#define SIGCHLD_NR 17
#define SIGHUP_NR  1
#define SIGCONT_NR 18

static struct process *init_process;
static int next_pid = INIT_PID;
static int nr_processes;             /* zombies included: what CONFIG_PROCESS_MAX caps */
/*
 * The tree (parent, children, zombie, exit_status, the list of all). A
 * spinlock with interrupts off: the TTY's Ctrl-C signals a process group
 * from its interrupt handler. Nothing under it sleeps.
 */
static DEFINE_SPINLOCK(tree_spin);

static unsigned long tree_lock(void)
{
	unsigned long flags = irq_save();

	spin_lock(&tree_spin);
	return flags;
}

static void tree_unlock(unsigned long flags)
{
	spin_unlock(&tree_spin);
	irq_restore(flags);
}
static struct list_head all_processes = { &all_processes, &all_processes };

bool process_limit_reached(void)
{
	return __atomic_load_n(&nr_processes, __ATOMIC_RELAXED) >= CONFIG_PROCESS_MAX;
}

/* Takes a slot under the cap, so a fork bomb gets -EAGAIN instead of all of memory. */
static bool process_count_get(void)
{
	int n = __atomic_load_n(&nr_processes, __ATOMIC_RELAXED);

	do {
		if (n >= CONFIG_PROCESS_MAX)
			return false;
	} while (!__atomic_compare_exchange_n(&nr_processes, &n, n + 1, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return true;
}

static void process_count_put(void)
{
	__atomic_fetch_sub(&nr_processes, 1, __ATOMIC_RELAXED);
}

void process_notify_parent(struct process *p)
{
	unsigned long flags = tree_lock();

	signal_notify_parent(p);
	tree_unlock(flags);
}

struct process *current_process(void)
{
	struct thread *t = current_thread();

	return t ? t->proc : NULL;
}

struct process *process_alloc(struct process *parent, const char *name)
{
	unsigned long flags;
	struct process *p;

	if (!process_count_get())
		return NULL;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p || vm_space_init(&p->vm)) {
		kfree(p);
		process_count_put();
		return NULL;
	}
	p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
	strscpy(p->name, name, sizeof(p->name));
	list_init(&p->children);
	list_init(&p->sibling);
	wait_queue_init(&p->child_wq);
	files_init(&p->files);
	fs_struct_copy(&p->fs, parent ? &parent->fs : &init_fs);
	p->mmap_next = USER_MMAP_TOP;
	p->parent = parent;
	if (parent) {
		memcpy(p->sig_action, parent->sig_action, sizeof(p->sig_action));
		p->sig_blocked = parent->sig_blocked;
		/* fork copies the memory, so the same argv and program (for /proc). */
		p->arg_start = parent->arg_start;
		p->arg_end = parent->arg_end;
		memcpy(p->exe, parent->exe, sizeof(p->exe));
	}
	p->start_ns = ktime_ns();
	p->pgid = parent ? parent->pgid : p->pid;
	p->sid = parent ? parent->sid : p->pid;
	flags = tree_lock();
	if (parent)
		list_add_tail(&p->sibling, &parent->children);
	list_add_tail(&p->all_node, &all_processes);
	tree_unlock(flags);
	return p;
}

void process_adopt(struct process *p)
{
	struct thread *t = current_thread();

	t->proc = p;
	t->cr3 = p->vm.pml4_phys;
	vm_space_switch(&p->vm);
}

void process_discard(struct process *p)
{
	unsigned long flags;

	flags = tree_lock();
	list_del(&p->sibling);
	list_del(&p->all_node);
	tree_unlock(flags);
	process_free_user_memory(p);
	files_release(&p->files);
	fs_struct_release(&p->fs);
	vm_space_destroy(&p->vm);
	kfree(p);
	process_count_put();
}

void process_for_each(void (*fn)(struct process *p, void *ctx), void *ctx)
{
	struct list_head *pos;
	unsigned long flags;

	flags = tree_lock();
	list_for_each(pos, &all_processes)
		fn(list_entry(pos, struct process, all_node), ctx);
	tree_unlock(flags);
}

/* Areas and pages; a frame shared copy-on-write is freed by its last user (mm/uvm.c). */
void process_free_user_memory(struct process *p)
{
	vm_release(p);
}

/* Hands p's children to init; reaps none (init's wait4 does). Tree lock held. */
static void reparent_children(struct process *p)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &p->children) {
		struct process *c = list_entry(pos, struct process, sibling);

		list_del(&c->sibling);
		c->parent = init_process;
		if (init_process && init_process != p)
			list_add_tail(&c->sibling, &init_process->children);
		/* Nobody is left to continue it (a shell's stopped job): hang up, as Linux does. */
		if (c->stop_sig) {
			signal_send(c, SIGHUP_NR);
			signal_send(c, SIGCONT_NR);
		}
	}
	if (init_process && init_process != p)
		wake_up_all(&init_process->child_wq);
}

__noreturn void process_exit(int status)
{
	struct process *p = current_process();
	unsigned long flags;

	current_thread()->cr3 = kernel_space.pml4_phys;
	vm_space_switch(&kernel_space);
	process_free_user_memory(p);
	files_release(&p->files);
	fs_struct_release(&p->fs);
	vfork_release(p);
	flags = tree_lock();
	reparent_children(p);
	p->exit_status = status;
	p->zombie = true;
	if (p->parent) {
		signal_send(p->parent, SIGCHLD_NR);
		wake_up_all(&p->parent->child_wq);
	}
	tree_unlock(flags);
	if (p == init_process) {
		pr_err("init (pid %d) exited with status 0x%x\n", p->pid, status);
		/* Nothing will ever call sync again: leave no dirty buffers behind. */
		pr_err("init exited: filesystems synced (%ld)\n", ksys_sync());
	}
	/* The zombie keeps its struct until wait4; the thread goes now. */
	current_thread()->proc = NULL;
	kthread_exit(0);
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGILL: return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGBUS: return "SIGBUS";
	case SIGKILL: return "SIGKILL";
	case SIGFPE: return "SIGFPE";
	case SIGSEGV: return "SIGSEGV";
	default: return "signal";
	}
}

__noreturn void process_fault(struct pt_regs *regs, u64 addr, int sig)
{
	struct process *p = current_process();

	pr_err("pid %d (%s): %s at %016lx (ip %016lx)\n", p ? p->pid : -1,
	       p ? p->name : "?", signal_name(sig), (unsigned long)addr,
	       (unsigned long)regs->rip);
	__asm__ __volatile__("sti");
	if (!p)
		kthread_exit(-1);
	process_exit(W_EXITCODE(0, sig));
}

/* wait4's pid: > 0 that child, -1 any, 0 our group, < -1 group -pid. */
static bool wait_matches(const struct process *p, const struct process *c, int pid)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return true;
	return c->pgid == (pid == 0 ? p->pgid : -pid);
}

/*
 * A child matching pid with something to report, or NULL; *any says whether
 * one matched at all. A zombie is unlinked (reaped); a stop or continue
 * report (WUNTRACED, WCONTINUED) is taken into *status. Tree lock held.
 */
static struct process *find_child(struct process *p, int pid, int options, bool *any,
				  int *status, bool *reaped)
{
	struct list_head *pos;

	*any = *reaped = false;
	list_for_each(pos, &p->children) {
		struct process *c = list_entry(pos, struct process, sibling);
		int report = c->wait_report;

		if (!wait_matches(p, c, pid))
			continue;
		*any = true;
		if (c->zombie) {
			list_del(&c->sibling);
			list_del(&c->all_node);
			*status = c->exit_status;
			*reaped = true;
			return c;
		}
		if (report && (options & ((report & 0xff) == 0x7f ? WUNTRACED : WCONTINUED))) {
			c->wait_report = 0;
			*status = report;
			return c;
		}
	}
	return NULL;
}

static struct process *wait_child(struct process *p, int pid, int options, int *status,
				  bool *reaped, long *err)
{
	struct process *c;
	bool any;

	for (;;) {
		unsigned long flags;
		struct waiter w;

		waiter_init(&w);
		prepare_to_wait(&p->child_wq, &w);
		flags = tree_lock();
		c = find_child(p, pid, options, &any, status, reaped);
		tree_unlock(flags);
		if (c || !any || (options & WNOHANG) || signal_pending()) {
			finish_wait(&p->child_wq, &w);
			*err = !any ? -ECHILD : c || (options & WNOHANG) ? 0 : -EINTR;
			return c;
		}
		schedule();
		finish_wait(&p->child_wq, &w);
	}
}

long process_wait(int pid, int *ustatus, int options)
{
	struct process *p = current_process();
	struct process *c;
	long err;
	int cpid, status;
	bool reaped;

	c = wait_child(p, pid, options, &status, &reaped, &err);
	if (!c)
		return err;
	cpid = c->pid;
	if (ustatus && copy_to_user(ustatus, &status, sizeof(int))) {
		/* Linux reaps anyway; so do we. */
		err = -EFAULT;
	}
	if (reaped) {
		kthread_join(c->thread, NULL);
		vm_space_destroy(&c->vm);
		kfree(c);
		process_count_put();
	}
	return err ? err : cpid;
}

static char init_path[PATH_MAX];

static int init_main(void *arg)
{
	struct process *p = arg;
	const char *argv[] = { init_path, NULL };
	const char *envp[] = { "HOME=/", "TERM=linux", NULL };
	struct pt_regs regs;
	int err;

	process_adopt(p);
	err = process_exec(p, init_path, argv, envp, &regs);
	if (err) {
		pr_err("init: cannot run %s: error %d\n", init_path, err);
		current_thread()->proc = NULL;
		return err;
	}
	__asm__ __volatile__("cli");
	user_return(&regs);
}

int process_start_init(const char *path)
{
	struct process *p;

	strscpy(init_path, path, sizeof(init_path));
	p = process_alloc(NULL, "init");
	if (!p)
		return -ENOMEM;
	init_process = p;
	/* "boot complete": what the boot tests wait for (tests/boot/checks.py). */
	pr_info("init: boot complete; starting %s as pid %d\n", path, p->pid);
	p->thread = kthread_create(init_main, p, "init");
	return p->thread ? 0 : -ENOMEM;
}
