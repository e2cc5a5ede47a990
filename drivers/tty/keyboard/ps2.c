/*
 * PS/2 keyboard on the 8042 controller: controller self test and set-up,
 * the IRQ 1 handler, the lock LEDs. Bytes go through decode.c and the event
 * queue; key presses become terminal bytes (keymap.c) typed into the TTY.
 */
#include <tty/keyboard.h>
#include <tty/keymap.h>
#include <tty/tty.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/printk.h>
#include <asm/io.h>

/* 8042 registers (IBM PS/2 Technical Reference, keyboard/auxiliary controller). */
#define PS2_DATA             0x60
#define PS2_STATUS           0x64       /* read */
#define PS2_COMMAND          0x64       /* write */
#define PS2_STATUS_OUT_FULL  0x01       /* a byte waits in PS2_DATA */
#define PS2_STATUS_IN_FULL   0x02       /* the controller has not taken our byte */
#define PS2_STATUS_AUX       0x20       /* the waiting byte came from port 2 */
#define PS2_STATUS_ABSENT    0xff       /* floating bus: no controller */

#define PS2_CMD_READ_CONFIG  0x20
#define PS2_CMD_WRITE_CONFIG 0x60
#define PS2_CMD_PORT2_OFF    0xa7
#define PS2_CMD_SELF_TEST    0xaa
#define PS2_CMD_PORT1_TEST   0xab
#define PS2_CMD_PORT1_OFF    0xad
#define PS2_CMD_PORT1_ON     0xae
#define PS2_SELF_TEST_OK     0x55
#define PS2_PORT_TEST_OK     0x00

#define PS2_CFG_PORT1_IRQ    0x01
#define PS2_CFG_PORT2_IRQ    0x02
#define PS2_CFG_PORT1_CLOCK_OFF 0x10
#define PS2_CFG_TRANSLATE    0x40

/* Keyboard commands and replies. */
#define KBD_CMD_SET_LEDS     0xed
#define KBD_CMD_SCANCODE_SET 0xf0
#define KBD_CMD_ENABLE       0xf4
#define KBD_REPLY_ACK        0xfa
#define KBD_REPLY_RESEND     0xfe
#define KBD_SCANCODE_SET_2   0x02
#define KBD_LED_SCROLL       0x01
#define KBD_LED_NUM          0x02
#define KBD_LED_CAPS         0x04

#define KBD_IRQ              1
#define PS2_SPIN_LIMIT       100000     /* polls of the status port: ~100 ms on hardware */
#define PS2_FLUSH_LIMIT      32         /* bytes a controller can have queued */
#define KBD_BYTES_PER_IRQ    16
#define LED_RETRIES          3
#define LED_PATIENCE         8          /* other bytes seen before giving up on an ACK */

enum led_state { LED_IDLE, LED_WAIT_CMD_ACK, LED_WAIT_DATA_ACK };

static struct kbd_decoder decoder;
static struct kbd_queue queue;
static enum led_state led_state;
static u8 led_wanted, led_sent, led_retries, led_patience;

static bool wait_status(u8 bit, bool set)
{
	for (int i = 0; i < PS2_SPIN_LIMIT; i++)
		if (!!(inb(PS2_STATUS) & bit) == set)
			return true;
	return false;
}

static int ps2_write(u16 port, u8 val)
{
	if (!wait_status(PS2_STATUS_IN_FULL, false))
		return -ETIMEDOUT;
	outb(port, val);
	return 0;
}

static int ps2_read(void)
{
	if (!wait_status(PS2_STATUS_OUT_FULL, true))
		return -ETIMEDOUT;
	return inb(PS2_DATA);
}

static int ps2_command(u8 cmd)
{
	return ps2_write(PS2_COMMAND, cmd);
}

static int ps2_write_config(u8 cfg)
{
	int err = ps2_command(PS2_CMD_WRITE_CONFIG);

	return err ? err : ps2_write(PS2_DATA, cfg);
}

/* Sends a byte to the keyboard and polls for its ACK (only before IRQ 1 is on). */
static int kbd_send_polled(u8 byte)
{
	int err = ps2_write(PS2_DATA, byte);
	int reply;

	if (err)
		return err;
	reply = ps2_read();
	if (reply < 0)
		return reply;
	return reply == KBD_REPLY_ACK ? 0 : -EIO;
}

static u8 locks_to_leds(u16 mods)
{
	return (u8)(((mods & KMOD_SCROLL) ? KBD_LED_SCROLL : 0) |
		    ((mods & KMOD_NUM) ? KBD_LED_NUM : 0) |
		    ((mods & KMOD_CAPS) ? KBD_LED_CAPS : 0));
}

/*
 * The LEDs are set without blocking: send 0xED, and the handler sends the
 * LED byte when the keyboard's ACK arrives as an ordinary IRQ 1 byte.
 */
static void led_send(u8 byte)
{
	led_patience = LED_PATIENCE;
	if (ps2_write(PS2_DATA, byte) < 0)
		led_state = LED_IDLE;
}

static void led_update(u16 mods)
{
	led_wanted = locks_to_leds(mods);
	if (led_state != LED_IDLE || led_wanted == led_sent)
		return;
	led_sent = led_wanted;
	led_retries = LED_RETRIES;
	led_state = LED_WAIT_CMD_ACK;
	led_send(KBD_CMD_SET_LEDS);
}

