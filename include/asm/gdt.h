/*
 * The GDT and the 64-bit TSS: segment selectors every entry path uses, and
 * the per-CPU stacks the CPU switches to (RSP0 on a ring change, IST1-3 for
 * faults that must not trust the current stack). Intel SDM Vol. 3A ch. 3, 7.
 */
#ifndef ASM_GDT_H
#define ASM_GDT_H

#include <tessera/compiler.h>
#include <tessera/types.h>

/*
 * Linux's order, which SYSRET needs: it loads SS from STAR[63:48] + 8 and
 * CS from STAR[63:48] + 16, so user data must sit right below user code64.
 */
#define GDT_KERNEL_CS     0x08
#define GDT_KERNEL_DS     0x10
#define GDT_USER32_CS     0x18    /* placeholder slot, left null */
#define GDT_USER_DS       0x20
#define GDT_USER_CS       0x28
#define GDT_TSS           0x30    /* 16 bytes: two slots */
#define GDT_ENTRIES       8

#define SEL_RPL_USER      3
#define USER_DS           (GDT_USER_DS | SEL_RPL_USER)
#define USER_CS           (GDT_USER_CS | SEL_RPL_USER)

/*
 * One GDT, TSS and set of IST stacks per CPU. Only the boot CPU runs for
 * now; the SMP issue raises this (or ties it to CONFIG_NR_CPUS) and gives
 * each CPU its index.
 */
#define MAX_CPUS          1

/* IST slots (1-based, as the IDT gate's IST field counts them). */
#define IST_DOUBLE_FAULT  1
#define IST_NMI           2
#define IST_MACHINE_CHECK 3
#define IST_STACKS        3
#define IST_STACK_SIZE    16384

/* 64-bit TSS (SDM Vol. 3A 7.7, Figure 7-11): only stack pointers remain. */
struct tss {
	u32 reserved0;
	u64 rsp[3];          /* RSP0-2: loaded on a switch to ring 0-2 */
	u64 reserved1;
	u64 ist[7];          /* IST1-7, ist[0] is IST1 */
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;      /* = sizeof(struct tss): no I/O permission bitmap */
} __packed;

/* Installs this CPU's GDT and TSS and reloads every segment register. */
void gdt_init(void);

/* The stack the CPU switches to when an interrupt arrives in user mode. */
void tss_set_rsp0(unsigned int cpu, u64 rsp0);

#endif
