/*
 * crash=<what>: deliberate failures for the boot tests (CONFIG_KTEST only),
 * so the reports a real bug would produce can be checked end to end.
 */
#include <tessera/ktest.h>
#include <tessera/cmdline.h>
#include <tessera/errno.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <asm/page.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <mm/vmm.h>
#include <lib/string.h>

#define CRASH_NAME_MAX 32
/* Past the 8 MiB of the image that head32.asm maps: a read there is a #PF. */
#define CRASH_UNMAPPED_ADDR (KERNEL_VMA + 512 * 1024 * 1024UL)

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

static __noinline unsigned long crash_pf_inner(void)
{
	return *(volatile unsigned long *)CRASH_UNMAPPED_ADDR;
}

static __noinline void crash_ud_inner(void)
{
	__asm__ __volatile__("ud2");
}

/* In asm: a C division by zero is undefined, and GCC drops it. */
static __noinline void crash_de_inner(void)
{
	unsigned int lo = 100, hi = 0, zero = 0;

	__asm__ __volatile__("divl %[zero]" : "+a"(lo), "+d"(hi) : [zero] "r"(zero));
}

/* A limit no stack reaches, so the compiler sees no infinite recursion. */
static volatile unsigned long crash_depth_limit = ~0UL;

/* Under a page per frame, so the overflow lands in the guard page. */
static __noinline unsigned long crash_stack_inner(unsigned long depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (depth >= crash_depth_limit)
		return 0;
	return crash_stack_inner(depth + 1) + frame[0];
}

/* W^X (mm/paging.c): kernel text is read-only ... */
static __noinline void crash_wx_text_inner(void)
{
	volatile u8 *text = (volatile u8 *)crash_panic_inner;

	pr_notice("ktest: writing to kernel text at %p: must be a page fault\n", text);
	*text = 0xc3;
}

/* ... and the heap and the direct map are not executable. */
static __noinline void crash_exec_inner(void *buf, const char *where)
{
	if (!buf) {
		pr_err("ktest: no memory from %s to execute\n", where);
		return;
	}
	if (!paging_nx_enabled()) {
		pr_err("ktest: this CPU has no NX: %s cannot be made non-executable\n", where);
		return;
	}
	*(volatile u8 *)buf = 0xc3;             /* ret: harmless if it did run */
	pr_notice("ktest: calling %s at %p: must be a page fault\n", where, buf);
	((void (*)(void))buf)();
	pr_err("ktest: executed code in %s: W^X is broken\n", where);
}

static void *crash_direct_map_page(void)
{
	phys_addr_t pa = pmm_alloc_pages(0);

	return pa == PMM_NO_PAGE ? NULL : phys_to_virt(pa);
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
	if (strcmp(crash_what, "pf") == 0)
		crash_pf_inner();
	if (strcmp(crash_what, "ud") == 0)
		crash_ud_inner();
	if (strcmp(crash_what, "de") == 0)
		crash_de_inner();
	if (strcmp(crash_what, "stack") == 0)
		crash_stack_inner(0);
	if (strcmp(crash_what, "wx_text") == 0)
		crash_wx_text_inner();
	if (strcmp(crash_what, "nx_heap") == 0) {
		crash_exec_inner(kmalloc(64, GFP_KERNEL), "the heap");
		return;
	}
	if (strcmp(crash_what, "nx_direct") == 0) {
		crash_exec_inner(crash_direct_map_page(), "the direct map");
		return;
	}
	pr_err("ktest: unknown crash= trigger '%s'\n", crash_what);
}
