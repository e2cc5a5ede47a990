/*
 * KTESTs for the CPU tables, exceptions, fixups and the IRQ handler table:
 * every fault here is deliberate and has a fixup, so the kernel survives it
 * and the test reads what the dispatcher recorded (trap_last()).
 */
#include <asm/extable.h>
#include <asm/gdt.h>
#include <asm/idt.h>
#include <asm/page.h>
#include <asm/traps.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/ktest.h>

/* Past the 8 MiB of the image that head32.asm maps: not present. */
#define UNMAPPED_ADDR     (KERNEL_VMA + 512 * 1024 * 1024UL)
/* Bit 63 set, bits 47-62 clear: a read there is a #GP, not a #PF. */
#define NONCANONICAL_ADDR 0x8000000000000000UL
/* Free vectors for the dispatch tests, far from legacy IRQs and spurious. */
#define TEST_VECTOR       0xf0
#define TEST_VECTOR_NONE  0xf1

extern u8 boot_stack_guard[];

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

KTEST(traps, int3_reports_and_returns)
{
	u64 seq = trap_last()->seq, after;

	__asm__ __volatile__("int3\n1:\n\tleaq 1b(%%rip), %0" : "=r"(after) : : "memory");
	KT_EXPECT_EQ(t, trap_last()->seq, seq + 1);
	KT_EXPECT_EQ(t, trap_last()->vector, X86_TRAP_BP);
	KT_EXPECT_EQ(t, trap_last()->rip, after);
}

KTEST(traps, ud2_fixup)
{
	u64 seq = trap_last()->seq;
	int fixed = 0;

	__asm__ __volatile__(
		"1: ud2\n"
		"2:\n"
		EX_FIXUP_BEGIN
		"3: movl $1, %0\n\t"
		"jmp 2b\n"
		EX_FIXUP_END
		EX_TABLE(1b, 3b)
		: "+r"(fixed) : : "memory");
	KT_EXPECT_EQ(t, fixed, 1);
	KT_EXPECT_EQ(t, trap_last()->seq, seq + 1);
	KT_EXPECT_EQ(t, trap_last()->vector, X86_TRAP_UD);
}

KTEST(traps, divide_error_fixup)
{
	u64 seq = trap_last()->seq, rax = 1, rdx = 0, zero = 0;
	int fixed = 0;

	__asm__ __volatile__(
		"1: divq %[zero]\n"
		"2:\n"
		EX_FIXUP_BEGIN
		"3: movl $1, %[fixed]\n\t"
		"jmp 2b\n"
		EX_FIXUP_END
		EX_TABLE(1b, 3b)
		: "+a"(rax), "+d"(rdx), [fixed] "+r"(fixed) : [zero] "r"(zero) : "memory");
	KT_EXPECT_EQ(t, fixed, 1);
	KT_EXPECT_EQ(t, trap_last()->seq, seq + 1);
	KT_EXPECT_EQ(t, trap_last()->vector, X86_TRAP_DE);
}

KTEST(traps, page_fault_read_fixup)
{
	u64 seq = trap_last()->seq, val = 0xdead;

	KT_EXPECT_EQ(t, probe_read_u64((void *)UNMAPPED_ADDR, &val), -EFAULT);
	KT_EXPECT_EQ(t, val, 0);
	KT_EXPECT_EQ(t, trap_last()->seq, seq + 1);
	KT_EXPECT_EQ(t, trap_last()->vector, X86_TRAP_PF);
	/* Not present, read, kernel mode: no bit set. */
	KT_EXPECT_EQ(t, trap_last()->error_code, 0);
	KT_EXPECT_EQ(t, trap_last()->cr2, UNMAPPED_ADDR);
}

KTEST(traps, page_fault_write_fixup)
{
	u64 seq = trap_last()->seq;

	KT_EXPECT_EQ(t, probe_write_u64((void *)(UNMAPPED_ADDR + 8), 1), -EFAULT);
	KT_EXPECT_EQ(t, trap_last()->seq, seq + 1);
	KT_EXPECT_EQ(t, trap_last()->vector, X86_TRAP_PF);
	KT_EXPECT_EQ(t, trap_last()->error_code, PF_WRITE);
	KT_EXPECT_EQ(t, trap_last()->cr2, UNMAPPED_ADDR + 8);
}

KTEST(traps, boot_stack_guard_unmapped)
{
	u64 val;

	KT_EXPECT_EQ(t, probe_read_u64(boot_stack_guard + 64, &val), -EFAULT);
	KT_EXPECT_EQ(t, trap_last()->vector, X86_TRAP_PF);
	KT_EXPECT_EQ(t, trap_last()->cr2, (u64)(boot_stack_guard + 64));
}

KTEST(traps, noncanonical_is_gp)
{
	u64 seq = trap_last()->seq, val;

	KT_EXPECT_EQ(t, probe_read_u64((void *)NONCANONICAL_ADDR, &val), -EFAULT);
	KT_EXPECT_EQ(t, trap_last()->seq, seq + 1);
	KT_EXPECT_EQ(t, trap_last()->vector, X86_TRAP_GP);
	KT_EXPECT_EQ(t, trap_last()->error_code, 0);
}

KTEST(traps, probe_of_mapped_memory_succeeds)
{
	static u64 word = 0x1122334455667788ULL;
	u64 seq = trap_last()->seq, val = 0;

	KT_EXPECT_EQ(t, probe_read_u64(&word, &val), 0);
	KT_EXPECT_EQ(t, val, 0x1122334455667788ULL);
	KT_EXPECT_EQ(t, probe_write_u64(&word, 42), 0);
	KT_EXPECT_EQ(t, word, 42);
	KT_EXPECT_EQ(t, trap_last()->seq, seq);
}

