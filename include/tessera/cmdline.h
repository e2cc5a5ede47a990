/*
 * Kernel command line. Each subsystem declares the parameters it takes with
 * KERNEL_PARAM(); cmdline_parse() hands every "name=value" (or bare "name")
 * to its handler and reports unknown names once.
 */
#ifndef TESSERA_CMDLINE_H
#define TESSERA_CMDLINE_H

#include <stddef.h>
#include <tessera/compiler.h>

#define CMDLINE_MAX 1024

struct kernel_param {
	const char *name;
	/* val is NULL for a bare flag ("quiet"); returns 0 or -EINVAL. */
	int (*set)(const char *val);
};

#define KERNEL_PARAM(pname, handler) \
	static const struct kernel_param kparam_##handler \
	__used __section(".kparams") __aligned(8) = { pname, handler }

/* Copies cmdline (truncating at CMDLINE_MAX - 1 with a warning) and parses it. */
void cmdline_parse(const char *cmdline);
/* The command line as given, after cmdline_parse(). */
const char *cmdline_get(void);

/*
 * Splits the next "name[=value]" word off *pos (modifying the buffer).
 * Returns 1 and fills name/val (val NULL when there is no '='), or 0 at the end.
 */
int cmdline_next(char **pos, char **name, char **val);

/* Parses a decimal or 0x-prefixed number; returns -EINVAL when s is not one. */
int cmdline_parse_uint(const char *s, unsigned long *out);

#endif
