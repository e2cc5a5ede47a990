/*
 * Clock arithmetic: BCD and 12-hour decoding of the CMOS registers and
 * civil date -> seconds since 1970. Pure, so the host tests check it.
 */
#include <rtc/rtc.h>
#include <tessera/errno.h>

#define UNIX_EPOCH_YEAR   1970
#define DEFAULT_CENTURY   20            /* no century register: assume 20xx */
#define CENTURY_MIN       19
#define CENTURY_MAX       29
#define SECS_PER_DAY      86400ULL
/* days_from_civil (H. Hinnant): a year starts on March 1 so Feb 29 comes last. */
#define DAYS_PER_ERA      146097        /* days in 400 Gregorian years */
#define EPOCH_DAY_OFFSET  719468        /* days from 0000-03-01 to 1970-01-01 */

int rtc_bcd_to_bin(u8 bcd)
{
	unsigned int hi = bcd >> 4, lo = bcd & 0x0f;

	if (hi > 9 || lo > 9)
		return -EINVAL;
	return (int)(hi * 10 + lo);
}

int rtc_hour_12_to_24(unsigned int hour12, bool pm)
{
	if (hour12 < 1 || hour12 > 12)
		return -EINVAL;
	if (hour12 == 12)
		return pm ? 12 : 0;
	return (int)(pm ? hour12 + 12 : hour12);
}

static int field(u8 raw, bool binary)
{
	return binary ? raw : rtc_bcd_to_bin(raw);
}

static bool is_leap(unsigned int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned int days_in_month(unsigned int y, unsigned int m)
{
	static const u8 days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return days[m - 1] + (m == 2 && is_leap(y));
}

static bool valid(const struct rtc_time *tm)
{
	if (tm->year < UNIX_EPOCH_YEAR || tm->month < 1 || tm->month > 12)
		return false;
	if (tm->day < 1 || tm->day > days_in_month(tm->year, tm->month))
		return false;
	return tm->hour < 24 && tm->min < 60 && tm->sec < 60;
}

static int decode_hour(const struct rtc_regs *r, bool binary)
{
	bool pm = r->hour & RTC_HOUR_PM;
	int hour = field(r->hour & (u8)~RTC_HOUR_PM, binary);

	if (hour < 0 || (r->status_b & RTC_B_24H))
		return hour;
	return rtc_hour_12_to_24((unsigned int)hour, pm);
}

int rtc_decode(const struct rtc_regs *r, struct rtc_time *tm)
{
	bool binary = r->status_b & RTC_B_BINARY;
	int sec = field(r->sec, binary), min = field(r->min, binary);
	int day = field(r->day, binary), month = field(r->month, binary);
	int year = field(r->year, binary), century = field(r->century, binary);
	int hour = decode_hour(r, binary);

	if (sec < 0 || min < 0 || hour < 0 || day < 0 || month < 0 || year < 0 || year > 99)
		return -EINVAL;
	if (century < CENTURY_MIN || century > CENTURY_MAX)
		century = DEFAULT_CENTURY;
	tm->year = (unsigned int)(century * 100 + year);
	tm->month = (unsigned int)month;
	tm->day = (unsigned int)day;
	tm->hour = (unsigned int)hour;
	tm->min = (unsigned int)min;
	tm->sec = (unsigned int)sec;
	return valid(tm) ? 0 : -EINVAL;
}

int rtc_time_to_unix(const struct rtc_time *tm, u64 *seconds)
{
	u64 y, era, yoe, doy, doe, days;
	unsigned int m = tm->month;

	if (!valid(tm))
		return -EINVAL;
	y = tm->year - (m <= 2);
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + tm->day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * DAYS_PER_ERA + doe - EPOCH_DAY_OFFSET;
	*seconds = days * SECS_PER_DAY + tm->hour * 3600ULL + tm->min * 60ULL + tm->sec;
	return 0;
}
