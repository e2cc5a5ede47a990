/*
 * Stopping the machine. Under QEMU (CONFIG_QEMU_DEBUG_EXIT) status 0 powers
 * off through ACPI, so QEMU exits 0; any other status goes out through
 * isa-debug-exit, and QEMU exits with 2 * status - 1 (panic: status 1 -> 1).
 * Without it, or if the device is absent, the CPU halts.
 */
#ifndef TESSERA_MACHINE_H
#define TESSERA_MACHINE_H

#include <tessera/compiler.h>

__noreturn void machine_halt(void);
__noreturn void machine_exit(int status);
/* qemu_exit.c, linked only with CONFIG_QEMU_DEBUG_EXIT; returns if the device is absent. */
void qemu_exit(int status);

#endif
