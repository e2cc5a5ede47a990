/*
 * User processes: one thread each, its own address space, fd table and
 * working directory, the parent/child tree with zombies and wait4, and the
 * system-call entry (kernel/syscalls/). Documentation: issue 7.
 */
#ifndef TESSERA_PROCESS_H
#define TESSERA_PROCESS_H

#include <fs/vfs.h>
#include <lib/list.h>
#include <mm/vma.h>
#include <mm/vmm.h>
#include <tessera/thread.h>
#include <tessera/types.h>
#include <tessera/wait.h>

struct pt_regs;

#define PROC_NAME_MAX     16
#define PROC_EXE_MAX      64
#define USER_STACK_TOP    0x00007ffffffde000UL   /* a guard gap below ELF_USER_END */
/* The stack is an area of USER_STACK_MAX (mm/vma.h) below it; pages come on first touch. */

/* Linux wait-status encoding (sys/wait.h's W* macros decode it). */
#define W_EXITCODE(code, sig)  ((((code) & 0xff) << 8) | ((sig) & 0x7f))
#define W_STOPCODE(sig)        ((((sig) & 0xff) << 8) | 0x7f)
#define W_CONTINUED            0xffff

#define NSIG 64

/* What rt_sigaction takes and gives: Linux's struct k_sigaction on x86_64. */
struct k_sigaction {
	u64 handler;                 /* SIG_DFL 0, SIG_IGN 1, or a user address */
	u64 flags;                   /* SA_* */
	u64 restorer;                /* musl's __restore_rt: calls rt_sigreturn */
	u64 mask;                    /* blocked while the handler runs */
};

struct process {
	int pid;
	char name[PROC_NAME_MAX];
	struct process *parent;
	struct list_head children;
	struct list_head sibling;    /* in parent->children */
	struct thread *thread;
	struct vm_space vm;
	struct vm_areas areas;       /* what the user half may touch (mm/vma.h) */
	struct files files;
	struct fs_struct fs;
	u64 brk_start, brk;          /* the heap: [brk_start, brk), an area of pages on first touch */
	u64 mmap_next;               /* mmap places areas below this, top down */
	int pgid, sid;               /* process group and session (job control) */
	struct k_sigaction sig_action[NSIG];
	u64 sig_blocked;
	u64 sig_pending;             /* bit sig - 1; set atomically by senders */
	struct list_head all_node;   /* every process, for kill() */
	bool zombie;
	int exit_status;             /* W_EXITCODE once a zombie */
	struct wait_queue child_wq;  /* the parent's wait4 sleeps here */
	int stop_sig;                /* the signal that stopped it; 0 while it runs */
	int wait_report;             /* a stop or continue wait4 has not reported yet, or 0 */
	struct process *vfork_parent; /* CLONE_VFORK: blocked until this one execs or exits */
	struct process *vfork_space; /* CLONE_VFORK: runs in this one's memory until execve */
	/* What /proc/<pid> shows (fs/proc/pid.c); set at creation and by execve. */
	u64 start_ns;                /* ktime_ns() when it was created */
	u64 arg_start, arg_end;      /* argv's strings, contiguous on the user stack */
	char exe[PROC_EXE_MAX];      /* the program execve loaded, cut to fit */
};

/*
 * Calls fn for every process, zombies included, under the tree lock with
 * interrupts off; fn must not sleep (procfs snapshots processes with it).
 */
void process_for_each(void (*fn)(struct process *p, void *ctx), void *ctx);

/* The process the current thread runs, or NULL in a kernel thread. */
struct process *current_process(void);

/*
 * Whose memory (vm, areas) p's thread runs in: its parent's while p is a
 * CLONE_VFORK child that has not exec'd yet (posix_spawn), else p's own.
 * Page faults and memory system calls resolve user addresses there.
 */
static inline struct process *process_vm_owner(struct process *p)
{
	return p->vfork_space ? p->vfork_space : p;
}

/*
 * Starts the first user process from path (init= on the command line) in a
 * thread of its own. Returns 0 or -errno (the program is not there, ...);
 * the boot carries on either way.
 */
int process_start_init(const char *path);

/* Replaces the current process's program. Returns -errno, or fills regs to enter it. */
int process_exec(struct process *p, const char *path, const char *const *argv,
		 const char *const *envp, struct pt_regs *regs);

/* Ends the current process with a wait status. Never returns. */
__noreturn void process_exit(int status);

/* A fault in user mode: prints "pid N (name): SIGSEGV at ADDR" and kills the process. */
__noreturn void process_fault(struct pt_regs *regs, u64 addr, int sig);

/* wait4: pid -1 or a child's pid; status to user space. Returns the pid or -errno. */
long process_wait(int pid, int *ustatus, int options);

/* Signal numbers the kernel itself raises (Linux x86_64 values). */
#define SIGILL   4
#define SIGTRAP  5
#define SIGBUS   7
#define SIGFPE   8
#define SIGKILL  9
#define SIGSEGV  11
#define SIGPIPE  13

/* True when the current process has a signal to take: blocking calls return -EINTR. */
bool signal_pending(void);
/* Runs the default action or sets up the handler's frame in regs. Interrupts on. */
void signal_deliver(struct pt_regs *regs);
/* Makes sig pending for p (mm/fault.c kills with it when out of memory). */
void signal_send(struct process *p, int sig);
/* Sends sig to every process in group pgid (the TTY's Ctrl-C). 0 or -ESRCH. */
int signal_pgrp(int pgid, int sig);
/* The TTY's foreground process group, 0 when none was set. */
int tty_foreground_pgrp(void);
/*
 * Before a TTY read: 0 for the foreground group (or when none is set);
 * otherwise SIGTTIN to the reader's group and -EINTR (the read restarts
 * after SIGCONT), or -EIO when the reader ignores or blocks SIGTTIN.
 */
int tty_read_check(void);

/* --- arch glue (arch/x86/kernel/syscall.c, syscall_entry.asm) --- */

/* MSRs for SYSCALL, SMEP/SMAP/UMIP when the CPU has them. */
void syscall_init(void);
/* Last C code before any return to ring 3: points RSP0 at this thread's stack. */
void exit_to_user_mode(struct pt_regs *regs);
/* Whether the frame can leave by SYSRET (RCX = RIP, R11 = RFLAGS, canonical). */
bool syscall_can_sysret(const struct pt_regs *regs);
/* The system-call dispatcher the entry stub calls. */
void do_syscall(struct pt_regs *regs);
/* Loads regs and enters ring 3. */
__noreturn void user_return(struct pt_regs *regs);

#endif
