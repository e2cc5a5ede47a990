/*
 * Virtual memory: the kernel's own page tables (paging_init), address spaces
 * for processes (struct vm_space: own PML4, kernel half shared), mapping
 * calls with TLB invalidation, and kernel stacks with guard pages.
 * Layout and rules: Documentation/memory.md.
 */
#ifndef MM_VMM_H
#define MM_VMM_H

#include <tessera/types.h>
#include <asm/page.h>

/*
 * The virtual layout. User space is the canonical lower half; the kernel
 * half is PML4 slots 256-511, each 512 GiB:
 *   256-383  direct map of physical memory (DIRECT_MAP_BASE, up to 64 TiB)
 *   384      kernel virtual area: kernel stacks, later vmalloc
 *   511      the kernel image (KERNEL_VMA, -mcmodel=kernel)
 */
#define USER_SPACE_END      0x0000800000000000UL
#define KERNEL_SPACE_START  0xffff800000000000UL
#define DIRECT_MAP_MAX      (64ULL << 40)
#define VMAP_BASE           0xffffc00000000000UL
#define VMAP_SIZE           (512ULL << 30)
#define KSTACK_AREA_BASE    VMAP_BASE
#define KSTACK_AREA_SIZE    (256ULL << 20)

/* vmm_map()/vmm_protect() flags. Mappings are always readable. */
#define VM_WRITE    (1u << 0)
#define VM_EXEC     (1u << 1)       /* without it, NX is set when the CPU has NX */
#define VM_USER     (1u << 2)       /* only below USER_SPACE_END */
#define VM_NOCACHE  (1u << 3)       /* device memory: uncached */

/*
 * An address space. The kernel half of every PML4 is a copy of
 * kernel_space's upper 256 entries, made at vm_space_init(); paging_init()
 * creates all of those entries up front and none is added later, so the
 * copies never go stale. Callers serialise changes to one vm_space.
 */
struct vm_space {
	u64 *pml4;                  /* through the direct map */
	phys_addr_t pml4_phys;
};

extern struct vm_space kernel_space;

/*
 * Builds kernel_space (direct map of all RAM, the image with W^X, no
 * identity map, no .boot sections) from page-allocator pages, switches to
 * it, then adds RAM above 4 GiB to the page allocator. Needs pmm_init()
 * and cpu_init() (the GDT must no longer live in .boot) first.
 */
void paging_init(void);
/* True once EFER.NXE is on and non-executable mappings really are. */
bool paging_nx_enabled(void);

/* A new address space: empty user half, shared kernel half. 0 or -ENOMEM. */
int vm_space_init(struct vm_space *vs);
/* Frees the user half's page tables (not the pages they map) and the PML4. */
void vm_space_destroy(struct vm_space *vs);
/* Loads vs into CR3. */
void vm_space_switch(struct vm_space *vs);

/*
 * Maps [va, va + size) to [pa, pa + size) with 4 KiB pages; all three
 * page-aligned. Returns 0, -EINVAL (bad range or flags), -EEXIST (a page is
 * already mapped) or -ENOMEM; on error nothing stays mapped.
 */
int vmm_map(struct vm_space *vs, u64 va, phys_addr_t pa, u64 size, unsigned int flags);
/* Unmaps what is mapped in [va, va + size), splitting large pages as needed. 0 or -errno. */
int vmm_unmap(struct vm_space *vs, u64 va, u64 size);
/* Changes the flags of every mapped page in [va, va + size). 0 or -errno. */
int vmm_protect(struct vm_space *vs, u64 va, u64 size, unsigned int flags);
/*
 * Looks va up: its physical address and the raw leaf entry (x86 PTE bits,
 * asm/pgtable.h). Returns 0, or -ENOENT when nothing is mapped there.
 */
int vmm_translate(struct vm_space *vs, u64 va, phys_addr_t *pa, u64 *pte);

/* Calls fn for every present leaf mapping that overlaps [start, end). */
typedef void (*vmm_leaf_fn)(u64 va, u64 size, u64 pte, void *arg);
void vmm_walk(struct vm_space *vs, u64 start, u64 end, vmm_leaf_fn fn, void *arg);

/*
 * A kernel stack of `pages` pages (at most KSTACK_MAX_PAGES) in the kernel
 * virtual area, with at least one unmapped guard page below it, so an
 * overflow faults. Returns the lowest usable byte (the top is base +
 * pages * PAGE_SIZE), or NULL. kstack_free takes the same base and pages.
 */
#define KSTACK_MAX_PAGES    15
void *kstack_alloc(unsigned int pages);
void kstack_free(void *base, unsigned int pages);

/* CONFIG_DEBUG_PAGEALLOC: the page allocator maps blocks it hands out and unmaps freed ones. */
void paging_debug_pagealloc(phys_addr_t pa, u64 npages, bool present);

#endif
