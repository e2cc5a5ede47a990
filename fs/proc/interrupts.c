/*
 * /proc/interrupts: one line per device vector that has a handler or has
 * fired: the vector, its count, the controller, the legacy line behind it
 * and the handler's name (from kallsyms when built in).
 */
#include <tessera/irq.h>
#include <tessera/kallsyms.h>
#include "internal.h"

#define FIRST_DEVICE_VECTOR  32

static void handler_name(struct proc_buf *b, irq_handler_t fn)
{
	unsigned long off, size;
	const char *name = fn ? kallsyms_lookup((unsigned long)fn, &off, &size) : NULL;

	if (name)
		proc_printf(b, "%s\n", name);
	else if (fn)
		proc_printf(b, "%p\n", (void *)fn);
	else
		proc_printf(b, "-\n");
}

int proc_interrupts_show(struct proc_buf *b, int pid)
{
	const char *chip = irq_chip_name();

	proc_printf(b, "%4s  %10s\n", "", "CPU0");
	for (unsigned int v = FIRST_DEVICE_VECTOR; v < IRQ_VECTORS; v++) {
		irq_handler_t fn = irq_handler(v);
		u64 n = irq_count(v);

		if (!fn && !n)
			continue;
		proc_printf(b, "%4u: %10llu  %-8s ", v, (unsigned long long)n, chip);
		if (v >= IRQ_VECTOR_BASE && v < IRQ_VECTOR_BASE + IRQ_LEGACY_LINES)
			proc_printf(b, "IRQ%-3u ", v - IRQ_VECTOR_BASE);
		else
			proc_printf(b, "%-6s ", "-");
		handler_name(b, fn);
	}
	proc_printf(b, "%4s: %10llu  Spurious interrupts\n", "SPU",
		    (unsigned long long)irq_spurious_count());
	return 0;
}
