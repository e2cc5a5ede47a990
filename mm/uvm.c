/*
 * A process's user memory as areas plus page tables: map/unmap/protect of
 * areas with the pages under them, release at exit and exec, and the
 * address-space copy of fork (shared copy-on-write, or copied eagerly).
 */
#include "internal.h"
#include <lib/string.h>
#include <mm/pmm.h>
#include <mm/vma.h>
#include <tessera/errno.h>
#include <tessera/process.h>

typedef void (*uvm_pte_fn)(pte_t *e, u64 va, void *arg);

/* Calls fn for every present 4 KiB entry of the user half in [start, end). */
static void walk(pte_t *table, int level, u64 base, u64 start, u64 end, uvm_pte_fn fn,
		 void *arg)
{
	u64 sz = pt_level_size(level);
	int entries = level == PT_LEVELS ? PT_ENTRIES / 2 : PT_ENTRIES;

	for (int i = 0; i < entries; i++) {
		u64 va = base + i * sz;
		pte_t *e = &table[i];

		if (va + sz <= start || va >= end || !(*e & PTE_PRESENT))
			continue;
		if (level == 1)
			fn(e, va, arg);
		else if (!pte_is_leaf(*e, level))    /* user mappings are all 4 KiB */
			walk(phys_to_virt(*e & PTE_ADDR_MASK), level - 1, va, start, end, fn, arg);
	}
}

static void uvm_walk(struct vm_space *vs, u64 start, u64 end, uvm_pte_fn fn, void *arg)
{
	walk(vs->pml4, PT_LEVELS, 0, start, end, fn, arg);
}

static void put_frame(phys_addr_t pa)
{
	if (pa == vm_zero_frame)
		return;
	if (IS_ENABLED(CONFIG_COW))
		cow_page_put(pa);
	else
		pmm_free_pages(pa, 0);
}

static void unmap_pte(pte_t *e, u64 va, void *arg)
{
	phys_addr_t pa = *e & PTE_ADDR_MASK;

	*e = 0;
	vmm_flush(arg, va);
	put_frame(pa);
}

/* PTE bits for an area's rights. PROT_NONE keeps the page present for the kernel only. */
static pte_t prot_bits(unsigned int prot, bool writable)
{
	unsigned int flags = prot ? VM_USER : 0;

	if ((prot & VMA_WRITE) && writable)
		flags |= VM_WRITE;
	if (prot & VMA_EXEC)
		flags |= VM_EXEC;
	return vmm_leaf_bits(flags, 0);
}

struct protect_ctx {
	struct vm_space *vs;
	unsigned int prot;
};

/* A frame another address space shares stays read-only: the write fault copies it. */
static void protect_pte(pte_t *e, u64 va, void *arg)
{
	struct protect_ctx *c = arg;
	phys_addr_t pa = *e & PTE_ADDR_MASK;
	bool shared = pa == vm_zero_frame || (IS_ENABLED(CONFIG_COW) && cow_page_shared(pa));

	*e = pa | prot_bits(c->prot, !shared);
	vmm_flush(c->vs, va);
}

int vm_map(struct process *p, u64 start, u64 end, unsigned int prot, unsigned int flags,
	   struct file *file, u64 offset)
{
	if (start == end)
		return 0;
	return vma_insert(&p->areas, start, end, prot, flags, file, offset);
}

int vm_unmap(struct process *p, u64 start, u64 end)
{
	int err = vma_remove(&p->areas, start, end);

	if (err)
		return err;
	uvm_walk(&p->vm, start, end, unmap_pte, &p->vm);
	return 0;
}

int vm_protect(struct process *p, u64 start, u64 end, unsigned int prot)
{
	struct protect_ctx c = { &p->vm, prot & VMA_PROT_MASK };
	int err;

	if (!vma_covers(&p->areas, start, end))
		return -ENOMEM;
	if (prot & VMA_WRITE)
		for (struct vma *v = vma_overlap(&p->areas, start, end); v && v->start < end;
		     v = v->next)
			if (v->flags & VMA_SHARED)
				return -EACCES;
	err = vma_protect(&p->areas, start, end, prot);
	if (!err)
		uvm_walk(&p->vm, start, end, protect_pte, &c);
	return err;
}

void vm_release(struct process *p)
{
	uvm_walk(&p->vm, 0, USER_SPACE_END, unmap_pte, &p->vm);
	vma_release(&p->areas);
}

struct fork_ctx {
	struct vm_space *child;
	bool share;
	int err;
};

/* The child's entry for va, its tables made as needed. */
static pte_t *child_pte(struct fork_ctx *c, u64 va)
{
	int err;
	pte_t *e = vmm_entry(c->child, va, 1, true, &err);

	if (!e)
		c->err = err;
	return e;
}

static void fork_pte(pte_t *e, u64 va, void *arg)
{
	struct fork_ctx *c = arg;
	phys_addr_t pa = *e & PTE_ADDR_MASK, copy;
	pte_t *ce = c->err ? NULL : child_pte(c, va);

	if (!ce)
		return;
	if (pa == vm_zero_frame) {
		*ce = *e;
		return;
	}
	if (IS_ENABLED(CONFIG_COW) && c->share && cow_page_share(pa)) {
		*e &= ~PTE_WRITE;               /* both sides: the first write copies */
		*ce = *e;
		return;
	}
	copy = pmm_alloc_pages(0);
	if (copy == PMM_NO_PAGE) {
		c->err = -ENOMEM;
		return;
	}
	memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
	*ce = copy | (*e & ~PTE_ADDR_MASK);
}

int vm_space_fork(struct process *child, struct process *parent)
{
	struct fork_ctx c = { &child->vm, IS_ENABLED(CONFIG_COW), 0 };

	c.err = vma_copy(&child->areas, &parent->areas);
	if (c.err)
		return c.err;
	uvm_walk(&parent->vm, 0, USER_SPACE_END, fork_pte, &c);
	/* Parent entries lost their write bit: one flush instead of an invlpg each. */
	if (c.share && (read_cr3() & PTE_ADDR_MASK) == parent->vm.pml4_phys)
		write_cr3(read_cr3());
	return c.err;
}
