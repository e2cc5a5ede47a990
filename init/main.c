/*
 * start_kernel(): the boot sequence, one step per line, in order. Read it as
 * the table of contents of the kernel; Documentation/boot.md walks through it.
 */
#include <acpi/acpi.h>
#include <block/blkdev.h>
#include <pci/pci.h>
#include <tessera/bootinfo.h>
#include <tessera/cmdline.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/machine.h>
#include <tessera/printk.h>
#include <tessera/process.h>
#include <tessera/sched.h>
#include <tessera/setup.h>
#include <tessera/thread.h>
#include <tessera/irq.h>
#include <tessera/time.h>
#include <fs/vfs.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <mm/vmm.h>
#include <asm/cpu.h>
#include <asm/tsc.h>
#include <rtc/rtc.h>
#include <tty/tty.h>
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
	cpu_init();                             /* GDT, TSS, IDT: exceptions are reported from here on */
	tsc_init();                             /* timestamps from here on */
	boot_info_log(&boot_info);
	pmm_init(&boot_info);                   /* page allocator over RAM below 4 GiB */
	paging_init();                          /* own page tables, W^X; then RAM above 4 GiB */
	heap_init();                            /* kmalloc: needs the page allocator and the direct map */
	acpi_init(&boot_info);                  /* MADT for the APIC, FADT for power-off */
	irq_chip_init(&boot_info);              /* PIC or APIC, every line masked */
	time_init();                            /* the periodic tick at CONFIG_HZ */
	irq_enable();                           /* controller and tick are ready */
	sched_init();                           /* from here boot runs as a thread; needs heap and tick */
	if (IS_ENABLED(CONFIG_RTC_CMOS))
		rtc_init();
	tty_init();                             /* keyboard and serial input: needs irq_request() */
	if (IS_ENABLED(CONFIG_PCI))
		pci_init();
	if (IS_ENABLED(CONFIG_BLOCK))
		blk_init();                     /* disk drivers probe PCI: after pci_init */
	if (IS_ENABLED(CONFIG_VFS))
		fs_init(&boot_info);            /* ramfs root, initramfs, devfs on /dev: needs mutexes */

	if (IS_ENABLED(CONFIG_PROCESSES))
		syscall_init();                 /* SYSCALL, SMEP/SMAP/UMIP: before the uaccess KTESTs */
	if (IS_ENABLED(CONFIG_KTEST)) {
		ktest_crash_main();
		ktest_main();
	}
	time_report();                          /* "timer: N ticks in 100 ms": the boot tests check it */
	if (IS_ENABLED(CONFIG_PROCESSES) && !process_start_init(init_path))
		kthread_exit(0);                /* init owns the console from here */
	pr_info("init: no user space yet (init=%s); boot complete, idling\n", init_path);
	tty_console_echo();                     /* CONFIG_KERNEL_CONSOLE_ECHO: until there is a shell */
	kthread_exit(0);                        /* the idle thread takes over the halt loop */
}
