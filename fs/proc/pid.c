/*
 * /proc/<pid>/{stat,status,cmdline,maps} and /proc/self. Each file copies
 * what it needs out of the process under the tree lock (a snapshot: the
 * lock has interrupts off, so no allocation happens under it), then
 * formats the copy in Linux's layout so procps-style tools parse it.
 */
#include <asm/pgtable.h>
#include <lib/format.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/vma.h>
#include <tessera/errno.h>
#include <tessera/process.h>
#include "internal.h"

#define USER_HZ          100             /* clock ticks in stat, as Linux's ABI fixes them */
#define NS_PER_TICK      (1000000000ULL / USER_HZ)
#define MAPS_FIRST       32              /* ranges; more retry with a bigger array */
#define CMDLINE_MAX      (128UL << 10)   /* more than any stack execve builds */
#define RLIM_INFINITY    0xffffffffffffffffULL
#define EXIT_SIGNAL      17              /* SIGCHLD */
#define PAGE_KB          (PAGE_SIZE / 1024)
#define MAPS_NAME_COLUMN 73              /* 25 + 6 * sizeof(void *), as Linux */

/* A copy of one area (mm/vma.h), holding a reference on its file. */
struct map_range {
	u64 start, end, offset;
	unsigned int prot, flags;
	struct file *file;
};

/* The copy of one process that every file here formats. */
struct pid_snap {
	int pid;                     /* what to look for */
	bool found;
	int ppid, pgid, sid, nice;
	char state;
	char name[PROC_NAME_MAX];
	char exe[PROC_EXE_MAX];
	u64 start_ns, run_ns, nvcsw, nivcsw;
	u64 sig_pending, sig_blocked;
	u64 brk_start, brk, arg_start, arg_end;
	int exit_status;
	u64 pages;                   /* user pages present (VmRSS) */
	u64 area_bytes;              /* all areas (VmSize) */
	/* Optional outputs, sized by the caller. */
	struct map_range *maps;
	unsigned int nmaps, maxmaps; /* nmaps may pass maxmaps: retry bigger */
	char *args;
	size_t args_len, args_max;
};

static char state_of(const struct process *p)
{
	if (p->zombie)
		return 'Z';
	if (p->stop_sig)
		return 'T';
	if (!p->thread || p->thread->state == THREAD_RUNNABLE)
		return 'R';
	return p->thread->state == THREAD_BLOCKED ? 'S' : 'Z';
}

static void count_leaf(u64 va, u64 size, u64 pte, void *arg)
{
	struct pid_snap *s = arg;

	s->pages += size / PAGE_SIZE;
}

/* Copies the areas into s->maps (up to maxmaps; nmaps counts them all). */
static void copy_areas(struct process *p, struct pid_snap *s)
{
	for (struct vma *v = p->areas.head; v; v = v->next) {
		s->area_bytes += v->end - v->start;
		if (s->maps && s->nmaps < s->maxmaps)
			s->maps[s->nmaps] = (struct map_range){ v->start, v->end, v->offset, v->prot,
							       v->flags,
							       v->file ? file_get(v->file) : NULL };
		s->nmaps++;
	}
}

/* Reads [arg_start, arg_end) of p's memory through the direct map, page by page. */
static void copy_args(struct process *p, struct pid_snap *s)
{
	u64 va = p->arg_start, end = p->arg_end;

	if (end - va > s->args_max)
		end = va + s->args_max;
	while (va < end) {
		u64 chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		phys_addr_t pa;
		u64 pte;

		if (chunk > end - va)
			chunk = end - va;
		if (vmm_translate(&p->vm, va, &pa, &pte) || !(pte & PTE_USER))
			return;
		memcpy(s->args + s->args_len, phys_to_virt(pa), chunk);
		s->args_len += chunk;
		va += chunk;
	}
}

/* Tree lock held, interrupts off: copy only. */
static void snap_one(struct process *p, void *ctx)
{
	struct pid_snap *s = ctx;

	if (p->pid != s->pid)
		return;
	s->found = true;
	s->ppid = p->parent ? p->parent->pid : 0;
	s->pgid = p->pgid;
	s->sid = p->sid;
	s->state = state_of(p);
	memcpy(s->name, p->name, sizeof(s->name));
	memcpy(s->exe, p->exe, sizeof(s->exe));
	s->start_ns = p->start_ns;
	if (p->thread) {
		s->nice = p->thread->se.nice;
		s->run_ns = p->thread->se.sum_exec_ns;
		s->nvcsw = p->thread->stats.nvcsw;
		s->nivcsw = p->thread->stats.nivcsw;
	}
	s->sig_pending = p->sig_pending;
	s->sig_blocked = p->sig_blocked;
	s->brk_start = p->brk_start;
	s->brk = p->brk;
	s->arg_start = p->arg_start;
	s->arg_end = p->arg_end;
	s->exit_status = p->exit_status;
	if (p->zombie)
		return;                 /* its memory is gone */
	vmm_walk(&p->vm, 0, USER_SPACE_END, count_leaf, s);
	copy_areas(p, s);
	if (s->args)
		copy_args(p, s);
}

