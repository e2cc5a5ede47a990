/*
 * syslog(2) (klogctl): the kernel log for dmesg. Lines come out of the
 * printk ring buffer as Linux gives them, "<level>[time] text", oldest
 * first; everyone is root, so no permission check yet.
 */
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include "internal.h"

#define LOG_BUF_SIZE   (1UL << CONFIG_LOG_BUF_SHIFT)

/* Linux's SYSLOG_ACTION_* (include/linux/syslog.h). */
#define SYSLOG_ACTION_CLOSE          0
#define SYSLOG_ACTION_OPEN           1
#define SYSLOG_ACTION_READ_ALL       3
#define SYSLOG_ACTION_CONSOLE_OFF    6
#define SYSLOG_ACTION_CONSOLE_ON     7
#define SYSLOG_ACTION_CONSOLE_LEVEL  8
#define SYSLOG_ACTION_SIZE_BUFFER    10
#define CONSOLE_LOGLEVEL_MIN         1       /* only emergencies: what "off" means */
#define LOGLEVEL_MAX                 8

static int saved_console_loglevel = -1;

/* "6[ts] text\n" lines -> "<6>[ts] text\n": two more bytes per line. */
static size_t add_level_brackets(const char *in, size_t n, char *out)
{
	size_t o = 0;
	bool line_start = true;

	for (size_t i = 0; i < n; i++) {
		if (line_start && in[i] >= '0' && in[i] <= '7') {
			out[o++] = '<';
			out[o++] = in[i];
			out[o++] = '>';
		} else {
			out[o++] = in[i];
		}
		line_start = in[i] == '\n';
	}
	return o;
}

/* READ_ALL: the newest whole lines that fit in len bytes. */
static long read_all(char *ubuf, long len)
{
	char *raw = kmalloc(LOG_BUF_SIZE, GFP_KERNEL);
	char *text = raw ? kmalloc(LOG_BUF_SIZE * 2, GFP_KERNEL) : NULL;
	size_t n, from = 0;
	long ret;

	if (!text) {
		kfree(raw);
		return -ENOMEM;
	}
	n = add_level_brackets(raw, printk_read_log(raw, LOG_BUF_SIZE), text);
	if (n > (size_t)len) {
		from = n - (size_t)len;
		while (from < n && text[from - 1] != '\n')
			from++;
	}
	ret = copy_to_user(ubuf, text + from, n - from) ? -EFAULT : (long)(n - from);
	kfree(text);
	kfree(raw);
	return ret;
}

static long console_level(long level)
{
	if (level < 1 || level > LOGLEVEL_MAX)
		return -EINVAL;
	console_loglevel = (int)level;
	saved_console_loglevel = -1;
	return 0;
}

SYSCALL(syslog)
{
	int action = (int)SC_ARG0(regs);
	char *buf = (char *)SC_ARG1(regs);
	long len = (long)(int)SC_ARG2(regs);

	switch (action) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
		return 0;
	case SYSLOG_ACTION_READ_ALL:
		if (!buf || len < 0)
			return -EINVAL;
		return len ? read_all(buf, len) : 0;
	case SYSLOG_ACTION_CONSOLE_OFF:
		if (saved_console_loglevel < 0)
			saved_console_loglevel = console_loglevel;
		console_loglevel = CONSOLE_LOGLEVEL_MIN;
		return 0;
	case SYSLOG_ACTION_CONSOLE_ON:
		if (saved_console_loglevel >= 0)
			console_loglevel = saved_console_loglevel;
		saved_console_loglevel = -1;
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		return console_level(len);
	case SYSLOG_ACTION_SIZE_BUFFER:
		return (long)LOG_BUF_SIZE;
	default:
		return -EINVAL;         /* READ, READ_CLEAR, CLEAR, SIZE_UNREAD: not kept yet */
	}
}
