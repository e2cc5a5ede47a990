/*
 * The local APIC timer as the tick (CONFIG_TIMER_LAPIC): periodic mode on
 * its own vector, no I/O APIC pin involved, so it works beside either
 * controller. Its rate is not architectural: it is counted against PIT
 * channel 2 over CALIBRATE_MS at boot.
 */
#include <asm/apic.h>
#include <asm/i8253.h>
#include <tessera/clockevent.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/printk.h>

#define LAPIC_DIVIDE_BY_16   0x3      /* SDM Vol. 3A figure 11-10 */
#define LAPIC_DIVISOR        16
#define LAPIC_COUNT_MAX      0xffffffffu
#define CALIBRATE_MS         10
#define CALIBRATE_PIT_COUNT  (PIT_HZ * CALIBRATE_MS / 1000)
#define CALIBRATE_MAX_SPINS  100000000UL

static u32 count_per_tick;

static void lapic_timer_irq(struct pt_regs *regs, void *ctx)
{
	clockevent_tick();
}

/* Local APIC timer counts (after the divider) in CALIBRATE_MS; 0 on failure. */
static u64 lapic_timer_measure(void)
{
	unsigned long spins = 0;
	u32 left;

	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | LAPIC_TIMER_VECTOR);
	pit_ch2_start(CALIBRATE_PIT_COUNT);
	lapic_write(LAPIC_TIMER_INIT, LAPIC_COUNT_MAX);
	while (!pit_ch2_done()) {
		if (++spins == CALIBRATE_MAX_SPINS)
			return 0;
	}
	left = lapic_read(LAPIC_TIMER_CURRENT);
	lapic_write(LAPIC_TIMER_INIT, 0);
	return LAPIC_COUNT_MAX - left;
}

static void lapic_timer_set_periodic(void)
{
	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_PERIODIC | LAPIC_TIMER_VECTOR);
	lapic_write(LAPIC_TIMER_INIT, count_per_tick);
}

static void lapic_timer_stop(void)
{
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | LAPIC_TIMER_VECTOR);
	lapic_write(LAPIC_TIMER_INIT, 0);
}

static int lapic_timer_init(void)
{
	u64 counts;
	int err;

	/* Beside the 8259 PIC nobody enabled the local APIC yet. */
	err = lapic_ready() ? 0 : lapic_init(true);
	if (err)
		return err;
	counts = lapic_timer_measure();
	if (!counts) {
		pr_err("timer: the local APIC timer did not count against the PIT\n");
		return -EIO;
	}
	count_per_tick = (u32)(counts * (1000 / CALIBRATE_MS) / CONFIG_HZ);
	pr_info("timer: local APIC timer runs at %llu kHz (bus clock %llu kHz), %u counts per tick\n",
		(unsigned long long)(counts / CALIBRATE_MS),
		(unsigned long long)(counts * LAPIC_DIVISOR / CALIBRATE_MS), count_per_tick);
	err = irq_register(LAPIC_TIMER_VECTOR, lapic_timer_irq, NULL);
	if (err)
		return err;
	lapic_timer_set_periodic();
	return 0;
}

const struct clockevent clockevent_device = {
	.name = "local APIC timer",
	.init = lapic_timer_init,
	.set_periodic = lapic_timer_set_periodic,
	.stop = lapic_timer_stop,
};
