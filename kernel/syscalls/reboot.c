/*
 * reboot(2) with Linux's magic numbers and commands: everything is synced
 * first, then the machine powers off (machine_exit(0): ACPI S5 under QEMU),
 * restarts through the keyboard controller, or halts.
 */
#include <asm/io.h>
#include <tessera/errno.h>
#include <tessera/machine.h>
#include <tessera/printk.h>
#include "internal.h"

/* include/uapi/linux/reboot.h: magic1 guards against a stray call. */
#define REBOOT_MAGIC1           0xfee1deadU
#define REBOOT_MAGIC2           0x28121969U     /* Torvalds' birthday, and three more dates */
#define REBOOT_MAGIC2A          0x05121996U
#define REBOOT_MAGIC2B          0x16041998U
#define REBOOT_MAGIC2C          0x20112000U

#define REBOOT_CMD_RESTART      0x01234567U
#define REBOOT_CMD_HALT         0xcdef0123U
#define REBOOT_CMD_CAD_ON       0x89abcdefU
#define REBOOT_CMD_CAD_OFF      0x00000000U
#define REBOOT_CMD_POWER_OFF    0x4321fedcU
#define REBOOT_CMD_RESTART2     0xa1b2c3d4U

/* The 8042's "pulse output line 0" command drives the CPU's reset pin. */
#define I8042_COMMAND_PORT      0x64
#define I8042_STATUS_INPUT_FULL 0x02
#define I8042_PULSE_RESET       0xfe
#define I8042_WAIT_LOOPS        100000

static bool reboot_magic_ok(u32 magic1, u32 magic2)
{
	if (magic1 != REBOOT_MAGIC1)
		return false;
	return magic2 == REBOOT_MAGIC2 || magic2 == REBOOT_MAGIC2A ||
	       magic2 == REBOOT_MAGIC2B || magic2 == REBOOT_MAGIC2C;
}

/* No ACPI reset register is parsed: the 8042 works on every PC QEMU models. */
static __noreturn void reboot_restart(void)
{
	int spins = I8042_WAIT_LOOPS;

	while (spins-- && (inb(I8042_COMMAND_PORT) & I8042_STATUS_INPUT_FULL))
		;
	outb(I8042_COMMAND_PORT, I8042_PULSE_RESET);
	machine_halt();
}

SYSCALL(reboot)
{
	u32 cmd = (u32)SC_ARG2(regs);

	if (!reboot_magic_ok((u32)SC_ARG0(regs), (u32)SC_ARG1(regs)))
		return -EINVAL;
	/* Ctrl-Alt-Del is not trapped yet: both settings are accepted and change nothing. */
	if (cmd == REBOOT_CMD_CAD_ON || cmd == REBOOT_CMD_CAD_OFF)
		return 0;
	if (cmd != REBOOT_CMD_POWER_OFF && cmd != REBOOT_CMD_RESTART &&
	    cmd != REBOOT_CMD_RESTART2 && cmd != REBOOT_CMD_HALT)
		return -EINVAL;
	ksys_sync();
	if (cmd == REBOOT_CMD_POWER_OFF) {
		pr_info("reboot: power down\n");
		machine_exit(0);
	}
	if (cmd == REBOOT_CMD_HALT) {
		pr_info("reboot: system halted\n");
		machine_halt();
	}
	pr_info("reboot: restarting system\n");
	reboot_restart();
}
