/*
 * The local APIC timer as the tick (CONFIG_TIMER_LAPIC): periodic mode on
 * its own vector, no I/O APIC pin involved, so it works beside either
 * controller. Its rate is not architectural: it is measured at boot against
 * PIT channel 2.
 */
#include <asm/apic.h>
#include <asm/i8253.h>
#include <asm/tsc.h>
#include <tessera/clockevent.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/printk.h>

#define LAPIC_DIVIDE_BY_16   0x3      /* SDM Vol. 3A figure 11-10 */
#define LAPIC_DIVISOR        16
#define LAPIC_COUNT_MAX      0xffffffffu
#define CALIBRATE_MS         30       /* well inside one 55 ms lap of the PIT's 16 bits */
#define CALIBRATE_TRIES      3
#define PIT_LAP_MS           40       /* a lap is 54.9 ms; room for a TSC 25% off */
#define CALIBRATE_PIT_TICKS  (PIT_HZ * CALIBRATE_MS / 1000)
#define SAMPLE_MAX_US        50       /* a sample slower than this was disturbed */
#define SAMPLE_TRIES         100
#define SAMPLE_MAX_CYCLES    (SAMPLE_MAX_US * 4000ULL)    /* if the TSC is uncalibrated: 4 GHz */

static u32 count_per_tick;

struct sample {
	u16 pit;
	u32 lapic;
	u64 tsc;
};

static void lapic_timer_irq(struct pt_regs *regs, void *ctx)
{
	clockevent_tick();
}

/*
 * The PIT's and the local APIC timer's counts read back to back. If the
 * TSC says the pair took long (an SMI, or QEMU's thread was descheduled),
 * it is retaken, so only the two reads' spacing matters. -EIO when it
 * never settles.
 */
static int take_sample(struct sample *smp)
{
	u64 max = tsc_khz() ? tsc_khz() * SAMPLE_MAX_US / 1000 : SAMPLE_MAX_CYCLES;

	for (int i = 0; i < SAMPLE_TRIES; i++) {
		u64 before = rdtsc();

		smp->pit = pit_ch2_read();
		smp->lapic = lapic_read(LAPIC_TIMER_CURRENT);
		smp->tsc = rdtsc();
		if (smp->tsc - before <= max)
			return 0;
	}
	return -EIO;
}

/*
 * Counts per second of the local APIC timer (after the divider), measured
 * against PIT channel 2 over CALIBRATE_MS with two samples rather than by
 * waiting for an event, so a delay elsewhere in the window cannot skew it.
 * 0 when disturbed: the PIT's 16 bits must not lap between the samples,
 * which the TSC (roughly calibrated is enough) rules out.
 */
static u64 lapic_timer_measure(void)
{
	u64 lap_cycles = tsc_khz() * PIT_LAP_MS;
	struct sample a, b;
	u16 pit_ticks;

	lapic_write(LAPIC_TIMER_INIT, LAPIC_COUNT_MAX);
	if (take_sample(&a))
		return 0;
	while ((u16)(a.pit - pit_ch2_read()) < CALIBRATE_PIT_TICKS)
		barrier();
	if (take_sample(&b))
		return 0;
	pit_ticks = (u16)(a.pit - b.pit);
	if ((lap_cycles && b.tsc - a.tsc >= lap_cycles) || pit_ticks < CALIBRATE_PIT_TICKS ||
	    b.lapic >= a.lapic)
		return 0;
	return (u64)(a.lapic - b.lapic) * PIT_HZ / pit_ticks;
}

static u64 lapic_timer_rate(void)
{
	u64 rate = 0;

	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | LAPIC_TIMER_VECTOR);
	pit_ch2_free_run();
	for (int i = 0; i < CALIBRATE_TRIES && !rate; i++)
		rate = lapic_timer_measure();
	lapic_write(LAPIC_TIMER_INIT, 0);
	return rate;
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
	u64 rate;
	int err;

	/* Beside the 8259 PIC nobody enabled the local APIC yet. */
	err = lapic_ready() ? 0 : lapic_init(true);
	if (err)
		return err;
	rate = lapic_timer_rate();
	if (!rate || rate / CONFIG_HZ > LAPIC_COUNT_MAX) {
		pr_err("timer: could not measure the local APIC timer against the PIT\n");
		return -EIO;
	}
	count_per_tick = (u32)((rate + CONFIG_HZ / 2) / CONFIG_HZ);
	pr_info("timer: local APIC timer runs at %llu kHz (bus clock %llu kHz), %u counts per tick\n",
		(unsigned long long)(rate / 1000), (unsigned long long)(rate * LAPIC_DIVISOR / 1000),
		count_per_tick);
	err = irq_register(LAPIC_TIMER_VECTOR, lapic_timer_irq, NULL);
	if (err)
		return err;
	/*
	 * The firmware left PIT channel 0 ticking at 18.2 Hz into a masked
	 * line; park it (a mode-0 control word with no count) to save the
	 * wake-ups, which matter under emulation and with NO_HZ_IDLE.
	 */
	outb(PIT_COMMAND, PIT_SEL_CH0 | PIT_ACCESS_LOHI | PIT_MODE0_ONESHOT);
	lapic_timer_set_periodic();
	return 0;
}

const struct clockevent clockevent_device = {
	.name = "local APIC timer",
	.init = lapic_timer_init,
	.set_periodic = lapic_timer_set_periodic,
	.stop = lapic_timer_stop,
};
