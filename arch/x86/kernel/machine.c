/*
 * Stopping the machine: halt, or under QEMU leave with an exit status
 * (ACPI power-off for 0, isa-debug-exit for failures; design.md section 8).
 */
#include <tessera/machine.h>
#include <asm/io.h>

/* SLP_EN with SLP_TYP 0, which QEMU's DSDT gives \_S5 (ACPI 4.7.3.2.1). */
#define ACPI_PM1_SLP_EN 0x2000

__noreturn void machine_halt(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

__noreturn void machine_exit(int status)
{
	if (!IS_ENABLED(CONFIG_QEMU_DEBUG_EXIT))
		machine_halt();
	if (status == 0) {
		/* Power-off is asynchronous: halt and let it land. */
		outw(CONFIG_ACPI_PM1A_CNT_PORT, ACPI_PM1_SLP_EN);
		machine_halt();
	}
	outb(CONFIG_QEMU_DEBUG_EXIT_PORT, (u8)(status - 1));
	machine_halt();
}
