/*
 * ECAM, the memory-mapped configuration space of PCI Express, found in the
 * ACPI MCFG table (PCI Firmware Spec 3.2, section 4.1.2): 4 KiB per
 * function through the direct map, no port lock, one access per dword.
 */
#include <acpi/acpi.h>
#include <asm/io.h>
#include <asm/page.h>
#include <lib/unaligned.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include "internal.h"

/* MCFG: the ACPI header, 8 reserved bytes, then 16-byte allocations. */
#define MCFG_ALLOC_OFF      44
#define MCFG_ALLOC_SIZE     16
#define MCFG_ALLOC_BASE     0
#define MCFG_ALLOC_SEGMENT  8
#define MCFG_ALLOC_START    10
#define MCFG_ALLOC_END      11

/* PCIe Base Spec 4.0, section 7.2.2: bus/device/function in the address. */
#define ECAM_BUS_SHIFT      20
#define ECAM_SLOT_SHIFT     15
#define ECAM_FUNC_SHIFT     12

/* Legacy ports, only to cross-check ECAM once on 00:00.0. */
#define PCI_CONFIG_ADDRESS  0xcf8
#define PCI_CONFIG_DATA     0xcfc
#define PCI_CONFIG_ENABLE   0x80000000u

static u64 ecam_base;
static u8 ecam_bus_start, ecam_bus_end;
static bool ecam_on;

volatile u32 *pci_ecam_addr(u8 bus, u8 slot, u8 func, u8 off)
{
	u64 pa;

	if (!ecam_on || bus < ecam_bus_start || bus > ecam_bus_end)
		return NULL;
	pa = ecam_base + ((u64)(bus - ecam_bus_start) << ECAM_BUS_SHIFT) +
	     ((u64)slot << ECAM_SLOT_SHIFT) + ((u64)func << ECAM_FUNC_SHIFT) + (off & 0xfc);
	return (volatile u32 *)phys_to_virt(pa);
}

/* The first segment-0 allocation that the direct map (below 4 GiB) reaches. */
static int ecam_pick(const struct acpi_table *t)
{
	for (u32 off = MCFG_ALLOC_OFF; off + MCFG_ALLOC_SIZE <= t->length; off += MCFG_ALLOC_SIZE) {
		const u8 *a = t->data + off;
		u64 base = get_unaligned_u64(a + MCFG_ALLOC_BASE);
		u8 start = a[MCFG_ALLOC_START], end = a[MCFG_ALLOC_END];
		u64 size = ((u64)(end - start) + 1) << ECAM_BUS_SHIFT;

		if (get_unaligned_u16(a + MCFG_ALLOC_SEGMENT) != 0 || end < start || !base)
			continue;
		if (base + size > BOOT_DIRECT_MAP_LIMIT) {
			pr_warn("pci: MCFG window at %#llx is above 4 GiB; using the ports\n",
				(unsigned long long)base);
			continue;
		}
		ecam_base = base, ecam_bus_start = start, ecam_bus_end = end;
		return 0;
	}
	return -ENOENT;
}

/* Firmware tables have lied before: ECAM must see what the ports see. */
static bool ecam_agrees_with_ports(void)
{
	u32 by_port;

	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE);
	by_port = inl(PCI_CONFIG_DATA);
	return by_port == 0xffffffffu || *pci_ecam_addr(0, 0, 0, 0) == by_port;
}

int pci_ecam_init(void)
{
	struct acpi_table t;

	if (acpi_get_table("MCFG", &t) || ecam_pick(&t))
		return -ENOENT;
	ecam_on = true;
	if (!ecam_agrees_with_ports()) {
		ecam_on = false;
		pr_warn("pci: MCFG window at %#llx reads wrong; using the ports\n",
			(unsigned long long)ecam_base);
		return -ENOENT;
	}
	pr_info("pci: ECAM at %#llx for buses %02x-%02x (ACPI MCFG)\n",
		(unsigned long long)ecam_base, ecam_bus_start, ecam_bus_end);
	return 0;
}
