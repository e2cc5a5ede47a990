/*
 * The PC's CMOS real-time clock (MC146818A and its descendants): reads the
 * date and time without catching the chip mid-update, and logs it at boot.
 * The clock is taken to run in UTC, as QEMU's does by default.
 */
#include <rtc/rtc.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/printk.h>
#include <asm/io.h>

/* Index and data ports; bit 7 of the index would mask NMI, we leave it 0. */
#define CMOS_INDEX      0x70
#define CMOS_DATA       0x71

/* Registers (MC146818A data sheet, "Address Map"; 0x32 is the IBM AT's century). */
#define RTC_SECONDS     0x00
#define RTC_MINUTES     0x02
#define RTC_HOURS       0x04
#define RTC_DAY         0x07
#define RTC_MONTH       0x08
#define RTC_YEAR        0x09
#define RTC_STATUS_A    0x0a
#define RTC_STATUS_B    0x0b
#define RTC_CENTURY     0x32
#define RTC_A_UIP       0x80    /* update in progress: the time registers are changing */

#define UIP_SPIN_LIMIT  1000000 /* an update takes under 2 ms */
#define READ_ATTEMPTS   8

static u64 boot_seconds;

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static int read_regs(struct rtc_regs *r)
{
	int spins = 0;

	while (cmos_read(RTC_STATUS_A) & RTC_A_UIP)
		if (++spins == UIP_SPIN_LIMIT)
			return -ETIMEDOUT;
	r->sec = cmos_read(RTC_SECONDS);
	r->min = cmos_read(RTC_MINUTES);
	r->hour = cmos_read(RTC_HOURS);
	r->day = cmos_read(RTC_DAY);
	r->month = cmos_read(RTC_MONTH);
	r->year = cmos_read(RTC_YEAR);
	r->century = cmos_read(RTC_CENTURY);
	r->status_b = cmos_read(RTC_STATUS_B);
	return 0;
}

static bool same_regs(const struct rtc_regs *a, const struct rtc_regs *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour &&
	       a->day == b->day && a->month == b->month && a->year == b->year &&
	       a->century == b->century && a->status_b == b->status_b;
}

/*
 * An update can start right after UIP was seen clear, so read until two
 * reads in a row agree: then no update fell inside either.
 */
static int read_stable(struct rtc_regs *r)
{
	struct rtc_regs again;
	int err = read_regs(r);

	for (int i = 0; !err && i < READ_ATTEMPTS; i++) {
		err = read_regs(&again);
		if (!err && same_regs(r, &again))
			return 0;
		*r = again;
	}
	return err ? err : -EIO;
}

int rtc_read(struct rtc_time *tm)
{
	struct rtc_regs regs;
	unsigned long flags = irq_save();       /* index and data must stay paired */
	int err = read_stable(&regs);

	irq_restore(flags);
	return err ? err : rtc_decode(&regs, tm);
}

u64 rtc_boot_seconds(void)
{
	return boot_seconds;
}

void rtc_init(void)
{
	struct rtc_time tm;
	int err = rtc_read(&tm);

	if (!err)
		err = rtc_time_to_unix(&tm, &boot_seconds);
	if (err) {
		pr_warn("rtc: cannot read the CMOS clock (error %d)\n", err);
		return;
	}
	pr_info("rtc: %04u-%02u-%02u %02u:%02u:%02u UTC\n", tm.year, tm.month, tm.day,
		tm.hour, tm.min, tm.sec);
}
