/*
 * start_kernel(): the boot sequence, one step per line, in order. Read it as
 * the table of contents of the kernel; Documentation/boot.md walks through it.
 */
#include <tessera/bootinfo.h>
#include <tessera/cmdline.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/machine.h>
#include <tessera/printk.h>
#include <tessera/setup.h>
#include <asm/tsc.h>
#include <lib/string.h>

#define INIT_PATH_MAX 128

void start_kernel(u32 mb2_magic, u32 mb2_info_phys);

static char init_path[INIT_PATH_MAX] = "/sbin/init";

static int init_setup(const char *val)
{
	if (!val || !*val)
		return -EINVAL;
	return strscpy(init_path, val, sizeof(init_path)) < 0 ? -EINVAL : 0;
}
KERNEL_PARAM("init", init_setup);

void start_kernel(u32 mb2_magic, u32 mb2_info_phys)
{
	printk_banner();                        /* logged now, shown first on every console */
	boot_info_init(mb2_magic, mb2_info_phys);
	cmdline_parse(boot_info.cmdline);       /* before consoles: console= picks them */
	console_init(&boot_info);               /* replays the log so far */
	tsc_init();                             /* timestamps from here on */
	boot_info_log(&boot_info);

	if (IS_ENABLED(CONFIG_KTEST)) {
		ktest_crash_main();
		ktest_main();
	}
	pr_info("init: no user space yet (init=%s); boot complete, idling\n", init_path);
	machine_halt();
}
