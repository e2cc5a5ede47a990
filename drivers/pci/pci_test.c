/*
 * PCI KTESTs: the scan found QEMU's host bridge at 00:00.0 and sized the
 * BARs of the devices it found sanely.
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
