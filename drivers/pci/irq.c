/*
 * A device's interrupt for its driver: a vector of its own through MSI-X or
 * MSI when CONFIG_PCI_MSI can (msi.c), else the legacy INTx line, else none
 * (the driver polls). Message vectors come from a range of their own.
 */
#include <pci/pci.h>
#include <tessera/errno.h>

/* Vectors for messages: above the legacy lines, below the LAPIC timer's. */
#define PCI_MSI_VECTOR_FIRST    0x40
#define PCI_MSI_VECTOR_LAST     0x6f

static int pci_alloc_vector(irq_handler_t fn, void *ctx)
{
	for (unsigned int v = PCI_MSI_VECTOR_FIRST; v <= PCI_MSI_VECTOR_LAST; v++)
		if (irq_register(v, fn, ctx) == 0)
			return v;
	return -EBUSY;
}

static enum pci_irq_kind pci_irq_set(struct pci_dev *d, enum pci_irq_kind kind,
				     unsigned int vector)
{
	d->irq_kind = kind;
	d->irq_vector = vector;
	return kind;
}

static enum pci_irq_kind pci_request_msi(struct pci_dev *d, irq_handler_t fn, void *ctx)
{
	int v = pci_alloc_vector(fn, ctx);

	if (v < 0)
		return PCI_IRQ_NONE;
	if (pci_enable_msix(d, 0, v) == 0)
		return pci_irq_set(d, PCI_IRQ_MSIX, v);
	if (pci_enable_msi(d, v) == 0)
		return pci_irq_set(d, PCI_IRQ_MSI, v);
	irq_unregister(v, fn);
	return PCI_IRQ_NONE;
}

enum pci_irq_kind pci_request_irq(struct pci_dev *d, irq_handler_t fn, void *ctx)
{
	if (IS_ENABLED(CONFIG_PCI_MSI) && pci_request_msi(d, fn, ctx) != PCI_IRQ_NONE)
		return d->irq_kind;
	/* A line another device already holds (INTx is shared) leaves this one polling. */
	if (d->irq_pin && d->irq_line && d->irq_line < IRQ_LEGACY_LINES &&
	    irq_request(d->irq_line, fn, ctx) == 0) {
		pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) & ~PCI_COMMAND_INTX_DISABLE);
		return pci_irq_set(d, PCI_IRQ_INTX, IRQ_VECTOR_BASE + d->irq_line);
	}
	return pci_irq_set(d, PCI_IRQ_NONE, 0);
}

const char *pci_irq_kind_name(enum pci_irq_kind kind)
{
	static const char *const names[] = { "polling", "INTx", "MSI", "MSI-X" };

	return kind <= PCI_IRQ_MSIX ? names[kind] : "?";
}
