/*
 * Signals: dispositions (rt_sigaction), the blocked mask, kill, and delivery
 * on the way back to user space, either by the default action (terminate,
 * ignore, or stop until SIGCONT) or by a Linux-layout rt_sigframe that
 * rt_sigreturn undoes.
 */
#include <asm/gdt.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <stddef.h>
#include <tessera/errno.h>
#include <tessera/percpu.h>
#include <tessera/sched.h>
#include "internal.h"

#define SIG_DFL         0UL
#define SIG_IGN         1UL
#define SA_NOCLDSTOP    0x00000001UL
#define SA_SIGINFO      0x00000004UL
#define SA_RESTORER     0x04000000UL
#define SA_RESTART      0x10000000UL
#define SA_NODEFER      0x40000000UL
#define SA_RESETHAND    0x80000000UL
#define SIG_BLOCK       0
#define SIG_UNBLOCK     1
#define SIG_SETMASK     2
#define SIGSET_SIZE     8
#define SIGSTOP         19
#define SIGCHLD         17
#define SIGCONT         18
#define SIGTSTP         20
#define SIGTTIN         21
#define SIGTTOU         22
#define SIGURG          23
#define SIGWINCH        28
#define SIG_BIT(s)      (1UL << ((s) - 1))
#define UNBLOCKABLE     (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
#define STOP_SIGNALS    (SIG_BIT(SIGSTOP) | SIG_BIT(SIGTSTP) | SIG_BIT(SIGTTIN) | SIG_BIT(SIGTTOU))
#define SYSCALL_INSN_LEN 2           /* "syscall" (0f 05): stepping back re-runs it */
#define VECTOR_SYSCALL  ((u64)-1)    /* what syscall_entry puts in pt_regs.vector */
#define REDZONE         128          /* the psABI's red zone below the user's RSP */
#define FXSAVE_SIZE     512
#define USER_RFLAGS_MASK 0x0000000000254dd5UL   /* CF PF AF ZF SF TF DF OF NT AC: user-settable */

struct sigcontext_user {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;
	u64 reserved1[8];
};

struct ucontext_user {
	u64 uc_flags;
	u64 uc_link;
	u64 ss_sp;
	u32 ss_flags, pad;
	u64 ss_size;
	struct sigcontext_user mc;
	u64 sigmask;
};

struct siginfo_user {
	int si_signo, si_errno, si_code, pad;
	u8 rest[112];
};

/* Linux's layout, so musl and debuggers read it: the handler returns into pretcode. */
struct rt_sigframe {
	u64 pretcode;
	struct ucontext_user uc;
	struct siginfo_user info;
	u8 fpstate[FXSAVE_SIZE] __aligned(16);
};

/* Stopped threads sleep here; SIGCONT and SIGKILL wake the thread itself. */
static DEFINE_WAIT_QUEUE(stopped_wq);

