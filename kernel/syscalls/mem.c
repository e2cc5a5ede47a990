/*
 * Memory system calls: the brk heap and private mmap (anonymous, or a
 * copy of a file), mapped eagerly; munmap and mprotect on page ranges.
 */
#include <asm/pgtable.h>
#include <lib/string.h>
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

/*
 * A private file mapping, copied in eagerly: each page is read from the
 * file through the direct map, the tail past end of file stays zero.
 */
static long map_file(struct process *p, u64 addr, u64 len, unsigned int flags, int fd,
		     u64 off)
{
	struct file *f = fd_get(&p->files, fd);
	long err = 0;

	if (!f)
		return -EBADF;
	if (off & (PAGE_SIZE - 1) || (f->flags & O_ACCMODE) == O_WRONLY)
		err = off & (PAGE_SIZE - 1) ? -EINVAL : -EACCES;
	for (u64 va = addr; !err && va < addr + len; va += PAGE_SIZE) {
		phys_addr_t pa = pmm_alloc_pages(0);
		long n;

		if (pa == PMM_NO_PAGE) {
			err = -ENOMEM;
			break;
		}
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		n = kernel_read(f, phys_to_virt(pa), PAGE_SIZE, off + (va - addr));
		if (n < 0 || vmm_map(&p->vm, va, pa, PAGE_SIZE, flags | VM_USER)) {
			pmm_free_pages(pa, 0);
			err = n < 0 ? n : -ENOMEM;
		}
	}
	file_put(f);
	return err;
}

SYSCALL(mmap)
{
	struct process *p = current_process();
	u64 addr = SC_ARG0(regs), len = page_up(SC_ARG1(regs));
	u64 prot = SC_ARG2(regs), flags = SC_ARG3(regs);
	long err;

	if (!len)
		return -EINVAL;
	if (!(flags & MAP_PRIVATE))
		return -ENODEV;             /* shared mappings need a page cache */
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;         /* W^X for user pages too */
	if (flags & MAP_FIXED) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (!access_ok(addr, len) || addr < PAGE_SIZE)
			return -ENOMEM;     /* Linux: no room for the mapping there */
		unmap_range(p, addr, addr + len);
	} else {
		if (len > p->mmap_next - p->brk_start - BRK_MAX)
			return -ENOMEM;
		addr = p->mmap_next - len;
	}
	err = flags & MAP_ANONYMOUS ?
	      process_map_anon(p, addr, len / PAGE_SIZE, prot_flags(prot)) :
	      map_file(p, addr, len, prot_flags(prot), (int)SC_ARG4(regs), SC_ARG5(regs));
	if (err) {
		unmap_range(p, addr, addr + len);
		return err;
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
