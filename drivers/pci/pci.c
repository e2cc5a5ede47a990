/*
 * PCI bus scan through ECAM (ecam.c) or configuration mechanism #1 (ports
 * 0xcf8/0xcfc): every bus behind bridges, every function, BAR sizing,
 * capabilities, and the driver registry.
 */
#include <pci/pci.h>
#include <asm/io.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include "internal.h"

/* PCI Local Bus Spec 3.0, section 3.2.2.3.2: configuration mechanism #1. */
#define PCI_CONFIG_ADDRESS  0xcf8
#define PCI_CONFIG_DATA     0xcfc
#define PCI_CONFIG_ENABLE   0x80000000u

#define PCI_VENDOR_NONE     0xffff  /* what an empty slot reads as */
#define PCI_MAX_BUSES       256
#define PCI_MAX_SLOTS       32
#define PCI_MAX_FUNCS       8
#define PCI_HEADER_MULTIFN  0x80
#define PCI_HEADER_BRIDGE   0x01
#define PCI_BRIDGE_BARS     2

#define PCI_BAR_IO          0x1
#define PCI_BAR_TYPE_MASK   0x6
#define PCI_BAR_TYPE_64     0x4
#define PCI_BAR_PREFETCH    0x8
#define PCI_BAR_IO_MASK     0xfffffffcu
#define PCI_BAR_MEM_MASK    0xfffffff0u

static DEFINE_SPINLOCK(pci_config_lock);
static struct pci_dev *pci_devices, **pci_tail = &pci_devices;
static struct pci_driver *pci_drivers;
static unsigned int pci_count;
static u8 pci_bus_seen[PCI_MAX_BUSES / 8];

static u32 pci_address(u8 bus, u8 slot, u8 func, u8 off)
{
	return PCI_CONFIG_ENABLE | (u32)bus << 16 | (u32)slot << 11 |
	       (u32)func << 8 | (off & 0xfc);
}

#define PCI_CAP_MAX         48      /* bounds a looping capability list */

static u32 pci_conf_read(u8 bus, u8 slot, u8 func, u8 off)
{
	volatile u32 *ecam = pci_ecam_addr(bus, slot, func, off);
	u32 val;

	if (ecam)
		return *ecam;
	spin_lock(&pci_config_lock);
	outl(PCI_CONFIG_ADDRESS, pci_address(bus, slot, func, off));
	val = inl(PCI_CONFIG_DATA);
	spin_unlock(&pci_config_lock);
	return val;
}

static void pci_conf_write(u8 bus, u8 slot, u8 func, u8 off, u32 val)
{
	volatile u32 *ecam = pci_ecam_addr(bus, slot, func, off);

	if (ecam) {
		*ecam = val;
		return;
	}
	spin_lock(&pci_config_lock);
	outl(PCI_CONFIG_ADDRESS, pci_address(bus, slot, func, off));
	outl(PCI_CONFIG_DATA, val);
	spin_unlock(&pci_config_lock);
}

u32 pci_read32(const struct pci_dev *d, u8 off)
{
	return pci_conf_read(d->bus, d->slot, d->func, off);
}

u16 pci_read16(const struct pci_dev *d, u8 off)
{
	return (u16)(pci_read32(d, off) >> ((off & 2) * 8));
}

u8 pci_read8(const struct pci_dev *d, u8 off)
{
	return (u8)(pci_read32(d, off) >> ((off & 3) * 8));
}

void pci_write32(const struct pci_dev *d, u8 off, u32 val)
{
	pci_conf_write(d->bus, d->slot, d->func, off, val);
}

/* Read-modify-write of the dword: config space is dword-addressed here. */
void pci_write16(const struct pci_dev *d, u8 off, u16 val)
{
	unsigned int shift = (off & 2) * 8;
	u32 old = pci_read32(d, off);

	old &= ~(0xffffu << shift);
	pci_write32(d, off, old | (u32)val << shift);
}

