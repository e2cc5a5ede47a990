/*
 * A process's virtual memory areas (which ranges of its user half may be
 * touched, how, and where their pages come from), the user page-fault
 * handler that fills them on first touch, and copy-on-write page sharing
 * for fork. Documentation/memory.md, "User memory".
 */
#ifndef MM_VMA_H
#define MM_VMA_H

#include <tessera/types.h>

struct file;
struct process;
struct pt_regs;

/* Access rights of an area: Linux's PROT_* values. */
#define VMA_READ    0x1
#define VMA_WRITE   0x2
#define VMA_EXEC    0x4
#define VMA_PROT_MASK (VMA_READ | VMA_WRITE | VMA_EXEC)

/* Kinds of area (flags); a file pointer makes an area file-backed. */
#define VMA_ANON    (1u << 0)   /* pages not yet there are zero-filled on first touch */
#define VMA_STACK   (1u << 1)   /* the user stack: never merged with a neighbour */
#define VMA_SHARED  (1u << 2)   /* MAP_SHARED of a file: may never become writable */

/* The user stack: an area of this size below USER_STACK_TOP, pages on first touch. */
#define USER_STACK_MAX  (8UL << 20)

struct vma {
	struct vma *next;           /* sorted by start; areas never overlap */
	u64 start, end;             /* page-aligned, [start, end) */
	unsigned int prot;          /* VMA_READ | VMA_WRITE | VMA_EXEC; 0 is PROT_NONE */
	unsigned int flags;         /* VMA_ANON, VMA_STACK, VMA_SHARED */
	struct file *file;          /* file-backed: missing pages are read from it (a reference) */
	u64 offset;                 /* the file offset of start */
};

/* All areas of one address space. A zeroed struct is an empty set. */
struct vm_areas {
	struct vma *head;
	unsigned int count;
	u32 seq;                    /* bumped on every change: a fault that slept re-checks */
};

/* --- the list itself (mm/vma.c); callers serialise changes to one set --- */

/* The area holding addr, or NULL. */
struct vma *vma_find(struct vm_areas *a, u64 addr);
/* The lowest area overlapping [start, end), or NULL. */
struct vma *vma_overlap(struct vm_areas *a, u64 start, u64 end);
/* True when areas cover every page of [start, end). */
bool vma_covers(struct vm_areas *a, u64 start, u64 end);
/*
 * Adds [start, end) (page-aligned, free); takes its own reference on file.
 * Merges with neighbours that continue it. 0, -EEXIST (overlap) or -ENOMEM.
 */
int vma_insert(struct vm_areas *a, u64 start, u64 end, unsigned int prot, unsigned int flags,
	       struct file *file, u64 offset);
/* Removes [start, end) from the areas, splitting those across its ends. 0 or -ENOMEM. */
int vma_remove(struct vm_areas *a, u64 start, u64 end);
/* New rights for [start, end), which areas must cover. 0 or -ENOMEM. */
int vma_protect(struct vm_areas *a, u64 start, u64 end, unsigned int prot);
/* The highest free [x, x + len) below top and at or above bottom: x, or 0 when none. */
u64 vma_find_gap(struct vm_areas *a, u64 bottom, u64 top, u64 len);
/* dst (empty) gets a copy of every area of src. 0 or -ENOMEM (dst is then released). */
int vma_copy(struct vm_areas *dst, const struct vm_areas *src);
/* Frees every area (and its file reference). */
void vma_release(struct vm_areas *a);

/* --- a process's user memory (mm/uvm.c): areas and page tables together --- */

/* A new area in p with no pages yet (they come on first touch). As vma_insert. */
int vm_map(struct process *p, u64 start, u64 end, unsigned int prot, unsigned int flags,
	   struct file *file, u64 offset);
/* Removes areas and pages in [start, end); a frame is freed with its last user. 0 or -ENOMEM. */
int vm_unmap(struct process *p, u64 start, u64 end);
/* mprotect: -ENOMEM when part of [start, end) is unmapped, -EACCES to write a shared file. */
int vm_protect(struct process *p, u64 start, u64 end, unsigned int prot);
/* Every area and page of p (exit, exec). */
void vm_release(struct process *p);
/*
 * fork: the child (empty) gets the parent's areas and pages. With
 * CONFIG_COW the pages are shared read-only and counted (mm/cow.c), else
 * copied. 0 or -ENOMEM; on error the child's part is left for vm_release.
 */
int vm_space_fork(struct process *child, struct process *parent);

/*
 * The page-fault hook (mm/fault.c), called for every #PF with CR2. Handles
 * user-half faults from user mode and from copy_*_user (kernel code with an
 * exception-table entry): demand-zero, file fill, copy-on-write break.
 * Returns true when the access can be retried. A user-mode fault it cannot
 * resolve kills the process here (SIGSEGV, SIGBUS past end of file,
 * SIGKILL when out of memory); a kernel-mode one returns false, so the
 * caller applies the fixup (-EFAULT).
 */
bool vm_fault_handle(struct pt_regs *regs, u64 cr2);

/*
 * The zeroed frame that read faults on anonymous areas map read-only, so
 * reading memory never written costs no page; a write replaces it. Never
 * freed or counted. PMM_NO_PAGE (0) until the first such fault.
 */
extern phys_addr_t vm_zero_frame;

/* --- copy-on-write frame counts (mm/cow.c, CONFIG_COW) --- */

/* One more user of frame pa. False when it cannot be counted: copy instead. */
bool cow_page_share(phys_addr_t pa);
/* True when another address space maps pa too. */
bool cow_page_shared(phys_addr_t pa);
/* One user fewer; the last one frees the frame. */
void cow_page_put(phys_addr_t pa);

#endif
