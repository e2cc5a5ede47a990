/*
 * The line discipline: what a terminal does between the bytes a user types
 * and what a program reads. Canonical mode edits a line (echo, erase, kill,
 * interrupt, end of file); raw mode passes bytes through. Pure: the caller
 * supplies the echo and signal callbacks and does the locking.
 */
#ifndef TTY_LDISC_H
#define TTY_LDISC_H

#include <tessera/types.h>

#define LDISC_LINE_MAX  256     /* one line being edited, its newline included */
#define LDISC_READ_MAX  1024    /* completed input waiting for a reader */
#define LDISC_RECORDS   32      /* completed lines (and EOFs) waiting */

/* Mode bits (ldisc_set_mode). */
#define LDISC_CANON     0x1     /* line editing; without it, raw */
#define LDISC_ECHO      0x2     /* echo what is typed through the echo callback */

/* The control characters canonical mode acts on (POSIX defaults). */
#define LDISC_CH_INTR   0x03    /* Ctrl-C: interrupt, discard the input */
#define LDISC_CH_EOF    0x04    /* Ctrl-D: end of file, or push the partial line */
#define LDISC_CH_BS     0x08    /* Ctrl-H: erase, as some terminals send */
#define LDISC_CH_KILL   0x15    /* Ctrl-U: erase the whole line */
#define LDISC_CH_WERASE 0x17    /* Ctrl-W: erase the word before the cursor */
#define LDISC_CH_SUSP   0x1a    /* Ctrl-Z: stop the foreground job, discard the input */
#define LDISC_CH_ERASE  0x7f    /* DEL: erase, what PC keyboards and xterm send */
#define LDISC_CH_BELL   0x07    /* echoed when the line is full */

/* Signal numbers passed to the signal callback (Linux's numbers). */
#define LDISC_SIGINT    2
#define LDISC_SIGTSTP   20

struct ldisc {
	unsigned int mode;
	char line[LDISC_LINE_MAX];              /* canonical: the line being edited */
	size_t line_len;
	char ready[LDISC_READ_MAX];             /* ring of completed input */
	size_t ready_head, ready_tail;          /* free-running byte counts */
	size_t rec_end[LDISC_RECORDS];          /* ring: where each record ends */
	unsigned int rec_head, rec_tail;
	bool cr_seen;                           /* a CR came last: its LF is not a 2nd line */
	unsigned long dropped;                  /* bytes lost: line or queue full */
	void (*echo)(void *ctx, const char *s, size_t len);
	void (*signal)(void *ctx, int sig);
	void *ctx;
};

/* Empty, in mode; echo and signal may be NULL. */
void ldisc_init(struct ldisc *ld, unsigned int mode,
		void (*echo)(void *ctx, const char *s, size_t len),
		void (*signal)(void *ctx, int sig), void *ctx);

/*
 * Switches mode. Input already typed is kept: a partial line becomes
 * readable as it is (as if Ctrl-D), raw bytes waiting become one record.
 */
void ldisc_set_mode(struct ldisc *ld, unsigned int mode);

/* One byte from the keyboard or the serial line (interrupt context is fine). */
void ldisc_receive(struct ldisc *ld, u8 c);

/*
 * Takes completed input. Canonical: at most one line (up to and including
 * its '\n'; the rest of a long line comes with the next call). Raw: what is
 * there. Returns bytes copied, 0 at end of file (Ctrl-D at line start),
 * -EAGAIN when nothing is ready, -EINVAL when len is 0. Never blocks.
 */
long ldisc_read(struct ldisc *ld, char *buf, size_t len);

/* True when ldisc_read would not return -EAGAIN. */
bool ldisc_readable(const struct ldisc *ld);

#endif
