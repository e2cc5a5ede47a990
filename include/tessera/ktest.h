/*
 * In-kernel tests (CONFIG_KTEST). KTEST(suite, name) defines a case that
 * lands in the .ktests section; ktest=all or ktest=<suite> on the command
 * line runs them at the end of boot and reports KTAP v1 on the consoles.
 */
#ifndef TESSERA_KTEST_H
#define TESSERA_KTEST_H

#include <tessera/compiler.h>
#include <tessera/types.h>

struct ktest {
	const char *suite;
	const char *name;
	int failures;
	const char *skip_reason;     /* set by KT_SKIP() */
};

struct ktest_case {
	const char *suite;
	const char *name;
	void (*fn)(struct ktest *t);
};

#define KTEST(suite, name) \
	static void ktest_fn_##suite##_##name(struct ktest *t); \
	static const struct ktest_case ktest_case_##suite##_##name \
	__used __section(".ktests") __aligned(8) = \
		{ #suite, #name, ktest_fn_##suite##_##name }; \
	static void ktest_fn_##suite##_##name(struct ktest *t)

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...)
	__printf(4, 5);

#define KT_EXPECT(t, cond) \
	do { \
		if (!(cond)) \
			ktest_fail(t, __FILE__, __LINE__, "expected %s", #cond); \
	} while (0)

#define KT_EXPECT_EQ(t, a, b) \
	do { \
		long long ktest_a = (long long)(a), ktest_b = (long long)(b); \
		if (ktest_a != ktest_b) \
			ktest_fail(t, __FILE__, __LINE__, "%s == %s: %lld != %lld", \
				   #a, #b, ktest_a, ktest_b); \
	} while (0)

#define KT_EXPECT_STREQ(t, a, b) \
	do { \
		const char *ktest_sa = (a), *ktest_sb = (b); \
		if (strcmp(ktest_sa, ktest_sb) != 0) \
			ktest_fail(t, __FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
				   #a, #b, ktest_sa, ktest_sb); \
	} while (0)

#define KT_SKIP(t, reason) do { (t)->skip_reason = (reason); return; } while (0)

/* Runs the cases named by ktest= and exits the machine with the verdict. */
void ktest_main(void);
/* Runs the crash= trigger, if one was given (boot tests use it). */
void ktest_crash_main(void);

#endif
