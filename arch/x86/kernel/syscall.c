/*
 * SYSCALL/SYSRET setup (Intel SDM Vol. 3A 5.8.8): the MSRs that send the
 * instruction to syscall_entry, the CR4 protections against the kernel
 * touching or running user pages, and the last step before ring 3.
 */
#include <asm/cpu.h>
#include <asm/gdt.h>
#include <asm/msr.h>
#include <asm/pgtable.h>
#include <asm/regs.h>
#include <asm/uaccess.h>
#include <stddef.h>
#include <tessera/percpu.h>
#include <tessera/printk.h>
#include <tessera/process.h>

#define MSR_STAR        0xc0000081
#define MSR_LSTAR       0xc0000082
#define MSR_FMASK       0xc0000084
#define EFER_SCE        (1ULL << 0)

/* RFLAGS bits SYSCALL clears: TF, IF, DF, NT, AC (as Linux). */
#define RFLAGS_TF       (1UL << 8)
#define RFLAGS_IF       (1UL << 9)
#define RFLAGS_DF       (1UL << 10)
#define RFLAGS_NT       (1UL << 14)
#define RFLAGS_AC       (1UL << 18)
#define SYSCALL_FMASK   (RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC)

/*
 * STAR[47:32]: kernel CS (SS = +8). STAR[63:48]: SYSRET's base, CS = +16,
 * SS = +8, so the base is the (null) 32-bit user code slot.
 */
#define STAR_VALUE      (((u64)(GDT_USER32_CS | SEL_RPL_USER) << 48) | ((u64)GDT_KERNEL_CS << 32))

/* CR4 bits and the CPUID leaf 7 bits that advertise them (SDM Vol. 3A 2.5). */
#define CR4_UMIP        (1UL << 11)
#define CR4_SMEP        (1UL << 20)
#define CR4_SMAP        (1UL << 21)
#define CPUID7_EBX_SMEP (1U << 7)
#define CPUID7_EBX_SMAP (1U << 20)
#define CPUID7_ECX_UMIP (1U << 2)

extern char syscall_entry[];

_Static_assert(offsetof(struct cpu, user_rsp) == 40, "syscall_entry.asm CPU_USER_RSP");
_Static_assert(offsetof(struct cpu, kernel_rsp) == 48, "syscall_entry.asm CPU_KERNEL_RSP");
_Static_assert(sizeof(struct pt_regs) == 22 * 8, "syscall_entry.asm frame");
_Static_assert(offsetof(struct pt_regs, vector) == 15 * 8, "syscall_entry.asm PT_REGS_VECTOR");
_Static_assert(offsetof(struct pt_regs, rsp) - offsetof(struct pt_regs, rip) == 3 * 8,
	       "syscall_entry.asm PT_FRAME_RSP");
_Static_assert(offsetof(struct thread, cr3) == 32, "switch.asm THREAD_CR3");

static void protections_init(void)
{
	u32 a, b, c, d;
	u64 cr4 = read_cr4();

	cpuid(0, &a, &b, &c, &d);
	if (a < 7)
		return;
	cpuid(7, &a, &b, &c, &d);
	if (b & CPUID7_EBX_SMEP)
		cr4 |= CR4_SMEP;
	if (c & CPUID7_ECX_UMIP)
		cr4 |= CR4_UMIP;
	if (b & CPUID7_EBX_SMAP) {
		cr4 |= CR4_SMAP;
		uaccess_enable_smap();
	}
	write_cr4(cr4);
	pr_info("syscall: SMEP %s, SMAP %s, UMIP %s\n", cr4 & CR4_SMEP ? "on" : "off",
		cr4 & CR4_SMAP ? "on" : "off", cr4 & CR4_UMIP ? "on" : "off");
}

void syscall_init(void)
{
	msr_write(MSR_EFER, msr_read(MSR_EFER) | EFER_SCE);
	msr_write(MSR_STAR, STAR_VALUE);
	msr_write(MSR_LSTAR, (u64)syscall_entry);
	msr_write(MSR_FMASK, SYSCALL_FMASK);
	protections_init();
}

/*
 * Whether user_return may leave with SYSRET instead of IRETQ. SYSRET takes
 * RIP from RCX and RFLAGS from R11 and sets fixed CS/SS, so the frame must
 * say exactly that; a non-canonical RCX would #GP in ring 0 with the user's
 * RSP (CVE-2012-0217), and TF/RF need IRETQ's exact semantics. After
 * execve or a signal frame RCX differs from RIP and IRETQ is used.
 */
#define RFLAGS_RF       (1UL << 16)
#define USER_ADDR_BITS  47

bool syscall_can_sysret(const struct pt_regs *regs)
{
	return regs->rcx == regs->rip && regs->r11 == regs->rflags &&
	       (regs->rip >> USER_ADDR_BITS) == 0 && regs->cs == USER_CS &&
	       regs->ss == USER_DS && !(regs->rflags & (RFLAGS_TF | RFLAGS_RF));
}

void exit_to_user_mode(struct pt_regs *regs)
{
	struct thread *t = current_thread();

	if (signal_pending()) {
		__asm__ __volatile__("sti");
		signal_deliver(regs);
		__asm__ __volatile__("cli");
	}
	/* The next entry from ring 3 (interrupt or syscall) lands on this thread's stack. */
	tss_set_rsp0(this_cpu()->id, t->stack_top);
	this_cpu()->kernel_rsp = t->stack_top;
}
