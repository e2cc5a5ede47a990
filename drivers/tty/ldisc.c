/*
 * Line discipline (termios' ICANON/ECHO/ISIG/ICRNL subset): line editing
 * with echo, erase, kill, word erase, interrupt and end of file; raw mode
 * passes bytes through. Pure and host-tested; tty.c adds locking and I/O.
 */
#include <tty/ldisc.h>
#include <tessera/errno.h>

#define CTRL_ECHO_FLIP  0x40            /* ^C: 0x03 ^ 0x40 = 'C' */
#define ASCII_SPACE     0x20
#define UTF8_CONT_MASK  0xc0
#define UTF8_CONT       0x80            /* 10xxxxxx: continues a character */

static const char erase_seq[] = "\b \b";

static void echo(struct ldisc *ld, const char *s, size_t len)
{
	if ((ld->mode & LDISC_ECHO) && ld->echo)
		ld->echo(ld->ctx, s, len);
}

static bool is_ctrl(u8 c)
{
	return c < ASCII_SPACE || c == LDISC_CH_ERASE;
}

/* ECHOCTL: control characters other than tab and newline show as ^X. */
static void echo_char(struct ldisc *ld, u8 c)
{
	char caret[2] = { '^', (char)(c ^ CTRL_ECHO_FLIP) };

	if (is_ctrl(c) && c != '\t' && c != '\n') {
		echo(ld, caret, sizeof(caret));
		return;
	}
	echo(ld, (const char *)&c, 1);
}

static size_t ready_len(const struct ldisc *ld)
{
	return ld->ready_head - ld->ready_tail;
}

static unsigned int records(const struct ldisc *ld)
{
	return ld->rec_head - ld->rec_tail;
}

void ldisc_init(struct ldisc *ld, unsigned int mode,
		void (*echo_fn)(void *ctx, const char *s, size_t len),
		void (*signal)(void *ctx, int sig), void *ctx)
{
	ld->mode = mode;
	ld->line_len = 0;
	ld->ready_head = ld->ready_tail = 0;
	ld->rec_head = ld->rec_tail = 0;
	ld->cr_seen = false;
	ld->dropped = 0;
	ld->echo = echo_fn;
	ld->signal = signal;
	ld->ctx = ctx;
}

/*
 * Moves the edited line into the ready queue as one record (empty: an EOF
 * marker). Returns false, keeping the line, when the queue has no room.
 */
static bool commit_line(struct ldisc *ld)
{
	if (records(ld) == LDISC_RECORDS || LDISC_READ_MAX - ready_len(ld) < ld->line_len)
		return false;
	for (size_t i = 0; i < ld->line_len; i++)
		ld->ready[ld->ready_head++ % LDISC_READ_MAX] = ld->line[i];
	ld->rec_end[ld->rec_head++ % LDISC_RECORDS] = ld->ready_head;
	ld->line_len = 0;
	return true;
}

/* Bytes of the character that ends the line: a UTF-8 sequence counts once. */
static size_t last_char_len(const struct ldisc *ld)
{
	size_t n = 1;

	while (n < ld->line_len &&
	       ((u8)ld->line[ld->line_len - n] & UTF8_CONT_MASK) == UTF8_CONT)
		n++;
	return n;
}

/* Removes the last character and rubs it out (two columns for ^X). */
static void erase_char(struct ldisc *ld)
{
	size_t n = last_char_len(ld);
	u8 c = (u8)ld->line[ld->line_len - n];

	ld->line_len -= n;
	echo(ld, erase_seq, sizeof(erase_seq) - 1);
	if (is_ctrl(c) && c != '\t')
		echo(ld, erase_seq, sizeof(erase_seq) - 1);
}

static void erase_word(struct ldisc *ld)
{
	while (ld->line_len && ld->line[ld->line_len - 1] == ' ')
		erase_char(ld);
	while (ld->line_len && ld->line[ld->line_len - 1] != ' ')
		erase_char(ld);
}

/* ISIG: Ctrl-C and Ctrl-Z drop everything not yet read, as Linux does without NOFLSH. */
static void interrupt(struct ldisc *ld, const char *shown, size_t len, int sig)
{
	ld->line_len = 0;
	ld->ready_tail = ld->ready_head;
	ld->rec_tail = ld->rec_head;
	echo(ld, shown, len);
	if (ld->signal)
		ld->signal(ld->ctx, sig);
}

