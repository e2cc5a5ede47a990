/*
 * Spinlocks: FIFO ticket locks (each CPU takes a ticket and waits for its
 * number, so none starves under contention) that keep interrupts and
 * preemption off while held. raw_spinlock_t is the bare ticket lock, for the
 * scheduler's run queue; everything else uses spinlock_t.
 */
#ifndef TESSERA_SPINLOCK_H
#define TESSERA_SPINLOCK_H

#include <tessera/compiler.h>
#include <tessera/lockdep.h>
#include <tessera/types.h>

typedef union {
	u32 word;                    /* both halves, for trylock's compare-and-swap */
	struct {
		u16 owner;           /* ticket now served */
		u16 next;            /* next ticket handed out */
	};
} raw_spinlock_t;

#define RAW_SPINLOCK_INIT { .word = 0 }

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

static inline void raw_spin_lock(raw_spinlock_t *l)
{
	u16 me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		cpu_relax();
}

static inline bool raw_spin_trylock(raw_spinlock_t *l)
{
	raw_spinlock_t old, new;

	old.word = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
	if (old.owner != old.next)
		return false;
	new = old;
	new.next++;
	return __atomic_compare_exchange_n(&l->word, &old.word, new.word, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void raw_spin_unlock(raw_spinlock_t *l)
{
	/* Only the holder writes owner, so a plain increment is enough. */
	__atomic_store_n(&l->owner, (u16)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool raw_spin_is_locked(raw_spinlock_t *l)
{
	raw_spinlock_t v;

	v.word = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
	return v.owner != v.next;
}

typedef struct spinlock {
	raw_spinlock_t raw;
	unsigned long flags;         /* the holder's RFLAGS, put back by spin_unlock */
	struct lockdep_map dep;      /* empty without CONFIG_DEBUG_LOCKS */
} spinlock_t;

#define SPINLOCK_INIT(lockname) \
	{ .raw = RAW_SPINLOCK_INIT, .flags = 0, .dep = LOCKDEP_MAP_INIT(#lockname, LOCKDEP_SPIN) }
#define DEFINE_SPINLOCK(x) spinlock_t x = SPINLOCK_INIT(x)

/* Locks initialised at one place in the code share one lock-order class. */
#define spin_lock_init(l) \
	do { \
		static const char spin_lock_class_key; \
		__spin_lock_init((l), #l, &spin_lock_class_key); \
	} while (0)
void __spin_lock_init(spinlock_t *l, const char *name, const void *key);

/* Disables interrupts and preemption, then spins for the lock. Never sleeps. */
void spin_lock(spinlock_t *l);
/*
 * Releases it and restores the interrupt state spin_lock() found, so nested
 * locks must be released in the reverse order they were taken.
 */
void spin_unlock(spinlock_t *l);
/* spin_lock() if the lock is free now; returns whether it was taken. */
bool spin_trylock(spinlock_t *l);

static inline bool spin_is_locked(spinlock_t *l)
{
	return raw_spin_is_locked(&l->raw);
}

#endif