/* Returns true when byte was the reply to an LED command. */
static bool led_reply(u8 byte)
{
	if (led_state == LED_IDLE)
		return false;
	if (byte == KBD_REPLY_RESEND && led_retries) {
		led_retries--;
		led_send(led_state == LED_WAIT_CMD_ACK ? KBD_CMD_SET_LEDS : led_sent);
		return true;
	}
	if (byte != KBD_REPLY_ACK) {
		if (--led_patience == 0)
			led_state = LED_IDLE;
		return byte == KBD_REPLY_RESEND;
	}
	if (led_state == LED_WAIT_CMD_ACK) {
		led_state = LED_WAIT_DATA_ACK;
		led_send(led_sent);
		return true;
	}
	led_state = LED_IDLE;
	if (led_wanted != led_sent)
		led_update(decoder.mods);
	return true;
}

/* Turns queued key presses into terminal bytes for the console TTY. */
static void kbd_deliver(void)
{
	const struct kbd_layout *l = &kbd_builtin_layout;
	struct key_event ev;
	char bytes[KEYMAP_BYTES_MAX];

	while (kbd_queue_pop(&queue, &ev)) {
		size_t n;

		if (!ev.pressed)
			continue;
		n = keymap_to_bytes(l, keymap_lookup(l, ev.keycode, ev.mods), ev.mods, bytes);
		for (size_t i = 0; i < n; i++)
			tty_input_char((u8)bytes[i]);
	}
}

static void kbd_irq(struct pt_regs *regs, void *ctx)
{
	u16 locks = decoder.mods & KMOD_LOCKS;

	for (int i = 0; i < KBD_BYTES_PER_IRQ; i++) {
		u8 status = inb(PS2_STATUS);
		struct key_event ev;
		u8 byte;

		if (!(status & PS2_STATUS_OUT_FULL))
			break;
		byte = inb(PS2_DATA);
		if ((status & PS2_STATUS_AUX) || led_reply(byte))
			continue;
		if (kbd_decode(&decoder, byte, &ev))
			kbd_queue_push(&queue, &ev);
	}
	if ((decoder.mods & KMOD_LOCKS) != locks)
		led_update(decoder.mods);
	kbd_deliver();
}

unsigned long kbd_events_dropped(void)
{
	return queue.dropped;
}

/* Disables both ports, flushes, self-tests; leaves IRQs and translation off. */
static int ps2_controller_reset(u8 *cfg)
{
	int val;

	if (inb(PS2_STATUS) == PS2_STATUS_ABSENT)
		return -ENODEV;
	if (ps2_command(PS2_CMD_PORT1_OFF) || ps2_command(PS2_CMD_PORT2_OFF))
		return -ETIMEDOUT;
	for (int i = 0; i < PS2_FLUSH_LIMIT && (inb(PS2_STATUS) & PS2_STATUS_OUT_FULL); i++)
		inb(PS2_DATA);
	if (ps2_command(PS2_CMD_READ_CONFIG) || (val = ps2_read()) < 0)
		return -ETIMEDOUT;
	*cfg = (u8)val & (u8)~(PS2_CFG_PORT1_IRQ | PS2_CFG_PORT2_IRQ | PS2_CFG_TRANSLATE);
	if (ps2_write_config(*cfg) || ps2_command(PS2_CMD_SELF_TEST))
		return -ETIMEDOUT;
	if (ps2_read() != PS2_SELF_TEST_OK)
		return -EIO;
	/* Some controllers reset their configuration during the self test. */
	if (ps2_write_config(*cfg) || ps2_command(PS2_CMD_PORT1_TEST))
		return -ETIMEDOUT;
	if (ps2_read() != PS2_PORT_TEST_OK)
		return -ENODEV;
	return 0;
}

/*
 * Scancodes: the keyboard is told to use set 2 (its power-on default, and
 * the only set every keyboard has) and the controller translates set 2 to
 * set 1, which is what decode.c reads.
 */
static int kbd_setup(void)
{
	int err = ps2_command(PS2_CMD_PORT1_ON);

	if (!err)
		err = kbd_send_polled(KBD_CMD_SCANCODE_SET);
	if (!err)
		err = kbd_send_polled(KBD_SCANCODE_SET_2);
	if (err)
		pr_warn("kbd: scancode set 2 not confirmed (%d); keeping the keyboard's\n", err);
	if (kbd_send_polled(KBD_CMD_SET_LEDS) || kbd_send_polled(0))
		pr_warn("kbd: LED command not acknowledged\n");
	return kbd_send_polled(KBD_CMD_ENABLE);
}

int kbd_init(void)
{
	u8 cfg;
	int err = ps2_controller_reset(&cfg);

	if (err) {
		pr_warn("kbd: no working 8042 controller (%d)\n", err);
		return err;
	}
	err = kbd_setup();
	if (err) {
		pr_warn("kbd: keyboard did not answer (%d)\n", err);
		return err;
	}
	kbd_decoder_init(&decoder, 0);
	kbd_queue_init(&queue);
	err = irq_request(KBD_IRQ, kbd_irq, NULL);
	if (err)
		return err;
	cfg = (cfg | PS2_CFG_PORT1_IRQ | PS2_CFG_TRANSLATE) & (u8)~PS2_CFG_PORT1_CLOCK_OFF;
	err = ps2_write_config(cfg);
	if (err) {
		irq_release(KBD_IRQ, kbd_irq);
		return err;
	}
	pr_info("kbd: PS/2 keyboard on IRQ %d, layout %s (%s), set 2 translated to set 1\n",
		KBD_IRQ, kbd_builtin_layout.name, kbd_builtin_layout.description);
	return 0;
}
