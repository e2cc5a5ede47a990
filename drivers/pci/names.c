/*
 * Human-readable PCI class names for the boot log (PCI Code and ID
 * Assignment Specification 1.11, section 1). Only classes QEMU and common PCs show.
 */
#include <pci/pci.h>
#include <tessera/compiler.h>

struct pci_class_entry {
	u8 class, subclass;
	const char *name;
};

#define PCI_SUBCLASS_ANY 0xff

static const struct pci_class_entry pci_class_names[] = {
	{ 0x01, 0x01, "IDE controller" },
	{ 0x01, 0x06, "SATA controller" },
	{ 0x01, 0x08, "NVMe controller" },
	{ 0x01, 0x00, "SCSI controller" },
	{ 0x01, PCI_SUBCLASS_ANY, "storage controller" },
	{ 0x02, 0x00, "Ethernet controller" },
	{ 0x02, PCI_SUBCLASS_ANY, "network controller" },
	{ 0x03, 0x00, "VGA controller" },
	{ 0x03, PCI_SUBCLASS_ANY, "display controller" },
	{ 0x04, PCI_SUBCLASS_ANY, "multimedia device" },
	{ 0x05, PCI_SUBCLASS_ANY, "memory controller" },
	{ 0x06, 0x00, "host bridge" },
	{ 0x06, 0x01, "ISA bridge" },
	{ 0x06, 0x04, "PCI bridge" },
	{ 0x06, 0x80, "bridge" },
	{ 0x06, PCI_SUBCLASS_ANY, "bridge" },
	{ 0x07, PCI_SUBCLASS_ANY, "communication controller" },
	{ 0x08, PCI_SUBCLASS_ANY, "system peripheral" },
	{ 0x0c, 0x03, "USB controller" },
	{ 0x0c, 0x05, "SMBus controller" },
	{ 0x0c, PCI_SUBCLASS_ANY, "serial bus controller" },
	{ 0xff, PCI_SUBCLASS_ANY, "unassigned class" },
};

const char *pci_class_name(u8 class, u8 subclass)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(pci_class_names); i++) {
		const struct pci_class_entry *e = &pci_class_names[i];

		if (e->class == class &&
		    (e->subclass == subclass || e->subclass == PCI_SUBCLASS_ANY))
			return e->name;
	}
	return "device";
}
