/*
 * CONFIG_DEBUG_LOCKS: a small lockdep. Locks belong to classes (their init
 * site, or the lock itself when statically defined); taking B while holding
 * A records "A before B", and taking them the other way round later reports
 * a possible deadlock even if it never happened. Also: recursive locking,
 * releasing a lock not held, and sleeping in atomic context, all symbolised.
 */
#include <tessera/irq.h>
#include <tessera/kallsyms.h>
#include <tessera/lockdep.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include <tessera/thread.h>

#define MAX_CLASSES        64        /* one u64 bitmap row per class */
#define MAX_EDGES          256
#define MAX_SLEEP_REPORTS  32

struct lock_class {
	const void *key;
	const char *name;
};

/* The first time "from was held when to was taken" was seen. */
struct lock_edge {
	u8 from, to;
	unsigned long from_ip, to_ip;
};

static struct lock_class classes[MAX_CLASSES];
static int nr_classes;
static u64 after[MAX_CLASSES];         /* bit b of after[a]: a held when b was taken */
static u64 reported[MAX_CLASSES];      /* inversion (a, b) already reported */
static struct lock_edge edges[MAX_EDGES];
static int nr_edges;
static unsigned long sleep_reported[MAX_SLEEP_REPORTS];
static int nr_sleep_reported;
static unsigned long nr_reports;
static bool classes_full_warned;
static raw_spinlock_t graph_lock = RAW_SPINLOCK_INIT;

unsigned long lockdep_report_count(void)
{
	return __atomic_load_n(&nr_reports, __ATOMIC_RELAXED);
}

void lockdep_init_map(struct lockdep_map *m, const char *name, const void *key,
		      enum lockdep_kind kind)
{
	m->name = name;
	m->key = key;
	m->class_idx = 0;
	m->kind = kind;
	m->owner = NULL;
	m->acquire_ip = 0;
}

static void print_ip(const char *what, unsigned long ip)
{
	unsigned long off, size;
	const char *name = kallsyms_lookup(ip, &off, &size);

	if (name)
		pr_err("    %s %s+0x%lx/0x%lx\n", what, name, off, size);
	else
		pr_err("    %s 0x%lx\n", what, ip);
}

/* Class index of m, registering it on first use; -1 when the table is full. */
static int class_of(struct lockdep_map *m)
{
	const void *key = m->key ? m->key : m;

	if (m->class_idx)
		return m->class_idx - 1;
	for (int i = 0; i < nr_classes; i++)
		if (classes[i].key == key)
			return (m->class_idx = (short)(i + 1)) - 1;
	if (nr_classes == MAX_CLASSES) {
		if (!classes_full_warned)
			pr_warn("lockdep: more than %d lock classes; order checks stop for new ones\n",
				MAX_CLASSES);
		classes_full_warned = true;
		return -1;
	}
	classes[nr_classes] = (struct lock_class){ key, m->name };
	m->class_idx = (short)++nr_classes;
	return nr_classes - 1;
}

/* True when to can be reached from from along recorded "held before" edges. */
static bool reachable(int from, int to)
{
	u64 seen = after[from], grown;

	do {
		grown = seen;
		for (int i = 0; i < nr_classes; i++)
			if (seen & (1ULL << i))
				grown |= after[i];
		if (grown == seen)
			break;
		seen = grown;
	} while (1);
	return seen & (1ULL << to);
}

static void add_edge(int from, int to, unsigned long from_ip, unsigned long to_ip)
{
	if (after[from] & (1ULL << to))
		return;
	after[from] |= 1ULL << to;
	if (nr_edges < MAX_EDGES)
		edges[nr_edges++] = (struct lock_edge){ (u8)from, (u8)to, from_ip, to_ip };
}

static const struct lock_edge *find_edge(int from, int to)
{
	for (int i = 0; i < nr_edges; i++)
		if (edges[i].from == from && edges[i].to == to)
			return &edges[i];
	return NULL;
}

static void print_held(struct thread *t)
{
	pr_err("  locks held by %s (tid %d):\n", t->name, t->tid);
	for (int i = 0; i < t->lockdep.depth; i++) {
		struct held_lock *h = &t->lockdep.held[i];

		pr_err("    #%d %s\n", i, h->map->name);
		print_ip("taken at", h->ip);
	}
}

void lockdep_print_held(void)
{
	if (percpu_ready && current_thread())
		print_held(current_thread());
}

static void report_inversion(struct thread *t, struct lockdep_map *m, unsigned long ip,
			     struct held_lock *h, int c, int hc)
{
	const struct lock_edge *e = find_edge(c, hc);

