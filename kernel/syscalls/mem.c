/*
 * Memory system calls: the brk heap, private mmap (anonymous, or of a
 * regular file), munmap and mprotect. Each only changes the process's
 * areas (mm/vma.h); pages arrive on first touch (mm/fault.c).
 */
#include <mm/vma.h>
#include <tessera/errno.h>
#include "internal.h"

#define PROT_WRITE      0x2
#define PROT_EXEC       0x4
#define MAP_SHARED      0x01
#define MAP_PRIVATE     0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE        0x0f
#define MAP_FIXED       0x10
#define MAP_ANONYMOUS   0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define BRK_MAX         (1UL << 30)      /* the heap may not grow past 1 GiB */

static u64 page_up(u64 v)
{
	return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* Linux semantics: returns the new break, or the old one when it cannot move. */
SYSCALL(brk)
{
	struct process *p = process_vm_owner(current_process());
	u64 want = SC_ARG0(regs);
	u64 old_end = page_up(p->brk), new_end = page_up(want);

	if (want < p->brk_start || want - p->brk_start > BRK_MAX)
		return p->brk;
	if (new_end > old_end &&
	    vm_map(p, old_end, new_end, VMA_READ | VMA_WRITE, VMA_ANON, NULL, 0))
		return p->brk;              /* out of memory, or a mapping is in the way */
	if (new_end < old_end && vm_unmap(p, new_end, old_end))
		return p->brk;
	p->brk = want;
	return p->brk;
}

/*
 * Only private mappings of regular files, and shared ones that can never
 * be written: without a page cache, a shared writable mapping could not
 * show other processes' writes, nor write its own back.
 */
static long file_area_ok(struct file *f, u64 prot, bool shared, u64 off)
{
	struct stat st;
	int err;

	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EACCES;
	err = vfs_fstat(f, &st);
	if (err)
		return err;
	if (!S_ISREG(st.st_mode) || (shared && (prot & PROT_WRITE)))
		return -ENODEV;
	return 0;
}

static long map_area(struct process *p, u64 addr, u64 len, u64 prot, bool shared, bool anon,
		     int fd, u64 off)
{
	struct file *f;
	long err;

	if (anon)
		return shared ? -ENODEV : vm_map(p, addr, addr + len, prot, VMA_ANON, NULL, 0);
	f = fd_get(&current_process()->files, fd);     /* the caller's fds, even in a vfork child */
	if (!f)
		return -EBADF;
	err = file_area_ok(f, prot, shared, off);
	if (!err)
		err = vm_map(p, addr, addr + len, prot, shared ? VMA_SHARED : 0, f, off);
	file_put(f);
	return err;
}

SYSCALL(mmap)
{
	struct process *p = process_vm_owner(current_process());
	u64 addr = SC_ARG0(regs), len = page_up(SC_ARG1(regs));
	u64 prot = SC_ARG2(regs) & VMA_PROT_MASK, flags = SC_ARG3(regs);
	u64 type = flags & MAP_TYPE;
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	long err;

	if (!len || SC_ARG1(regs) > USER_SPACE_END)
		return len ? -ENOMEM : -EINVAL;
	if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;         /* W^X for user pages too */
	if (fixed) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (!access_ok(addr, len) || addr < PAGE_SIZE)
			return -ENOMEM;     /* Linux: no room for the mapping there */
		if (flags & MAP_FIXED) {
			err = vm_unmap(p, addr, addr + len);
			if (err)
				return err;
		}
	} else {
		/* Top down from mmap_next, above the room the heap may grow into. */
		addr = vma_find_gap(&p->areas, p->brk_start + BRK_MAX, p->mmap_next, len);
		if (!addr)
			return -ENOMEM;
	}
	err = map_area(p, addr, len, prot, type != MAP_PRIVATE, flags & MAP_ANONYMOUS,
		       (int)SC_ARG4(regs), SC_ARG5(regs));
	return err ? err : (long)addr;
}

SYSCALL(munmap)
{
	u64 addr = SC_ARG0(regs), len = page_up(SC_ARG1(regs));

	if (addr & (PAGE_SIZE - 1) || !len || !access_ok(addr, len))
		return -EINVAL;
	return vm_unmap(process_vm_owner(current_process()), addr, addr + len);
}

SYSCALL(mprotect)
{
	u64 addr = SC_ARG0(regs), len = page_up(SC_ARG1(regs));
	u64 prot = SC_ARG2(regs) & VMA_PROT_MASK;

	if (addr & (PAGE_SIZE - 1) || !access_ok(addr, len))
		return -EINVAL;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;
	if (!len)
		return 0;
	return vm_protect(process_vm_owner(current_process()), addr, addr + len, prot);
}
