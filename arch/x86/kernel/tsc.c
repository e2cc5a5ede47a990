/*
 * TSC clock: counts cycles since reset. Its rate is measured once against
 * PIT channel 2 (a known 1.193182 MHz), free-running and read back, so no
 * interrupt is needed. Under emulation the rate is the host's, not real.
 */
#include <asm/tsc.h>
#include <asm/i8253.h>
#include <tessera/printk.h>

#define CALIBRATE_MS        50
/* Sample reads taking longer than this were disturbed (50 us even at 4 GHz). */
#define SAMPLE_MAX_CYCLES   200000ULL
/* A gap between polls longer than this might hide a lap of the 16-bit count. */
#define POLL_GAP_MAX_CYCLES 60000000ULL     /* under a 55 ms lap down to a 1.1 GHz TSC */
#define SAMPLE_TRIES        100
#define CALIBRATE_TRIES     10

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

struct pit_sample {
	u16 pit;
	u64 tsc;
};

/* Channel 2's count with the TSC in the middle of the read; retaken if slow. */
static int pit_sample(struct pit_sample *s)
{
	for (int i = 0; i < SAMPLE_TRIES; i++) {
		u64 before = rdtsc(), after;

		s->pit = pit_ch2_read();
		after = rdtsc();
		if (after - before <= SAMPLE_MAX_CYCLES) {
			s->tsc = before + (after - before) / 2;
			return 0;
		}
	}
	return -1;
}

/*
 * TSC kHz over CALIBRATE_MS of PIT time, 0 when disturbed. Only the first
 * and last samples' timing matters, and each is checked, so an SMI or a
 * descheduled emulator elsewhere in the window cannot skew the result;
 * a long gap between polls (the 16-bit count could have lapped) restarts.
 */
static u64 pit_measure_khz(void)
{
	const u32 want = PIT_HZ * CALIBRATE_MS / 1000;
	struct pit_sample first, prev, cur;
	u32 ticks = 0;

	if (pit_sample(&first))
		return 0;
	prev = first;
	while (ticks < want) {
		if (pit_sample(&cur) || cur.tsc - prev.tsc > POLL_GAP_MAX_CYCLES)
			return 0;
		ticks += (u16)(prev.pit - cur.pit);
		prev = cur;
	}
	return (cur.tsc - first.tsc) * PIT_HZ / ticks / 1000;
}

void tsc_init(void)
{
	pit_ch2_free_run();
	for (int i = 0; i < CALIBRATE_TRIES && !tsc_rate_khz; i++)
		tsc_rate_khz = pit_measure_khz();
	if (!tsc_rate_khz) {
		pr_warn("tsc: PIT channel 2 did not count; no timestamps\n");
		return;
	}
	printk_set_clock(ktime_ns);
	pr_info("tsc: %lu.%03lu MHz, calibrated against the PIT over %d ms\n",
		(unsigned long)(tsc_rate_khz / 1000), (unsigned long)(tsc_rate_khz % 1000),
		CALIBRATE_MS);
}
