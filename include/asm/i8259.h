/*
 * The two cascaded 8259A PICs of every PC: the PIC controller drives them,
 * the APIC controller only remaps and masks them so they stay quiet.
 */
#ifndef ASM_I8259_H
#define ASM_I8259_H

#include <tessera/types.h>

#define I8259_CASCADE_LINE  2      /* the slave's INT output enters master IR2 */

/* Remaps lines 0-15 to vectors IRQ_VECTOR_BASE.., every line masked. */
void i8259_init(void);
void i8259_mask(unsigned int line);
void i8259_unmask(unsigned int line);
/* Non-specific EOI: to the slave and the master for lines 8-15. */
void i8259_eoi(unsigned int line);
/* In-service register: master in bits 0-7, slave in bits 8-15. */
u16 i8259_read_isr(void);
/* Current mask: bit n set means line n is masked. */
u16 i8259_get_mask(void);

#endif
