/*
 * The system-call table, indexed by Linux x86_64 numbers
 * (arch/x86/entry/syscalls/syscall_64.tbl in Linux), and the dispatcher the
 * entry stub calls. A number with no handler is -ENOSYS, logged once.
 */
#include <tessera/errno.h>
#include <tessera/printk.h>
#include "internal.h"

enum {
	NR_read = 0, NR_write = 1, NR_open = 2, NR_close = 3, NR_stat = 4, NR_fstat = 5,
	NR_lstat = 6, NR_lseek = 8, NR_mmap = 9, NR_mprotect = 10, NR_munmap = 11,
	NR_brk = 12, NR_rt_sigaction = 13, NR_rt_sigprocmask = 14, NR_ioctl = 16,
	NR_pread64 = 17, NR_readv = 19, NR_writev = 20, NR_access = 21, NR_pipe = 22,
	NR_sched_yield = 24, NR_dup = 32, NR_dup2 = 33, NR_nanosleep = 35, NR_getpid = 39, NR_kill = 62, NR_rt_sigreturn = 15,
	NR_clone = 56, NR_fork = 57, NR_vfork = 58, NR_execve = 59, NR_exit = 60, NR_wait4 = 61, NR_uname = 63, NR_sysinfo = 99, NR_fcntl = 72,
	NR_getcwd = 79, NR_chdir = 80, NR_rename = 82, NR_mkdir = 83, NR_rmdir = 84,
	NR_link = 86, NR_unlink = 87, NR_symlink = 88, NR_readlink = 89, NR_gettimeofday = 96, NR_getuid = 102, NR_getgid = 104,
	NR_geteuid = 107, NR_getegid = 108, NR_getppid = 110, NR_getpgrp = 111, NR_setsid = 112,
	NR_setpgid = 109, NR_getpgid = 121, NR_getsid = 124, NR_umask = 95, NR_madvise = 28, NR_arch_prctl = 158,
	NR_gettid = 186, NR_getdents64 = 217, NR_set_tid_address = 218,
	NR_clock_gettime = 228, NR_exit_group = 231, NR_openat = 257,
	NR_newfstatat = 262, NR_dup3 = 292, NR_pipe2 = 293, NR_getrandom = 318,
	NR_fsync = 74, NR_fdatasync = 75, NR_truncate = 76, NR_ftruncate = 77, NR_fchdir = 81,
	NR_chmod = 90, NR_fchmod = 91, NR_statfs = 137, NR_fstatfs = 138, NR_sync = 162,
	NR_mount = 165, NR_umount2 = 166, NR_mkdirat = 258, NR_unlinkat = 263, NR_renameat = 264,
	NR_linkat = 265, NR_symlinkat = 266, NR_readlinkat = 267, NR_fchmodat = 268,
	NR_faccessat = 269, NR_utimensat = 280, NR_syncfs = 306, NR_renameat2 = 316,
	NR_poll = 7, NR_select = 23, NR_pselect6 = 270, NR_ppoll = 271, NR_pause = 34,
	NR_syslog = 103,
	NR_reboot = 169,
	NR_SYSCALLS = 335,
};

SYSCALL(syslog);                /* syslog.c */
SYSCALL(reboot);                /* reboot.c */

