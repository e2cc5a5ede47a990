/*
 * poweroff: writes every filesystem back, then switches the machine off
 * (reboot(2) RB_POWER_OFF). Under QEMU the emulator exits with status 0.
 */
#include <sys/reboot.h>
#include <unistd.h>

#include "ulib.h"

int main(int argc, char **argv)
{
	(void)argc;
	u_setprog(argv[0]);
	sync();
	reboot(RB_POWER_OFF);
	u_warn("reboot");           /* only reached when the kernel refused */
	return 1;
}
