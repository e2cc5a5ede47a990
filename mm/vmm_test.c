/*
 * KTESTs of the kernel's page tables: W^X proven by walking every kernel
 * mapping, the layout paging_init() promises (no identity map, guard page,
 * NX direct map), and vmm_map/unmap/protect, vm_space and kernel stacks.
 */
#include <mm/pmm.h>
#include <mm/vmm.h>
#include <asm/extable.h>
#include <asm/pgtable.h>
#include <asm/traps.h>
#include <tessera/bootinfo.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/printk.h>
#include "internal.h"

/* A corner of the kernel virtual area past the stacks, free for tests. */
#define TEST_VA         (VMAP_BASE + (1ULL << 30))
#define USER_TEST_VA    0x400000UL
#define CR4_SMAP        (1ULL << 21)
#define IDENTITY_PROBE  0x100000UL      /* where head32.asm ran, 1 MiB */

extern char _stext[], _etext[], _srodata[], _sdata[], _end[];
extern u8 boot_stack_guard[];
static u64 test_data_word = 1;          /* lives in .data */

struct wx_scan {
	u64 leaves, wx, first_wx;
};

static void wx_leaf(u64 va, u64 size, u64 pte, void *arg)
{
	struct wx_scan *s = arg;

	(void)size;
	s->leaves++;
	if ((pte & PTE_WRITE) && !(pte & PTE_NX)) {
		if (!s->wx++)
			s->first_wx = va;
	}
}

/* Every present kernel mapping is read-only or non-executable. */
KTEST(paging, wx_no_page_writable_and_executable)
{
	struct wx_scan s = { 0, 0, 0 };

	if (!paging_nx_enabled())
		KT_SKIP(t, "the CPU has no NX: W^X cannot hold");
	vmm_walk(&kernel_space, KERNEL_SPACE_START, 0, wx_leaf, &s);
	if (s.wx)
		ktest_fail(t, __FILE__, __LINE__, "%llu W+X mappings, first at %#llx",
			   (unsigned long long)s.wx, (unsigned long long)s.first_wx);
	KT_EXPECT(t, s.leaves > 0);
	pr_info("paging: W^X holds over %llu kernel mappings\n", (unsigned long long)s.leaves);
}

static u64 pte_at(u64 va)
{
	u64 pte = 0;

	return vmm_translate(&kernel_space, va, NULL, &pte) == 0 ? pte : 0;
}

KTEST(paging, sections_have_their_rights)
{
	u64 text = pte_at((u64)_stext), ro = pte_at((u64)_srodata);
	u64 data = pte_at((u64)&test_data_word), dm = pte_at((u64)phys_to_virt(0));

	KT_EXPECT(t, (text & PTE_PRESENT) && !(text & PTE_WRITE) && !(text & PTE_NX));
	KT_EXPECT(t, (ro & PTE_PRESENT) && !(ro & PTE_WRITE));
	KT_EXPECT(t, (data & PTE_PRESENT) && (data & PTE_WRITE));
	KT_EXPECT(t, (dm & PTE_PRESENT) && (dm & PTE_WRITE));
	if (paging_nx_enabled())
		KT_EXPECT(t, (ro & PTE_NX) && (data & PTE_NX) && (dm & PTE_NX));
}

/* Writing to text faults (and the fixup keeps us alive): CR0.WP is on. */
KTEST(paging, text_write_faults)
{
	u64 *addr = (u64 *)_stext, old = *addr, seq = trap_last()->seq;

	KT_EXPECT_EQ(t, probe_write_u64(addr, old), -EFAULT);
	KT_EXPECT_EQ(t, trap_last()->seq, seq + 1);
	KT_EXPECT_EQ(t, trap_last()->vector, X86_TRAP_PF);
	KT_EXPECT_EQ(t, trap_last()->error_code & (PF_PRESENT | PF_WRITE), PF_PRESENT | PF_WRITE);
}

KTEST(paging, identity_map_and_boot_gone)
{
	u64 val;
	int used = 0;

	for (int i = 0; i < 256; i++)
		used += kernel_space.pml4[i] != 0;
	KT_EXPECT_EQ(t, used, 0);
	KT_EXPECT_EQ(t, probe_read_u64((void *)IDENTITY_PROBE, &val), -EFAULT);
	KT_EXPECT_EQ(t, read_cr3() & PTE_ADDR_MASK, kernel_space.pml4_phys);
}

KTEST(paging, boot_stack_guard_unmapped)
{
	u64 val;

	KT_EXPECT_EQ(t, vmm_translate(&kernel_space, (u64)boot_stack_guard, NULL, NULL), -ENOENT);
	KT_EXPECT_EQ(t, probe_read_u64(boot_stack_guard, &val), -EFAULT);
	KT_EXPECT_EQ(t, pte_at((u64)boot_stack_guard + PAGE_SIZE) & PTE_PRESENT, PTE_PRESENT);
}

