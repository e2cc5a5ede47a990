/*
 * Timestamps for inodes: the RTC's reading at boot plus the TSC's time
 * since (near enough: the RTC is read a fraction of a second after
 * ktime_ns() starts). Until a wall clock is kept, this is the VFS's.
 */
#include <fs/vfs.h>
#include <rtc/rtc.h>
#include <asm/tsc.h>

#define NSEC_PER_SEC 1000000000ULL

struct vfs_time vfs_now(void)
{
	unsigned long long ns = ktime_ns();
	u64 base = IS_ENABLED(CONFIG_RTC_CMOS) ? rtc_boot_seconds() : 0;

	return (struct vfs_time){ (s64)(base + ns / NSEC_PER_SEC), (u32)(ns % NSEC_PER_SEC) };
}
