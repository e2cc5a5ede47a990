/*
 * clone: the fork-like form goes to do_fork (fork.c owns copying memory);
 * CLONE_VM|CLONE_VFORK, what musl's posix_spawn asks for, runs the child
 * in its parent's address space while the parent sleeps until the child
 * execs or exits. Threads (CLONE_THREAD and the other sharing flags) are not
 * supported: -EINVAL.
 */
#include <asm/msr.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/percpu.h>
#include <tessera/printk.h>
#include <tessera/wait.h>
#include "internal.h"

/* Linux include/uapi/linux/sched.h */
#define CSIGNAL       0x000000ffUL   /* the exit signal: SIGCHLD is what we send anyway */
#define CLONE_VM      0x00000100UL
#define CLONE_VFORK   0x00004000UL
#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_VFORK)

struct vfork_start {
	struct process *child;
	struct process *parent;
	struct pt_regs regs;
	u64 fs_base;
};

/* Parents blocked in clone(CLONE_VFORK) sleep here until vfork_release. */
static DEFINE_WAIT_QUEUE(vfork_wq);

/* Makes the current thread run in space (now and after every switch). */
static void use_space(struct vm_space *space)
{
	current_thread()->cr3 = space->pml4_phys;
	vm_space_switch(space);
}

void vfork_release(struct process *p)
{
	p->vfork_space = NULL;
	if (!__atomic_load_n(&p->vfork_parent, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&p->vfork_parent, NULL, __ATOMIC_RELEASE);
	wake_up_all(&vfork_wq);
}

int clone_exec(struct process *p, const char *path, const char *const *argv,
	       const char *const *envp, struct pt_regs *regs)
{
	struct process *parent = p->vfork_parent;
	int err;

	if (!parent)
		return process_exec(p, path, argv, envp, regs);
	/* The new program goes into the child's own (empty) space, not the parent's. */
	p->vfork_space = NULL;
	use_space(&p->vm);
	err = process_exec(p, path, argv, envp, regs);
	if (err) {
		use_space(&parent->vm);
		p->vfork_space = parent;
		return err;
	}
	vfork_release(p);
	return 0;
}

static int vfork_child_main(void *arg)
{
	struct vfork_start *s = arg;
	struct pt_regs regs = s->regs;

	process_adopt(s->child);
	use_space(&s->parent->vm);
	msr_write(MSR_FS_BASE, s->fs_base);
	kfree(s);
	regs.rax = 0;
	__asm__ __volatile__("cli");
	user_return(&regs);
}

/* The child shares nothing but the address space: its own fds, cwd and signal state. */
static long clone_vm_vfork(struct pt_regs *regs, u64 stack)
{
	struct process *parent = current_process();
	struct vfork_start *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct process *child = s ? process_alloc(parent, parent->name) : NULL;
	int err;

	if (!child) {
		kfree(s);
		return process_limit_reached() ? -EAGAIN : -ENOMEM;
	}
	err = files_copy(&child->files, &parent->files);
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->mmap_next = parent->mmap_next;
	child->vfork_parent = parent;
	child->vfork_space = parent;
	*s = (struct vfork_start){ .child = child, .parent = parent, .regs = *regs,
				   .fs_base = msr_read(MSR_FS_BASE) };
	if (stack)
		s->regs.rsp = stack;
	child->thread = err ? NULL : kthread_create(vfork_child_main, s, child->name);
	if (!child->thread) {
		process_discard(child);
		kfree(s);
		return err ? err : -ENOMEM;
	}
	/* Not interruptible: the child runs on our stack and memory until it lets go. */
	wait_event(vfork_wq, !__atomic_load_n(&child->vfork_parent, __ATOMIC_ACQUIRE));
	return child->pid;
}

static void log_unsupported(u64 flags)
{
	static bool logged;

	if (__atomic_exchange_n(&logged, true, __ATOMIC_RELAXED))
		return;
	pr_warn("clone: flags 0x%lx not supported (pid %d, %s): -EINVAL; no threads\n",
		(unsigned long)flags, current_process()->pid, current_process()->name);
}

SYSCALL(clone)
{
	u64 flags = SC_ARG0(regs), stack = SC_ARG1(regs), saved = regs->rsp;
	long pid;

	if ((flags & ~CLONE_SUPPORTED) ||
	    (flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM) {
		log_unsupported(flags);
		return -EINVAL;
	}
	if (flags & CLONE_VM)
		return clone_vm_vfork(regs, stack);
	/* An eager copy needs no waiting for exec, even with CLONE_VFORK. */
	if (stack)
		regs->rsp = stack;
	pid = do_fork(regs);
	regs->rsp = saved;
	return pid;
}
