/*
 * PCI: devices found by the config-space scan (drivers/pci/), their BARs,
 * and the driver registry that matches drivers to them by vendor/device/class.
 */
#ifndef PCI_PCI_H
#define PCI_PCI_H

#include <tessera/irq.h>
#include <tessera/types.h>

#define PCI_ANY_ID          0xffff
#define PCI_NUM_BARS        6

/* Config-space offsets (PCI Local Bus Spec 3.0, section 6.1). */
#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define PCI_STATUS          0x06
#define PCI_REVISION        0x08
#define PCI_PROG_IF         0x09
#define PCI_SUBCLASS        0x0a
#define PCI_CLASS           0x0b
#define PCI_HEADER_TYPE     0x0e
#define PCI_BAR0            0x10
#define PCI_SECONDARY_BUS   0x19
#define PCI_CAP_PTR         0x34
#define PCI_INTERRUPT_LINE  0x3c
#define PCI_INTERRUPT_PIN   0x3d

#define PCI_COMMAND_IO      0x1
#define PCI_COMMAND_MEMORY  0x2
#define PCI_COMMAND_MASTER  0x4
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS_CAP_LIST 0x10

/* Capability IDs (PCI Code and ID Assignment Spec, section 2). */
#define PCI_CAP_ID_MSI      0x05
#define PCI_CAP_ID_VNDR     0x09
#define PCI_CAP_ID_MSIX     0x11

/* How a device's interrupt reaches the CPU (pci_request_irq). */
enum pci_irq_kind {
	PCI_IRQ_NONE,           /* no interrupt: the driver polls */
	PCI_IRQ_INTX,           /* the legacy line in irq_line, maybe shared */
	PCI_IRQ_MSI,            /* a message to the local APIC, one vector */
	PCI_IRQ_MSIX,           /* the same through MSI-X table entry 0 */
};

struct pci_bar {
	u64 base;               /* bus address (I/O port for io BARs) */
	u64 size;               /* 0: BAR not implemented */
	bool io;
	bool is64;
	bool prefetch;
};

struct pci_driver;

struct pci_dev {
	u8 bus, slot, func;
	u16 vendor, device;
	u8 class, subclass, prog_if, revision;
	u8 header_type;         /* without the multi-function bit */
	u8 irq_line;            /* legacy INTx line the firmware routed, 0xff: none */
	u8 irq_pin;             /* 0: no INTx pin, 1-4: INTA#-INTD# */
	enum pci_irq_kind irq_kind;     /* set by pci_request_irq */
	unsigned int irq_vector;        /* CPU vector the interrupt arrives on */
	struct pci_bar bar[PCI_NUM_BARS];
	const struct pci_driver *driver;
	void *drvdata;
	struct pci_dev *next;
};

/*
 * One match: vendor/device PCI_ANY_ID match anything; class_mask selects
 * which bits of (class << 16 | subclass << 8 | prog_if) must equal class.
 */
struct pci_device_id {
	u16 vendor, device;
	u32 class, class_mask;
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *ids;        /* ends with an all-zero entry */
	/* Returns 0 when it took the device, a negative errno otherwise. May sleep. */
	int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
	struct pci_driver *next;
};

/* Scans every bus reachable from bus 0 and logs each function. Once, at boot. */
void pci_init(void);

/*
 * Adds a driver and probes it against every unclaimed device at once; devices
 * are all known before drivers register (pci_init runs first).
 */
int pci_register_driver(struct pci_driver *drv);

/* First device with this vendor/device (PCI_ANY_ID matches any), or NULL. */
struct pci_dev *pci_find_device(u16 vendor, u16 device);
struct pci_dev *pci_first_device(void);
unsigned int pci_device_count(void);

u8 pci_read8(const struct pci_dev *d, u8 off);
u16 pci_read16(const struct pci_dev *d, u8 off);
u32 pci_read32(const struct pci_dev *d, u8 off);
void pci_write16(const struct pci_dev *d, u8 off, u16 val);
void pci_write32(const struct pci_dev *d, u8 off, u32 val);

/* Turns on I/O and memory decoding and bus mastering (for DMA). */
void pci_enable_device(struct pci_dev *d);

/* True when config space is reached through ECAM (the ACPI MCFG table). */
bool pci_ecam_active(void);

/* Config-space offset of capability id, or 0 when the device has none. */
u8 pci_find_capability(const struct pci_dev *d, u8 id);

/*
 * Message Signalled Interrupts (drivers/pci/msi.c, CONFIG_PCI_MSI): the
 * address/data pair of the SDM (vol. 3, "Message Signalled Interrupts")
 * sends vector to this CPU's local APIC, fixed delivery, edge. INTx is
 * turned off. 0, -ENODEV (no capability, or no MSI-X table below 4 GiB),
 * -ENXIO (not the APIC interrupt controller).
 */
int pci_enable_msi(struct pci_dev *d, unsigned int vector);
/* The same through MSI-X table entry `entry`; the other entries stay masked. */
int pci_enable_msix(struct pci_dev *d, unsigned int entry, unsigned int vector);

/*
 * Gives the device an interrupt that calls fn(regs, ctx): MSI-X entry 0,
 * else MSI (each on a vector of its own), else its INTx line. Sets
 * d->irq_kind and d->irq_vector and returns the kind; PCI_IRQ_NONE (the
 * driver polls) when none could be had. The device must not interrupt
 * before fn can handle it.
 */
enum pci_irq_kind pci_request_irq(struct pci_dev *d, irq_handler_t fn, void *ctx);
const char *pci_irq_kind_name(enum pci_irq_kind kind);

/* A short name for a class/subclass ("IDE controller"), for logs. */
const char *pci_class_name(u8 class, u8 subclass);

#endif
