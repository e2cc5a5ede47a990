/*
 * x86-64 4-level paging: entry bits, index arithmetic and the control
 * registers behind them (Intel SDM Vol. 3A 4.5, Tables 4-14 to 4-20).
 * mm/paging.c and mm/vmm.c build on it; nothing else should need it.
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H

#include <tessera/types.h>

typedef u64 pte_t;

#define PTE_PRESENT     (1ULL << 0)
#define PTE_WRITE       (1ULL << 1)
#define PTE_USER        (1ULL << 2)
#define PTE_PWT         (1ULL << 3)
#define PTE_PCD         (1ULL << 4)    /* with PWT clear: PAT entry 2, UC- (MTRRs may say WC) */
#define PTE_ACCESSED    (1ULL << 5)
#define PTE_DIRTY       (1ULL << 6)
#define PTE_HUGE        (1ULL << 7)    /* PS: a 2 MiB page in a PD, 1 GiB in a PDPT */
#define PTE_GLOBAL      (1ULL << 8)    /* kept in the TLB across CR3 loads (CR4.PGE) */
#define PTE_NX          (1ULL << 63)   /* needs EFER.NXE, else the bit is reserved */
#define PTE_ADDR_MASK   0x000ffffffffff000ULL
/* In a huge entry bit 12 is the PAT bit, so the frame starts at bit 13 (21 or 30 in use). */
#define PTE_HUGE_ADDR_MASK 0x000fffffffffe000ULL

#define PT_ENTRIES      512
#define PT_LEVELS       4              /* PML4 = 4, PDPT = 3, PD = 2, PT = 1 */
#define PAGE_SIZE_2M    (1ULL << 21)
#define PAGE_SIZE_1G    (1ULL << 30)

/* Control registers and feature bits (SDM Vol. 3A 2.5, 4.1.4; Vol. 2A CPUID). */
#define CR4_PGE         (1ULL << 7)
#define MSR_EFER        0xc0000080
#define EFER_NXE        (1ULL << 11)
#define CPUID_EXT_MAX        0x80000000     /* EAX: highest extended leaf */
#define CPUID_EXT_FEATURES   0x80000001
#define CPUID_EXT_PDPE1GB    (1u << 26)     /* EDX: 1 GiB pages */
#define CPUID_FEATURES       1
#define CPUID_PGE            (1u << 13)     /* EDX: global pages */

/* Bytes one entry at this level maps: 4 KiB, 2 MiB, 1 GiB, 512 GiB. */
static inline u64 pt_level_size(int level)
{
	return 1ULL << (12 + 9 * (level - 1));
}

static inline unsigned int pt_index(u64 va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

/* The physical frame an entry points to, at any level. */
static inline u64 pte_addr(pte_t e, int level)
{
	return e & ((e & PTE_HUGE) && level > 1 ? PTE_HUGE_ADDR_MASK : PTE_ADDR_MASK);
}

static inline bool pte_is_leaf(pte_t e, int level)
{
	return level == 1 || (e & PTE_HUGE);
}

static inline u64 read_cr3(void)
{
	u64 v;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(u64 v)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline u64 read_cr4(void)
{
	u64 v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(u64 v)
{
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void invlpg(u64 va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

#endif
