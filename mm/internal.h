/*
 * Memory-management internals shared by mm/paging.c, mm/vmm.c and
 * mm/kstack.c: page-table walking at a given level, and the PTE bits the
 * CPU's features decide. Not for use outside mm/.
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include <mm/vmm.h>
#include <asm/pgtable.h>

/* PTE_NX when EFER.NXE is on (else NX is a reserved bit), PTE_GLOBAL with CR4.PGE. */
extern u64 pte_nx_mask;
extern u64 pte_global_mask;
/* Set at the end of paging_init(): no kernel-half PML4 entry may appear after it. */
extern bool kernel_half_sealed;

/*
 * The entry at `level` (4 = PML4 .. 1 = PT) on va's path. With alloc,
 * missing tables are created and large pages on the way split into the
 * next size down, keeping what they map. NULL when a table is missing
 * (without alloc) or, with alloc, when out of memory or sealed (*err).
 */
pte_t *vmm_entry(struct vm_space *vs, u64 va, int level, bool alloc, int *err);
/* The present leaf entry mapping va and its level, or NULL. */
pte_t *vmm_lookup(struct vm_space *vs, u64 va, int *level);
/* x86 leaf bits for VM_* flags at va (global in the kernel half). */
pte_t vmm_leaf_bits(unsigned int flags, u64 va);
/* Invalidates va's TLB entry if vs is live on this CPU (the kernel half always is). */
void vmm_flush(struct vm_space *vs, u64 va);

#endif