/* The last page of every usable range is in the direct map, at the right frame. */
KTEST(paging, direct_map_covers_ram)
{
	for (u32 i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *e = &boot_info.mmap[i];
		u64 last = ALIGN_DOWN(e->addr + e->len, PAGE_SIZE) - PAGE_SIZE;
		phys_addr_t pa = 0;
		int err;

		if (e->type != BOOT_MEM_AVAILABLE || e->len < PAGE_SIZE)
			continue;
		err = vmm_translate(&kernel_space, (u64)phys_to_virt(last), &pa, NULL);
		/* DEBUG_PAGEALLOC unmaps free pages; those are present only when handed out. */
		if (err == -ENOENT && IS_ENABLED(CONFIG_DEBUG_PAGEALLOC))
			continue;
		KT_EXPECT_EQ(t, err, 0);
		KT_EXPECT_EQ(t, pa, last);
	}
}

KTEST(paging, map_protect_unmap)
{
	phys_addr_t pa = pmm_alloc_pages(0), got;
	volatile u64 *va = (volatile u64 *)TEST_VA;
	u64 val;

	if (pa == PMM_NO_PAGE)
		KT_SKIP(t, "no free page");
	KT_EXPECT_EQ(t, vmm_map(&kernel_space, TEST_VA, pa, PAGE_SIZE, VM_WRITE), 0);
	*va = 0x1234;
	KT_EXPECT_EQ(t, *(u64 *)phys_to_virt(pa), 0x1234);
	KT_EXPECT_EQ(t, vmm_translate(&kernel_space, TEST_VA + 8, &got, NULL), 0);
	KT_EXPECT_EQ(t, got, pa + 8);
	KT_EXPECT_EQ(t, vmm_map(&kernel_space, TEST_VA, pa, PAGE_SIZE, 0), -EEXIST);
	KT_EXPECT_EQ(t, vmm_map(&kernel_space, TEST_VA + 1, pa, PAGE_SIZE, 0), -EINVAL);
	KT_EXPECT_EQ(t, vmm_map(&kernel_space, TEST_VA, pa, PAGE_SIZE, VM_USER), -EINVAL);

	KT_EXPECT_EQ(t, vmm_protect(&kernel_space, TEST_VA, PAGE_SIZE, 0), 0);
	KT_EXPECT_EQ(t, probe_write_u64((void *)va, 1), -EFAULT);
	KT_EXPECT_EQ(t, probe_read_u64((void *)va, &val), 0);
	KT_EXPECT_EQ(t, val, 0x1234);
	KT_EXPECT_EQ(t, vmm_protect(&kernel_space, TEST_VA, PAGE_SIZE, VM_WRITE), 0);
	KT_EXPECT_EQ(t, probe_write_u64((void *)va, 2), 0);

	KT_EXPECT_EQ(t, vmm_unmap(&kernel_space, TEST_VA, PAGE_SIZE), 0);
	KT_EXPECT_EQ(t, probe_read_u64((void *)va, &val), -EFAULT);
	KT_EXPECT_EQ(t, vmm_translate(&kernel_space, TEST_VA, NULL, NULL), -ENOENT);
	pmm_free_pages(pa, 0);
}

/* Protecting one 4 KiB page inside a 2 MiB direct-map page splits it, keeping the rest. */
KTEST(paging, split_large_page)
{
	phys_addr_t block = pmm_alloc_pages(9), pa;
	u64 base, mid, pte;

	if (block == PMM_NO_PAGE)
		KT_SKIP(t, "no free 2 MiB block");
	base = (u64)phys_to_virt(block);
	mid = base + 17 * PAGE_SIZE;
	KT_EXPECT_EQ(t, vmm_protect(&kernel_space, mid, PAGE_SIZE, 0), 0);
	KT_EXPECT_EQ(t, probe_write_u64((void *)mid, 0), -EFAULT);
	KT_EXPECT_EQ(t, probe_write_u64((void *)(mid + PAGE_SIZE), 0), 0);
	KT_EXPECT_EQ(t, probe_write_u64((void *)(mid - PAGE_SIZE), 0), 0);
	for (u64 off = 0; off < PAGE_SIZE_2M; off += 61 * PAGE_SIZE) {
		KT_EXPECT_EQ(t, vmm_translate(&kernel_space, base + off, &pa, &pte), 0);
		KT_EXPECT_EQ(t, pa, block + off);
	}
	KT_EXPECT_EQ(t, vmm_protect(&kernel_space, mid, PAGE_SIZE, VM_WRITE), 0);
	KT_EXPECT_EQ(t, probe_write_u64((void *)mid, 0), 0);
	pmm_free_pages(block, 9);
}

