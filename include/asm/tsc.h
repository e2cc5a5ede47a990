/*
 * The time-stamp counter as the kernel's clock: calibrated once against the
 * PIT at boot, then ktime_ns() is nanoseconds since the counter's zero.
 */
#ifndef ASM_TSC_H
#define ASM_TSC_H

#include <tessera/types.h>

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* TSC value at kernel entry (head64.asm), the zero of ktime_ns(). */
extern u64 boot_tsc;

/* Measures the TSC frequency; logs it. Safe to call once, early. */
void tsc_init(void);
/* TSC frequency in kHz, 0 before tsc_init() or if calibration failed. */
u64 tsc_khz(void);
/* Nanoseconds since kernel entry (0 before calibration). */
unsigned long long ktime_ns(void);

#endif
