/*
 * printk: formats a message, stores it in the log ring buffer (each line
 * prefixed by its level digit, for dmesg and for replay to late consoles)
 * and writes it to the consoles when its level is below console_loglevel.
 */
#include <tessera/printk.h>
#include <tessera/console.h>
#include <tessera/cmdline.h>
#include <tessera/errno.h>
#include <tessera/types.h>
#include <lib/format.h>
#include <lib/string.h>
#include <generated/compile.h>

#define LOG_BUF_SIZE   (1UL << CONFIG_LOG_BUF_SHIFT)
#define LINE_MAX       512
#define QUIET_LOGLEVEL LOGLEVEL_WARNING

int console_loglevel = CONFIG_CONSOLE_LOGLEVEL_DEFAULT;

static char log_buf[LOG_BUF_SIZE];
static u64 log_next;           /* total bytes ever written */
static bool line_open;         /* the last message did not end in '\n' */
static int open_line_level = LOGLEVEL_INFO;
static unsigned long long (*log_clock)(void);

void printk_set_clock(unsigned long long (*now_ns)(void))
{
	log_clock = now_ns;
}

static void log_store(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		log_buf[(log_next + i) % LOG_BUF_SIZE] = s[i];
	log_next += len;
}

size_t printk_read_log(char *buf, size_t len)
{
	u64 first = log_next > LOG_BUF_SIZE ? log_next - LOG_BUF_SIZE : 0;
	size_t n = 0;

	/* After a wrap the oldest line is cut: start at the next full line. */
	if (first > 0) {
		while (first < log_next && log_buf[first % LOG_BUF_SIZE] != '\n')
			first++;
		first++;
	}
	for (u64 pos = first; pos < log_next && n < len; pos++)
		buf[n++] = log_buf[pos % LOG_BUF_SIZE];
	return n;
}

/* Splits a leading KERN_<level> marker off the message. */
static const char *parse_level(const char *text, int *level, bool *cont)
{
	*cont = false;
	while (text[0] == KERN_SOH[0] && text[1] != '\0') {
		if (text[1] == 'c')
			*cont = true;
		else if (text[1] >= '0' && text[1] <= '7')
			*level = text[1] - '0';
		text += 2;
	}
	return text;
}

static size_t format_timestamp(char *buf, size_t size)
{
	unsigned long long ns = log_clock ? log_clock() : 0;

	if (!IS_ENABLED(CONFIG_PRINTK_TIME))
		return 0;
	return (size_t)snprintf(buf, size, "[%5llu.%06llu] ", ns / 1000000000ULL,
				(ns % 1000000000ULL) / 1000ULL);
}

/* Emits one piece of text; a new line gets the level digit and timestamp. */
static void emit(const char *text, size_t len, int level)
{
	char prefix[32];
	size_t plen = 0;
	bool to_console = level < console_loglevel;

	if (!line_open) {
		prefix[0] = (char)('0' + level);
		log_store(prefix, 1);
		plen = format_timestamp(prefix, sizeof(prefix));
		log_store(prefix, plen);
		if (to_console)
			console_write(prefix, plen);
	}
	log_store(text, len);
	if (to_console)
		console_write(text, len);
	line_open = len > 0 && text[len - 1] != '\n';
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[LINE_MAX];
	int level = LOGLEVEL_INFO;
	bool cont;
	int len = vsnprintf(buf, sizeof(buf), fmt, ap);
	const char *text = parse_level(buf, &level, &cont);

	if (len >= (int)sizeof(buf))
		len = sizeof(buf) - 1;
	if (line_open && !cont && *text != '\0') {
		/* A new message while a line is open: continue it only if asked. */
		level = open_line_level;
	}
	open_line_level = level;
	/* Emit line by line so every new line is stamped. */
	while (*text != '\0') {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) + 1 : strlen(text);

		emit(text, n, level);
		text += n;
	}
	return len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void printk_banner(void)
{
	printk(KERN_NOTICE "Tessera %s (%s) x86_64 %s\n", TESSERA_VERSION,
	       TESSERA_GIT_DESCRIBE, CONFIG_BUILD_NAME);
}

static int loglevel_setup(const char *val)
{
	unsigned long level;

	if (!val || cmdline_parse_uint(val, &level) < 0 || level > LOGLEVEL_DEBUG + 1)
		return -EINVAL;
	console_loglevel = (int)level;
	return 0;
}
KERNEL_PARAM("loglevel", loglevel_setup);

static int quiet_setup(const char *val)
{
	console_loglevel = QUIET_LOGLEVEL;
	return 0;
}
KERNEL_PARAM("quiet", quiet_setup);
