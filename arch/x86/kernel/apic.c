/*
 * Local APIC + I/O APIC as Tessera's interrupt controller (CONFIG_X86_APIC):
 * the 8259As are remapped and masked, legacy lines go through the I/O APIC
 * (ioapic.c), every EOI is one write to the local APIC (lapic.c).
 * Documentation/interrupts.md.
 */
#include <acpi/acpi.h>
#include <asm/apic.h>
#include <asm/i8259.h>
#include <tessera/irq.h>
#include <tessera/printk.h>

int irq_chip_init(const struct boot_info *bi)
{
	int err, routed;

	/* Remapped off the exception vectors, then silenced for good. */
	i8259_init();
	err = lapic_init(false);
	if (err)
		return err;
	routed = ioapic_init(acpi_madt(), lapic_id());
	if (routed < 0) {
		pr_err("irq: no I/O APIC (no usable MADT); legacy lines cannot be delivered\n");
		return routed;
	}
	pr_info("irq: controller %s, %d legacy lines routed, IRQ0 on GSI %ld, 8259s masked\n",
		irq_chip_name(), routed, ioapic_line_gsi(0));
	return 0;
}

const char *irq_chip_name(void)
{
	return "local APIC + I/O APIC";
}

void irq_chip_mask(unsigned int line)
{
	ioapic_set_masked(line, true);
}

void irq_chip_unmask(unsigned int line)
{
	if (ioapic_set_masked(line, false))
		pr_warn("irq: legacy line %u has no I/O APIC pin; it stays silent\n", line);
}

bool irq_chip_is_spurious(unsigned int vector)
{
	return vector == IRQ_VECTOR_SPURIOUS;
}

/* One EOI for every vector: the local APIC clears its highest in-service bit. */
void irq_chip_eoi(unsigned int vector)
{
	if (lapic_ready())
		lapic_eoi();
}
