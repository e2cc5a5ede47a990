/*
 * Real-time clock: the battery-backed wall clock. rtc_read() asks the
 * hardware (drivers/rtc/cmos.c); the conversions below are pure, so the
 * host tests check them (drivers/rtc/rtc_lib.c).
 */
#ifndef RTC_RTC_H
#define RTC_RTC_H

#include <tessera/types.h>

struct rtc_time {
	unsigned int year;      /* 1970.. */
	unsigned int month;     /* 1-12 */
	unsigned int day;       /* 1-31 */
	unsigned int hour;      /* 0-23 */
	unsigned int min;       /* 0-59 */
	unsigned int sec;       /* 0-59 */
};

/* The CMOS clock registers as read, before any conversion. */
struct rtc_regs {
	u8 sec, min, hour, day, month, year;
	u8 century;             /* register 0x32; 0 when the machine has none */
	u8 status_b;            /* says BCD or binary, 12 or 24 hours */
};

/* Status register B bits (MC146818A data sheet, "Register B"). */
#define RTC_B_24H       0x02    /* 1: 24-hour mode */
#define RTC_B_BINARY    0x04    /* 1: binary, 0: BCD */
#define RTC_HOUR_PM     0x80    /* 12-hour mode: the top bit of the hour is PM */

/* 0x59 -> 59; -EINVAL when a nibble is not a decimal digit. */
int rtc_bcd_to_bin(u8 bcd);

/* 12 AM -> 0, 1 PM -> 13, 12 PM -> 12; -EINVAL unless 1 <= hour12 <= 12. */
int rtc_hour_12_to_24(unsigned int hour12, bool pm);

/*
 * Decodes raw registers: BCD or binary per status B, 12-hour with the PM
 * bit, year = century * 100 + year when the century register holds 19-29,
 * else 20xx. Returns 0, or -EINVAL when a field is out of range.
 */
int rtc_decode(const struct rtc_regs *regs, struct rtc_time *tm);

/* Seconds since 1970-01-01 00:00:00 UTC; -EINVAL for a date that does not exist. */
int rtc_time_to_unix(const struct rtc_time *tm, u64 *seconds);

/* --- the CMOS driver --- */

/* Reads the clock (assumed to run in UTC). Returns 0 or -errno. */
int rtc_read(struct rtc_time *tm);
/* Reads the clock and logs "rtc: 2026-11-25 12:34:56 UTC". */
void rtc_init(void);
/* Seconds since 1970 when rtc_init() ran; 0 if the clock could not be read. */
u64 rtc_boot_seconds(void);

#endif
