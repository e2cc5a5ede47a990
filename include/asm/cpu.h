/*
 * Per-CPU processor tables: cpu_init() gives the boot CPU its GDT, TSS and
 * IDT, after which every exception is reported instead of resetting it.
 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

/* Loads the GDT, TSS and IDT on the boot CPU. Leaves interrupts disabled. */
void cpu_init(void);

#endif
