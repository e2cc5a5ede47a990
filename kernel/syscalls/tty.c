/*
 * Terminal ioctls on /dev/console and /dev/tty until the TTY layer grows
 * its own: termios kept here and mapped onto the line discipline's two
 * modes (canonical, echo), the window size, and the foreground process group.
 */
#include <fs/devfs.h>
#include <lib/string.h>
#include <tessera/errno.h>
#include <tessera/poll.h>
#include <tty/ldisc.h>
#include <tty/tty.h>
#include "internal.h"

/* ioctl numbers and termios bits: Linux asm-generic/ioctls.h and termbits.h. */
#define TCGETS      0x5401
#define TCSETS      0x5402
#define TCSETSW     0x5403
#define TCSETSF     0x5404
#define TIOCSCTTY   0x540e
#define TIOCGPGRP   0x540f
#define TIOCSPGRP   0x5410
#define TIOCGWINSZ  0x5413
#define TIOCSWINSZ  0x5414
#define ICRNL       0000400
#define OPOST       0000001
#define ONLCR       0000004
#define CS8         0000060
#define CREAD       0000200
#define B38400      0000017
#define ISIG        0000001
#define ICANON      0000002
#define ECHO        0000010
#define ECHOE       0000020
#define ECHOK       0000040
#define IEXTEN      0100000
#define NCCS        19
#define VINTR       0
#define VERASE      2
#define VEOF        4
#define VMIN        6
#define VSUSP       10
#define SIGTTIN     21
#define CONSOLE_ROWS 25
#define CONSOLE_COLS 80

struct termios_user {
	u32 c_iflag, c_oflag, c_cflag, c_lflag;
	u8 c_line;
	u8 c_cc[NCCS];
};

struct winsize_user {
	u16 ws_row, ws_col, ws_xpixel, ws_ypixel;
};

static struct termios_user console_termios = {
	.c_iflag = ICRNL,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B38400 | CS8 | CREAD,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN,
	.c_cc = { [VINTR] = LDISC_CH_INTR, [VERASE] = 0x7f, [VEOF] = LDISC_CH_EOF, [VMIN] = 1,
		  [VSUSP] = LDISC_CH_SUSP },
};
static int foreground_pgrp;

int tty_foreground_pgrp(void)
{
	return foreground_pgrp;
}

int tty_read_check(void)
{
	struct process *p = current_process();

	if (!p || !foreground_pgrp || p->pgid == foreground_pgrp)
		return 0;
	if (signal_refused(p, SIGTTIN))
		return -EIO;
	signal_pgrp(p->pgid, SIGTTIN);
	return -EINTR;
}

bool tty_ioctl_handles(struct file *f)
{
	return f->inode && S_ISCHR(f->inode->mode) && MAJOR(f->inode->rdev) == TTYAUX_MAJOR;
}

static long set_termios(u64 arg)
{
	struct termios_user t;
	unsigned int mode = 0;

	if (copy_from_user(&t, (void *)arg, sizeof(t)))
		return -EFAULT;
	console_termios = t;
	if (t.c_lflag & ICANON)
		mode |= LDISC_CANON;
	if (t.c_lflag & ECHO)
		mode |= LDISC_ECHO;
	tty_set_mode(mode);
	return 0;
}

unsigned int tty_file_poll(struct file *f, struct poll_table *pt)
{
	(void)f;
	poll_wait(pt, tty_read_queue());
	return (tty_readable() ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

long tty_ioctl(struct file *f, unsigned int cmd, u64 arg)
{
	struct winsize_user ws = { .ws_row = CONSOLE_ROWS, .ws_col = CONSOLE_COLS };
	int pgrp;

	(void)f;
	switch (cmd) {
	case TCGETS:
		return copy_to_user((void *)arg, &console_termios, sizeof(console_termios));
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return set_termios(arg);
	case TIOCGWINSZ:
		return copy_to_user((void *)arg, &ws, sizeof(ws));
	case TIOCSWINSZ:
		return 0;
	case TIOCSCTTY:
		return 0;
	case TIOCGPGRP:
		pgrp = foreground_pgrp ? foreground_pgrp : current_process()->pgid;
		return copy_to_user((void *)arg, &pgrp, sizeof(pgrp));
	case TIOCSPGRP:
		if (copy_from_user(&pgrp, (void *)arg, sizeof(pgrp)))
			return -EFAULT;
		if (pgrp <= 0)
			return -EINVAL;
		foreground_pgrp = pgrp;
		return 0;
	default:
		return -ENOTTY;
	}
}
