/*
 * FPU and SSE state for the context switch: turns on fxsave/fxrstor and
 * SSE exceptions (CR0, CR4), and keeps the clean image every new thread
 * starts from. The kernel itself never uses these registers.
 */
#include <asm/switch_to.h>
#include <lib/string.h>
#include <tessera/compiler.h>
#include <tessera/thread.h>

/* Control-register bits (Intel SDM Vol. 3A 2.5). */
#define CR0_MP          (1UL << 1)    /* WAIT/FWAIT honour TS */
#define CR0_EM          (1UL << 2)    /* set: x87 emulation, no SSE at all */
#define CR0_TS          (1UL << 3)    /* set: #NM on first FPU use (lazy switching) */
#define CR0_NE          (1UL << 5)    /* native x87 error reporting (#MF) */
#define CR4_OSFXSR      (1UL << 9)    /* fxsave/fxrstor include SSE state; SSE usable */
#define CR4_OSXMMEXCPT  (1UL << 10)   /* unmasked SSE exceptions raise #XM */

#define MXCSR_DEFAULT   0x1f80        /* all SSE exceptions masked, round to nearest */

static u8 clean_state[FPU_STATE_SIZE] __aligned(FPU_STATE_ALIGN);

static unsigned long read_cr0(void)
{
	unsigned long v;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static unsigned long read_cr4(void)
{
	unsigned long v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

void fpu_init(void)
{
	u32 mxcsr = MXCSR_DEFAULT;
	unsigned long cr0 = (read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
	unsigned long cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

	__asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0) : "memory");
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4) : "memory");
	__asm__ __volatile__("fninit\n\tldmxcsr %1\n\tfxsave64 %0"
			     : "=m"(clean_state) : "m"(mxcsr) : "memory");
}

void fpu_init_state(void *area)
{
	memcpy(area, clean_state, FPU_STATE_SIZE);
}
