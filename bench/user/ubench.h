/*
 * What ubench's two files share: the clock, the JSON error line, the median,
 * and the file-system half's entry points (fs.c).
 */
#ifndef UBENCH_H
#define UBENCH_H

#include <stdint.h>

extern double tsc_hz;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	/* lfence: do not let the read move above the work being timed */
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

void die(const char *what);
uint64_t median(uint64_t *v, int n);

/* fs.c: --fs DIR, and --insmod / --mount for the Linux guest's /init */
void fs_benches(const char *dir);
int setup_insmod(const char *list);
int setup_mount(const char *src, const char *dir, const char *type);

#endif
