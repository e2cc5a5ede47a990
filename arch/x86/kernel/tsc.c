/*
 * TSC clock: counts cycles since reset. Its rate is measured once against
 * PIT channel 2 (a known 1.193182 MHz), gated through port 0x61 so no
 * interrupt is needed. Under emulation the rate is the host's, not real.
 */
#include <asm/tsc.h>
#include <asm/io.h>
#include <tessera/printk.h>

#define PIT_HZ              1193182UL
#define PIT_CH2_DATA        0x42
#define PIT_COMMAND         0x43
#define PIT_GATE_PORT       0x61
#define PIT_GATE_CH2        0x01
#define PIT_SPEAKER         0x02
#define PIT_CH2_OUT         0x20
/* Channel 2, lobyte/hibyte access, mode 0 (interrupt on terminal count). */
#define PIT_CH2_MODE0       0xb0
#define CALIBRATE_MS        50
#define CALIBRATE_MAX_SPINS 100000000UL

static u64 tsc_rate_khz;
/* Written by head64.asm at kernel entry: time zero for the log. */
u64 boot_tsc;

u64 tsc_khz(void)
{
	return tsc_rate_khz;
}

unsigned long long ktime_ns(void)
{
	u64 t = rdtsc() - boot_tsc;

	if (!tsc_rate_khz)
		return 0;
	/* Split to avoid overflowing t * 1e6. */
	return (t / tsc_rate_khz) * 1000000ULL + (t % tsc_rate_khz) * 1000000ULL / tsc_rate_khz;
}

static u64 pit_measure_tsc(void)
{
	u32 ticks = (u32)(PIT_HZ * CALIBRATE_MS / 1000);
	u64 start, spins = 0;
	u8 gate = inb(PIT_GATE_PORT);

	outb(PIT_GATE_PORT, (u8)((gate & ~PIT_SPEAKER) | PIT_GATE_CH2));
	outb(PIT_COMMAND, PIT_CH2_MODE0);
	outb(PIT_CH2_DATA, ticks & 0xff);
	outb(PIT_CH2_DATA, (ticks >> 8) & 0xff);
	start = rdtsc();
	while (!(inb(PIT_GATE_PORT) & PIT_CH2_OUT)) {
		if (++spins == CALIBRATE_MAX_SPINS)
			return 0;
	}
	return rdtsc() - start;
}

void tsc_init(void)
{
	u64 cycles = pit_measure_tsc();

	if (!cycles) {
		pr_warn("tsc: PIT channel 2 did not count; no timestamps\n");
		return;
	}
	tsc_rate_khz = cycles / CALIBRATE_MS;
	printk_set_clock(ktime_ns);
	pr_info("tsc: %lu.%03lu MHz, calibrated against the PIT over %d ms\n",
		(unsigned long)(tsc_rate_khz / 1000), (unsigned long)(tsc_rate_khz % 1000),
		CALIBRATE_MS);
}
