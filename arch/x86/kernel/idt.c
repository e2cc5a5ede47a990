/*
 * The IDT: one interrupt gate per vector, all pointing at entry.asm's
 * stubs. Faults that cannot trust the current stack switch to an IST stack.
 */
#include <asm/idt.h>
#include <asm/gdt.h>
#include <asm/traps.h>
#include <tessera/compiler.h>

/* 64-bit interrupt gate (SDM Vol. 3A 6.14.1, Figure 6-8). */
struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;             /* bits 0-2: IST slot, 0 = stay on the current stack */
	u8 type_attr;       /* P, DPL, type */
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

_Static_assert(sizeof(struct idt_gate) == 16, "IDT gates are 16 bytes in long mode");

/* Interrupt gates clear IF on entry, so handlers start with IRQs off. */
#define GATE_TYPE_INTERRUPT 0xe
#define GATE_DPL(n)         ((n) << 5)
#define GATE_PRESENT        (1 << 7)

struct idt_ptr {
	u16 limit;
	u64 base;
} __packed;

static struct idt_gate idt[IDT_VECTORS] __aligned(16);

static void set_gate(unsigned int vector, u64 handler, unsigned int ist, unsigned int dpl)
{
	struct idt_gate *g = &idt[vector];

	g->offset_low = handler & 0xffff;
	g->selector = GDT_KERNEL_CS;
	g->ist = ist & 7;
	g->type_attr = GATE_PRESENT | GATE_DPL(dpl) | GATE_TYPE_INTERRUPT;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_high = handler >> 32;
	g->reserved = 0;
}

/*
 * Which vectors get their own stack: #DF because a kernel stack overflow
 * lands there with no stack left; NMI and #MC because they can arrive at
 * any instruction, even halfway through a stack switch.
 */
static unsigned int ist_for(unsigned int vector)
{
	switch (vector) {
	case X86_TRAP_DF:
		return IST_DOUBLE_FAULT;
	case X86_TRAP_NMI:
		return IST_NMI;
	case X86_TRAP_MC:
		return IST_MACHINE_CHECK;
	default:
		return 0;
	}
}

void idt_init(void)
{
	struct idt_ptr ptr = { sizeof(idt) - 1, (u64)idt };

	for (unsigned int v = 0; v < IDT_VECTORS; v++)
		set_gate(v, isr_stub_table[v], ist_for(v), 0);
	/* int3 from user mode is a debugger breakpoint, not a #GP. */
	set_gate(X86_TRAP_BP, isr_stub_table[X86_TRAP_BP], 0, 3);
	__asm__ __volatile__("lidt %0" : : "m"(ptr) : "memory");
}
