/*
 * KTESTs for the user-copy functions: every class of bad pointer (unmapped,
 * kernel half, non-canonical, wrapping, crossing into an unmapped page)
 * returns -EFAULT, and good ones copy, in a scratch address space.
 */
#include <asm/page.h>
#include <asm/uaccess.h>
#include <lib/string.h>
#include <mm/pmm.h>
#include <mm/vmm.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>

/* A user page the scratch space maps, with an unmapped one right above it. */
#define UA_TEST_VA        0x400000UL
#define UA_UNMAPPED_VA    0x10000000UL
#define UA_NONCANONICAL   0x0000900000000000UL
#define UA_NONCANON_HIGH  0x8000000000000000UL

struct ua_scratch {
	struct vm_space vs;
	phys_addr_t page;
};

static int scratch_enter(struct ua_scratch *s)
{
	if (vm_space_init(&s->vs))
		return -ENOMEM;
	s->page = pmm_alloc_pages(0);
	if (s->page == PMM_NO_PAGE) {
		vm_space_destroy(&s->vs);
		return -ENOMEM;
	}
	memset(phys_to_virt(s->page), 0, PAGE_SIZE);
	if (vmm_map(&s->vs, UA_TEST_VA, s->page, PAGE_SIZE, VM_USER | VM_WRITE)) {
		pmm_free_pages(s->page, 0);
		vm_space_destroy(&s->vs);
		return -ENOMEM;
	}
	vm_space_switch(&s->vs);
	return 0;
}

static void scratch_leave(struct ua_scratch *s)
{
	vm_space_switch(&kernel_space);
	vmm_unmap(&s->vs, UA_TEST_VA, PAGE_SIZE);
	vm_space_destroy(&s->vs);
	pmm_free_pages(s->page, 0);
}

KTEST(uaccess, good_pointer_round_trip)
{
	struct ua_scratch s;
	char in[] = "hello", out[8] = { 0 };

	if (scratch_enter(&s))
		KT_SKIP(t, "no memory");
	KT_EXPECT_EQ(t, copy_to_user((void *)UA_TEST_VA, in, sizeof(in)), 0);
	KT_EXPECT_EQ(t, copy_from_user(out, (void *)UA_TEST_VA, sizeof(in)), 0);
	KT_EXPECT_STREQ(t, out, "hello");
	KT_EXPECT_EQ(t, strncpy_from_user(out, (char *)UA_TEST_VA, sizeof(out)), 5);
	KT_EXPECT_EQ(t, strncpy_from_user(out, (char *)UA_TEST_VA, 3), 3);
	KT_EXPECT_EQ(t, clear_user((void *)UA_TEST_VA, 2), 0);
	KT_EXPECT_EQ(t, copy_from_user(out, (void *)UA_TEST_VA, 1), 0);
	KT_EXPECT_EQ(t, out[0], 0);
	scratch_leave(&s);
}

KTEST(uaccess, unmapped_is_efault)
{
	struct ua_scratch s;
	char buf[16];

	if (scratch_enter(&s))
		KT_SKIP(t, "no memory");
	KT_EXPECT_EQ(t, copy_from_user(buf, (void *)UA_UNMAPPED_VA, 8), -EFAULT);
	KT_EXPECT_EQ(t, copy_to_user((void *)UA_UNMAPPED_VA, buf, 8), -EFAULT);
	KT_EXPECT_EQ(t, clear_user((void *)UA_UNMAPPED_VA, 8), -EFAULT);
	KT_EXPECT_EQ(t, strncpy_from_user(buf, (char *)UA_UNMAPPED_VA, 8), -EFAULT);
	KT_EXPECT_EQ(t, copy_from_user(buf, NULL, 1), -EFAULT);
	scratch_leave(&s);
}

KTEST(uaccess, crossing_into_unmapped_is_efault)
{
	struct ua_scratch s;
	char buf[16];
	u64 last = UA_TEST_VA + PAGE_SIZE - 4;

	if (scratch_enter(&s))
		KT_SKIP(t, "no memory");
	KT_EXPECT_EQ(t, copy_from_user(buf, (void *)last, 8), -EFAULT);
	KT_EXPECT_EQ(t, copy_to_user((void *)last, buf, 8), -EFAULT);
	memset(phys_to_virt(s.page) + PAGE_SIZE - 4, 'x', 4);
	KT_EXPECT_EQ(t, strncpy_from_user(buf, (char *)last, 16), -EFAULT);
	scratch_leave(&s);
}

KTEST(uaccess, kernel_address_is_efault)
{
	char buf[8], kbuf[8] = "secret";

	KT_EXPECT_EQ(t, copy_from_user(buf, kbuf, sizeof(kbuf)), -EFAULT);
	KT_EXPECT_EQ(t, copy_to_user(kbuf, buf, sizeof(buf)), -EFAULT);
	KT_EXPECT_EQ(t, strncpy_from_user(buf, kbuf, sizeof(buf)), -EFAULT);
	KT_EXPECT_EQ(t, copy_from_user(buf, (void *)KERNEL_SPACE_START, 1), -EFAULT);
}

KTEST(uaccess, noncanonical_is_efault)
{
	char buf[8];

	KT_EXPECT_EQ(t, copy_from_user(buf, (void *)UA_NONCANONICAL, 1), -EFAULT);
	KT_EXPECT_EQ(t, copy_to_user((void *)UA_NONCANON_HIGH, buf, 1), -EFAULT);
	KT_EXPECT_EQ(t, strncpy_from_user(buf, (char *)UA_NONCANONICAL, 8), -EFAULT);
}

KTEST(uaccess, overflow_and_straddle_are_efault)
{
	char buf[8];

	/* Wraps past 2^64. */
	KT_EXPECT_EQ(t, copy_from_user(buf, (void *)0x1000, ~0UL), -EFAULT);
	/* Starts in user space, ends in the non-canonical hole. */
	KT_EXPECT_EQ(t, copy_from_user(buf, (void *)(USER_SPACE_END - 4), 8), -EFAULT);
	KT_EXPECT_EQ(t, copy_to_user((void *)(USER_SPACE_END - 1), buf, 2), -EFAULT);
	KT_EXPECT(t, access_ok(USER_SPACE_END - 8, 8));
	KT_EXPECT(t, !access_ok(USER_SPACE_END - 8, 9));
}
