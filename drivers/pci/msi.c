/*
 * Message Signalled Interrupts (CONFIG_PCI_MSI, APIC controller only): MSI
 * and MSI-X capability setup with the local APIC's address/data format
 * (Intel SDM vol. 3, "Message Signalled Interrupts"; PCI 3.0 section 6.8).
 */
#include <asm/apic.h>
#include <asm/page.h>
#include <pci/pci.h>
#include <tessera/errno.h>

/* MSI capability (PCI 3.0 section 6.8.1). */
#define MSI_CTRL            2
#define MSI_CTRL_ENABLE     (1u << 0)
#define MSI_CTRL_MME_MASK   (7u << 4)       /* messages enabled: 1 */
#define MSI_CTRL_64BIT      (1u << 7)
#define MSI_ADDR_LO         4
#define MSI_ADDR_HI         8
#define MSI_DATA_32         8
#define MSI_DATA_64         12

/* MSI-X capability and table (PCI 3.0 section 6.8.2). */
#define MSIX_CTRL           2
#define MSIX_CTRL_SIZE_MASK 0x7ff           /* table size - 1 */
#define MSIX_CTRL_MASKALL   (1u << 14)
#define MSIX_CTRL_ENABLE    (1u << 15)
#define MSIX_TABLE          4
#define MSIX_BIR_MASK       7u
#define MSIX_ENTRY_SIZE     16
#define MSIX_ENTRY_ADDR_LO  0
#define MSIX_ENTRY_ADDR_HI  4
#define MSIX_ENTRY_DATA     8
#define MSIX_ENTRY_CTRL     12
#define MSIX_ENTRY_MASKED   1u

/* SDM vol. 3 "Message Address Register Format" and "Message Data Register Format". */
#define MSI_ADDR_BASE       0xfee00000u
#define MSI_ADDR_DEST_SHIFT 12              /* physical destination: the APIC ID */
#define MSI_DATA_FIXED      (0u << 8)       /* delivery mode fixed */
#define MSI_DATA_EDGE       (0u << 15)      /* trigger mode edge */

static u32 msi_address(void)
{
	return MSI_ADDR_BASE | (u32)lapic_id() << MSI_ADDR_DEST_SHIFT;
}

static u32 msi_data(unsigned int vector)
{
	return (vector & 0xff) | MSI_DATA_FIXED | MSI_DATA_EDGE;
}

static bool msi_usable(unsigned int vector)
{
	return IS_ENABLED(CONFIG_X86_APIC) && lapic_ready() && vector >= IRQ_VECTOR_BASE &&
	       vector < IRQ_VECTORS;
}

static void pci_intx_off(struct pci_dev *d)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
}

int pci_enable_msi(struct pci_dev *d, unsigned int vector)
{
	u8 cap = pci_find_capability(d, PCI_CAP_ID_MSI);
	u16 ctrl;

	if (!msi_usable(vector))
		return -ENXIO;
	if (!cap)
		return -ENODEV;
	ctrl = pci_read16(d, cap + MSI_CTRL) & ~(MSI_CTRL_ENABLE | MSI_CTRL_MME_MASK);
	pci_write16(d, cap + MSI_CTRL, ctrl);
	pci_write32(d, cap + MSI_ADDR_LO, msi_address());
	if (ctrl & MSI_CTRL_64BIT) {
		pci_write32(d, cap + MSI_ADDR_HI, 0);
		pci_write16(d, cap + MSI_DATA_64, msi_data(vector));
	} else {
		pci_write16(d, cap + MSI_DATA_32, msi_data(vector));
	}
	pci_intx_off(d);
	pci_write16(d, cap + MSI_CTRL, ctrl | MSI_CTRL_ENABLE);
	return 0;
}

/* The table lives in a memory BAR; the direct map reaches it below 4 GiB. */
static volatile u32 *msix_table(struct pci_dev *d, u8 cap, unsigned int entry)
{
	u32 tbl = pci_read32(d, cap + MSIX_TABLE);
	const struct pci_bar *b = &d->bar[(tbl & MSIX_BIR_MASK) % PCI_NUM_BARS];
	u64 off = (tbl & ~MSIX_BIR_MASK) + (u64)entry * MSIX_ENTRY_SIZE;

	if (!b->size || b->io || off + MSIX_ENTRY_SIZE > b->size ||
	    b->base + b->size > BOOT_DIRECT_MAP_LIMIT)
		return NULL;
	return (volatile u32 *)phys_to_virt(b->base + off);
}

int pci_enable_msix(struct pci_dev *d, unsigned int entry, unsigned int vector)
{
	u8 cap = pci_find_capability(d, PCI_CAP_ID_MSIX);
	volatile u32 *e;
	u16 ctrl;

	if (!msi_usable(vector))
		return -ENXIO;
	if (!cap)
		return -ENODEV;
	ctrl = pci_read16(d, cap + MSIX_CTRL);
	if (entry > (ctrl & MSIX_CTRL_SIZE_MASK) || !(e = msix_table(d, cap, entry)))
		return -ENODEV;
	/* Enabled but masked as a whole while the entry is written. */
	pci_write16(d, cap + MSIX_CTRL, ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
	e[MSIX_ENTRY_ADDR_LO / 4] = msi_address();
	e[MSIX_ENTRY_ADDR_HI / 4] = 0;
	e[MSIX_ENTRY_DATA / 4] = msi_data(vector);
	e[MSIX_ENTRY_CTRL / 4] &= ~MSIX_ENTRY_MASKED;
	pci_intx_off(d);
	pci_write16(d, cap + MSIX_CTRL, (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASKALL);
	return 0;
}
