/*
 * The kernel's virtual layout (Documentation/boot.md): the image runs at
 * KERNEL_VMA + physical, and all of physical memory the boot page tables
 * cover is also reachable at DIRECT_MAP_BASE + physical.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <tessera/types.h>

#define PAGE_SIZE          4096UL
#define PAGE_SHIFT         12
#define KERNEL_VMA         0xffffffff80000000UL
#define DIRECT_MAP_BASE    0xffff800000000000UL
/* The boot page tables map the first 4 GiB into the direct map. */
#define BOOT_DIRECT_MAP_LIMIT  0x100000000UL

static inline void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(pa + DIRECT_MAP_BASE);
}

static inline phys_addr_t virt_to_phys(const void *va)
{
	u64 v = (u64)va;

	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	return v - DIRECT_MAP_BASE;
}

#endif
