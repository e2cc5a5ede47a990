/*
 * The console core: picks which registered consoles run (console= on the
 * command line, or every one that probes), replays the log so far to them,
 * and fans printk output out to all of them.
 */
#include <tessera/console.h>
#include <tessera/cmdline.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/types.h>
#include <lib/string.h>

#define CONSOLE_MAX     8
#define CONSOLE_ARG_MAX 128

extern const struct console *const __consoles_start[];
extern const struct console *const __consoles_end[];

static const struct console *active[CONSOLE_MAX];
static int active_count;
static char wanted[CONSOLE_ARG_MAX];   /* console= values, comma-separated */
static char active_names[CONSOLE_MAX * 8];

static int console_setup(const char *val)
{
	size_t used = strlen(wanted);

	if (!val || !*val)
		return -EINVAL;
	if (used + strlen(val) + 2 > sizeof(wanted))
		return -EINVAL;
	if (used)
		wanted[used++] = ',';
	strscpy(wanted + used, val, sizeof(wanted) - used);
	return 0;
}
KERNEL_PARAM("console", console_setup);

/* Is name one of the comma-separated words in wanted? */
static bool console_wanted(const char *name)
{
	size_t len = strlen(name);
	const char *p = wanted;

	if (!wanted[0])
		return true;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == len && strncmp(p, name, len) == 0)
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static void add_active_name(const char *name)
{
	size_t used = strlen(active_names);

	if (used)
		strscpy(active_names + used, ", ", sizeof(active_names) - used);
	used = strlen(active_names);
	strscpy(active_names + used, name, sizeof(active_names) - used);
}

/* Sends the log recorded before the consoles existed, without level digits. */
static void replay_log(void)
{
	static char buf[1UL << CONFIG_LOG_BUF_SHIFT];
	size_t len = printk_read_log(buf, sizeof(buf));
	size_t start = 0;

	while (start < len) {
		size_t end = start;

		while (end < len && buf[end] != '\n')
			end++;
		if (end < len)
			end++;
		if (buf[start] - '0' < console_loglevel)
			console_write(buf + start + 1, end - start - 1);
		start = end;
	}
}

void console_init(const struct boot_info *bi)
{
	for (const struct console *const *c = __consoles_start; c < __consoles_end; c++) {
		if (!console_wanted((*c)->name) || active_count == CONSOLE_MAX)
			continue;
		if ((*c)->probe && (*c)->probe(bi) < 0)
			continue;
		active[active_count++] = *c;
		add_active_name((*c)->name);
	}
	replay_log();
	pr_info("console: %s\n", active_count ? active_names : "none");
	if (wanted[0])
		pr_info("console: asked for '%s'\n", wanted);
}

void console_write(const char *s, size_t len)
{
	for (int i = 0; i < active_count; i++)
		active[i]->write(s, len);
}

const char *console_active_names(void)
{
	return active_names;
}
