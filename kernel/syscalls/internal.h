/*
 * Shared inside kernel/syscalls/: the handler type, every handler the table
 * names, and process helpers the handlers use.
 */
#ifndef KERNEL_SYSCALLS_INTERNAL_H
#define KERNEL_SYSCALLS_INTERNAL_H

#include <asm/regs.h>
#include <asm/uaccess.h>
#include <tessera/process.h>

/* Anonymous mmap areas grow down from here, well below the stack's guard gap. */
#define USER_MMAP_TOP   0x00007f0000000000UL
#define WNOHANG         1
#define WUNTRACED       2            /* wait4 also reports stopped children */
#define WCONTINUED      8            /* ... and children continued by SIGCONT */

/* Arguments in the Linux x86_64 order (RCX is taken by SYSCALL: R10 instead). */
#define SC_ARG0(r) ((r)->rdi)
#define SC_ARG1(r) ((r)->rsi)
#define SC_ARG2(r) ((r)->rdx)
#define SC_ARG3(r) ((r)->r10)
#define SC_ARG4(r) ((r)->r8)
#define SC_ARG5(r) ((r)->r9)

typedef long (*syscall_fn)(struct pt_regs *regs);

struct process *process_alloc(struct process *parent, const char *name);
void process_free_user_memory(struct process *p);
/* The current thread becomes p's: its address space is loaded now and on every switch. */
void process_adopt(struct process *p);
/* Undoes process_alloc for a child that never ran (fork failed half-way). */
void process_discard(struct process *p);
/* True when CONFIG_PROCESS_MAX processes (zombies included) exist: fork is -EAGAIN. */
bool process_limit_reached(void);
/* A child stopped or continued (p->wait_report set): SIGCHLD and a wake-up for the parent. */
void process_notify_parent(struct process *p);
/* clone.c: a CLONE_VFORK child execs or exits; its parent may go on. */
void vfork_release(struct process *p);

/* tty.c: terminal ioctls for the console devices */
bool tty_ioctl_handles(struct file *f);
long tty_ioctl(struct file *f, unsigned int cmd, u64 arg);
/* Readable when a line (raw: a byte) is typed; always writable. */
unsigned int tty_file_poll(struct file *f, struct poll_table *pt);

#define SYSCALL(name) long sys_##name(struct pt_regs *regs)

/* fs.c */
SYSCALL(read); SYSCALL(write); SYSCALL(open); SYSCALL(openat); SYSCALL(close);
SYSCALL(lseek); SYSCALL(fstat); SYSCALL(stat); SYSCALL(lstat); SYSCALL(newfstatat);
SYSCALL(getdents64); SYSCALL(dup); SYSCALL(dup2); SYSCALL(dup3); SYSCALL(fcntl);
SYSCALL(ioctl); SYSCALL(chdir); SYSCALL(getcwd); SYSCALL(mkdir); SYSCALL(rmdir);
SYSCALL(unlink); SYSCALL(access); SYSCALL(readv); SYSCALL(writev); SYSCALL(pread64);
SYSCALL(rename); SYSCALL(link); SYSCALL(symlink); SYSCALL(readlink);
/* fsat.c: the *at path calls, and user-path helpers for fsmount.c */
SYSCALL(mkdirat); SYSCALL(unlinkat); SYSCALL(renameat); SYSCALL(renameat2);
SYSCALL(linkat); SYSCALL(symlinkat); SYSCALL(readlinkat); SYSCALL(fchmodat);
SYSCALL(faccessat); SYSCALL(chmod); SYSCALL(fchmod); SYSCALL(fchdir);
struct fs_struct *sc_fs(void);
struct file *sc_fd_get(int fd);
/* A user path in a PATH_MAX kmalloc buffer (the caller frees it), or NULL and *err. */
char *sc_get_path(u64 upath, long *err);
/* dirfd of an *at call: NULL base for AT_FDCWD, else the file's path, held in *held. */
long sc_at_base(int dirfd, struct file **held, const struct path **base);
/* fsmount.c */
SYSCALL(mount); SYSCALL(umount2); SYSCALL(statfs); SYSCALL(fstatfs); SYSCALL(sync);
SYSCALL(syncfs); SYSCALL(fsync); SYSCALL(fdatasync); SYSCALL(truncate);
SYSCALL(ftruncate); SYSCALL(utimensat);
/* Every filesystem's sync_fs, then every dirty buffer and disk cache: sync(2), power-off. */
long ksys_sync(void);
/* proc.c */
SYSCALL(exit); SYSCALL(exit_group); SYSCALL(wait4); SYSCALL(getpid); SYSCALL(getppid);
SYSCALL(gettid); SYSCALL(execve); SYSCALL(getuid); SYSCALL(set_tid_address);
SYSCALL(arch_prctl); SYSCALL(sched_yield);
SYSCALL(setpgid); SYSCALL(getpgid); SYSCALL(getpgrp); SYSCALL(setsid); SYSCALL(getsid);
SYSCALL(umask); SYSCALL(madvise);
/* signal.c */
SYSCALL(kill); SYSCALL(rt_sigreturn); SYSCALL(pause);
void signal_send(struct process *p, int sig);
/* p blocks or ignores sig: job control must not count on it stopping p. */
bool signal_refused(const struct process *p, int sig);
/*
 * Ends a wait under a temporary mask (ppoll, pselect6) that returned ret: a
 * signal the temporary mask let through is delivered now, its frame
 * restoring restore; otherwise the mask becomes restore. Returns the value
 * for RAX.
 */
long signal_wait_done(struct pt_regs *regs, long ret, u64 restore);
/* SIGCHLD (unless SA_NOCLDSTOP) and a wait4 wake-up for p's parent; tree lock held. */
void signal_notify_parent(struct process *p);
/* Calls fn for every live process under the tree lock; fn must not sleep. */
void process_for_each(void (*fn)(struct process *p, void *ctx), void *ctx);
/* pipe.c */
SYSCALL(pipe); SYSCALL(pipe2);
/* fork.c */
SYSCALL(fork); SYSCALL(vfork);
/* A copy of the current process returning 0 in regs' frame; the child's pid or -errno. */
long do_fork(struct pt_regs *regs);
/* clone.c */
SYSCALL(clone);
/* execve for the current process p: a CLONE_VFORK child gets its own space first. */
int clone_exec(struct process *p, const char *path, const char *const *argv,
	       const char *const *envp, struct pt_regs *regs);
/* poll.c */
SYSCALL(poll); SYSCALL(ppoll); SYSCALL(select); SYSCALL(pselect6);
/* mem.c */
SYSCALL(brk); SYSCALL(mmap); SYSCALL(munmap); SYSCALL(mprotect);
/* misc.c */
SYSCALL(uname); SYSCALL(clock_gettime); SYSCALL(gettimeofday); SYSCALL(nanosleep);
SYSCALL(getrandom); SYSCALL(sysinfo); SYSCALL(rt_sigaction); SYSCALL(rt_sigprocmask);

#endif
