/*
 * Memory system calls: the brk heap and anonymous private mmap, mapped
 * eagerly with zeroed pages; munmap and mprotect on page ranges.
 */
#include <asm/pgtable.h>
#include <mm/pmm.h>
#include <tessera/errno.h>
#include "internal.h"

#define PROT_READ       0x1
#define PROT_WRITE      0x2
#define PROT_EXEC       0x4
#define MAP_PRIVATE     0x02
#define MAP_FIXED       0x10
#define MAP_ANONYMOUS   0x20
#define BRK_MAX         (1UL << 30)      /* the heap may not grow past 1 GiB */

static u64 page_up(u64 v)
{
	return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static unsigned int prot_flags(u64 prot)
{
	return (prot & PROT_WRITE ? VM_WRITE : 0) | (prot & PROT_EXEC ? VM_EXEC : 0);
}

static void free_leaf(u64 va, u64 size, u64 pte, void *arg)
{
	(void)va;
	(void)arg;
	for (u64 off = 0; off < size; off += PAGE_SIZE)
		pmm_free_pages((pte & PTE_ADDR_MASK) + off, 0);
}

static void unmap_range(struct process *p, u64 start, u64 end)
{
	vmm_walk(&p->vm, start, end, free_leaf, NULL);
	vmm_unmap(&p->vm, start, end - start);
}

/* Linux semantics: returns the new break, or the old one when it cannot move. */
SYSCALL(brk)
{
	struct process *p = current_process();
	u64 want = SC_ARG0(regs);
	u64 old_end = page_up(p->brk), new_end = page_up(want);

	if (want < p->brk_start || want - p->brk_start > BRK_MAX)
		return p->brk;
	if (new_end > old_end &&
	    process_map_anon(p, old_end, (new_end - old_end) / PAGE_SIZE, VM_WRITE)) {
		unmap_range(p, old_end, new_end);
		return p->brk;
	}
	if (new_end < old_end)
		unmap_range(p, new_end, old_end);
	p->brk = want;
	return p->brk;
}

SYSCALL(mmap)
{
	struct process *p = current_process();
	u64 addr = SC_ARG0(regs), len = page_up(SC_ARG1(regs));
	u64 prot = SC_ARG2(regs), flags = SC_ARG3(regs);

	if (!len || !(flags & MAP_ANONYMOUS) || !(flags & MAP_PRIVATE))
		return -ENODEV;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;         /* W^X for user pages too */
	if (flags & MAP_FIXED) {
		if (addr & (PAGE_SIZE - 1) || !access_ok(addr, len) || addr < PAGE_SIZE)
			return -EINVAL;
		unmap_range(p, addr, addr + len);
	} else {
		if (len > p->mmap_next - p->brk_start - BRK_MAX)
			return -ENOMEM;
		addr = p->mmap_next - len;
	}
	if (process_map_anon(p, addr, len / PAGE_SIZE, prot_flags(prot))) {
		unmap_range(p, addr, addr + len);
		return -ENOMEM;
	}
	if (!(flags & MAP_FIXED))
		p->mmap_next = addr;
	return addr;
}

SYSCALL(munmap)
{
	u64 addr = SC_ARG0(regs), len = page_up(SC_ARG1(regs));

	if (addr & (PAGE_SIZE - 1) || !len || !access_ok(addr, len))
		return -EINVAL;
	unmap_range(current_process(), addr, addr + len);
	return 0;
}

SYSCALL(mprotect)
{
	u64 addr = SC_ARG0(regs), len = page_up(SC_ARG1(regs)), prot = SC_ARG2(regs);

	if (addr & (PAGE_SIZE - 1) || !access_ok(addr, len))
		return -EINVAL;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;
	return vmm_protect(&current_process()->vm, addr, len, prot_flags(prot) | VM_USER);
}
