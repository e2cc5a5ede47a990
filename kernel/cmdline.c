/*
 * Kernel command line parsing: words are "name" or "name=value" separated by
 * spaces; each goes to the KERNEL_PARAM handler of that name. Unknown names
 * and rejected values are logged once, never fatal.
 */
#include <tessera/cmdline.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <lib/string.h>

#define UNKNOWN_MAX 16

extern const struct kernel_param __kparams_start[];
extern const struct kernel_param __kparams_end[];

static char cmdline_copy[CMDLINE_MAX];
static char cmdline_work[CMDLINE_MAX];

const char *cmdline_get(void)
{
	return cmdline_copy;
}

int cmdline_next(char **pos, char **name, char **val)
{
	char *p = *pos;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 0;
	*name = p;
	*val = NULL;
	while (*p && *p != ' ' && *p != '\t') {
		if (*p == '=' && !*val) {
			*p = '\0';
			*val = p + 1;
		}
		p++;
	}
	if (*p)
		*p++ = '\0';
	*pos = p;
	return 1;
}

int cmdline_parse_uint(const char *s, unsigned long *out)
{
	unsigned long v = 0;
	unsigned base = 10;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -EINVAL;
	}
	for (; *s; s++) {
		unsigned digit;

		if (*s >= '0' && *s <= '9')
			digit = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			digit = (unsigned)(*s - 'A' + 10);
		else
			return -EINVAL;
		if (v > (~0UL - digit) / base)
			return -EINVAL;
		v = v * base + digit;
	}
	*out = v;
	return 0;
}

static const struct kernel_param *find_param(const char *name)
{
	for (const struct kernel_param *p = __kparams_start; p < __kparams_end; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* Reports an unknown name the first time only, however often it repeats. */
static void report_unknown(const char *name)
{
	static const char *seen[UNKNOWN_MAX];
	static int seen_count;

	for (int i = 0; i < seen_count; i++)
		if (strcmp(seen[i], name) == 0)
			return;
	if (seen_count < UNKNOWN_MAX)
		seen[seen_count++] = name;
	pr_warn("cmdline: unknown parameter '%s' ignored\n", name);
}

void cmdline_parse(const char *cmdline)
{
	char *pos = cmdline_work;
	char *name, *val;

	if (strscpy(cmdline_copy, cmdline, sizeof(cmdline_copy)) < 0)
		pr_warn("cmdline: longer than %d bytes, truncated\n", CMDLINE_MAX - 1);
	strscpy(cmdline_work, cmdline_copy, sizeof(cmdline_work));
	pr_info("cmdline: '%s'\n", cmdline_copy);
	while (cmdline_next(&pos, &name, &val)) {
		const struct kernel_param *p = find_param(name);

		if (!p) {
			report_unknown(name);
			continue;
		}
		if (p->set(val) < 0)
			pr_warn("cmdline: bad value for %s%s%s, ignored\n", name,
				val ? "=" : "", val ? val : "");
	}
}
