/*
 * The KTEST runner: walks the .ktests section, groups cases by suite, runs
 * those selected by ktest= and prints KTAP v1 (one subtest per suite). Then
 * it stops the machine: exit status 0 when everything passed.
 */
#include <tessera/ktest.h>
#include <tessera/cmdline.h>
#include <tessera/errno.h>
#include <tessera/machine.h>
#include <tessera/printk.h>
#include <lib/format.h>
#include <lib/string.h>

#define KTEST_FILTER_MAX 64

extern const struct ktest_case __ktests_start[];
extern const struct ktest_case __ktests_end[];

static char ktest_filter[KTEST_FILTER_MAX];

static int ktest_setup(const char *val)
{
	if (!val || !*val)
		return -EINVAL;
	return strscpy(ktest_filter, val, sizeof(ktest_filter)) < 0 ? -EINVAL : 0;
}
KERNEL_PARAM("ktest", ktest_setup);

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("        # %s: EXPECTATION FAILED at %s:%d: %s\n", t->name, file, line, msg);
	t->failures++;
}

static bool suite_selected(const char *suite)
{
	return strcmp(ktest_filter, "all") == 0 || strcmp(ktest_filter, suite) == 0;
}

/* True when an earlier case already belongs to this suite. */
static bool suite_seen_before(const struct ktest_case *c)
{
	for (const struct ktest_case *p = __ktests_start; p < c; p++)
		if (strcmp(p->suite, c->suite) == 0)
			return true;
	return false;
}

static int count_cases(const char *suite)
{
	int n = 0;

	for (const struct ktest_case *c = __ktests_start; c < __ktests_end; c++)
		if (strcmp(c->suite, suite) == 0)
			n++;
	return n;
}

struct ktest_totals {
	int pass, fail, skip;
};

/* Runs one suite as a KTAP subtest; returns true when none of it failed. */
static bool run_suite(const char *suite, int suite_no, struct ktest_totals *tot)
{
	int n = 0, failed = 0;

	printk("    KTAP version 1\n    # Subtest: %s\n    1..%d\n", suite, count_cases(suite));
	for (const struct ktest_case *c = __ktests_start; c < __ktests_end; c++) {
		struct ktest t = { c->suite, c->name, 0, NULL };

		if (strcmp(c->suite, suite) != 0)
			continue;
		c->fn(&t);
		n++;
		if (t.failures) {
			printk("    not ok %d %s\n", n, c->name);
			failed++;
			tot->fail++;
		} else if (t.skip_reason) {
			printk("    ok %d %s # SKIP %s\n", n, c->name, t.skip_reason);
			tot->skip++;
		} else {
			printk("    ok %d %s\n", n, c->name);
			tot->pass++;
		}
	}
	printk("%s %d %s\n", failed ? "not ok" : "ok", suite_no, suite);
	return failed == 0;
}

void ktest_main(void)
{
	struct ktest_totals tot = { 0, 0, 0 };
	int suites = 0, suite_no = 0;
	bool all_ok = true;

	if (!ktest_filter[0])
		return;
	for (const struct ktest_case *c = __ktests_start; c < __ktests_end; c++)
		if (!suite_seen_before(c) && suite_selected(c->suite))
			suites++;
	printk("KTAP version 1\n1..%d\n", suites);
	for (const struct ktest_case *c = __ktests_start; c < __ktests_end; c++) {
		if (suite_seen_before(c) || !suite_selected(c->suite))
			continue;
		if (!run_suite(c->suite, ++suite_no, &tot))
			all_ok = false;
	}
	printk("# ktest: pass:%d fail:%d skip:%d total:%d\n", tot.pass, tot.fail,
	       tot.skip, tot.pass + tot.fail + tot.skip);
	if (suites == 0) {
		pr_err("ktest: no suite matches '%s'\n", ktest_filter);
		all_ok = false;
	}
	machine_exit(all_ok ? 0 : 2);
}
