/*
 * PIT channel 0 as the tick (CONFIG_TIMER_PIT): rate generator mode at
 * CONFIG_HZ on legacy line 0, through whichever interrupt controller is
 * linked (under the APIC, ISA IRQ0 usually arrives on GSI 2).
 */
#include <asm/i8253.h>
#include <tessera/clockevent.h>
#include <tessera/irq.h>

#define PIT_IRQ_LINE  0
/* Rounded to nearest: 11932 at HZ=100 gives 99.998 Hz. */
#define PIT_DIVISOR   ((PIT_HZ + CONFIG_HZ / 2) / CONFIG_HZ)

_Static_assert(PIT_DIVISOR >= 2 && PIT_DIVISOR <= PIT_MAX_COUNT, "CONFIG_HZ out of the PIT's range");

static void pit_irq(struct pt_regs *regs, void *ctx)
{
	clockevent_tick();
}

static void pit_program_periodic(void)
{
	outb(PIT_COMMAND, PIT_SEL_CH0 | PIT_ACCESS_LOHI | PIT_MODE2_RATE);
	outb(PIT_CH0_DATA, PIT_DIVISOR & 0xff);
	outb(PIT_CH0_DATA, PIT_DIVISOR >> 8);
}

static void pit_set_periodic(void)
{
	pit_program_periodic();
	irq_chip_unmask(PIT_IRQ_LINE);
}

/*
 * A mode-0 control word with no count behind it parks the counter: it
 * waits for a count that never comes and its output makes no more edges.
 * The line is masked too, so a last edge already in flight stays pending.
 */
static void pit_stop(void)
{
	irq_chip_mask(PIT_IRQ_LINE);
	outb(PIT_COMMAND, PIT_SEL_CH0 | PIT_ACCESS_LOHI | PIT_MODE0_ONESHOT);
}

static int pit_init(void)
{
	pit_program_periodic();
	return irq_request(PIT_IRQ_LINE, pit_irq, NULL);
}

const struct clockevent clockevent_device = {
	.name = "PIT channel 0",
	.init = pit_init,
	.set_periodic = pit_set_periodic,
	.stop = pit_stop,
};
