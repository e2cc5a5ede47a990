/*
 * The RTC conversions (drivers/rtc/rtc_lib.c): BCD, 12 -> 24 hours, the
 * register decoding in all four BCD/binary x 12/24-hour modes, the century
 * register, invalid dates, and seconds since 1970 against glibc's timegm.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <time.h>

#include <rtc/rtc.h>
#include <tessera/errno.h>

static void test_bcd(void **state)
{
	(void)state;
	assert_int_equal(rtc_bcd_to_bin(0x00), 0);
	assert_int_equal(rtc_bcd_to_bin(0x09), 9);
	assert_int_equal(rtc_bcd_to_bin(0x10), 10);
	assert_int_equal(rtc_bcd_to_bin(0x59), 59);
	assert_int_equal(rtc_bcd_to_bin(0x99), 99);
	assert_int_equal(rtc_bcd_to_bin(0x1a), -EINVAL);
	assert_int_equal(rtc_bcd_to_bin(0xa0), -EINVAL);
	assert_int_equal(rtc_bcd_to_bin(0xff), -EINVAL);
}

static void test_12h(void **state)
{
	(void)state;
	assert_int_equal(rtc_hour_12_to_24(12, false), 0);
	assert_int_equal(rtc_hour_12_to_24(1, false), 1);
	assert_int_equal(rtc_hour_12_to_24(11, false), 11);
	assert_int_equal(rtc_hour_12_to_24(12, true), 12);
	assert_int_equal(rtc_hour_12_to_24(1, true), 13);
	assert_int_equal(rtc_hour_12_to_24(11, true), 23);
	assert_int_equal(rtc_hour_12_to_24(0, false), -EINVAL);
	assert_int_equal(rtc_hour_12_to_24(13, true), -EINVAL);
}

static void expect_time(const struct rtc_regs *r, unsigned int y, unsigned int mo,
			unsigned int d, unsigned int h, unsigned int mi, unsigned int s)
{
	struct rtc_time tm;

	assert_int_equal(rtc_decode(r, &tm), 0);
	assert_int_equal(tm.year, y);
	assert_int_equal(tm.month, mo);
	assert_int_equal(tm.day, d);
	assert_int_equal(tm.hour, h);
	assert_int_equal(tm.min, mi);
	assert_int_equal(tm.sec, s);
}

static void test_decode_modes(void **state)
{
	struct rtc_regs bcd24 = { 0x56, 0x34, 0x12, 0x25, 0x11, 0x26, 0x20, RTC_B_24H };
	struct rtc_regs bin24 = { 56, 34, 12, 25, 11, 26, 20, RTC_B_24H | RTC_B_BINARY };
	struct rtc_regs bcd12 = { 0x56, 0x34, RTC_HOUR_PM | 0x01, 0x25, 0x11, 0x26, 0x20, 0 };
	struct rtc_regs bin12 = { 0, 0, RTC_HOUR_PM | 11, 31, 12, 99, 20, RTC_B_BINARY };

	(void)state;
	expect_time(&bcd24, 2026, 11, 25, 12, 34, 56);
	expect_time(&bin24, 2026, 11, 25, 12, 34, 56);
	expect_time(&bcd12, 2026, 11, 25, 13, 34, 56);
	expect_time(&bin12, 2099, 12, 31, 23, 0, 0);
	bcd12.hour = 0x12;                              /* 12 AM: midnight */
	expect_time(&bcd12, 2026, 11, 25, 0, 34, 56);
	bcd12.hour = RTC_HOUR_PM | 0x12;                /* 12 PM: noon */
	expect_time(&bcd12, 2026, 11, 25, 12, 34, 56);
}

static void test_century(void **state)
{
	struct rtc_regs r = { 0, 0, 0, 0x01, 0x01, 0x99, 0x19, RTC_B_24H };

	(void)state;
	expect_time(&r, 1999, 1, 1, 0, 0, 0);
	r.century = 0;                                  /* no century register */
	expect_time(&r, 2099, 1, 1, 0, 0, 0);
	r.century = 0xff;                               /* floating bus */
	expect_time(&r, 2099, 1, 1, 0, 0, 0);
	r.century = 0x21;
	r.year = 0x05;
	expect_time(&r, 2105, 1, 1, 0, 0, 0);
}

