/*
 * PCI KTESTs: the scan found QEMU's host bridge at 00:00.0 and sized the
 * BARs of the devices it found sanely; ECAM reads what the scan saw; MSI
 * and MSI-X are programmed as pci_request_irq said.
 */
#include <pci/pci.h>
#include <tessera/ktest.h>

#define PCI_VENDOR_INTEL        0x8086
#define PCI_DEVICE_I440FX_HOST  0x1237          /* QEMU -M pc */
#define PCI_DEVICE_Q35_HOST     0x29c0          /* QEMU -M q35 */

KTEST(pci, host_bridge_found)
{
	struct pci_dev *d = pci_first_device();

	KT_EXPECT(t, d != NULL);
	if (!d)
		return;
	KT_EXPECT_EQ(t, d->bus, 0);
	KT_EXPECT_EQ(t, d->slot, 0);
	KT_EXPECT_EQ(t, d->vendor, PCI_VENDOR_INTEL);
	KT_EXPECT(t, d->device == PCI_DEVICE_I440FX_HOST || d->device == PCI_DEVICE_Q35_HOST);
	KT_EXPECT_EQ(t, d->class, 0x06);
	KT_EXPECT(t, pci_find_device(PCI_VENDOR_INTEL, d->device) == d);
}

/* Every BAR size is a power of two and the base is aligned to it. */
KTEST(pci, bars_sane)
{
	for (struct pci_dev *d = pci_first_device(); d; d = d->next) {
		for (int i = 0; i < PCI_NUM_BARS; i++) {
			const struct pci_bar *b = &d->bar[i];

			if (!b->size)
				continue;
			KT_EXPECT_EQ(t, b->size & (b->size - 1), 0);
			KT_EXPECT_EQ(t, b->base & (b->size - 1), 0);
		}
	}
}

/* On q35 (an MCFG table) every function reads the same IDs through ECAM as the scan found. */
KTEST(pci, ecam_matches_scan)
{
	if (!pci_ecam_active())
		KT_SKIP(t, "no ECAM window (no MCFG table)");
	for (struct pci_dev *d = pci_first_device(); d; d = d->next)
		KT_EXPECT_EQ(t, pci_read32(d, PCI_VENDOR_ID), (u32)d->device << 16 | d->vendor);
}

#define PCI_TEST_MSI_CTRL       2
#define PCI_TEST_MSI_ENABLE     0x0001
#define PCI_TEST_MSI_64BIT      0x0080
#define PCI_TEST_MSIX_ENABLE    0x8000
#define PCI_TEST_MSI_ADDR_MASK  0xfff00000u
#define PCI_TEST_MSI_ADDR_BASE  0xfee00000u     /* SDM: the local APIC's message window */

/* Devices given MSI/MSI-X by pci_request_irq have it enabled, INTx off, and (MSI) our vector. */
KTEST(pci, msi_programmed)
{
	unsigned int seen = 0;

	for (struct pci_dev *d = pci_first_device(); d; d = d->next) {
		u8 cap;
		u16 ctrl;

		if (d->irq_kind != PCI_IRQ_MSI && d->irq_kind != PCI_IRQ_MSIX)
			continue;
		seen++;
		KT_EXPECT(t, pci_read16(d, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
		if (d->irq_kind == PCI_IRQ_MSIX) {
			cap = pci_find_capability(d, PCI_CAP_ID_MSIX);
			KT_EXPECT(t, cap && (pci_read16(d, cap + PCI_TEST_MSI_CTRL) & PCI_TEST_MSIX_ENABLE));
			continue;
		}
		cap = pci_find_capability(d, PCI_CAP_ID_MSI);
		KT_EXPECT(t, cap != 0);
		if (!cap)
			continue;
		ctrl = pci_read16(d, cap + PCI_TEST_MSI_CTRL);
		KT_EXPECT(t, ctrl & PCI_TEST_MSI_ENABLE);
		KT_EXPECT_EQ(t, pci_read32(d, cap + 4) & PCI_TEST_MSI_ADDR_MASK, PCI_TEST_MSI_ADDR_BASE);
		KT_EXPECT_EQ(t, pci_read8(d, cap + ((ctrl & PCI_TEST_MSI_64BIT) ? 12 : 8)),
			     d->irq_vector);
	}
	if (!seen)
		KT_SKIP(t, "no device uses MSI or MSI-X");
}