u8 pci_find_capability(const struct pci_dev *d, u8 id)
{
	u8 cap;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	cap = pci_read8(d, PCI_CAP_PTR) & ~3;
	for (int n = 0; cap && n < PCI_CAP_MAX; n++, cap = pci_read8(d, cap + 1) & ~3)
		if (pci_read8(d, cap) == id)
			return cap;
	return 0;
}

void pci_enable_device(struct pci_dev *d)
{
	u16 cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
		    PCI_COMMAND_MASTER);
}

/*
 * Sizing writes all ones and reads back the writable bits (spec section
 * 6.2.5.1); decoding is off meanwhile so the probe value never decodes.
 * Returns how many BAR slots this BAR used (2 for a 64-bit memory BAR).
 */
static int pci_size_bar(struct pci_dev *d, int i)
{
	u8 off = PCI_BAR0 + 4 * i;
	u32 orig = pci_read32(d, off), mask, hi_orig = 0, hi_mask = 0;
	struct pci_bar *b = &d->bar[i];

	pci_write32(d, off, 0xffffffffu);
	mask = pci_read32(d, off);
	pci_write32(d, off, orig);
	if (mask == 0 || mask == 0xffffffffu)
		return 1;
	if (orig & PCI_BAR_IO) {
		b->io = true;
		b->base = orig & PCI_BAR_IO_MASK;
		b->size = (u32)(~(mask & PCI_BAR_IO_MASK) + 1) & 0xffff;
		return 1;
	}
	b->prefetch = orig & PCI_BAR_PREFETCH;
	b->is64 = (orig & PCI_BAR_TYPE_MASK) == PCI_BAR_TYPE_64 && i + 1 < PCI_NUM_BARS;
	if (b->is64) {
		hi_orig = pci_read32(d, off + 4);
		pci_write32(d, off + 4, 0xffffffffu);
		hi_mask = pci_read32(d, off + 4);
		pci_write32(d, off + 4, hi_orig);
	} else {
		hi_mask = 0xffffffffu;
	}
	b->base = ((u64)hi_orig << 32) | (orig & PCI_BAR_MEM_MASK);
	b->size = ~(((u64)hi_mask << 32) | (mask & PCI_BAR_MEM_MASK)) + 1;
	return b->is64 ? 2 : 1;
}

static void pci_size_bars(struct pci_dev *d)
{
	int nbars = d->header_type == PCI_HEADER_BRIDGE ? PCI_BRIDGE_BARS :
		    d->header_type == 0 ? PCI_NUM_BARS : 0;
	u16 cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < nbars; )
		i += pci_size_bar(d, i);
	pci_write16(d, PCI_COMMAND, cmd);
}

static void pci_log_device(const struct pci_dev *d)
{
	pr_info("pci: %02x:%02x.%x %04x:%04x class %02x%02x %s\n", d->bus, d->slot,
		d->func, d->vendor, d->device, d->class, d->subclass,
		pci_class_name(d->class, d->subclass));
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *b = &d->bar[i];

		if (!b->size)
			continue;
		pr_info("pci:   BAR%d %s %#llx size %#llx%s\n", i,
			b->io ? "io " : b->is64 ? "m64" : "m32",
			(unsigned long long)b->base, (unsigned long long)b->size,
			b->prefetch ? " prefetch" : "");
	}
}

static void pci_scan_bus(u8 bus);

static void pci_add_function(u8 bus, u8 slot, u8 func)
{
	u32 id = pci_conf_read(bus, slot, func, PCI_VENDOR_ID);
	u32 cls = pci_conf_read(bus, slot, func, PCI_REVISION);
	struct pci_dev *d;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		pr_err("pci: out of memory at %02x:%02x.%x\n", bus, slot, func);
		return;
	}
	d->bus = bus, d->slot = slot, d->func = func;
	d->vendor = id & 0xffff, d->device = id >> 16;
	d->revision = cls & 0xff, d->prog_if = cls >> 8;
	d->subclass = cls >> 16, d->class = cls >> 24;
	d->header_type = pci_read8(d, PCI_HEADER_TYPE) & ~PCI_HEADER_MULTIFN;
	d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
	d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
	pci_size_bars(d);
	*pci_tail = d;
	pci_tail = &d->next;
	pci_count++;
	pci_log_device(d);
	if (d->header_type == PCI_HEADER_BRIDGE)
		pci_scan_bus(pci_read8(d, PCI_SECONDARY_BUS));
}

