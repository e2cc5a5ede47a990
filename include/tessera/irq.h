/*
 * Interrupt handling interface. Devices register a handler for a vector
 * (irq_register) or, more usually, for a legacy IRQ line (irq_request),
 * which also unmasks the line at the interrupt controller. Exactly one
 * controller (PIC or APIC, a Kconfig choice) implements the irq_chip_*
 * functions; nothing outside it knows which.
 */
#ifndef TESSERA_IRQ_H
#define TESSERA_IRQ_H

#include <tessera/types.h>

struct pt_regs;
struct boot_info;

typedef void (*irq_handler_t)(struct pt_regs *regs, void *ctx);

#define IRQ_VECTOR_BASE     0x20    /* legacy IRQ n arrives on vector 0x20 + n */
#define IRQ_LEGACY_LINES    16
#define IRQ_VECTOR_SPURIOUS 0xff    /* local APIC spurious vector */
#define IRQ_VECTORS         256

/* Handler for one vector (>= 32). Returns 0, -EINVAL (bad vector), -EBUSY. */
int irq_register(unsigned int vector, irq_handler_t fn, void *ctx);
/* Removes fn from vector. Returns 0 or -ENOENT when fn was not registered there. */
int irq_unregister(unsigned int vector, irq_handler_t fn);
/* Registers fn for legacy line (0-15) and unmasks it. Returns 0 or -errno. */
int irq_request(unsigned int line, irq_handler_t fn, void *ctx);
/* Masks the line and removes fn. */
int irq_release(unsigned int line, irq_handler_t fn);
/* How many interrupts arrived on vector; spurious ones are counted apart. */
u64 irq_count(unsigned int vector);
u64 irq_spurious_count(void);
/* The handler registered on vector, or NULL (/proc/interrupts names it). */
irq_handler_t irq_handler(unsigned int vector);

static inline void irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

/* Saves RFLAGS and disables interrupts; irq_restore puts IF back. */
static inline unsigned long irq_save(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void irq_restore(unsigned long flags)
{
	__asm__ __volatile__("pushq %0; popfq" : : "r"(flags) : "memory", "cc");
}

/* --- implemented by the chosen interrupt controller (pic.c or apic.c) --- */

/* Sets the controller up with every line masked. Name for the boot log. */
int irq_chip_init(const struct boot_info *bi);
const char *irq_chip_name(void);
void irq_chip_mask(unsigned int line);
void irq_chip_unmask(unsigned int line);
/* True when this vector's interrupt was spurious and must not be EOI'd. */
bool irq_chip_is_spurious(unsigned int vector);
/* Acknowledges the interrupt on vector so the next one can arrive. */
void irq_chip_eoi(unsigned int vector);

#endif