static int snapshot(struct pid_snap *s)
{
	process_for_each(snap_one, s);
	return s->found ? 0 : -ESRCH;
}

struct pid_list {
	long *keys;
	int max, n;
};

static void list_one(struct process *p, void *ctx)
{
	struct pid_list *l = ctx;

	if (l->n < l->max)
		l->keys[l->n] = p->pid;
	l->n++;
}

/* Pids come in creation order, which is pid order unless two forks raced. */
static int pid_list(long parent, long *keys, int max)
{
	struct pid_list l = { keys, max, 0 };

	process_for_each(list_one, &l);
	for (int i = 1; i < l.n && i < max; i++)
		for (int j = i; j > 0 && keys[j - 1] > keys[j]; j--) {
			long t = keys[j];

			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	return l.n;
}

static bool pid_alive(int pid)
{
	struct pid_snap *s = kzalloc(sizeof(*s), GFP_KERNEL);
	bool alive;

	if (!s)
		return false;
	s->pid = pid;
	alive = snapshot(s) == 0;
	kfree(s);
	return alive;
}

/* A decimal pid with no sign and no leading zero, of a process that exists. */
static long pid_lookup(long parent, const char *name, size_t len)
{
	long v = 0;

	if (!len || len > 10 || name[0] == '0')
		return -ENOENT;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -ENOENT;
		v = v * 10 + (name[i] - '0');
	}
	return v <= 0x7fffffff && pid_alive((int)v) ? v : -ENOENT;
}

static void pid_name(long key, char *buf, size_t size)
{
	snprintf(buf, size, "%ld", key);
}

const struct proc_dyn proc_pid_dyn = {
	.lookup = pid_lookup,
	.list = pid_list,
	.name = pid_name,
};

static u64 ticks(u64 ns)
{
	return ns / NS_PER_TICK;
}

/* Fields 1-52 of Linux's proc_pid_stat(5); what Tessera does not track is 0. */
static void format_stat(struct proc_buf *b, const struct pid_snap *s)
{
	proc_printf(b, "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 ", s->pid, s->name, s->state,
		    s->ppid, s->pgid, s->sid);
	proc_printf(b, "%llu 0 0 0 %d %d 1 0 %llu %llu %llu %llu ",
		    (unsigned long long)ticks(s->run_ns), 20 + s->nice, s->nice,
		    (unsigned long long)ticks(s->start_ns),
		    (unsigned long long)s->area_bytes, (unsigned long long)s->pages,
		    RLIM_INFINITY);
	/* 26-52: code, stack, signals, wchan ... brk, args, env, exit code. */
	proc_printf(b, "0 0 0 0 0 %llu %llu 0 0 0 0 0 %d 0 0 0 0 0 0 0 0 %llu %llu %llu 0 0 %d\n",
		    (unsigned long long)s->sig_pending, (unsigned long long)s->sig_blocked,
		    EXIT_SIGNAL, (unsigned long long)s->brk_start,
		    (unsigned long long)s->arg_start, (unsigned long long)s->arg_end,
		    s->state == 'Z' ? s->exit_status : 0);
}

int proc_pid_stat(struct proc_buf *b, int pid)
{
	struct pid_snap s = { .pid = pid };
	int err = snapshot(&s);

	if (!err)
		format_stat(b, &s);
	return err;
}

static const char *state_name(char state)
{
	switch (state) {
	case 'R': return "R (running)";
	case 'S': return "S (sleeping)";
	case 'T': return "T (stopped)";
	default: return "Z (zombie)";
	}
}

