/*
 * The 8259A PIC pair as Tessera's interrupt controller (CONFIG_X86_PIC):
 * legacy lines 0-15 on vectors 0x20-0x2f, EOI by port write, and the
 * spurious IRQ7/IRQ15 check. Documentation/interrupts.md.
 */
#include <asm/apic.h>
#include <asm/i8259.h>
#include <tessera/irq.h>
#include <tessera/printk.h>

#define SPURIOUS_MASTER_LINE 7
#define SPURIOUS_SLAVE_LINE  15

static bool is_legacy_vector(unsigned int vector)
{
	return vector >= IRQ_VECTOR_BASE && vector < IRQ_VECTOR_BASE + IRQ_LEGACY_LINES;
}

int irq_chip_init(const struct boot_info *bi)
{
	i8259_init();
	pr_info("irq: controller %s, lines 0-15 on vectors %#x-%#x, all masked\n",
		irq_chip_name(), IRQ_VECTOR_BASE, IRQ_VECTOR_BASE + IRQ_LEGACY_LINES - 1);
	return 0;
}

const char *irq_chip_name(void)
{
	return "8259A PIC";
}

void irq_chip_mask(unsigned int line)
{
	i8259_mask(line);
}

void irq_chip_unmask(unsigned int line)
{
	i8259_unmask(line);
}

/*
 * A line that drops before the CPU acknowledges it makes the PIC deliver
 * its lowest-priority line (7, or 15 on the slave) with no in-service bit
 * set: that is the spurious case, and it must get no EOI from that PIC.
 * A spurious IRQ15 still reached the master through IR2, whose in-service
 * bit *is* set, so the master gets its EOI here; irq_dispatch() sends none.
 */
bool irq_chip_is_spurious(unsigned int vector)
{
	unsigned int line = vector - IRQ_VECTOR_BASE;

	/* The local APIC's own spurious vector, when its timer runs beside us. */
	if (vector == IRQ_VECTOR_SPURIOUS)
		return true;
	if (!is_legacy_vector(vector))
		return false;
	if (line != SPURIOUS_MASTER_LINE && line != SPURIOUS_SLAVE_LINE)
		return false;
	if (i8259_read_isr() & (1u << line))
		return false;
	if (line == SPURIOUS_SLAVE_LINE)
		i8259_eoi(I8259_CASCADE_LINE);
	return true;
}

/*
 * Other vectors never went through the PIC: software interrupts, or the
 * local APIC timer (CONFIG_TIMER_LAPIC beside the PIC), which needs its EOI
 * at the local APIC. With nothing in service there, that EOI does nothing.
 */
void irq_chip_eoi(unsigned int vector)
{
	if (is_legacy_vector(vector))
		i8259_eoi(vector - IRQ_VECTOR_BASE);
	else if (IS_ENABLED(CONFIG_X86_LOCAL_APIC) && lapic_ready())
		lapic_eoi();
}
