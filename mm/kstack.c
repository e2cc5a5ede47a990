/*
 * Kernel stacks with guard pages: each stack gets a 64 KiB slot of the
 * kernel virtual area, mapped at the top of the slot; the pages below it
 * (always at least one) stay unmapped, so an overflow faults there.
 */
#include <mm/pmm.h>
#include <mm/vmm.h>
#include <tessera/compiler.h>
#include <tessera/irq.h>

#define SLOT_PAGES      (KSTACK_MAX_PAGES + 1)
#define SLOT_SIZE       (SLOT_PAGES * PAGE_SIZE)
#define NSLOTS          (KSTACK_AREA_SIZE / SLOT_SIZE)
#define WORD_BITS       64

static u64 slot_used[NSLOTS / WORD_BITS];

static long slot_take(void)
{
	unsigned long flags = irq_save();
	long slot = -1;

	for (size_t w = 0; w < ARRAY_SIZE(slot_used) && slot < 0; w++) {
		if (slot_used[w] == ~0ULL)
			continue;
		slot = w * WORD_BITS + __builtin_ctzll(~slot_used[w]);
		slot_used[w] |= 1ULL << (slot % WORD_BITS);
	}
	irq_restore(flags);
	return slot;
}

static void slot_put(long slot)
{
	unsigned long flags = irq_save();

	slot_used[slot / WORD_BITS] &= ~(1ULL << (slot % WORD_BITS));
	irq_restore(flags);
}

/* Unmaps and frees the first `mapped` pages of a stack at base. */
static void release_pages(u64 base, unsigned int mapped)
{
	for (unsigned int i = 0; i < mapped; i++) {
		u64 va = base + i * PAGE_SIZE;
		phys_addr_t pa;

		if (vmm_translate(&kernel_space, va, &pa, NULL) == 0) {
			vmm_unmap(&kernel_space, va, PAGE_SIZE);
			pmm_free_pages(pa, 0);
		}
	}
}

void *kstack_alloc(unsigned int pages)
{
	long slot;
	u64 base;

	if (pages == 0 || pages > KSTACK_MAX_PAGES)
		return NULL;
	slot = slot_take();
	if (slot < 0)
		return NULL;
	base = KSTACK_AREA_BASE + slot * SLOT_SIZE + (SLOT_PAGES - pages) * PAGE_SIZE;
	for (unsigned int i = 0; i < pages; i++) {
		phys_addr_t pa = pmm_alloc_pages(0);

		if (pa == PMM_NO_PAGE ||
		    vmm_map(&kernel_space, base + i * PAGE_SIZE, pa, PAGE_SIZE, VM_WRITE)) {
			if (pa != PMM_NO_PAGE)
				pmm_free_pages(pa, 0);
			release_pages(base, i);
			slot_put(slot);
			return NULL;
		}
	}
	return (void *)base;
}

void kstack_free(void *base, unsigned int pages)
{
	u64 va = (u64)base;

	if (!base || va < KSTACK_AREA_BASE || va >= KSTACK_AREA_BASE + KSTACK_AREA_SIZE)
		return;
	release_pages(va, pages);
	slot_put((va - KSTACK_AREA_BASE) / SLOT_SIZE);
}
