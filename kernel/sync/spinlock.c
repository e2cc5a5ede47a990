/*
 * spinlock_t: the ticket lock of tessera/spinlock.h with interrupts and
 * preemption off while held, and the CONFIG_DEBUG_LOCKS hooks. Interrupts
 * go off before the spin, so an interrupt handler can never spin on a lock
 * that the code it interrupted holds.
 */
#include <tessera/irq.h>
#include <tessera/preempt.h>
#include <tessera/spinlock.h>

#define CALLER_IP ((unsigned long)__builtin_return_address(0))

void __spin_lock_init(spinlock_t *l, const char *name, const void *key)
{
	l->raw = (raw_spinlock_t)RAW_SPINLOCK_INIT;
	l->flags = 0;
	lockdep_init_map(&l->dep, name, key, LOCKDEP_SPIN);
}

void spin_lock(spinlock_t *l)
{
	unsigned long flags = irq_save();

	preempt_disable();
	lockdep_acquire(&l->dep, CALLER_IP);
	raw_spin_lock(&l->raw);
	l->flags = flags;
}

bool spin_trylock(spinlock_t *l)
{
	unsigned long flags = irq_save();

	preempt_disable();
	if (!raw_spin_trylock(&l->raw)) {
		preempt_enable_no_resched();
		irq_restore(flags);
		return false;
	}
	lockdep_acquire_try(&l->dep, CALLER_IP);
	l->flags = flags;
	return true;
}

void spin_unlock(spinlock_t *l)
{
	unsigned long flags = l->flags;

	lockdep_release(&l->dep, CALLER_IP);
	raw_spin_unlock(&l->raw);
	preempt_enable_no_resched();
	irq_restore(flags);
	/* A wake-up while we held the lock may want the CPU (CONFIG_PREEMPT). */
	preempt_check_resched();
}
