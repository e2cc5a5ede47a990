/*
 * Local APIC and I/O APIC (CONFIG_X86_APIC): register names for the timer
 * code, and the I/O APIC routing apic.c uses. SDM Vol. 3A chapter 11 (local
 * APIC); Intel 82093AA datasheet (I/O APIC).
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <tessera/types.h>

struct acpi_madt_info;

/* Local APIC registers, offsets from its MMIO base (SDM Vol. 3A table 11-1). */
#define LAPIC_ID            0x020
#define LAPIC_VERSION       0x030
#define LAPIC_TPR           0x080
#define LAPIC_EOI           0x0b0
#define LAPIC_SVR           0x0f0
#define LAPIC_ESR           0x280
#define LAPIC_LVT_TIMER     0x320
#define LAPIC_LVT_LINT0     0x350
#define LAPIC_LVT_LINT1     0x360
#define LAPIC_LVT_ERROR     0x370
#define LAPIC_TIMER_INIT    0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE  0x3e0

#define LAPIC_LVT_MASKED    (1u << 16)
#define LAPIC_TIMER_PERIODIC (1u << 17)

/* The local APIC timer's vector: above the legacy lines, clear of the tests' 0xf0. */
#define LAPIC_TIMER_VECTOR  0xec

/* --- lapic.c (CONFIG_X86_LOCAL_APIC) --- */

/*
 * Finds (MADT, else the IA32_APIC_BASE MSR) and enables this CPU's local
 * APIC, every LVT masked except LINT1 (NMI) and, with virtual_wire, LINT0
 * (ExtINT: the 8259 PIC's way in). 0 or -ENODEV.
 */
int lapic_init(bool virtual_wire);
/* True once lapic_init() succeeded; the accessors below need it. */
bool lapic_ready(void);
u32 lapic_read(u32 reg);
void lapic_write(u32 reg, u32 val);
u8 lapic_id(void);
void lapic_eoi(void);

/* --- ioapic.c --- */

/*
 * Masks every pin of every I/O APIC in the MADT, then points legacy lines
 * 0-15 (overrides applied) at vectors 0x20-0x2f on local APIC dest, still
 * masked. Returns how many lines got a pin, or -ENODEV with no I/O APIC.
 */
int ioapic_init(const struct acpi_madt_info *madt, u8 dest);
/* Returns -ENOENT when the line has no I/O APIC pin. */
int ioapic_set_masked(unsigned int line, bool masked);
/* The GSI legacy line goes to, or -1 when it has none (for the log). */
long ioapic_line_gsi(unsigned int line);

#endif