static void end_line(struct ldisc *ld)
{
	ld->line[ld->line_len++] = '\n';       /* add_char keeps a slot for it */
	if (commit_line(ld)) {
		echo(ld, "\n", 1);
		return;
	}
	ld->line_len--;
	ld->dropped++;
	echo(ld, "\a", 1);
}

static void add_char(struct ldisc *ld, u8 c)
{
	if (ld->line_len >= LDISC_LINE_MAX - 1) {
		ld->dropped++;
		echo(ld, "\a", 1);
		return;
	}
	ld->line[ld->line_len++] = (char)c;
	echo_char(ld, c);
}

static void receive_canon(struct ldisc *ld, u8 c)
{
	switch (c) {
	case '\r':
	case '\n':
		end_line(ld);
		return;
	case LDISC_CH_ERASE:
	case LDISC_CH_BS:
		if (ld->line_len)
			erase_char(ld);
		return;
	case LDISC_CH_KILL:
		while (ld->line_len)
			erase_char(ld);
		return;
	case LDISC_CH_WERASE:
		erase_word(ld);
		return;
	case LDISC_CH_INTR:
		interrupt(ld, "^C\n", 3, LDISC_SIGINT);
		return;
	case LDISC_CH_SUSP:
		interrupt(ld, "^Z", 2, LDISC_SIGTSTP);    /* the shell's "Stopped" line follows */
		return;
	case LDISC_CH_EOF:
		if (!commit_line(ld)) {
			ld->dropped++;
			echo(ld, "\a", 1);
		}
		return;
	}
	add_char(ld, c);
}

static void receive_raw(struct ldisc *ld, u8 c)
{
	if (ready_len(ld) == LDISC_READ_MAX) {
		ld->dropped++;
		return;
	}
	ld->ready[ld->ready_head++ % LDISC_READ_MAX] = (char)c;
	echo(ld, (const char *)&c, 1);
}

void ldisc_receive(struct ldisc *ld, u8 c)
{
	bool after_cr = ld->cr_seen;

	ld->cr_seen = c == '\r';
	if (!(ld->mode & LDISC_CANON)) {
		receive_raw(ld, c);
		return;
	}
	/* ICRNL, and a terminal's CR LF is one end of line, not two. */
	if (c == '\n' && after_cr)
		return;
	receive_canon(ld, c);
}

void ldisc_set_mode(struct ldisc *ld, unsigned int mode)
{
	size_t last_end = records(ld) ?
		ld->rec_end[(ld->rec_head - 1) % LDISC_RECORDS] : ld->ready_tail;

	if (ld->line_len && !commit_line(ld))
		ld->dropped += ld->line_len;
	ld->line_len = 0;
	/* Raw bytes after the last record become a record of their own. */
	if (ld->ready_head != last_end && records(ld) < LDISC_RECORDS)
		ld->rec_end[ld->rec_head++ % LDISC_RECORDS] = ld->ready_head;
	ld->mode = mode;
}

bool ldisc_readable(const struct ldisc *ld)
{
	if (ld->mode & LDISC_CANON)
		return records(ld) > 0;
	return ready_len(ld) > 0;
}

static size_t copy_out(struct ldisc *ld, char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && ld->ready_tail != ld->ready_head)
		buf[n++] = ld->ready[ld->ready_tail++ % LDISC_READ_MAX];
	return n;
}

/* Raw reads ignore record ends; forget those already passed (EOFs too). */
static void drop_passed_records(struct ldisc *ld)
{
	while (records(ld) &&
	       (long)(ld->rec_end[ld->rec_tail % LDISC_RECORDS] - ld->ready_tail) <= 0)
		ld->rec_tail++;
}

long ldisc_read(struct ldisc *ld, char *buf, size_t len)
{
	size_t end, n;

	if (!len)
		return -EINVAL;
	if (!(ld->mode & LDISC_CANON)) {
		if (!ready_len(ld))
			return -EAGAIN;
		n = copy_out(ld, buf, len);
		drop_passed_records(ld);
		return (long)n;
	}
	if (!records(ld))
		return -EAGAIN;
	end = ld->rec_end[ld->rec_tail % LDISC_RECORDS];
	n = end - ld->ready_tail;
	if (n > len)
		n = len;
	n = copy_out(ld, buf, n);
	if (ld->ready_tail == end)
		ld->rec_tail++;
	return (long)n;
}
