/*
 * Between the files of drivers/pci/: the ECAM window (ecam.c) that the
 * config accessors in pci.c use when the ACPI MCFG table offers one.
 */
#ifndef DRIVERS_PCI_INTERNAL_H
#define DRIVERS_PCI_INTERNAL_H

#include <tessera/types.h>

/* Finds, checks and logs the MCFG window. 0, or -ENOENT: use the ports. */
int pci_ecam_init(void);
/* The config dword of bus:slot.func at off, or NULL when ECAM does not cover it. */
volatile u32 *pci_ecam_addr(u8 bus, u8 slot, u8 func, u8 off);

#endif