/* A process address space: own user half, the kernel half shared. */
KTEST(paging, vm_space)
{
	struct vm_space vs;
	struct pmm_stats before, after;
	phys_addr_t pa = pmm_alloc_pages(0), got;

	if (pa == PMM_NO_PAGE)
		KT_SKIP(t, "no free page");
	pmm_get_stats(&before);
	KT_EXPECT_EQ(t, vm_space_init(&vs), 0);
	for (int i = 0; i < 512; i++)
		KT_EXPECT_EQ(t, vs.pml4[i], i < 256 ? 0 : kernel_space.pml4[i]);
	KT_EXPECT_EQ(t, vmm_map(&vs, USER_TEST_VA, pa, PAGE_SIZE, VM_WRITE | VM_USER), 0);
	KT_EXPECT_EQ(t, vmm_translate(&vs, USER_TEST_VA, &got, NULL), 0);
	KT_EXPECT_EQ(t, got, pa);
	KT_EXPECT_EQ(t, vmm_translate(&kernel_space, USER_TEST_VA, NULL, NULL), -ENOENT);
	KT_EXPECT_EQ(t, vmm_map(&vs, USER_SPACE_END - PAGE_SIZE, pa, 2 * PAGE_SIZE, 0), -EINVAL);
	*(u64 *)phys_to_virt(pa) = 0xfeed;
	vm_space_switch(&vs);
	/* The kernel keeps running on the shared half; SMAP would refuse the user read. */
	if (!(read_cr4() & CR4_SMAP))
		KT_EXPECT_EQ(t, *(volatile u64 *)USER_TEST_VA, 0xfeed);
	vm_space_switch(&kernel_space);
	vm_space_destroy(&vs);
	pmm_get_stats(&after);
	KT_EXPECT_EQ(t, after.free_pages, before.free_pages);
	pmm_free_pages(pa, 0);
}

KTEST(paging, kstack_guard_page)
{
	u8 *base = kstack_alloc(4);
	u64 val;

	if (!base)
		KT_SKIP(t, "no memory for a stack");
	base[0] = 1;
	base[4 * PAGE_SIZE - 1] = 2;
	KT_EXPECT_EQ(t, probe_read_u64(base - 8, &val), -EFAULT);
	KT_EXPECT_EQ(t, probe_read_u64(base, &val), 0);
	kstack_free(base, 4);
	KT_EXPECT_EQ(t, probe_read_u64(base, &val), -EFAULT);
}

KTEST(paging, debug_pagealloc_unmaps_free_pages)
{
	phys_addr_t pa;
	u64 val;

	if (!IS_ENABLED(CONFIG_DEBUG_PAGEALLOC))
		KT_SKIP(t, "CONFIG_DEBUG_PAGEALLOC is off");
	pa = pmm_alloc_pages(0);
	if (pa == PMM_NO_PAGE)
		KT_SKIP(t, "no free page");
	KT_EXPECT_EQ(t, probe_read_u64(phys_to_virt(pa), &val), 0);
	pmm_free_pages(pa, 0);
	KT_EXPECT_EQ(t, probe_read_u64(phys_to_virt(pa), &val), -EFAULT);
}

#define CR4_PGE         (1ULL << 7)

/*
 * Kernel mappings are global (they survive the CR3 load of a process
 * switch), user ones never are: a global user page would leak into the
 * next process's view.
 */
KTEST(paging, kernel_pages_global_user_pages_not)
{
	struct vm_space vs;
	phys_addr_t pa = pmm_alloc_pages(0);
	pte_t *e;
	int level;

	if (!(read_cr4() & CR4_PGE)) {
		if (pa != PMM_NO_PAGE)
			pmm_free_pages(pa, 0);
		KT_SKIP(t, "the CPU has no global pages (CPUID PGE)");
	}
	if (pa == PMM_NO_PAGE)
		KT_SKIP(t, "no free page");
	e = vmm_lookup(&kernel_space, (u64)_stext, &level);
	KT_EXPECT(t, e && (*e & PTE_GLOBAL));
	e = vmm_lookup(&kernel_space, (u64)phys_to_virt(pa), &level);
	KT_EXPECT(t, e && (*e & PTE_GLOBAL));
	KT_EXPECT_EQ(t, vm_space_init(&vs), 0);
	KT_EXPECT_EQ(t, vmm_map(&vs, USER_TEST_VA, pa, PAGE_SIZE, VM_WRITE | VM_USER), 0);
	e = vmm_lookup(&vs, USER_TEST_VA, &level);
	KT_EXPECT(t, e && !(*e & PTE_GLOBAL));
	vm_space_destroy(&vs);
	pmm_free_pages(pa, 0);
}