static void expect_invalid(struct rtc_regs r)
{
	struct rtc_time tm;

	assert_int_equal(rtc_decode(&r, &tm), -EINVAL);
}

static void test_decode_invalid(void **state)
{
	const struct rtc_regs good = { 0x00, 0x00, 0x00, 0x28, 0x02, 0x24, 0x20, RTC_B_24H };
	struct rtc_regs r;

	(void)state;
	r = good; r.day = 0x29;
	expect_time(&r, 2024, 2, 29, 0, 0, 0);          /* a leap year */
	r.year = 0x23;
	expect_invalid(r);                              /* 2023 is not */
	r = good; r.century = 0x21; r.year = 0x00; r.day = 0x29;
	expect_invalid(r);                              /* 2100 is not either */
	r = good; r.century = 0x20; r.year = 0x00; r.day = 0x29;
	expect_time(&r, 2000, 2, 29, 0, 0, 0);          /* 2000 is */
	r = good; r.month = 0x13; expect_invalid(r);
	r = good; r.month = 0x00; expect_invalid(r);
	r = good; r.day = 0x00; expect_invalid(r);
	r = good; r.day = 0x30; expect_invalid(r);
	r = good; r.hour = 0x24; expect_invalid(r);
	r = good; r.min = 0x60; expect_invalid(r);
	r = good; r.sec = 0x5a; expect_invalid(r);      /* not BCD */
	r = good; r.status_b = 0; r.hour = 0x00; expect_invalid(r);  /* 12 h mode, hour 0 */
	r = good; r.status_b = RTC_B_BINARY | RTC_B_24H; r.year = 100; expect_invalid(r);
	r = good; r.century = 0x19; r.year = 0x69; expect_invalid(r);  /* before 1970 */
}

static void expect_unix(unsigned int y, unsigned int mo, unsigned int d, unsigned int h,
			unsigned int mi, unsigned int s, u64 want)
{
	struct rtc_time tm = { y, mo, d, h, mi, s };
	u64 got = 0;

	assert_int_equal(rtc_time_to_unix(&tm, &got), 0);
	assert_int_equal(got, want);
}

static void test_unix_known(void **state)
{
	struct rtc_time bad = { 1969, 12, 31, 23, 59, 59 };
	u64 secs;

	(void)state;
	expect_unix(1970, 1, 1, 0, 0, 0, 0);
	expect_unix(1970, 1, 1, 0, 0, 1, 1);
	expect_unix(2000, 1, 1, 0, 0, 0, 946684800);
	expect_unix(2000, 2, 29, 0, 0, 0, 951782400);
	expect_unix(2026, 11, 25, 12, 34, 56, 1795610096);
	expect_unix(2038, 1, 19, 3, 14, 8, 2147483648ULL);
	expect_unix(2100, 3, 1, 0, 0, 0, 4107542400ULL);
	assert_int_equal(rtc_time_to_unix(&bad, &secs), -EINVAL);
	bad = (struct rtc_time){ 2023, 2, 29, 0, 0, 0 };
	assert_int_equal(rtc_time_to_unix(&bad, &secs), -EINVAL);
}

/* Every day from 1970 to 2199, at a time that changes with the day. */
static void test_unix_against_timegm(void **state)
{
	(void)state;
	for (time_t day = 0; day < 83600; day++) {
		time_t t = day * 86400 + (day * 3607) % 86400;
		struct tm g;
		struct rtc_time tm;
		u64 got;

		gmtime_r(&t, &g);
		tm = (struct rtc_time){ (unsigned int)g.tm_year + 1900, (unsigned int)g.tm_mon + 1,
					(unsigned int)g.tm_mday, (unsigned int)g.tm_hour,
					(unsigned int)g.tm_min, (unsigned int)g.tm_sec };
		assert_int_equal(rtc_time_to_unix(&tm, &got), 0);
		assert_int_equal(got, (u64)t);
		if (day % 997 == 0)
			assert_int_equal(timegm(&g), t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bcd),
		cmocka_unit_test(test_12h),
		cmocka_unit_test(test_decode_modes),
		cmocka_unit_test(test_century),
		cmocka_unit_test(test_decode_invalid),
		cmocka_unit_test(test_unix_known),
		cmocka_unit_test(test_unix_against_timegm),
	};

	return cmocka_run_group_tests_name("rtc", tests, NULL, NULL);
}
