/*
 * Leaving QEMU with an exit status (design.md section 8): 0 through an ACPI
 * power-off, anything else through the isa-debug-exit device.
 */
#include <tessera/machine.h>
#include <acpi/acpi.h>
#include <asm/io.h>

/* SLP_EN with SLP_TYP 0, which QEMU's DSDT gives \_S5 (ACPI 4.7.3.2.1). */
#define ACPI_PM1_SLP_EN 0x2000

void qemu_exit(int status)
{
	if (status == 0) {
		u16 port = acpi_pm1a_cnt_port();        /* from the FADT, 0 if unknown */

		/* Power-off is asynchronous: halt and let it land. */
		outw(port ? port : CONFIG_ACPI_PM1A_CNT_PORT, ACPI_PM1_SLP_EN);
		machine_halt();
	}
	/* QEMU exits with (value << 1) | 1, so status n leaves as 2n - 1. */
	outb(CONFIG_QEMU_DEBUG_EXIT_PORT, (u8)(status - 1));
	machine_halt();
}
