/*
 * reboot: writes every filesystem back, then restarts the machine
 * (reboot(2) RB_AUTOBOOT). QEMU run with -no-reboot exits instead.
 */
#include <sys/reboot.h>
#include <unistd.h>

#include "ulib.h"

int main(int argc, char **argv)
{
	(void)argc;
	u_setprog(argv[0]);
	sync();
	reboot(RB_AUTOBOOT);
	u_warn("reboot");           /* only reached when the kernel refused */
	return 1;
}
