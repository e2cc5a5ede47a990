/*
 * Stopping the machine: halt, or under QEMU leave with an exit status
 * through qemu_exit.c when CONFIG_QEMU_DEBUG_EXIT is on.
 */
#include <tessera/machine.h>

__noreturn void machine_halt(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

__noreturn void machine_exit(int status)
{
	if (IS_ENABLED(CONFIG_QEMU_DEBUG_EXIT))
		qemu_exit(status);
	machine_halt();
}
