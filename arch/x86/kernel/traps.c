/*
 * CPU exceptions: routes every vector from entry.asm, reports exceptions
 * with registers and symbolised locations, applies exception fixups, and
 * panics on kernel faults nobody expected. Documentation/interrupts.md.
 */
#include <asm/extable.h>
#include <asm/page.h>
#include <asm/traps.h>
#include <mm/vma.h>
#include <tessera/compiler.h>
#include <tessera/kallsyms.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <tessera/process.h>

static const char *const exception_names[X86_NR_EXCEPTIONS] = {
	[0] = "divide error (#DE)",
	[1] = "debug (#DB)",
	[2] = "non-maskable interrupt (NMI)",
	[3] = "breakpoint (#BP)",
	[4] = "overflow (#OF)",
	[5] = "BOUND range exceeded (#BR)",
	[6] = "invalid opcode (#UD)",
	[7] = "device not available (#NM)",
	[8] = "double fault (#DF)",
	[9] = "coprocessor segment overrun",
	[10] = "invalid TSS (#TS)",
	[11] = "segment not present (#NP)",
	[12] = "stack-segment fault (#SS)",
	[13] = "general protection (#GP)",
	[14] = "page fault (#PF)",
	[16] = "x87 floating-point error (#MF)",
	[17] = "alignment check (#AC)",
	[18] = "machine check (#MC)",
	[19] = "SIMD floating-point (#XM)",
	[20] = "virtualization (#VE)",
	[21] = "control protection (#CP)",
	[28] = "hypervisor injection (#HV)",
	[29] = "VMM communication (#VC)",
	[30] = "security (#SX)",
};

static struct trap_record last_trap;

/* Bottom of the boot stack's guard page (head64.asm); overflows fault there. */
extern u8 boot_stack_guard[];

const struct trap_record *trap_last(void)
{
	return &last_trap;
}

static const char *exception_name(u64 vector)
{
	const char *name = exception_names[vector];

	return name ? name : "reserved exception";
}

static u64 read_cr2(void)
{
	u64 cr2;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(cr2));
	return cr2;
}

static void record(const struct pt_regs *regs, u64 cr2)
{
	last_trap.vector = regs->vector;
	last_trap.error_code = regs->error_code;
	last_trap.cr2 = cr2;
	last_trap.rip = regs->rip;
	last_trap.seq++;
}

/* "func+0x1a/0x40", or the bare address without a symbol table. */
static void print_location(const char *what, u64 addr)
{
	unsigned long off, size;
	const char *name = kallsyms_lookup(addr, &off, &size);

	if (name)
		printk(KERN_EMERG "%s %s+0x%lx/0x%lx [<%016lx>]\n", what, name, off, size,
		       (unsigned long)addr);
	else
		printk(KERN_EMERG "%s %016lx\n", what, (unsigned long)addr);
}

static void report_page_fault(const struct pt_regs *regs, u64 cr2)
{
	u64 err = regs->error_code;

	printk(KERN_EMERG "page fault: address %016lx (CR2)\n", (unsigned long)cr2);
	printk(KERN_EMERG "page fault: %s, %s, %s mode%s\n",
	       err & PF_PRESENT ? "protection violation" : "page not present",
	       err & PF_INSN ? "instruction fetch" : err & PF_WRITE ? "write" : "read",
	       err & PF_USER ? "user" : "kernel",
	       err & PF_RESERVED ? ", reserved bit set in a paging entry" : "");
}

static void report(const struct pt_regs *regs, u64 cr2)
{
	printk(KERN_EMERG "exception: %s, vector %lu, error code 0x%lx, in %s mode\n",
	       exception_name(regs->vector), (unsigned long)regs->vector,
	       (unsigned long)regs->error_code, user_mode(regs) ? "user" : "kernel");
	if (regs->vector == X86_TRAP_PF)
		report_page_fault(regs, cr2);
	print_location("exception: in", regs->rip);
}

static bool in_stack_guard(u64 addr)
{
	u64 guard = (u64)boot_stack_guard;

	return addr >= guard && addr < guard + PAGE_SIZE;
}

static __noreturn void do_double_fault(const struct pt_regs *regs)
{
	report(regs, 0);
	if (in_stack_guard(regs->rsp))
		printk(KERN_EMERG "double fault: RSP %016lx is in the boot stack's guard page: "
		       "kernel stack overflow\n", (unsigned long)regs->rsp);
	panic_regs(regs, "double fault");
}

/* int3 is a deliberate stop (a debugging aid): report it and carry on. */
static void do_breakpoint(const struct pt_regs *regs)
{
	printk(KERN_WARNING "int3: breakpoint, vector %lu, resuming\n", (unsigned long)regs->vector);
	print_location("int3: at", regs->rip);
	show_regs(regs);
}

/* x87 and SIMD floating-point errors (SDM Vol. 3A Table 6-1). */
#define X86_TRAP_MF   16
#define X86_TRAP_XM   19

/* The signal a user-mode exception raises, as Linux picks it. */
static int user_signal(u64 vector)
{
	switch (vector) {
	case X86_TRAP_DE: return SIGFPE;
	case X86_TRAP_UD: return SIGILL;
	case X86_TRAP_DB: return SIGTRAP;
	case X86_TRAP_MF: case X86_TRAP_XM: return SIGFPE;
	default: return SIGSEGV;
	}
}

static void do_exception(struct pt_regs *regs)
{
	/* Read CR2 before anything else can fault and overwrite it. */
	u64 cr2 = regs->vector == X86_TRAP_PF ? read_cr2() : 0;
	const char *name = exception_name(regs->vector);

	record(regs, cr2);
	if (regs->vector == X86_TRAP_DF)
		do_double_fault(regs);
	if (regs->vector == X86_TRAP_BP) {
		do_breakpoint(regs);
		return;
	}
	/* Demand paging and copy-on-write (mm/fault.c), also under copy_*_user. */
	if (IS_ENABLED(CONFIG_PROCESSES) && regs->vector == X86_TRAP_PF && vm_fault_handle(regs, cr2))
		return;
	if (user_mode(regs)) {
		/* Kills the current process only; the kernel carries on. */
		if (IS_ENABLED(CONFIG_PROCESSES))
			process_fault(regs, regs->vector == X86_TRAP_PF ? cr2 : regs->rip,
				      user_signal(regs->vector));
		report(regs, cr2);
		panic_regs(regs, "%s in user mode, and no process to kill yet", name);
	}
	/* An expected kernel fault (a probe, copy_from_user): resume at its fixup. */
	if (fixup_exception(regs))
		return;
	report(regs, cr2);
	if (regs->vector == X86_TRAP_PF)
		panic_regs(regs, "unable to handle kernel page fault at %016lx", (unsigned long)cr2);
	panic_regs(regs, "%s in kernel mode", name);
}

void interrupt_dispatch(struct pt_regs *regs)
{
	if (regs->vector < X86_NR_EXCEPTIONS)
		do_exception(regs);
	else
		irq_dispatch(regs);
	if (IS_ENABLED(CONFIG_PROCESSES) && user_mode(regs))
		exit_to_user_mode(regs);
}
