/*
 * fork and vfork (clone.c calls do_fork too): a new process with the
 * parent's memory (shared copy-on-write with CONFIG_COW, else an eager copy),
 * the fd table and working directory, whose thread returns to user space
 * with RAX = 0.
 */
#include <asm/msr.h>
#include <asm/pgtable.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <tessera/errno.h>
#include <tessera/percpu.h>
#include "internal.h"


struct fork_start {
	struct process *child;
	struct pt_regs regs;
	u64 fs_base;
};

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

long do_fork(struct pt_regs *regs)
{
	struct process *parent = current_process();
	int err;
	struct fork_start *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct process *child = s ? process_alloc(parent, parent->name) : NULL;

	if (!child) {
		kfree(s);
		return process_limit_reached() ? -EAGAIN : -ENOMEM;
	}
	/* Areas and pages: shared copy-on-write with CONFIG_COW, else copied (mm/uvm.c). */
	err = vm_space_fork(child, parent);
	if (!err)
		err = files_copy(&child->files, &parent->files);
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->mmap_next = parent->mmap_next;
	s->child = child;
	s->regs = *regs;
	s->fs_base = msr_read(MSR_FS_BASE);
	if (err) {
		process_discard(child);
		kfree(s);
		return err;
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

/* A private copy (or copy-on-write share) is a correct vfork: the parent just does not wait. */
SYSCALL(vfork)
{
	return do_fork(regs);
}