static void pci_scan_slot(u8 bus, u8 slot)
{
	u8 nfuncs = 1;

	if ((pci_conf_read(bus, slot, 0, PCI_VENDOR_ID) & 0xffff) == PCI_VENDOR_NONE)
		return;
	if (pci_conf_read(bus, slot, 0, PCI_HEADER_TYPE & ~3) >> 16 & PCI_HEADER_MULTIFN)
		nfuncs = PCI_MAX_FUNCS;
	for (u8 f = 0; f < nfuncs; f++)
		if ((pci_conf_read(bus, slot, f, PCI_VENDOR_ID) & 0xffff) != PCI_VENDOR_NONE)
			pci_add_function(bus, slot, f);
}

/* The seen-bitmap stops a misprogrammed bridge from looping the scan. */
static void pci_scan_bus(u8 bus)
{
	if (pci_bus_seen[bus / 8] & (1u << (bus % 8)))
		return;
	pci_bus_seen[bus / 8] |= 1u << (bus % 8);
	for (u8 slot = 0; slot < PCI_MAX_SLOTS; slot++)
		pci_scan_slot(bus, slot);
}

bool pci_ecam_active(void)
{
	return pci_ecam_addr(0, 0, 0, 0) != NULL;
}

void pci_init(void)
{
	if (pci_ecam_init())
		pr_info("pci: configuration through ports 0xcf8/0xcfc (no usable MCFG)\n");
	if (pci_conf_read(0, 0, 0, PCI_VENDOR_ID) == 0xffffffffu &&
	    pci_conf_read(0, 1, 0, PCI_VENDOR_ID) == 0xffffffffu) {
		pr_warn("pci: no configuration space at 0xcf8, no PCI devices\n");
		return;
	}
	pci_scan_bus(0);
	pr_info("pci: %u functions found\n", pci_count);
}

struct pci_dev *pci_first_device(void)
{
	return pci_devices;
}

unsigned int pci_device_count(void)
{
	return pci_count;
}

struct pci_dev *pci_find_device(u16 vendor, u16 device)
{
	for (struct pci_dev *d = pci_devices; d; d = d->next)
		if ((vendor == PCI_ANY_ID || d->vendor == vendor) &&
		    (device == PCI_ANY_ID || d->device == device))
			return d;
	return NULL;
}

static const struct pci_device_id *pci_match(const struct pci_driver *drv,
					     const struct pci_dev *d)
{
	u32 cls = (u32)d->class << 16 | (u32)d->subclass << 8 | d->prog_if;

	for (const struct pci_device_id *id = drv->ids; id->vendor || id->class_mask; id++) {
		if (id->vendor != PCI_ANY_ID && id->vendor != d->vendor)
			continue;
		if (id->device != PCI_ANY_ID && id->device != d->device)
			continue;
		if ((cls & id->class_mask) != (id->class & id->class_mask))
			continue;
		return id;
	}
	return NULL;
}

int pci_register_driver(struct pci_driver *drv)
{
	int claimed = 0;

	if (!drv || !drv->ids || !drv->probe)
		return -EINVAL;
	drv->next = pci_drivers;
	pci_drivers = drv;
	for (struct pci_dev *d = pci_devices; d; d = d->next) {
		const struct pci_device_id *id;

		if (d->driver || !(id = pci_match(drv, d)))
			continue;
		if (drv->probe(d, id) == 0) {
			d->driver = drv;
			claimed++;
		}
	}
	return claimed;
}
