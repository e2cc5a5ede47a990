/*
 * Page-table operations on any address space: walking and creating tables,
 * splitting large pages, map/unmap/protect/translate with TLB invalidation,
 * and struct vm_space (own PML4, kernel half copied) for processes.
 */
#include "internal.h"
#include <mm/pmm.h>
#include <tessera/errno.h>
#include <lib/string.h>

/* Upper levels allow everything; the leaf entry alone restricts (SDM 4.6). */
#define TABLE_BITS          (PTE_PRESENT | PTE_WRITE)
#define PML4_KERNEL_FIRST   256
#define SIGN_EXTEND_HIGH    0xffff000000000000UL
#define PTE_HUGE_PAT        (1ULL << 12)

u64 pte_nx_mask;
u64 pte_global_mask;
bool kernel_half_sealed;

static bool is_kernel(u64 va)
{
	return va >= KERNEL_SPACE_START;
}

static pte_t *table_of(pte_t e)
{
	return phys_to_virt(e & PTE_ADDR_MASK);
}

/* A zeroed page for a page table, or 0. */
static phys_addr_t table_alloc(void)
{
	phys_addr_t pa = pmm_alloc_pages(0);

	if (pa != PMM_NO_PAGE)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

void vmm_flush(struct vm_space *vs, u64 va)
{
	if (is_kernel(va) || (read_cr3() & PTE_ADDR_MASK) == vs->pml4_phys)
		invlpg(va);
}

pte_t vmm_leaf_bits(unsigned int flags, u64 va)
{
	pte_t bits = PTE_PRESENT;

	if (flags & VM_WRITE)
		bits |= PTE_WRITE;
	if (!(flags & VM_EXEC))
		bits |= pte_nx_mask;
	if (flags & VM_USER)
		bits |= PTE_USER;
	if (flags & VM_NOCACHE)
		bits |= PTE_PCD | PTE_PWT;
	if (is_kernel(va))
		bits |= pte_global_mask;
	return bits;
}

/*
 * Replaces the large page *e (level 3 or 2) with a table of the next size
 * down that maps the same memory with the same bits, then drops the old
 * TLB entry (one invlpg covers a large page, SDM 4.10.4.1).
 */
static int split(struct vm_space *vs, pte_t *e, int level, u64 va)
{
	phys_addr_t t = table_alloc();
	u64 step = pt_level_size(level - 1);
	pte_t old = *e, bits, *child;
	u64 frame = pte_addr(old, level);

	if (t == PMM_NO_PAGE)
		return -ENOMEM;
	bits = old & ~PTE_HUGE_ADDR_MASK & ~PTE_HUGE_PAT;
	if (level - 1 == 1)
		bits &= ~PTE_HUGE;
	child = phys_to_virt(t);
	for (int i = 0; i < PT_ENTRIES; i++)
		child[i] = (frame + i * step) | bits;
	*e = t | TABLE_BITS | (old & PTE_USER);
	vmm_flush(vs, va & ~(pt_level_size(level) - 1));
	return 0;
}

pte_t *vmm_entry(struct vm_space *vs, u64 va, int level, bool alloc, int *err)
{
	pte_t *table = vs->pml4;

	*err = 0;
	for (int l = PT_LEVELS; l > level; l--) {
		pte_t *e = &table[pt_index(va, l)];

		if (!(*e & PTE_PRESENT)) {
			phys_addr_t t;

			if (!alloc)
				return NULL;
			if (l == PT_LEVELS && is_kernel(va) && kernel_half_sealed) {
				*err = -EINVAL;     /* copies in other vm_spaces would miss it */
				return NULL;
			}
			t = table_alloc();
			if (t == PMM_NO_PAGE) {
				*err = -ENOMEM;
				return NULL;
			}
			*e = t | TABLE_BITS | (is_kernel(va) ? 0 : PTE_USER);
		} else if (*e & PTE_HUGE) {
			if (!alloc)
				return NULL;
			*err = split(vs, e, l, va);
			if (*err)
				return NULL;
		}
		table = table_of(*e);
	}
	return &table[pt_index(va, level)];
}

/* The present leaf for va, or NULL with *level = where the walk found nothing. */
pte_t *vmm_lookup(struct vm_space *vs, u64 va, int *level)
{
	pte_t *table = vs->pml4;

	for (int l = PT_LEVELS; l >= 1; l--) {
		pte_t *e = &table[pt_index(va, l)];

		*level = l;
		if (!(*e & PTE_PRESENT))
			return NULL;
		if (pte_is_leaf(*e, l))
			return e;
		table = table_of(*e);
	}
	return NULL;
}

/* Page-aligned, non-empty, and inside one half of the address space. */
static int check_range(u64 va, u64 size, unsigned int flags)
{
	if ((va | size) & (PAGE_SIZE - 1) || size == 0 || va + size - 1 < va)
		return -EINVAL;
	if (is_kernel(va))
		return flags & VM_USER ? -EINVAL : 0;
	return va + size <= USER_SPACE_END ? 0 : -EINVAL;
}

int vmm_map(struct vm_space *vs, u64 va, phys_addr_t pa, u64 size, unsigned int flags)
{
	int err = check_range(va, size, flags);
	pte_t bits = vmm_leaf_bits(flags, va);

	if (err || (pa & (PAGE_SIZE - 1)))
		return err ? err : -EINVAL;
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		pte_t *e = vmm_entry(vs, va + off, 1, true, &err);

		if (!e || (*e & PTE_PRESENT)) {
			if (e)
				err = -EEXIST;
			if (off)
				vmm_unmap(vs, va, off);
			return err;
		}
		*e = (pa + off) | bits;
		vmm_flush(vs, va + off);
	}
	return 0;
}

