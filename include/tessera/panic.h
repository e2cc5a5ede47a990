/*
 * panic(): the kernel found a bug in itself. Prints the message, the
 * registers and a symbolised backtrace, then stops the machine (exit
 * status 1 under QEMU with QEMU_DEBUG_EXIT). Never for bad user input.
 */
#ifndef TESSERA_PANIC_H
#define TESSERA_PANIC_H

#include <tessera/compiler.h>

struct pt_regs;

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
/* As panic(), with the registers of an exception frame. */
__noreturn void panic_regs(const struct pt_regs *regs, const char *fmt, ...) __printf(2, 3);

#define BUG() panic("BUG at %s:%d (%s)", __FILE__, __LINE__, __func__)
#define BUG_ON(cond) \
	do { \
		if (unlikely(cond)) \
			panic("BUG_ON(%s) at %s:%d (%s)", #cond, __FILE__, __LINE__, __func__); \
	} while (0)

/* Prints "[<addr>] symbol+off/size" lines walking frame pointers from rbp. */
void dump_backtrace(unsigned long rbp, unsigned long rip);
void show_regs(const struct pt_regs *regs);

#endif
