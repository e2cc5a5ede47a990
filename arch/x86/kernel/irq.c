/*
 * Device interrupts (vectors 32-255): the handler table behind irq_register
 * and irq_request, per-vector counters, and the dispatch path that calls a
 * handler and acknowledges the controller (irq_chip_*, pic.c or apic.c).
 */
#include <tessera/irq.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <asm/regs.h>
#include <asm/traps.h>

struct irq_action {
	irq_handler_t fn;
	void *ctx;
};

static struct irq_action irq_actions[IRQ_VECTORS];
static u64 irq_counts[IRQ_VECTORS];
static u64 irq_spurious;
/* One bit per vector: "unexpected interrupt" was already logged. */
static u64 irq_unexpected_logged[IRQ_VECTORS / 64];

static bool vector_valid(unsigned int vector)
{
	return vector >= X86_NR_EXCEPTIONS && vector < IRQ_VECTORS;
}

int irq_register(unsigned int vector, irq_handler_t fn, void *ctx)
{
	unsigned long flags;
	int err = 0;

	if (!vector_valid(vector) || !fn)
		return -EINVAL;
	/* IRQs off so the dispatcher never sees fn without its ctx. */
	flags = irq_save();
	if (irq_actions[vector].fn)
		err = -EBUSY;
	else
		irq_actions[vector] = (struct irq_action){ fn, ctx };
	irq_restore(flags);
	return err;
}

int irq_unregister(unsigned int vector, irq_handler_t fn)
{
	unsigned long flags;
	int err = 0;

	if (!vector_valid(vector) || !fn)
		return -ENOENT;
	flags = irq_save();
	if (irq_actions[vector].fn != fn)
		err = -ENOENT;
	else
		irq_actions[vector] = (struct irq_action){ NULL, NULL };
	irq_restore(flags);
	return err;
}

int irq_request(unsigned int line, irq_handler_t fn, void *ctx)
{
	int err;

	if (line >= IRQ_LEGACY_LINES)
		return -EINVAL;
	err = irq_register(IRQ_VECTOR_BASE + line, fn, ctx);
	if (err)
		return err;
	irq_chip_unmask(line);
	return 0;
}

int irq_release(unsigned int line, irq_handler_t fn)
{
	unsigned int vector = IRQ_VECTOR_BASE + line;

	if (line >= IRQ_LEGACY_LINES)
		return -EINVAL;
	if (!fn || irq_actions[vector].fn != fn)
		return -ENOENT;
	/* Mask first, so no interrupt arrives on a vector with no handler. */
	irq_chip_mask(line);
	return irq_unregister(vector, fn);
}

u64 irq_count(unsigned int vector)
{
	return vector < IRQ_VECTORS ? irq_counts[vector] : 0;
}

u64 irq_spurious_count(void)
{
	return irq_spurious;
}

irq_handler_t irq_handler(unsigned int vector)
{
	return vector < IRQ_VECTORS ? irq_actions[vector].fn : NULL;
}

static void log_unexpected(unsigned int vector)
{
	u64 bit = 1ULL << (vector % 64);

	if (irq_unexpected_logged[vector / 64] & bit)
		return;
	irq_unexpected_logged[vector / 64] |= bit;
	pr_warn("irq: unexpected interrupt on vector %u (no handler); further ones are only counted\n",
		vector);
}

void irq_dispatch(struct pt_regs *regs)
{
	unsigned int vector = (unsigned int)regs->vector;
	struct irq_action action = irq_actions[vector];

	/* A spurious interrupt has no in-service bit to clear: no EOI. */
	if (irq_chip_is_spurious(vector)) {
		irq_spurious++;
		return;
	}
	irq_counts[vector]++;
	if (action.fn)
		action.fn(regs, action.ctx);
	else
		log_unexpected(vector);
	irq_chip_eoi(vector);
	/* Scheduler hook (kernel/sched/core.c): the CONFIG_PREEMPT point, after the EOI. */
	sched_irq_exit(regs);
}
