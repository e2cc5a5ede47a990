/*
 * 8250/16550 UART console (ttyS0): polled output at CONFIG_SERIAL_8250_BAUD,
 * 8 data bits, no parity, one stop bit; received bytes arrive by interrupt
 * and go to the console TTY. Register layout: PC16550D data sheet.
 */
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tty/tty.h>
#include <asm/io.h>

#define UART_BASE        CONFIG_SERIAL_8250_PORT
#define UART_DATA        (UART_BASE + 0)   /* THR/RBR, or divisor low with DLAB */
#define UART_IER         (UART_BASE + 1)   /* or divisor high with DLAB */
#define UART_FCR         (UART_BASE + 2)
#define UART_LCR         (UART_BASE + 3)
#define UART_MCR         (UART_BASE + 4)
#define UART_LSR         (UART_BASE + 5)
#define UART_CLOCK_BAUD  115200
#define LCR_8N1          0x03
#define LCR_DLAB         0x80
#define FCR_ENABLE_CLEAR 0xc7              /* FIFO on, both cleared, 14-byte trigger */
#define MCR_DTR_RTS      0x03
#define MCR_LOOPBACK     0x1e              /* loopback with OUT1/OUT2/RTS */
#define LSR_THR_EMPTY    0x20
#define LSR_DATA_READY   0x01
#define IER_RX_AVAIL     0x01              /* interrupt when a byte arrives */
#define MCR_OUT2         0x08              /* PC wiring: gates the UART's IRQ line */
#define UART_IIR         (UART_BASE + 2)   /* read; FCR when written */
#define COM1_IRQ         4                 /* 0x3f8 and 0x3e8 use IRQ 4, */
#define COM2_IRQ         3                 /* 0x2f8 and 0x2e8 use IRQ 3 */
#define COM2_PORT_BIT    0x100             /* the bit that tells them apart */
#define RX_BYTES_PER_IRQ 64
#define LOOPBACK_BYTE    0xae
#define TX_SPIN_LIMIT    100000

static bool serial_ready;

static void serial_putc(char c)
{
	for (int spins = 0; spins < TX_SPIN_LIMIT; spins++)
		if (inb(UART_LSR) & LSR_THR_EMPTY)
			break;
	outb(UART_DATA, (u8)c);
}

/*
 * A terminal needs CR LF. printk text has bare LFs; the TTY's ONLCR already
 * turned user output into CR LF, so a CR is added only where none came.
 */
static void serial_write(const char *s, size_t len)
{
	static char last;

	if (!serial_ready)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' && last != '\r')
			serial_putc('\r');
		serial_putc(s[i]);
		last = s[i];
	}
}

/* Programs the UART and checks it echoes in loopback: is it there at all? */
static int serial_probe(const struct boot_info *bi)
{
	u16 divisor = UART_CLOCK_BAUD / CONFIG_SERIAL_8250_BAUD;

	outb(UART_IER, 0);
	outb(UART_LCR, LCR_DLAB);
	outb(UART_DATA, divisor & 0xff);
	outb(UART_IER, divisor >> 8);
	outb(UART_LCR, LCR_8N1);
	outb(UART_FCR, FCR_ENABLE_CLEAR);
	outb(UART_MCR, MCR_LOOPBACK);
	outb(UART_DATA, LOOPBACK_BYTE);
	if (inb(UART_DATA) != LOOPBACK_BYTE)
		return -ENODEV;
	outb(UART_MCR, MCR_DTR_RTS);
	serial_ready = true;
	return 0;
}

static void serial_rx_irq(struct pt_regs *regs, void *ctx)
{
	for (int i = 0; i < RX_BYTES_PER_IRQ && (inb(UART_LSR) & LSR_DATA_READY); i++)
		tty_input_char(inb(UART_DATA));
}

int serial8250_rx_init(void)
{
	unsigned int irq = (UART_BASE & COM2_PORT_BIT) ? COM1_IRQ : COM2_IRQ;
	int err;

	if (!serial_ready)
		return -ENODEV;
	/* Drop what arrived before anyone listened, and any stale interrupt. */
	for (int i = 0; i < RX_BYTES_PER_IRQ && (inb(UART_LSR) & LSR_DATA_READY); i++)
		inb(UART_DATA);
	inb(UART_IIR);
	err = irq_request(irq, serial_rx_irq, NULL);
	if (err)
		return err;
	outb(UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(UART_IER, IER_RX_AVAIL);
	return 0;
}

static const struct console serial_console = {
	.name = "ttyS0",
	.probe = serial_probe,
	.write = serial_write,
};
CONSOLE_REGISTER(serial_console);
