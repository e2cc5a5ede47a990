/*
 * I/O APICs: the pins legacy lines 0-15 arrive on under CONFIG_X86_APIC.
 * Pins are found through the MADT (overrides applied, so ISA IRQ0 lands on
 * GSI 2 on most PCs) and programmed masked; irq_chip_(un)mask flips them.
 */
#include <acpi/acpi.h>
#include <asm/apic.h>
#include <asm/page.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/printk.h>

/* Register window (82093AA datasheet section 3.1). */
#define IOREGSEL            0x00
#define IOWIN               0x10
#define IOAPIC_REG_VER      0x01
#define IOAPIC_REDTBL(pin)  (0x10 + 2 * (pin))
#define VER_MAX_REDIR_SHIFT 16

/* Redirection entry, low dword (section 3.2.4); delivery fixed, physical dest. */
#define RTE_ACTIVE_LOW      (1u << 13)
#define RTE_LEVEL           (1u << 15)
#define RTE_MASKED          (1u << 16)
#define RTE_DEST_SHIFT      24     /* in the high dword */

struct ioapic {
	volatile u32 *regs;
	u32 gsi_base;
	u32 pins;
};

struct line_route {
	bool routed;
	u8 ioapic;
	u8 pin;
	u32 gsi;
	u32 low;                /* the entry's low dword, mask bit included */
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static u32 nr_ioapics;
static struct line_route routes[IRQ_LEGACY_LINES];

/* Select-then-access is two steps: no interrupt may come between them. */
static u32 ioapic_read(const struct ioapic *io, u32 reg)
{
	unsigned long flags = irq_save();
	u32 val;

	io->regs[IOREGSEL / 4] = reg;
	val = io->regs[IOWIN / 4];
	irq_restore(flags);
	return val;
}

static void ioapic_write(const struct ioapic *io, u32 reg, u32 val)
{
	unsigned long flags = irq_save();

	io->regs[IOREGSEL / 4] = reg;
	io->regs[IOWIN / 4] = val;
	irq_restore(flags);
}

static void ioapic_probe(const struct acpi_ioapic *a)
{
	struct ioapic *io = &ioapics[nr_ioapics];

	io->regs = phys_to_virt(a->address);
	io->gsi_base = a->gsi_base;
	io->pins = ((ioapic_read(io, IOAPIC_REG_VER) >> VER_MAX_REDIR_SHIFT) & 0xff) + 1;
	/* Firmware may leave pins live: silence them all before routing any. */
	for (u32 pin = 0; pin < io->pins; pin++)
		ioapic_write(io, IOAPIC_REDTBL(pin), RTE_MASKED);
	pr_info("ioapic: id %u at %#x, GSI %u-%u, all pins masked\n", a->id, a->address,
		io->gsi_base, io->gsi_base + io->pins - 1);
	nr_ioapics++;
}

static int find_pin(u32 gsi, u8 *ioapic, u8 *pin)
{
	for (u32 i = 0; i < nr_ioapics; i++) {
		if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].pins) {
			*ioapic = (u8)i;
			*pin = (u8)(gsi - ioapics[i].gsi_base);
			return 0;
		}
	}
	return -ENOENT;
}

static bool route_line(const struct acpi_madt_info *madt, unsigned int line, u8 dest)
{
	struct line_route *r = &routes[line];
	struct acpi_irq_route ar;

	if (acpi_isa_irq_route(madt, line, &ar) || find_pin(ar.gsi, &r->ioapic, &r->pin))
		return false;
	r->gsi = ar.gsi;
	r->low = (IRQ_VECTOR_BASE + line) | RTE_MASKED;
	if (ar.active_low)
		r->low |= RTE_ACTIVE_LOW;
	if (ar.level)
		r->low |= RTE_LEVEL;
	/* High dword first, so the entry is never live with a stale destination. */
	ioapic_write(&ioapics[r->ioapic], IOAPIC_REDTBL(r->pin) + 1, (u32)dest << RTE_DEST_SHIFT);
	ioapic_write(&ioapics[r->ioapic], IOAPIC_REDTBL(r->pin), r->low);
	r->routed = true;
	return true;
}

int ioapic_init(const struct acpi_madt_info *madt, u8 dest)
{
	int routed = 0;

	for (u32 i = 0; madt && i < madt->ioapic_count; i++)
		ioapic_probe(&madt->ioapics[i]);
	if (!nr_ioapics)
		return -ENODEV;
	for (unsigned int line = 0; line < IRQ_LEGACY_LINES; line++)
		routed += route_line(madt, line, dest);
	return routed;
}

int ioapic_set_masked(unsigned int line, bool masked)
{
	struct line_route *r = line < IRQ_LEGACY_LINES ? &routes[line] : NULL;

	unsigned long flags;

	if (!r || !r->routed)
		return -ENOENT;
	flags = irq_save();
	r->low = masked ? r->low | RTE_MASKED : r->low & ~RTE_MASKED;
	ioapic_write(&ioapics[r->ioapic], IOAPIC_REDTBL(r->pin), r->low);
	irq_restore(flags);
	return 0;
}

long ioapic_line_gsi(unsigned int line)
{
	if (line >= IRQ_LEGACY_LINES || !routes[line].routed)
		return -1;
	return routes[line].gsi;
}
