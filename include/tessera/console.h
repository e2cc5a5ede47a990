/*
 * Output consoles. Each driver defines one struct console and registers it
 * with CONSOLE_REGISTER(); only linked drivers land in the .consoles section.
 * console_init() probes them, honours console= and replays the log buffer.
 */
#ifndef TESSERA_CONSOLE_H
#define TESSERA_CONSOLE_H

#include <stddef.h>
#include <tessera/compiler.h>

struct boot_info;

struct console {
	const char *name;                 /* as used by console=: "ttyS0", "vga", "fb" */
	/* Returns 0 when the hardware is present and usable, -errno otherwise. */
	int (*probe)(const struct boot_info *bi);
	void (*write)(const char *s, size_t len);
};

#define CONSOLE_REGISTER(con) \
	static const struct console *const console_entry_##con \
	__used __section(".consoles") = &con

void console_init(const struct boot_info *bi);
void console_write(const char *s, size_t len);
/* Comma-separated names of the active consoles, for the boot log. */
const char *console_active_names(void);

#endif