static bool default_ignores(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

static bool default_stops(int sig)
{
	return (SIG_BIT(sig) & STOP_SIGNALS) != 0;
}

bool signal_pending(void)
{
	struct process *p = current_process();

	return p && (p->sig_pending & ~p->sig_blocked);
}

bool signal_refused(const struct process *p, int sig)
{
	return (p->sig_blocked & SIG_BIT(sig)) || p->sig_action[sig - 1].handler == SIG_IGN;
}

/* Discarded when sent, as Linux does, so they never interrupt a blocking call. */
static bool ignored(const struct process *p, int sig)
{
	u64 h = p->sig_action[sig - 1].handler;

	if (p->sig_blocked & SIG_BIT(sig))
		return false;
	return h == SIG_IGN || (h == SIG_DFL && default_ignores(sig));
}

void signal_notify_parent(struct process *p)
{
	struct process *parent = p->parent;

	if (!parent)
		return;
	if (!(parent->sig_action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		signal_send(parent, SIGCHLD);
	wake_up_all(&parent->child_wq);
}

/*
 * SIGCONT resumes a stopped process whatever its disposition, and cancels
 * stops still pending; a stop signal cancels a pending SIGCONT. Senders of
 * SIGCONT (kill, the TTY) hold the tree lock, so p->parent is stable.
 */
static void stop_or_continue(struct process *p, int sig)
{
	if (sig != SIGCONT) {
		if (default_stops(sig))
			__atomic_fetch_and(&p->sig_pending, ~SIG_BIT(SIGCONT), __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_and(&p->sig_pending, ~STOP_SIGNALS, __ATOMIC_RELAXED);
	if (!__atomic_exchange_n(&p->stop_sig, 0, __ATOMIC_ACQ_REL))
		return;
	p->wait_report = W_CONTINUED;
	signal_notify_parent(p);
	wake_up_thread(p->thread);
}

void signal_send(struct process *p, int sig)
{
	if (p->zombie || !p->thread)
		return;
	stop_or_continue(p, sig);
	if (ignored(p, sig))
		return;
	__atomic_fetch_or(&p->sig_pending, SIG_BIT(sig), __ATOMIC_RELAXED);
	/* Interrupts a blocking call; it sees signal_pending() and returns -EINTR. */
	wake_up_thread(p->thread);
}

/* Only for the sleep itself: signal_send wakes the thread directly. */
static DEFINE_WAIT_QUEUE(pause_wq);

/* Sleeps until a signal is taken; a stop and SIGCONT in between do not end it. */
SYSCALL(pause)
{
	(void)regs;
	wait_event(pause_wq, signal_pending());
	return -EINTR;
}

SYSCALL(rt_sigaction)
{
	struct process *p = current_process();
	int sig = (int)SC_ARG0(regs);
	struct k_sigaction act;

	if (SC_ARG3(regs) != SIGSET_SIZE || sig < 1 || sig > NSIG)
		return -EINVAL;
	if (SC_ARG2(regs) && copy_to_user((void *)SC_ARG2(regs), &p->sig_action[sig - 1],
					  sizeof(act)))
		return -EFAULT;
	if (!SC_ARG1(regs))
		return 0;
	if (sig == SIGKILL || sig == SIGSTOP)
		return -EINVAL;
	if (copy_from_user(&act, (void *)SC_ARG1(regs), sizeof(act)))
		return -EFAULT;
	p->sig_action[sig - 1] = act;
	return 0;
}

SYSCALL(rt_sigprocmask)
{
	struct process *p = current_process();
	u64 set, old = p->sig_blocked;

	if (SC_ARG3(regs) != SIGSET_SIZE)
		return -EINVAL;
	if (SC_ARG1(regs)) {
		if (copy_from_user(&set, (void *)SC_ARG1(regs), sizeof(set)))
			return -EFAULT;
		switch (SC_ARG0(regs)) {
		case SIG_BLOCK: p->sig_blocked |= set; break;
		case SIG_UNBLOCK: p->sig_blocked &= ~set; break;
		case SIG_SETMASK: p->sig_blocked = set; break;
		default: return -EINVAL;
		}
		p->sig_blocked &= ~UNBLOCKABLE;
	}
	if (SC_ARG2(regs) && copy_to_user((void *)SC_ARG2(regs), &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

struct send_ctx {
	bool (*pred)(struct process *p, long key);
	long key;
	int sig;
	int sent;
};

static void send_one(struct process *p, void *arg)
{
	struct send_ctx *c = arg;

	if (p->zombie || !c->pred(p, c->key))
		return;
	if (c->sig)
		signal_send(p, c->sig);
	c->sent++;
}

/* Sends sig (0: none, only count) to every process pred accepts; returns how many. */
static int send_matching(bool (*pred)(struct process *p, long key), long key, int sig)
{
	struct send_ctx c = { .pred = pred, .key = key, .sig = sig };

	process_for_each(send_one, &c);
	return c.sent;
}

static bool match_pid(struct process *p, long pid) { return p->pid == pid; }
static bool match_pgrp(struct process *p, long pg) { return p->pgid == pg; }
static bool match_all(struct process *p, long self) { return p->pid != 1 && p->pid != self; }

SYSCALL(kill)
{
	int pid = (int)SC_ARG0(regs), sig = (int)SC_ARG1(regs), n;
	struct process *me = current_process();

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0)
		n = send_matching(match_pid, pid, sig);
	else if (pid == 0)
		n = send_matching(match_pgrp, me->pgid, sig);
	else if (pid == -1)
		n = send_matching(match_all, me->pid, sig);
	else
		n = send_matching(match_pgrp, -pid, sig);
	return n ? 0 : -ESRCH;
}

int signal_pgrp(int pgid, int sig)
{
	return send_matching(match_pgrp, pgid, sig) ? 0 : -ESRCH;
}

/* restore: the mask rt_sigreturn puts back (ppoll's caller's, not its temporary one). */
static int setup_frame(struct process *p, struct pt_regs *regs, int sig,
		       const struct k_sigaction *ka, u64 restore)
{
	struct rt_sigframe *f = kzalloc(sizeof(*f), GFP_KERNEL);
	u64 sp = ((regs->rsp - REDZONE - sizeof(*f)) & ~15UL) - 8;
	int err;

	if (!f)
		return -ENOMEM;
	f->pretcode = ka->restorer;
	f->info.si_signo = sig;
	f->uc.mc = (struct sigcontext_user){
		.r8 = regs->r8, .r9 = regs->r9, .r10 = regs->r10, .r11 = regs->r11,
		.r12 = regs->r12, .r13 = regs->r13, .r14 = regs->r14, .r15 = regs->r15,
		.rdi = regs->rdi, .rsi = regs->rsi, .rbp = regs->rbp, .rbx = regs->rbx,
		.rdx = regs->rdx, .rax = regs->rax, .rcx = regs->rcx, .rsp = regs->rsp,
		.rip = regs->rip, .eflags = regs->rflags, .cs = USER_CS, .ss = USER_DS,
		.oldmask = restore,
		.fpstate = sp + offsetof(struct rt_sigframe, fpstate),
	};
	f->uc.sigmask = restore;
	/* The program's FPU/SSE registers are live (switched eagerly): keep them. */
	__asm__ __volatile__("fxsave64 %0" : "=m"(f->fpstate));
	err = copy_to_user((void *)sp, f, sizeof(*f));
	kfree(f);
	if (err)
		return err;
	regs->rsp = sp;
	regs->rip = ka->handler;
	regs->rdi = sig;
	regs->rsi = sp + offsetof(struct rt_sigframe, info);
	regs->rdx = sp + offsetof(struct rt_sigframe, uc);
	regs->rax = 0;
	regs->rflags &= ~(1UL << 10);        /* DF clear, as the ABI says on entry */
	return 0;
}

SYSCALL(rt_sigreturn)
{
	struct process *p = current_process();
	struct rt_sigframe *f = kmalloc(sizeof(*f), GFP_KERNEL);
	u64 sp = regs->rsp - 8;              /* the handler's ret popped pretcode */
	struct sigcontext_user *mc;

	if (!f)
		process_exit(W_EXITCODE(0, SIGSEGV));
	if (copy_from_user(f, (void *)sp, sizeof(*f))) {
		kfree(f);
		process_fault(regs, sp, SIGSEGV);
	}
	mc = &f->uc.mc;
	regs->r8 = mc->r8; regs->r9 = mc->r9; regs->r10 = mc->r10; regs->r11 = mc->r11;
	regs->r12 = mc->r12; regs->r13 = mc->r13; regs->r14 = mc->r14; regs->r15 = mc->r15;
	regs->rdi = mc->rdi; regs->rsi = mc->rsi; regs->rbp = mc->rbp; regs->rbx = mc->rbx;
	regs->rdx = mc->rdx; regs->rcx = mc->rcx; regs->rsp = mc->rsp; regs->rip = mc->rip;
	/* Only flags a program may set; CS and SS stay the user's whatever the frame says. */
	regs->rflags = (regs->rflags & ~USER_RFLAGS_MASK) | (mc->eflags & USER_RFLAGS_MASK);
	p->sig_blocked = f->uc.sigmask & ~UNBLOCKABLE;
	/* fxrstor faults on reserved MXCSR bits: clear them rather than trust the frame. */
	((u32 *)f->fpstate)[6] &= 0xffff;
	__asm__ __volatile__("fxrstor64 %0" : : "m"(f->fpstate));
	sp = mc->rax;
	kfree(f);
	return (long)sp;                     /* becomes RAX */
}

/* Linux x86_64 numbers of the calls SA_RESTART restarts (-ERESTARTSYS in Linux). */
enum { NR_READ = 0, NR_WRITE = 1, NR_PREAD64 = 17, NR_PWRITE64 = 18, NR_READV = 19,
       NR_WRITEV = 20, NR_WAIT4 = 61 };

static bool restarts_after_handler(u64 nr)
{
	return nr == NR_READ || nr == NR_WRITE || nr == NR_PREAD64 || nr == NR_PWRITE64 ||
	       nr == NR_READV || nr == NR_WRITEV || nr == NR_WAIT4;
}

/* The interrupted call runs again after the handler returns (RIP back over syscall). */
static void restart_syscall(struct pt_regs *regs)
{
	regs->rip -= SYSCALL_INSN_LEN;
	regs->rax = regs->error_code;
}

static bool interrupted_syscall(const struct pt_regs *regs)
{
	return regs->vector == VECTOR_SYSCALL && (long)regs->rax == -EINTR;
}

static bool stop_over(struct process *p)
{
	return !__atomic_load_n(&p->stop_sig, __ATOMIC_ACQUIRE) ||
	       (__atomic_load_n(&p->sig_pending, __ATOMIC_RELAXED) & SIG_BIT(SIGKILL));
}

/*
 * The default action of SIGSTOP, SIGTSTP, SIGTTIN and SIGTTOU: tell the
 * parent (wait4 WUNTRACED), sleep until SIGCONT or SIGKILL. A system call
 * the stop interrupted runs again, as on Linux when no handler ran.
 */
static void stop_process(struct process *p, struct pt_regs *regs, int sig)
{
	__atomic_store_n(&p->stop_sig, sig, __ATOMIC_RELEASE);
	p->wait_report = W_STOPCODE(sig);
	process_notify_parent(p);
	wait_event(stopped_wq, stop_over(p));
	if (interrupted_syscall(regs))
		restart_syscall(regs);
}

/*
 * Delivers the lowest signal p->sig_blocked lets through; afterwards the
 * mask is restore (a handler's frame carries restore for rt_sigreturn and
 * the handler runs with the current mask plus its own). Interrupts on.
 */
static void deliver(struct pt_regs *regs, u64 restore)
{
	struct process *p = current_process();
	u64 ready = p->sig_pending & ~p->sig_blocked;
	int sig;
	struct k_sigaction *ka;

	if (!ready) {
		p->sig_blocked = restore;
		return;
	}
	sig = __builtin_ctzl(ready) + 1;
	__atomic_fetch_and(&p->sig_pending, ~SIG_BIT(sig), __ATOMIC_RELAXED);
	ka = &p->sig_action[sig - 1];
	if (ka->handler == SIG_IGN || (ka->handler == SIG_DFL && default_ignores(sig))) {
		p->sig_blocked = restore;
		return;
	}
	if (ka->handler == SIG_DFL && default_stops(sig)) {
		p->sig_blocked = restore;
		stop_process(p, regs, sig);
		signal_deliver(regs);        /* SIGKILL, or what came while stopped */
		return;
	}
	if (ka->handler == SIG_DFL)
		process_exit(W_EXITCODE(0, sig));
	if ((ka->flags & SA_RESTART) && interrupted_syscall(regs) &&
	    restarts_after_handler(regs->error_code))
		restart_syscall(regs);
	if (!(ka->flags & SA_RESTORER) || setup_frame(p, regs, sig, ka, restore))
		process_exit(W_EXITCODE(0, SIGSEGV));
	if (!(ka->flags & SA_NODEFER))
		p->sig_blocked |= SIG_BIT(sig) | ka->mask;
	p->sig_blocked &= ~UNBLOCKABLE;
	if (ka->flags & SA_RESETHAND)
		ka->handler = SIG_DFL;
}

void signal_deliver(struct pt_regs *regs)
{
	deliver(regs, current_process()->sig_blocked);
}

long signal_wait_done(struct pt_regs *regs, long ret, u64 restore)
{
	if (ret != -EINTR || !signal_pending()) {
		current_process()->sig_blocked = restore;
		return ret;
	}
	regs->rax = (u64)ret;                /* what the handler's frame saves */
	deliver(regs, restore);
	return (long)regs->rax;              /* do_syscall stores it back */
}
