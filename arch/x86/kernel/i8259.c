/*
 * 8259A programmable interrupt controllers (Intel 8259A datasheet, and the
 * PC/AT wiring: slave on master IR2). Shared by both interrupt controller
 * choices: pic.c uses them; apic.c remaps and masks them.
 */
#include <asm/i8259.h>
#include <asm/io.h>
#include <tessera/irq.h>

#define PIC_MASTER_CMD   0x20
#define PIC_MASTER_DATA  0x21
#define PIC_SLAVE_CMD    0xa0
#define PIC_SLAVE_DATA   0xa1

#define ICW1_ICW4        0x01      /* ICW4 follows */
#define ICW1_INIT        0x10      /* start initialisation; edge triggered, cascade */
#define ICW3_MASTER      (1u << I8259_CASCADE_LINE)   /* a slave sits on IR2 */
#define ICW3_SLAVE       I8259_CASCADE_LINE           /* the slave's cascade identity */
#define ICW4_8086        0x01
#define OCW2_EOI         0x20      /* non-specific end of interrupt */
#define OCW3_READ_ISR    0x0b
#define LINES_PER_PIC    8

/* Every line starts masked; kept here so a mask change is one port write. */
static u16 cached_mask = 0xffff;

static void write_masks(void)
{
	outb(PIC_MASTER_DATA, (u8)cached_mask);
	outb(PIC_SLAVE_DATA, (u8)(cached_mask >> 8));
}

void i8259_init(void)
{
	/* io_delay() between writes: old PICs need time to latch each word. */
	outb(PIC_MASTER_CMD, ICW1_INIT | ICW1_ICW4);
	io_delay();
	outb(PIC_SLAVE_CMD, ICW1_INIT | ICW1_ICW4);
	io_delay();
	outb(PIC_MASTER_DATA, IRQ_VECTOR_BASE);
	io_delay();
	outb(PIC_SLAVE_DATA, IRQ_VECTOR_BASE + LINES_PER_PIC);
	io_delay();
	outb(PIC_MASTER_DATA, ICW3_MASTER);
	io_delay();
	outb(PIC_SLAVE_DATA, ICW3_SLAVE);
	io_delay();
	outb(PIC_MASTER_DATA, ICW4_8086);
	io_delay();
	outb(PIC_SLAVE_DATA, ICW4_8086);
	io_delay();
	cached_mask = 0xffff;
	write_masks();
}

void i8259_mask(unsigned int line)
{
	if (line >= IRQ_LEGACY_LINES)
		return;
	cached_mask |= (u16)(1u << line);
	/* The cascade stays open only while some slave line is in use. */
	if ((cached_mask & 0xff00) == 0xff00)
		cached_mask |= 1u << I8259_CASCADE_LINE;
	write_masks();
}

void i8259_unmask(unsigned int line)
{
	if (line >= IRQ_LEGACY_LINES)
		return;
	cached_mask &= (u16)~(1u << line);
	if (line >= LINES_PER_PIC)
		cached_mask &= (u16)~(1u << I8259_CASCADE_LINE);
	write_masks();
}

void i8259_eoi(unsigned int line)
{
	if (line >= LINES_PER_PIC)
		outb(PIC_SLAVE_CMD, OCW2_EOI);
	outb(PIC_MASTER_CMD, OCW2_EOI);
}

u16 i8259_read_isr(void)
{
	outb(PIC_MASTER_CMD, OCW3_READ_ISR);
	outb(PIC_SLAVE_CMD, OCW3_READ_ISR);
	return (u16)(inb(PIC_MASTER_CMD) | (inb(PIC_SLAVE_CMD) << 8));
}

u16 i8259_get_mask(void)
{
	return cached_mask;
}
