/* Boot-time setup steps called from start_kernel(), in boot order. */
#ifndef TESSERA_SETUP_H
#define TESSERA_SETUP_H

#include <tessera/types.h>

struct boot_info;

/* Parses the multiboot2 block into boot_info; logs and returns -errno on error. */
int boot_info_init(u32 magic, u32 info_phys);
/* Logs the memory map, modules and framebuffer found at boot. */
void boot_info_log(const struct boot_info *bi);

#endif
