/*
 * Model-specific registers the scheduler touches: the FS and GS segment
 * bases (Intel SDM Vol. 4, Table 2-2; Vol. 3A 3.4.4.1 on their use in
 * 64-bit mode). Named msr_read/msr_write so no file's own rdmsr clashes.
 */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#include <tessera/types.h>

#define MSR_FS_BASE         0xc0000100
#define MSR_GS_BASE         0xc0000101
/* Swapped with GS base by swapgs: holds the user's GS base while in the kernel. */
#define MSR_KERNEL_GS_BASE  0xc0000102

static inline u64 msr_read(u32 msr)
{
	u32 lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void msr_write(u32 msr, u64 val)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32))
			     : "memory");
}

#endif
