/*
 * Process system calls: identity, exit and wait, execve, the thread
 * pointer (arch_prctl) and yielding.
 */
#include <asm/msr.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/percpu.h>
#include <tessera/sched.h>
#include "internal.h"

#define ARCH_SET_GS     0x1001
#define ARCH_SET_FS     0x1002
#define ARCH_GET_FS     0x1003
#define ARCH_GET_GS     0x1004
#define EXEC_MAX_ARGS   1024        /* argv + envp strings execve accepts */
#define EXEC_MAX_STR    PAGE_SIZE   /* bytes in one argument, NUL included */

SYSCALL(getpid)
{
	(void)regs;
	return current_process()->pid;
}

/* One thread per process: the thread id is the pid (musl's fork asks for it). */
SYSCALL(gettid)
{
	(void)regs;
	return current_process()->pid;
}

SYSCALL(getppid)
{
	struct process *p = current_process()->parent;

	(void)regs;
	return p ? p->pid : 0;
}

SYSCALL(getuid)
{
	(void)regs;
	return 0;
}

SYSCALL(exit)
{
	process_exit(W_EXITCODE(SC_ARG0(regs), 0));
}

SYSCALL(exit_group)
{
	process_exit(W_EXITCODE(SC_ARG0(regs), 0));
}

#define RUSAGE_SIZE 144                 /* struct rusage on x86_64: no accounting yet, zeros */

SYSCALL(wait4)
{
	if (SC_ARG3(regs) && clear_user((void *)SC_ARG3(regs), RUSAGE_SIZE))
		return -EFAULT;
	return process_wait((int)SC_ARG0(regs), (int *)SC_ARG1(regs), (int)SC_ARG2(regs));
}

SYSCALL(sched_yield)
{
	(void)regs;
	yield();
	return 0;
}

/* No threads library support beyond the pointer: CLONE_CHILD_CLEARTID is not done. */
SYSCALL(set_tid_address)
{
	(void)regs;
	return current_process()->pid;
}

SYSCALL(arch_prctl)
{
	u64 addr = SC_ARG1(regs);
	u64 v;

	switch (SC_ARG0(regs)) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (addr >= USER_SPACE_END)
			return -EPERM;
		/* switch.asm saves both MSRs on the next switch: no copy to keep here. */
		msr_write(SC_ARG0(regs) == ARCH_SET_FS ? MSR_FS_BASE : MSR_KERNEL_GS_BASE, addr);
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		v = msr_read(SC_ARG0(regs) == ARCH_GET_FS ? MSR_FS_BASE : MSR_KERNEL_GS_BASE);
		return copy_to_user((void *)addr, &v, sizeof(v));
	default:
		return -EINVAL;
	}
}

static void free_strv(char **v)
{
	if (!v)
		return;
	for (char **s = v; *s; s++)
		kfree(*s);
	kfree(v);
}

/* A NULL-terminated user array of strings into kernel memory. */
static long copy_strv(const char *const *uv, char ***out)
{
	char **v = kzalloc((EXEC_MAX_ARGS + 1) * sizeof(char *), GFP_KERNEL);
	size_t i;

	if (!v)
		return -ENOMEM;
	*out = v;
	for (i = 0; uv; i++) {
		const char *us;
		long n;

		if (i == EXEC_MAX_ARGS)
			return -E2BIG;
		if (copy_from_user(&us, &uv[i], sizeof(us)))
			return -EFAULT;
		if (!us)
			break;
		v[i] = kmalloc(EXEC_MAX_STR, GFP_KERNEL);
		if (!v[i])
			return -ENOMEM;
		n = strncpy_from_user(v[i], us, EXEC_MAX_STR);
		if (n < 0)
			return n;
		if (n == (long)EXEC_MAX_STR)
			return -E2BIG;
	}
	return 0;
}

SYSCALL(execve)
{
	char *path = kmalloc(PATH_MAX, GFP_KERNEL);
	char **argv = NULL, **envp = NULL;
	long err = path ? 0 : -ENOMEM;

	if (!err) {
		err = strncpy_from_user(path, (const char *)SC_ARG0(regs), PATH_MAX);
		if (err == PATH_MAX)
			err = -ENAMETOOLONG;
		if (err > 0)
			err = 0;
		else if (err == 0)
			err = -ENOENT;
	}
	if (!err)
		err = copy_strv((const char *const *)SC_ARG1(regs), &argv);
	if (!err)
		err = copy_strv((const char *const *)SC_ARG2(regs), &envp);
	if (!err)
		err = clone_exec(current_process(), path, (const char *const *)argv,
				 (const char *const *)envp, regs);
	free_strv(argv);
	free_strv(envp);
	kfree(path);
	/* On success regs is the new program's frame; its RAX starts at 0. */
	return err;
}

/* The process pid names (0: the caller) if it is the caller or its child. */
static struct process *self_or_child(int pid)
{
	struct process *p = current_process();
	struct list_head *pos;

	if (pid == 0 || pid == p->pid)
		return p;
	list_for_each(pos, &p->children) {
		struct process *c = list_entry(pos, struct process, sibling);

		if (c->pid == pid)
			return c;
	}
	return NULL;
}

SYSCALL(setpgid)
{
	struct process *p = self_or_child((int)SC_ARG0(regs));
	int pgid = (int)SC_ARG1(regs);

	if (pgid < 0)
		return -EINVAL;
	if (!p)
		return -ESRCH;
	if (p->sid != current_process()->sid || p->pid == p->sid)
		return -EPERM;
	p->pgid = pgid ? pgid : p->pid;
	return 0;
}

SYSCALL(getpgid)
{
	struct process *p = self_or_child((int)SC_ARG0(regs));

	return p ? p->pgid : -ESRCH;
}

SYSCALL(getpgrp)
{
	(void)regs;
	return current_process()->pgid;
}

SYSCALL(getsid)
{
	struct process *p = self_or_child((int)SC_ARG0(regs));

	return p ? p->sid : -ESRCH;
}

SYSCALL(setsid)
{
	struct process *p = current_process();

	(void)regs;
	if (p->pgid == p->pid)
		return -EPERM;      /* a group leader cannot start a session */
	p->pgid = p->sid = p->pid;
	return p->sid;
}

SYSCALL(umask)
{
	struct fs_struct *fs = &current_process()->fs;
	u32 old = fs->umask;

	fs->umask = SC_ARG0(regs) & 0777;
	return old;
}

/* Advice only: eager mappings have nothing to prefetch or drop. */
SYSCALL(madvise)
{
	(void)regs;
	return 0;
}
