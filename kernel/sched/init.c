/*
 * Choosing the policy: every linked sched_class sits in .sched_classes;
 * sched= on the command line picks one of them, anything else falls back to
 * the Kconfig default with a warning, and the boot log names the choice.
 */
#include <lib/string.h>
#include <tessera/cmdline.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/panic.h>
#include "internal.h"

#define SCHED_PARAM_MAX   16
#define LINKED_NAMES_MAX  64

extern const struct sched_class *const __sched_classes_start[];
extern const struct sched_class *const __sched_classes_end[];

#define SCHED_DEFAULT_NAME \
	(IS_ENABLED(CONFIG_SCHED_DEFAULT_MLFQ) ? "mlfq" : \
	 IS_ENABLED(CONFIG_SCHED_DEFAULT_STRIDE) ? "stride" : "rr")

static char sched_param[SCHED_PARAM_MAX];
static bool sched_bench_param;

static int sched_setup(const char *val)
{
	if (!val || !*val)
		return -EINVAL;
	/* Too long to be a policy name: keep a prefix so the warning shows it. */
	strscpy(sched_param, val, sizeof(sched_param));
	return 0;
}
KERNEL_PARAM("sched", sched_setup);

/* sched_bench: run the yield and wake-up benchmark at boot (bench.c). */
static int sched_bench_setup(const char *val)
{
	sched_bench_param = true;
	return 0;
}
KERNEL_PARAM("sched_bench", sched_bench_setup);

static const struct sched_class *find_class(const char *name)
{
	for (const struct sched_class *const *c = __sched_classes_start; c < __sched_classes_end; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

const char *sched_linked_names(char *buf, unsigned long len)
{
	size_t used = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (const struct sched_class *const *c = __sched_classes_start; c < __sched_classes_end; c++) {
		size_t n = strlen((*c)->name);

		if (used + n + 2 > len)
			break;
		if (used)
			buf[used++] = ' ';
		memcpy(buf + used, (*c)->name, n + 1);
		used += n;
	}
	return buf;
}

const char *sched_class_name(void)
{
	return sched_policy ? sched_policy->name : "none";
}

static const struct sched_class *choose_class(const char *linked)
{
	const struct sched_class *def = find_class(SCHED_DEFAULT_NAME), *want;

	/* Kconfig selects the default's policy, so this is a build bug. */
	if (!def)
		panic("sched: default policy %s is not linked", SCHED_DEFAULT_NAME);
	if (!sched_param[0])
		return def;
	want = find_class(sched_param);
	if (want)
		return want;
	pr_warn("sched: sched=%s is not built in (linked: %s); using the default, %s\n",
		sched_param, linked, def->name);
	return def;
}

void sched_init(void)
{
	char linked[LINKED_NAMES_MAX];
	const struct sched_class *policy;

	sched_linked_names(linked, sizeof(linked));
	policy = choose_class(linked);
	sched_cpu_init(0, policy);
	pr_info("sched: %s (%s); linked: %s; %s, %d ms slice, HZ=%d\n", policy->name,
		policy->description, linked,
		IS_ENABLED(CONFIG_PREEMPT) ? "preemptible" : "cooperative",
		CONFIG_SCHED_TIMESLICE_MS, CONFIG_HZ);
	sched_trace_init();
	if (sched_bench_param)
		sched_bench_run();
}