static const syscall_fn syscall_table[NR_SYSCALLS] = {
	[NR_syslog] = sys_syslog,
	[NR_reboot] = sys_reboot,
	[NR_read] = sys_read, [NR_write] = sys_write, [NR_open] = sys_open,
	[NR_close] = sys_close, [NR_stat] = sys_stat, [NR_fstat] = sys_fstat,
	[NR_lstat] = sys_lstat, [NR_lseek] = sys_lseek, [NR_mmap] = sys_mmap,
	[NR_mprotect] = sys_mprotect, [NR_munmap] = sys_munmap, [NR_brk] = sys_brk,
	[NR_rt_sigaction] = sys_rt_sigaction, [NR_rt_sigprocmask] = sys_rt_sigprocmask,
	[NR_ioctl] = sys_ioctl, [NR_pread64] = sys_pread64, [NR_readv] = sys_readv,
	[NR_writev] = sys_writev, [NR_access] = sys_access,
	[NR_sched_yield] = sys_sched_yield, [NR_dup] = sys_dup, [NR_dup2] = sys_dup2,
	[NR_nanosleep] = sys_nanosleep, [NR_getpid] = sys_getpid, [NR_execve] = sys_execve,
	[NR_clone] = sys_clone, [NR_fork] = sys_fork, [NR_vfork] = sys_vfork,
	[NR_exit] = sys_exit, [NR_wait4] = sys_wait4, [NR_uname] = sys_uname,
	[NR_fcntl] = sys_fcntl, [NR_getcwd] = sys_getcwd, [NR_chdir] = sys_chdir,
	[NR_rename] = sys_rename, [NR_mkdir] = sys_mkdir, [NR_rmdir] = sys_rmdir,
	[NR_unlink] = sys_unlink, [NR_gettimeofday] = sys_gettimeofday,
	/* Everyone is root until credentials exist. */
	[NR_getuid] = sys_getuid, [NR_getgid] = sys_getuid, [NR_geteuid] = sys_getuid,
	[NR_getegid] = sys_getuid, [NR_getppid] = sys_getppid,
	[NR_arch_prctl] = sys_arch_prctl, [NR_gettid] = sys_gettid,
	[NR_getdents64] = sys_getdents64, [NR_set_tid_address] = sys_set_tid_address,
	[NR_clock_gettime] = sys_clock_gettime, [NR_exit_group] = sys_exit_group,
	[NR_openat] = sys_openat, [NR_newfstatat] = sys_newfstatat, [NR_dup3] = sys_dup3,
	[NR_getrandom] = sys_getrandom, [NR_kill] = sys_kill, [NR_sysinfo] = sys_sysinfo,
	[NR_link] = sys_link, [NR_symlink] = sys_symlink, [NR_readlink] = sys_readlink,
	[NR_rt_sigreturn] = sys_rt_sigreturn, [NR_setpgid] = sys_setpgid,
	[NR_getpgid] = sys_getpgid, [NR_getpgrp] = sys_getpgrp, [NR_setsid] = sys_setsid,
	[NR_getsid] = sys_getsid, [NR_umask] = sys_umask, [NR_madvise] = sys_madvise, [NR_pipe] = sys_pipe, [NR_pipe2] = sys_pipe2,
	[NR_poll] = sys_poll, [NR_select] = sys_select, [NR_pselect6] = sys_pselect6,
	[NR_ppoll] = sys_ppoll, [NR_pause] = sys_pause,
	/* fsmount.c and fsat.c */
	[NR_fsync] = sys_fsync, [NR_fdatasync] = sys_fdatasync, [NR_truncate] = sys_truncate,
	[NR_ftruncate] = sys_ftruncate, [NR_fchdir] = sys_fchdir, [NR_chmod] = sys_chmod,
	[NR_fchmod] = sys_fchmod, [NR_statfs] = sys_statfs, [NR_fstatfs] = sys_fstatfs,
	[NR_sync] = sys_sync, [NR_mount] = sys_mount, [NR_umount2] = sys_umount2,
	[NR_mkdirat] = sys_mkdirat, [NR_unlinkat] = sys_unlinkat, [NR_renameat] = sys_renameat,
	[NR_linkat] = sys_linkat, [NR_symlinkat] = sys_symlinkat, [NR_readlinkat] = sys_readlinkat,
	[NR_fchmodat] = sys_fchmodat, [NR_faccessat] = sys_faccessat,
	[NR_utimensat] = sys_utimensat, [NR_syncfs] = sys_syncfs, [NR_renameat2] = sys_renameat2,
};

#define BITS_PER_LONG 64
static unsigned long enosys_logged[(NR_SYSCALLS + BITS_PER_LONG - 1) / BITS_PER_LONG];

static long no_syscall(u64 nr)
{
	struct process *p = current_process();

	if (nr < NR_SYSCALLS) {
		unsigned long bit = 1UL << (nr % BITS_PER_LONG);

		if (__atomic_fetch_or(&enosys_logged[nr / BITS_PER_LONG], bit, __ATOMIC_RELAXED) & bit)
			return -ENOSYS;
	}
	pr_warn("syscall %lu not implemented (pid %d, %s): -ENOSYS\n", (unsigned long)nr,
		p ? p->pid : -1, p ? p->name : "?");
	return -ENOSYS;
}

void do_syscall(struct pt_regs *regs)
{
	u64 nr = regs->error_code;      /* the entry stub keeps RAX there, as orig_rax */
	syscall_fn fn = nr < NR_SYSCALLS ? syscall_table[nr] : NULL;

	regs->rax = fn ? (u64)fn(regs) : (u64)no_syscall(nr);
}