	nr_reports++;
	pr_err("lockdep: possible deadlock: lock order inversion in %s (tid %d)\n",
	       t->name, t->tid);
	pr_err("  taking %s\n", m->name);
	print_ip("at", ip);
	pr_err("  while holding %s\n", h->map->name);
	print_ip("taken at", h->ip);
	pr_err("  but %s was taken while %s was held before:\n", h->map->name, m->name);
	if (e) {
		print_ip("first", e->from_ip);
		print_ip("then", e->to_ip);
	} else {
		pr_err("    (through other locks)\n");
	}
	print_held(t);
}

static void check_order(struct thread *t, struct lockdep_map *m, unsigned long ip, int c)
{
	for (int i = 0; i < t->lockdep.depth; i++) {
		struct held_lock *h = &t->lockdep.held[i];
		int hc = class_of(h->map);

		/* Two locks of one class (say, two threads' exit queues) are not ordered. */
		if (hc < 0 || hc == c)
			continue;
		if (reachable(c, hc)) {
			if (!(reported[c] & (1ULL << hc)))
				report_inversion(t, m, ip, h, c, hc);
			reported[c] |= 1ULL << hc;
			continue;
		}
		add_edge(hc, c, h->ip, ip);
	}
}

/* Returns the current thread when checks apply, with the busy flag set. */
static struct thread *enter(unsigned long *flags)
{
	struct thread *t;

	if (!percpu_ready || !(t = current_thread()))
		return NULL;
	*flags = irq_save();
	if (this_cpu()->lockdep_busy) {
		irq_restore(*flags);
		return NULL;
	}
	this_cpu()->lockdep_busy = true;
	raw_spin_lock(&graph_lock);
	return t;
}

static void leave(unsigned long flags)
{
	raw_spin_unlock(&graph_lock);
	this_cpu()->lockdep_busy = false;
	irq_restore(flags);
}

static void acquire(struct lockdep_map *m, unsigned long ip, bool check)
{
	unsigned long flags;
	struct thread *t = enter(&flags);
	int c;

	if (!t)
		return;
	for (int i = 0; i < t->lockdep.depth; i++)
		if (t->lockdep.held[i].map == m) {
			nr_reports++;
			pr_err("lockdep: recursive locking of %s in %s (tid %d): certain deadlock\n",
			       m->name, t->name, t->tid);
			print_ip("at", ip);
			print_held(t);
			panic("recursive locking");
		}
	c = class_of(m);
	if (c >= 0 && check)
		check_order(t, m, ip, c);
	if (t->lockdep.depth < LOCKDEP_MAX_HELD)
		t->lockdep.held[t->lockdep.depth++] = (struct held_lock){ m, ip };
	m->owner = t;
	m->acquire_ip = ip;
	leave(flags);
}

void lockdep_acquire(struct lockdep_map *m, unsigned long ip)
{
	acquire(m, ip, true);
}

void lockdep_acquire_try(struct lockdep_map *m, unsigned long ip)
{
	acquire(m, ip, false);
}

void lockdep_release(struct lockdep_map *m, unsigned long ip)
{
	unsigned long flags;
	struct thread *t = enter(&flags);
	int i;

	if (!t)
		return;
	for (i = t->lockdep.depth - 1; i >= 0; i--)
		if (t->lockdep.held[i].map == m)
			break;
	if (i < 0) {
		nr_reports++;
		pr_err("lockdep: %s (tid %d) releases %s, which it does not hold\n",
		       t->name, t->tid, m->name);
		print_ip("at", ip);
		leave(flags);
		return;
	}
	for (; i < t->lockdep.depth - 1; i++)
		t->lockdep.held[i] = t->lockdep.held[i + 1];
	t->lockdep.depth--;
	m->owner = NULL;
	leave(flags);
}

static bool sleep_site_seen(unsigned long ip)
{
	for (int i = 0; i < nr_sleep_reported; i++)
		if (sleep_reported[i] == ip)
			return true;
	if (nr_sleep_reported < MAX_SLEEP_REPORTS)
		sleep_reported[nr_sleep_reported++] = ip;
	return false;
}

void __might_sleep(unsigned long ip)
{
	unsigned long flags;
	bool irqs_were_off = irqs_disabled();
	int count = preempt_count();
	struct thread *t;

	if (!count && !irqs_were_off)
		return;
	t = enter(&flags);
	if (!t)
		return;
	if (!sleep_site_seen(ip)) {
		nr_reports++;
		pr_err("lockdep: sleeping function called from invalid context in %s (tid %d)\n",
		       t->name, t->tid);
		print_ip("called from", ip);
		pr_err("  preempt_count %d, interrupts %s\n", count, irqs_were_off ? "off" : "on");
		print_held(t);
		dump_backtrace((unsigned long)__builtin_frame_address(0), ip);
	}
	leave(flags);
}
