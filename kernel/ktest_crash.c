/*
 * crash=<what>: deliberate failures for the boot tests (CONFIG_KTEST only),
 * so the reports a real bug would produce can be checked end to end.
 */
#include <tessera/ktest.h>
#include <tessera/cmdline.h>
#include <tessera/errno.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <lib/string.h>

#define CRASH_NAME_MAX 32

static char crash_what[CRASH_NAME_MAX];

static int crash_setup(const char *val)
{
	if (!val || strscpy(crash_what, val, sizeof(crash_what)) < 0)
		return -EINVAL;
	return 0;
}
KERNEL_PARAM("crash", crash_setup);

/* noinline so the backtrace shows a recognisable chain of frames. */
static __noinline void crash_panic_inner(void)
{
	panic("crash=panic requested on the command line");
}

static __noinline void crash_bug_inner(int really)
{
	BUG_ON(really);
}

void ktest_crash_main(void)
{
	if (!crash_what[0])
		return;
	pr_notice("ktest: crash=%s requested\n", crash_what);
	if (strcmp(crash_what, "panic") == 0)
		crash_panic_inner();
	if (strcmp(crash_what, "bug") == 0)
		crash_bug_inner(1);
	pr_err("ktest: unknown crash= trigger '%s'\n", crash_what);
}
