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
/* Maps n fresh zeroed pages at va in p with flags (VM_USER added). 0 or -ENOMEM. */
int process_map_anon(struct process *p, u64 va, u64 n, unsigned int flags);

/* tty.c: terminal ioctls for the console devices */
bool tty_ioctl_handles(struct file *f);
long tty_ioctl(struct file *f, unsigned int cmd, u64 arg);

#define SYSCALL(name) long sys_##name(struct pt_regs *regs)

/* fs.c */
SYSCALL(read); SYSCALL(write); SYSCALL(open); SYSCALL(openat); SYSCALL(close);
SYSCALL(lseek); SYSCALL(fstat); SYSCALL(stat); SYSCALL(lstat); SYSCALL(newfstatat);
SYSCALL(getdents64); SYSCALL(dup); SYSCALL(dup2); SYSCALL(dup3); SYSCALL(fcntl);
SYSCALL(ioctl); SYSCALL(chdir); SYSCALL(getcwd); SYSCALL(mkdir); SYSCALL(rmdir);
SYSCALL(unlink); SYSCALL(access); SYSCALL(readv); SYSCALL(writev); SYSCALL(pread64);
SYSCALL(rename); SYSCALL(link); SYSCALL(symlink); SYSCALL(readlink);
/* proc.c */
SYSCALL(exit); SYSCALL(exit_group); SYSCALL(wait4); SYSCALL(getpid); SYSCALL(getppid);
SYSCALL(gettid); SYSCALL(execve); SYSCALL(getuid); SYSCALL(set_tid_address);
SYSCALL(arch_prctl); SYSCALL(sched_yield);
SYSCALL(setpgid); SYSCALL(getpgid); SYSCALL(getpgrp); SYSCALL(setsid); SYSCALL(getsid);
SYSCALL(umask); SYSCALL(madvise);
/* signal.c */
SYSCALL(kill); SYSCALL(rt_sigreturn);
void signal_send(struct process *p, int sig);
/* Calls fn for every live process under the tree lock; fn must not sleep. */
void process_for_each(void (*fn)(struct process *p, void *ctx), void *ctx);
/* pipe.c */
SYSCALL(pipe); SYSCALL(pipe2);
/* fork.c */
SYSCALL(fork); SYSCALL(vfork); SYSCALL(clone);
/* mem.c */
SYSCALL(brk); SYSCALL(mmap); SYSCALL(munmap); SYSCALL(mprotect);
/* misc.c */
SYSCALL(uname); SYSCALL(clock_gettime); SYSCALL(gettimeofday); SYSCALL(nanosleep);
SYSCALL(getrandom); SYSCALL(sysinfo); SYSCALL(rt_sigaction); SYSCALL(rt_sigprocmask);

#endif
