/*
 * The console TTY: one line discipline that the PS/2 keyboard and the
 * serial port both type into, echoing to every console. Until there are
 * processes, readers wait with hlt; the user-space issue adds sleeping.
 */
#ifndef TTY_TTY_H
#define TTY_TTY_H

#include <tessera/types.h>

struct wait_queue;

/* Starts the line discipline and the input sources. Needs irq_request(). */
void tty_init(void);

/* One byte typed on an input source; safe from interrupt handlers. */
void tty_input_char(u8 c);

/* Canonical (LDISC_CANON) or raw, with or without LDISC_ECHO. */
void tty_set_mode(unsigned int mode);

/*
 * Blocks until input is ready, then reads like ldisc_read(): one line in
 * canonical mode. Returns bytes read, 0 at end of file, -EINTR when Ctrl-C
 * was typed (the input is discarded), -ENODEV when nothing can type, and
 * -EAGAIN instead of waiting when called with interrupts disabled.
 */
long tty_read(char *buf, size_t len);

/* True when tty_read() would not wait (poll and select). */
bool tty_readable(void);
/* Woken on every byte typed: where poll sleeps for the TTY. */
struct wait_queue *tty_read_queue(void);

/* tty_read() plus a terminating NUL: at most size - 1 bytes are read. */
long tty_read_line(char *buf, size_t size);

/*
 * CONFIG_KERNEL_CONSOLE_ECHO: prompts "tessera> ", reads lines and logs
 * them, forever. Returns at once when the option is off or no input exists.
 */
void tty_console_echo(void);

/* --- input sources, started by tty_init() --- */

/* serial8250.c: receive interrupts on the console UART. Returns 0 or -errno. */
int serial8250_rx_init(void);

#endif