/*
 * Applies `bits` (0: unmap) to every present page in [va, va + size). A
 * large page wholly inside the range is changed as one; one the range only
 * partly covers is split first.
 */
static int change_range(struct vm_space *vs, u64 va, u64 size, pte_t bits)
{
	for (u64 off = 0; off < size;) {
		u64 a = va + off, lsz;
		int level, err;
		pte_t *e = vmm_lookup(vs, a, &level);

		lsz = pt_level_size(level);
		if (!e) {                       /* nothing mapped up to the next boundary */
			off = ((a | (lsz - 1)) + 1) - va;
			continue;
		}
		if (level > 1 && ((a & (lsz - 1)) || size - off < lsz)) {
			e = vmm_entry(vs, a, 1, true, &err);
			if (!e)
				return err;
			level = 1;
			lsz = PAGE_SIZE;
		}
		if (bits)
			*e = pte_addr(*e, level) | bits | (level > 1 ? PTE_HUGE : 0);
		else
			*e = 0;
		vmm_flush(vs, a);
		off += lsz;
		if (off < lsz)                  /* wrapped past the top of the address space */
			break;
	}
	return 0;
}

int vmm_unmap(struct vm_space *vs, u64 va, u64 size)
{
	int err = check_range(va, size, 0);

	return err ? err : change_range(vs, va, size, 0);
}

int vmm_protect(struct vm_space *vs, u64 va, u64 size, unsigned int flags)
{
	int err = check_range(va, size, flags);

	return err ? err : change_range(vs, va, size, vmm_leaf_bits(flags, va));
}

int vmm_translate(struct vm_space *vs, u64 va, phys_addr_t *pa, u64 *pte)
{
	int level;
	pte_t *e = vmm_lookup(vs, va, &level);

	if (!e)
		return -ENOENT;
	if (pa)
		*pa = pte_addr(*e, level) + (va & (pt_level_size(level) - 1));
	if (pte)
		*pte = *e;
	return 0;
}

/* Visits the present leaves of one table; `last` is inclusive so the top page works. */
static void walk_table(pte_t *table, int level, u64 base, u64 start, u64 last,
		       vmm_leaf_fn fn, void *arg)
{
	u64 sz = pt_level_size(level);

	for (int i = 0; i < PT_ENTRIES; i++) {
		u64 va = base + i * sz;
		pte_t e = table[i];

		if (level == PT_LEVELS && i >= PML4_KERNEL_FIRST)
			va |= SIGN_EXTEND_HIGH;
		if (va + (sz - 1) < start || va > last || !(e & PTE_PRESENT))
			continue;
		if (pte_is_leaf(e, level))
			fn(va, sz, e, arg);
		else
			walk_table(table_of(e), level - 1, va, start, last, fn, arg);
	}
}

void vmm_walk(struct vm_space *vs, u64 start, u64 end, vmm_leaf_fn fn, void *arg)
{
	walk_table(vs->pml4, PT_LEVELS, 0, start, end - 1, fn, arg);
}

int vm_space_init(struct vm_space *vs)
{
	phys_addr_t t = table_alloc();

	if (t == PMM_NO_PAGE)
		return -ENOMEM;
	vs->pml4_phys = t;
	vs->pml4 = phys_to_virt(t);
	memcpy(vs->pml4 + PML4_KERNEL_FIRST, kernel_space.pml4 + PML4_KERNEL_FIRST,
	       (PT_ENTRIES - PML4_KERNEL_FIRST) * sizeof(pte_t));
	return 0;
}

/* Frees the tables below `table` (at `level`), not the pages they map. */
static void free_tables(pte_t *table, int level)
{
	for (int i = 0; i < PT_ENTRIES; i++) {
		pte_t e = table[i];

		if (!(e & PTE_PRESENT) || pte_is_leaf(e, level))
			continue;
		if (level > 2)
			free_tables(table_of(e), level - 1);
		pmm_free_pages(e & PTE_ADDR_MASK, 0);
	}
}

void vm_space_destroy(struct vm_space *vs)
{
	if (vs == &kernel_space || !vs->pml4)
		return;
	if ((read_cr3() & PTE_ADDR_MASK) == vs->pml4_phys)
		vm_space_switch(&kernel_space);
	for (int i = 0; i < PML4_KERNEL_FIRST; i++) {
		pte_t e = vs->pml4[i];

		if (!(e & PTE_PRESENT))
			continue;
		free_tables(table_of(e), PT_LEVELS - 1);
		pmm_free_pages(e & PTE_ADDR_MASK, 0);
	}
	pmm_free_pages(vs->pml4_phys, 0);
	vs->pml4 = NULL;
	vs->pml4_phys = 0;
}

void vm_space_switch(struct vm_space *vs)
{
	write_cr3(vs->pml4_phys);
}
