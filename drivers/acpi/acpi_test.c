/*
 * KTESTs for ACPI on the machine we booted on: the firmware's tables parsed
 * at boot, and what the interrupt and power-off code took from them.
 */
#include <acpi/acpi.h>
#include <tessera/bootinfo.h>
#include <tessera/ktest.h>

KTEST(acpi, rsdp_from_boot_loader)
{
	if (!boot_info.rsdp)
		KT_SKIP(t, "the boot loader passed no RSDP");
	KT_EXPECT(t, boot_info.rsdp_len >= ACPI_RSDP_V1_SIZE);
}

KTEST(acpi, madt_parsed)
{
	const struct acpi_madt_info *m = acpi_madt();

	if (!boot_info.rsdp)
		KT_SKIP(t, "no RSDP");
	KT_EXPECT(t, m != NULL);
	if (!m)
		return;
	KT_EXPECT(t, m->lapic_address != 0);
	KT_EXPECT(t, m->lapic_count >= 1);
	KT_EXPECT(t, m->lapic_count <= ACPI_MAX_LAPICS);
	KT_EXPECT(t, m->ioapic_count >= 1);
	KT_EXPECT(t, m->ioapics[0].address != 0);
}

/* Every PC routes the timer somewhere: ISA IRQ0 has a GSI (GSI 2 under QEMU). */
KTEST(acpi, isa_irq0_routed)
{
	const struct acpi_madt_info *m = acpi_madt();
	struct acpi_irq_route r;

	if (!m)
		KT_SKIP(t, "no MADT");
	KT_EXPECT_EQ(t, acpi_isa_irq_route(m, 0, &r), 0);
	KT_EXPECT(t, !r.level);
}

KTEST(acpi, fadt_gives_pm1a_cnt)
{
	if (!boot_info.rsdp)
		KT_SKIP(t, "no RSDP");
	KT_EXPECT(t, acpi_pm1a_cnt_port() != 0);
}
