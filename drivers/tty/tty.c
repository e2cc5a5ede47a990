/*
 * The console TTY: the keyboard and serial interrupt handlers type into one
 * line discipline, its echo goes to every console, and readers wait for a
 * line. Also the kernel's stand-in reader until a shell exists.
 */
#include <tessera/process.h>
#include <tty/tty.h>
#include <tty/keyboard.h>
#include <tty/ldisc.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/printk.h>
#include <tessera/time.h>
#include <tessera/wait.h>
#include <lib/string.h>

#define TTY_PROMPT       "tessera> "
#define SOURCE_NAMES_MAX 32
#define CTRL_SHOW_FLIP   0x40           /* shows 0x1b as ^[ */
#define ASCII_SPACE      0x20
#define ASCII_DEL        0x7f
#define RFLAGS_IF        0x200          /* interrupts enabled (SDM vol. 1, 3.4.3) */

static struct ldisc console_ldisc;
static volatile bool intr_pending;      /* Ctrl-C typed, not yet seen by a reader */
/* Readers sleep here (kernel/sync/wait.c); every typed byte bumps input_seq and wakes them. */
static DEFINE_WAIT_QUEUE(tty_readers);
static volatile unsigned long input_seq;
static int sources;
static char source_names[SOURCE_NAMES_MAX];

static void tty_echo(void *ctx, const char *s, size_t len)
{
	console_write(s, len);
}

/* SIGINT to the foreground process group when there is one; the reader gets -EINTR. */
static void tty_signal(void *ctx, int sig)
{
	if (IS_ENABLED(CONFIG_PROCESSES) && tty_foreground_pgrp() > 0)
		signal_pgrp(tty_foreground_pgrp(), sig);
	if (sig == LDISC_SIGINT)
		intr_pending = true;
}

/* With one CPU, interrupts off is the line discipline's lock; SMP needs a spinlock. */
void tty_input_char(u8 c)
{
	unsigned long flags = irq_save();

	ldisc_receive(&console_ldisc, c);
	input_seq++;
	irq_restore(flags);
	wake_up_all(&tty_readers);
}

void tty_set_mode(unsigned int mode)
{
	unsigned long flags = irq_save();

	ldisc_set_mode(&console_ldisc, mode);
	irq_restore(flags);
}

static void add_source(const char *name, int err)
{
	size_t used = strlen(source_names);

	if (err < 0) {
		pr_warn("tty: no input from %s (error %d)\n", name, err);
		return;
	}
	sources++;
	if (used)
		strscpy(source_names + used, ", ", sizeof(source_names) - used);
	used = strlen(source_names);
	strscpy(source_names + used, name, sizeof(source_names) - used);
}

void tty_init(void)
{
	ldisc_init(&console_ldisc, LDISC_CANON | LDISC_ECHO, tty_echo, tty_signal, NULL);
	if (IS_ENABLED(CONFIG_KEYBOARD_PS2))
		add_source("ps2 keyboard", kbd_init());
	if (IS_ENABLED(CONFIG_SERIAL_8250))
		add_source("ttyS0", serial8250_rx_init());
	pr_info("tty: console input from %s\n", sources ? source_names : "nothing");
}

static unsigned long read_rflags(void)
{
	unsigned long flags = irq_save();

	irq_restore(flags);
	return flags;
}

/* A signal for the reading process: kill and Ctrl-Z must not wait for a key. */
static bool reader_signalled(void)
{
	return IS_ENABLED(CONFIG_PROCESSES) && signal_pending();
}

/*
 * Waiting needs interrupts; a caller that runs with them off (before the
 * interrupt controller is set up) would sleep for ever, so it gets -EAGAIN.
 */
long tty_read(char *buf, size_t len)
{
	long err = IS_ENABLED(CONFIG_PROCESSES) ? tty_read_check() : 0;

	if (err)
		return err;              /* a background job: SIGTTIN stops it */
	if (!sources)
		return -ENODEV;
	for (;;) {
		unsigned long flags = irq_save(), seen;
		long n;

		if (intr_pending) {
			intr_pending = false;
			irq_restore(flags);
			return -EINTR;
		}
		n = ldisc_read(&console_ldisc, buf, len);
		if (n != -EAGAIN || !(flags & RFLAGS_IF)) {
			irq_restore(flags);
			return n;
		}
		if (!sched_started()) {
			tick_idle();    /* sti; hlt: input that came after the check still wakes us */
			irq_restore(flags);
			continue;
		}
		/* Sleep, letting other threads run, until a byte arrives after the check. */
		seen = input_seq;
		irq_restore(flags);
		wait_event(tty_readers, input_seq != seen || reader_signalled());
		if (reader_signalled())
			return -EINTR;      /* a stop (Ctrl-Z) restarts the read after SIGCONT */
	}
}

bool tty_readable(void)
{
	unsigned long flags = irq_save();
	bool ready = intr_pending || ldisc_readable(&console_ldisc);

	irq_restore(flags);
	return ready;
}

struct wait_queue *tty_read_queue(void)
{
	return &tty_readers;
}

long tty_read_line(char *buf, size_t size)
{
	long n;

	if (size < 2)
		return -EINVAL;
	n = tty_read(buf, size - 1);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Copies line for the log with control bytes as ^X, so arrows show as ^[[A. */
static void make_printable(const char *line, char *out, size_t size)
{
	size_t o = 0;

	for (; *line && o + 3 <= size; line++) {
		u8 c = (u8)*line;

		if (c < ASCII_SPACE || c == ASCII_DEL) {
			out[o++] = '^';
			out[o++] = (char)(c ^ CTRL_SHOW_FLIP);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
}

void tty_console_echo(void)
{
	static char line[LDISC_LINE_MAX + 1];
	static char shown[2 * LDISC_LINE_MAX + 1];

	if (!IS_ENABLED(CONFIG_KERNEL_CONSOLE_ECHO) || !sources)
		return;
	if (!(read_rflags() & RFLAGS_IF)) {
		pr_warn("tty: interrupts are off, so nothing can be typed; not reading\n");
		return;
	}
	pr_info("tty: echoing typed lines (CONFIG_KERNEL_CONSOLE_ECHO)\n");
	for (;;) {
		long n;

		console_write(TTY_PROMPT, sizeof(TTY_PROMPT) - 1);
		n = tty_read_line(line, sizeof(line));
		if (n == -EINTR)
			continue;               /* the line discipline echoed ^C */
		if (n < 0) {
			pr_err("tty: read failed (error %ld)\n", n);
			return;
		}
		if (n == 0) {
			console_write("\n", 1);
			pr_info("tty: end of file\n");
			continue;
		}
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		else
			console_write("\n", 1);  /* Ctrl-D pushed a line without Enter */
		make_printable(line, shown, sizeof(shown));
		pr_info("tty: read '%s'\n", shown);
	}
}