int proc_pid_status(struct proc_buf *b, int pid)
{
	struct pid_snap s = { .pid = pid };
	int err = snapshot(&s);

	if (err)
		return err;
	proc_printf(b, "Name:\t%s\nState:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n", s.name,
		    state_name(s.state), s.pid, s.pid, s.ppid);
	proc_printf(b, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	if (s.state != 'Z')
		proc_printf(b, "VmSize:\t%8llu kB\nVmRSS:\t%8llu kB\n",
			    (unsigned long long)(s.area_bytes / 1024),
			    (unsigned long long)(s.pages * PAGE_KB));
	proc_printf(b, "Threads:\t1\nSigPnd:\t%016llx\nSigBlk:\t%016llx\n",
		    (unsigned long long)s.sig_pending, (unsigned long long)s.sig_blocked);
	proc_printf(b, "voluntary_ctxt_switches:\t%llu\nnonvoluntary_ctxt_switches:\t%llu\n",
		    (unsigned long long)s.nvcsw, (unsigned long long)s.nivcsw);
	return 0;
}

int proc_pid_cmdline(struct proc_buf *b, int pid)
{
	struct pid_snap s = { .pid = pid };
	int err = snapshot(&s);
	u64 len = s.arg_end - s.arg_start;

	if (err || !len || s.arg_end < s.arg_start)
		return err;
	s.args_max = len < CMDLINE_MAX ? len : CMDLINE_MAX;
	s.args = kmalloc(s.args_max, GFP_KERNEL);
	if (!s.args)
		return -ENOMEM;
	s.found = false;
	err = snapshot(&s);         /* again, now copying the strings */
	if (!err)
		proc_write(b, s.args, s.args_len);
	kfree(s.args);
	return err;
}

/*
 * Anonymous areas are named by what they are: the stack, the brk heap, the
 * program (exec copies its segments into anonymous areas: offset 0, no inode).
 */
static const char *anon_name(const struct pid_snap *s, const struct map_range *m)
{
	u64 heap = (s->brk_start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	if (m->flags & VMA_STACK)
		return "[stack]";
	if (s->brk_start && m->start >= heap && m->end <= ((s->brk + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)))
		return "[heap]";
	return s->brk_start && m->end <= heap ? s->exe : "";
}

/*
 * One "start-end perms offset dev:minor inode path" line, the name padded
 * out to column 73 as Linux does (seq_pad in show_map_vma). path is the
 * file's name when the area maps one.
 */
static void print_range(struct proc_buf *b, const struct pid_snap *s, const struct map_range *m,
			char *path)
{
	const struct inode *inode = m->file ? m->file->inode : NULL;
	const char *name = inode ? path : anon_name(s, m);
	size_t line = b->len;

	proc_printf(b, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu",
		    (unsigned long long)m->start, (unsigned long long)m->end,
		    m->prot & VMA_READ ? 'r' : '-', m->prot & VMA_WRITE ? 'w' : '-',
		    m->prot & VMA_EXEC ? 'x' : '-', m->flags & VMA_SHARED ? 's' : 'p',
		    (unsigned long long)m->offset, inode ? MAJOR(inode->sb->dev) : 0,
		    inode ? MINOR(inode->sb->dev) : 0,
		    (unsigned long long)(inode ? inode->ino : 0));
	while (*name && b->len - line < MAPS_NAME_COLUMN - 1 && !b->err)
		proc_write(b, " ", 1);
	proc_printf(b, " %s\n", name);
}

static void format_maps(struct proc_buf *b, const struct pid_snap *s, const struct path *root)
{
	char *path = kmalloc(PATH_MAX, GFP_KERNEL);

	for (unsigned int i = 0; i < s->nmaps; i++) {
		const struct map_range *m = &s->maps[i];

		if (path && m->file) {
			vfs_namespace_lock();
			if (!m->file->path.dentry ||
			    vfs_path_name(root, &m->file->path, path, PATH_MAX) < 0)
				strscpy(path, "?", PATH_MAX);
			vfs_namespace_unlock();
		}
		print_range(b, s, m, path ? path : "?");
	}
	kfree(path);
}

static void put_maps(struct pid_snap *s)
{
	for (unsigned int i = 0; i < s->nmaps && i < s->maxmaps; i++)
		if (s->maps[i].file)
			file_put(s->maps[i].file);
	kfree(s->maps);
}

int proc_pid_maps(struct proc_buf *b, int pid)
{
	struct pid_snap s = { .pid = pid, .maxmaps = MAPS_FIRST };
	struct process *me = current_process();
	int err;

	for (;;) {
		s.maps = kmalloc(s.maxmaps * sizeof(*s.maps), GFP_KERNEL);
		if (!s.maps)
			return -ENOMEM;
		s.nmaps = 0;
		s.pages = s.area_bytes = 0;
		s.found = false;
		err = snapshot(&s);
		if (err || s.nmaps <= s.maxmaps)
			break;
		put_maps(&s);
		s.maxmaps = s.nmaps * 2;
	}
	if (!err)
		format_maps(b, &s, me ? &me->fs.root : &init_fs.root);
	put_maps(&s);
	return err;
}

int proc_self_link(struct proc_buf *b, int pid)
{
	struct process *p = current_process();

	if (!p)
		return -ENOENT;
	proc_printf(b, "%d", p->pid);
	return 0;
}
