/*
 * Lock debugging (CONFIG_DEBUG_LOCKS), kernel/sync/lockdep.c: owner
 * tracking, a lock-order graph between lock classes that reports an
 * acquisition order that could deadlock, and symbolised reports. Without
 * the option every hook is an empty inline and every map has no bytes.
 */
#ifndef TESSERA_LOCKDEP_H
#define TESSERA_LOCKDEP_H

#include <tessera/types.h>

struct thread;

enum lockdep_kind {
	LOCKDEP_SPIN,
	LOCKDEP_MUTEX,
};

#ifdef CONFIG_DEBUG_LOCKS

/* Per-thread stack of held locks (struct thread embeds one). */
#define LOCKDEP_MAX_HELD 16

struct lockdep_map {
	const char *name;
	const void *key;             /* class identity: init site, or the lock itself */
	short class_idx;             /* 1-based once registered, 0 before */
	u8 kind;                     /* enum lockdep_kind */
	struct thread *owner;
	unsigned long acquire_ip;
};

struct held_lock {
	struct lockdep_map *map;
	unsigned long ip;
};

struct lockdep_task {
	int depth;
	struct held_lock held[LOCKDEP_MAX_HELD];
};

#define LOCKDEP_MAP_INIT(lockname, k) { .name = lockname, .kind = k }

void lockdep_init_map(struct lockdep_map *m, const char *name, const void *key,
		      enum lockdep_kind kind);
/* Before taking the lock: order and self-deadlock checks. */
void lockdep_acquire(struct lockdep_map *m, unsigned long ip);
/* After a successful trylock: recorded as held, but a trylock cannot deadlock. */
void lockdep_acquire_try(struct lockdep_map *m, unsigned long ip);
/* Before releasing: reports a release by a thread that does not hold it. */
void lockdep_release(struct lockdep_map *m, unsigned long ip);
/* Prints the locks the current thread holds. */
void lockdep_print_held(void);
/* Reports printed since boot (the KTESTs count them). */
unsigned long lockdep_report_count(void);

#else

struct lockdep_map { };
struct lockdep_task { };

#define LOCKDEP_MAP_INIT(lockname, k) { }

static inline void lockdep_init_map(struct lockdep_map *m, const char *name, const void *key,
				    enum lockdep_kind kind) { }
static inline void lockdep_acquire(struct lockdep_map *m, unsigned long ip) { }
static inline void lockdep_acquire_try(struct lockdep_map *m, unsigned long ip) { }
static inline void lockdep_release(struct lockdep_map *m, unsigned long ip) { }
static inline void lockdep_print_held(void) { }
static inline unsigned long lockdep_report_count(void) { return 0; }

#endif

#endif
