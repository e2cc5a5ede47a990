/*
 * Per-CPU areas: one struct cpu per processor, and GS base pointing at the
 * running CPU's (IA32_GS_BASE, Intel SDM Vol. 3A 3.4.4.1). Kernel code
 * reaches it with %gs-relative loads, so there is no CPU-number lookup.
 */
#include <asm/gdt.h>
#include <asm/msr.h>
#include <tessera/percpu.h>

static struct cpu cpu_areas[MAX_CPUS];
bool percpu_ready;

void percpu_init(unsigned int n)
{
	struct cpu *c = &cpu_areas[n];

	c->self = c;
	c->id = n;
	msr_write(MSR_GS_BASE, (u64)c);
	/* The user's GS base (swapgs swaps it in on the way out): none yet. */
	msr_write(MSR_KERNEL_GS_BASE, 0);
	percpu_ready = true;
}
