/*
 * fork, vfork and the fork-like clone: a new process with an eager copy of
 * every user page (CONFIG_COW will share them instead), the fd table and
 * working directory, whose thread returns to user space with RAX = 0.
 */
#include <asm/msr.h>
#include <asm/pgtable.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <tessera/errno.h>
#include <tessera/percpu.h>
#include "internal.h"

#define CLONE_VM      0x00000100
#define CLONE_THREAD  0x00010000
#define CSIGNAL       0x000000ff     /* the exit signal in clone's low byte */

struct fork_start {
	struct process *child;
	struct pt_regs regs;
	u64 fs_base;
};

struct copy_ctx {
	struct process *child;
	int err;
};

static unsigned int pte_flags(u64 pte)
{
	return (pte & PTE_WRITE ? VM_WRITE : 0) | (pte & PTE_NX ? 0 : VM_EXEC) | VM_USER;
}

static void copy_leaf(u64 va, u64 size, u64 pte, void *arg)
{
	struct copy_ctx *c = arg;

	for (u64 off = 0; off < size && !c->err; off += PAGE_SIZE) {
		phys_addr_t pa = pmm_alloc_pages(0);

		if (pa == PMM_NO_PAGE) {
			c->err = -ENOMEM;
			return;
		}
		memcpy(phys_to_virt(pa), phys_to_virt((pte & PTE_ADDR_MASK) + off), PAGE_SIZE);
		if (vmm_map(&c->child->vm, va + off, pa, PAGE_SIZE, pte_flags(pte))) {
			pmm_free_pages(pa, 0);
			c->err = -ENOMEM;
		}
	}
}

static int fork_child_main(void *arg)
{
	struct fork_start *s = arg;
	struct pt_regs regs = s->regs;

	process_adopt(s->child);
	msr_write(MSR_FS_BASE, s->fs_base);
	kfree(s);
	regs.rax = 0;
	__asm__ __volatile__("cli");
	user_return(&regs);
}

static long do_fork(struct pt_regs *regs)
{
	struct process *parent = current_process();
	struct copy_ctx c = { 0 };
	struct fork_start *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct process *child = s ? process_alloc(parent, parent->name) : NULL;

	if (!child) {
		kfree(s);
		return -ENOMEM;
	}
	c.child = child;
	vmm_walk(&parent->vm, 0, USER_SPACE_END, copy_leaf, &c);
	if (!c.err)
		c.err = files_copy(&child->files, &parent->files);
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->mmap_next = parent->mmap_next;
	s->child = child;
	s->regs = *regs;
	s->fs_base = msr_read(MSR_FS_BASE);
	if (c.err) {
		process_discard(child);
		kfree(s);
		return c.err;
	}
	/* The pid is known before the thread runs: the parent may wait4 for it at once. */
	child->thread = kthread_create(fork_child_main, s, child->name);
	if (!child->thread) {
		process_discard(child);
		kfree(s);
		return -ENOMEM;
	}
	return child->pid;
}

SYSCALL(fork)
{
	return do_fork(regs);
}

/* An eager copy is a correct vfork: the parent just does not wait for exec. */
SYSCALL(vfork)
{
	return do_fork(regs);
}

/* Only the fork-like form: a new stack (arg 1) is honoured, shared memory is not. */
SYSCALL(clone)
{
	u64 flags = SC_ARG0(regs), stack = SC_ARG1(regs);
	long pid;
	u64 saved = regs->rsp;

	if (flags & (CLONE_VM | CLONE_THREAD) & ~CSIGNAL)
		return -ENOSYS;
	if (stack)
		regs->rsp = stack;
	pid = do_fork(regs);
	regs->rsp = saved;
	return pid;
}
