/*
 * panic() and the reports it prints: registers, and a backtrace that walks
 * the frame pointers (the kernel is built with -fno-omit-frame-pointer) and
 * names each return address from the embedded symbol table.
 */
#include <tessera/panic.h>
#include <tessera/kallsyms.h>
#include <tessera/machine.h>
#include <tessera/printk.h>
#include <asm/page.h>
#include <asm/regs.h>
#include <lib/format.h>

#define BACKTRACE_MAX_DEPTH 32

static bool in_panic;

static void print_address(unsigned long addr)
{
	unsigned long off, size;
	const char *name = kallsyms_lookup(addr, &off, &size);

	if (name)
		printk(KERN_EMERG "  [<%016lx>] %s+0x%lx/0x%lx\n", addr, name, off, size);
	else
		printk(KERN_EMERG "  [<%016lx>] ?\n", addr);
}

/* A frame pointer worth following: aligned and inside the kernel half. */
static bool frame_ok(unsigned long rbp)
{
	return rbp && (rbp & 7) == 0 && rbp >= DIRECT_MAP_BASE && rbp < ~0UL - 16;
}

void dump_backtrace(unsigned long rbp, unsigned long rip)
{
	printk(KERN_EMERG "Call trace:\n");
	if (rip)
		print_address(rip);
	for (int depth = 0; depth < BACKTRACE_MAX_DEPTH && frame_ok(rbp); depth++) {
		unsigned long next = ((unsigned long *)rbp)[0];
		unsigned long ret = ((unsigned long *)rbp)[1];

		if (!ret)
			break;
		print_address(ret);
		/* Frames must move up the stack, or the chain is corrupt. */
		if (next <= rbp)
			break;
		rbp = next;
	}
}

void show_regs(const struct pt_regs *r)
{
	unsigned long off, size;
	const char *name = kallsyms_lookup(r->rip, &off, &size);

	printk(KERN_EMERG "RIP: %04lx:%016lx %s+0x%lx\n", (unsigned long)r->cs,
	       (unsigned long)r->rip, name ? name : "?", name ? off : 0);
	printk(KERN_EMERG "RSP: %04lx:%016lx RFLAGS: %08lx\n", (unsigned long)r->ss,
	       (unsigned long)r->rsp, (unsigned long)r->rflags);
	printk(KERN_EMERG "RAX: %016lx RBX: %016lx RCX: %016lx\n",
	       (unsigned long)r->rax, (unsigned long)r->rbx, (unsigned long)r->rcx);
	printk(KERN_EMERG "RDX: %016lx RSI: %016lx RDI: %016lx\n",
	       (unsigned long)r->rdx, (unsigned long)r->rsi, (unsigned long)r->rdi);
	printk(KERN_EMERG "RBP: %016lx R08: %016lx R09: %016lx\n",
	       (unsigned long)r->rbp, (unsigned long)r->r8, (unsigned long)r->r9);
	printk(KERN_EMERG "R10: %016lx R11: %016lx R12: %016lx\n",
	       (unsigned long)r->r10, (unsigned long)r->r11, (unsigned long)r->r12);
	printk(KERN_EMERG "R13: %016lx R14: %016lx R15: %016lx\n",
	       (unsigned long)r->r13, (unsigned long)r->r14, (unsigned long)r->r15);
}

static __noreturn void panic_common(const struct pt_regs *regs, const char *fmt, va_list ap)
{
	char msg[256];

	__asm__ __volatile__("cli");
	if (in_panic) {
		/* A fault while reporting: do not recurse, just stop. */
		machine_exit(1);
	}
	in_panic = true;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", msg);
	show_regs(regs);
	dump_backtrace(regs->rbp, regs->vector == ~0ULL ? 0 : regs->rip);
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", msg);
	machine_exit(1);
}

__noreturn void panic(const char *fmt, ...)
{
	struct pt_regs regs;
	va_list ap;

	regs_capture(&regs);
	/* The captured frame is panic() itself: mark it so only the chain prints. */
	regs.vector = ~0ULL;
	va_start(ap, fmt);
	panic_common(&regs, fmt, ap);
}

__noreturn void panic_regs(const struct pt_regs *regs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_common(regs, fmt, ap);
}
