/*
 * KTESTs for the core pieces every later test leans on: the format core and
 * string routines as built for the kernel, command-line splitting, the
 * symbol table, the log buffer and the multiboot2 block GRUB really passed.
 */
#include <tessera/ktest.h>
#include <tessera/bootinfo.h>
#include <tessera/cmdline.h>
#include <tessera/kallsyms.h>
#include <tessera/printk.h>
#include <boot/multiboot2.h>
#include <tessera/errno.h>
#include <lib/format.h>
#include <lib/string.h>

void start_kernel(u32 mb2_magic, u32 mb2_info_phys);

static bool contains(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return true;
	return false;
}

KTEST(format, integers)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%d %i %u %x %X", -42, 7, 4000000000u, 0xbeef, 0xbeef);
	KT_EXPECT_STREQ(t, buf, "-42 7 4000000000 beef BEEF");
	snprintf(buf, sizeof(buf), "%lu %llx %zu", 123456789012UL, 0x1234567890abULL, (size_t)99);
	KT_EXPECT_STREQ(t, buf, "123456789012 1234567890ab 99");
}

KTEST(format, width_precision_flags)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "[%5d|%-5d|%05d|%.3s|%c]", 42, 42, 42, "abcdef", 'z');
	KT_EXPECT_STREQ(t, buf, "[   42|42   |00042|abc|z]");
}

KTEST(format, truncation_returns_full_length)
{
	char buf[8];
	int n = snprintf(buf, sizeof(buf), "%s", "0123456789");

	KT_EXPECT_EQ(t, n, 10);
	KT_EXPECT_STREQ(t, buf, "0123456");
}

KTEST(string, basics)
{
	char buf[16];

	KT_EXPECT_EQ(t, strlen("tessera"), 7);
	KT_EXPECT(t, strcmp("abc", "abd") < 0);
	KT_EXPECT_EQ(t, strscpy(buf, "0123456789abcdefXYZ", sizeof(buf)), -E2BIG);
	KT_EXPECT_EQ(t, strlen(buf), sizeof(buf) - 1);
	memset(buf, 'x', 4);
	KT_EXPECT_EQ(t, memcmp(buf, "xxxx", 4), 0);
}

KTEST(cmdline, split_words)
{
	char line[] = "  quiet loglevel=3 console=ttyS0,vga  a=b=c ";
	char *pos = line, *name, *val;

	KT_EXPECT_EQ(t, cmdline_next(&pos, &name, &val), 1);
	KT_EXPECT_STREQ(t, name, "quiet");
	KT_EXPECT(t, val == NULL);
	KT_EXPECT_EQ(t, cmdline_next(&pos, &name, &val), 1);
	KT_EXPECT_STREQ(t, name, "loglevel");
	KT_EXPECT_STREQ(t, val, "3");
	KT_EXPECT_EQ(t, cmdline_next(&pos, &name, &val), 1);
	KT_EXPECT_STREQ(t, val, "ttyS0,vga");
	KT_EXPECT_EQ(t, cmdline_next(&pos, &name, &val), 1);
	KT_EXPECT_STREQ(t, name, "a");
	KT_EXPECT_STREQ(t, val, "b=c");
	KT_EXPECT_EQ(t, cmdline_next(&pos, &name, &val), 0);
}

KTEST(cmdline, numbers)
{
	unsigned long v = 0;

	KT_EXPECT_EQ(t, cmdline_parse_uint("1234", &v), 0);
	KT_EXPECT_EQ(t, v, 1234);
	KT_EXPECT_EQ(t, cmdline_parse_uint("0x1F", &v), 0);
	KT_EXPECT_EQ(t, v, 31);
	KT_EXPECT_EQ(t, cmdline_parse_uint("12a", &v), -EINVAL);
	KT_EXPECT_EQ(t, cmdline_parse_uint("", &v), -EINVAL);
	KT_EXPECT_EQ(t, cmdline_parse_uint("99999999999999999999999", &v), -EINVAL);
}

KTEST(kallsyms, lookup)
{
	unsigned long off, size, addr = (unsigned long)start_kernel;
	const char *name;

	if (!IS_ENABLED(CONFIG_KALLSYMS))
		KT_SKIP(t, "CONFIG_KALLSYMS is off");
	name = kallsyms_lookup(addr + 1, &off, &size);
	KT_EXPECT(t, name != NULL);
	if (!name)
		return;
	KT_EXPECT_STREQ(t, name, "start_kernel");
	KT_EXPECT_EQ(t, off, 1);
	KT_EXPECT(t, size > 1);
	KT_EXPECT_EQ(t, kallsyms_lookup_name("start_kernel"), addr);
}

KTEST(printk, log_buffer_keeps_banner)
{
	static char log[1UL << CONFIG_LOG_BUF_SHIFT];
	size_t n = printk_read_log(log, sizeof(log) - 1);

	log[n] = '\0';
	KT_EXPECT(t, n > 0);
	/* Small buffers may have wrapped past the banner; the tests line stays. */
	printk("ktest: marker line\n");
	n = printk_read_log(log, sizeof(log) - 1);
	log[n] = '\0';
	KT_EXPECT(t, contains(log, "ktest: marker line"));
}

KTEST(multiboot2, boot_info_is_sane)
{
	KT_EXPECT(t, boot_info.cmdline != NULL);
	KT_EXPECT(t, boot_info.bootloader[0] != '\0');
	KT_EXPECT(t, boot_info.mmap_count > 0);
	KT_EXPECT(t, boot_info.info_size >= 16);
}
