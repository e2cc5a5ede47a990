/*
 * The IDT: 256 interrupt gates, each pointing at an entry stub in
 * arch/x86/kernel/entry.asm. SDM Vol. 3A 6.10 and 6.14.1.
 */
#ifndef ASM_IDT_H
#define ASM_IDT_H

#include <tessera/types.h>

#define IDT_VECTORS 256

/* Entry stubs, one per vector, in vector order (entry.asm). */
extern const u64 isr_stub_table[IDT_VECTORS];

/* Fills every gate and loads the IDT on this CPU. */
void idt_init(void);

#endif