KTEST(traps, segments_and_tss_loaded)
{
	u16 cs, ds, ss, tr;
	struct desc_ptr gdtr;

	__asm__ __volatile__("mov %%cs, %0; mov %%ds, %1; mov %%ss, %2; str %3; sgdt %4"
			     : "=r"(cs), "=r"(ds), "=r"(ss), "=r"(tr), "=m"(gdtr));
	KT_EXPECT_EQ(t, cs, GDT_KERNEL_CS);
	KT_EXPECT_EQ(t, ds, GDT_KERNEL_DS);
	KT_EXPECT_EQ(t, ss, GDT_KERNEL_DS);
	KT_EXPECT_EQ(t, tr, GDT_TSS);
	KT_EXPECT_EQ(t, gdtr.limit, GDT_ENTRIES * 8 - 1);
}

/* Byte 4 of a gate is its IST slot; byte 5 bits 5-6 its DPL (SDM Figure 6-8). */
KTEST(traps, idt_ist_and_dpl)
{
	struct desc_ptr idtr;
	const u8 *idt;

	__asm__ __volatile__("sidt %0" : "=m"(idtr));
	idt = (const u8 *)idtr.base;
	KT_EXPECT_EQ(t, idtr.limit, IDT_VECTORS * 16 - 1);
	KT_EXPECT_EQ(t, idt[X86_TRAP_DF * 16 + 4], IST_DOUBLE_FAULT);
	KT_EXPECT_EQ(t, idt[X86_TRAP_NMI * 16 + 4], IST_NMI);
	KT_EXPECT_EQ(t, idt[X86_TRAP_MC * 16 + 4], IST_MACHINE_CHECK);
	KT_EXPECT_EQ(t, idt[X86_TRAP_PF * 16 + 4], 0);
	KT_EXPECT_EQ(t, (idt[X86_TRAP_BP * 16 + 5] >> 5) & 3, 3);
	KT_EXPECT_EQ(t, (idt[X86_TRAP_GP * 16 + 5] >> 5) & 3, 0);
}

static int test_handler_calls;
static void *test_handler_ctx;

static void test_handler(struct pt_regs *regs, void *ctx)
{
	test_handler_calls++;
	test_handler_ctx = ctx;
}

static void other_handler(struct pt_regs *regs, void *ctx)
{
}

KTEST(irq, register_errors)
{
	KT_EXPECT_EQ(t, irq_register(X86_TRAP_PF, test_handler, NULL), -EINVAL);
	KT_EXPECT_EQ(t, irq_register(X86_NR_EXCEPTIONS - 1, test_handler, NULL), -EINVAL);
	KT_EXPECT_EQ(t, irq_register(IRQ_VECTORS, test_handler, NULL), -EINVAL);
	KT_EXPECT_EQ(t, irq_register(TEST_VECTOR, NULL, NULL), -EINVAL);
	KT_EXPECT_EQ(t, irq_request(IRQ_LEGACY_LINES, test_handler, NULL), -EINVAL);
	KT_EXPECT_EQ(t, irq_release(IRQ_LEGACY_LINES, test_handler), -EINVAL);
	KT_EXPECT_EQ(t, irq_unregister(TEST_VECTOR, test_handler), -ENOENT);
}

KTEST(irq, register_unregister_round_trip)
{
	KT_EXPECT_EQ(t, irq_register(TEST_VECTOR, test_handler, NULL), 0);
	KT_EXPECT_EQ(t, irq_register(TEST_VECTOR, other_handler, NULL), -EBUSY);
	KT_EXPECT_EQ(t, irq_unregister(TEST_VECTOR, other_handler), -ENOENT);
	KT_EXPECT_EQ(t, irq_unregister(TEST_VECTOR, test_handler), 0);
	KT_EXPECT_EQ(t, irq_unregister(TEST_VECTOR, test_handler), -ENOENT);
	/* The vector is free again. */
	KT_EXPECT_EQ(t, irq_register(TEST_VECTOR, other_handler, NULL), 0);
	KT_EXPECT_EQ(t, irq_unregister(TEST_VECTOR, other_handler), 0);
}

/* A software interrupt runs the whole path: stub, dispatcher, handler, EOI, iretq. */
KTEST(irq, software_interrupt_reaches_handler)
{
	int ctx_cookie;
	u64 before = irq_count(TEST_VECTOR);

	test_handler_calls = 0;
	KT_EXPECT_EQ(t, irq_register(TEST_VECTOR, test_handler, &ctx_cookie), 0);
	__asm__ __volatile__("int %0" : : "i"(TEST_VECTOR) : "memory");
	KT_EXPECT_EQ(t, test_handler_calls, 1);
	KT_EXPECT(t, test_handler_ctx == &ctx_cookie);
	KT_EXPECT_EQ(t, irq_count(TEST_VECTOR), before + 1);
	KT_EXPECT_EQ(t, irq_unregister(TEST_VECTOR, test_handler), 0);
}

KTEST(irq, unexpected_interrupt_is_counted)
{
	u64 before = irq_count(TEST_VECTOR_NONE);

	__asm__ __volatile__("int %0" : : "i"(TEST_VECTOR_NONE) : "memory");
	__asm__ __volatile__("int %0" : : "i"(TEST_VECTOR_NONE) : "memory");
	KT_EXPECT_EQ(t, irq_count(TEST_VECTOR_NONE), before + 2);
	KT_EXPECT_EQ(t, irq_count(IRQ_VECTORS), 0);
}
