/*
 * Scancode set 1 decoder: turns the byte stream of a PC keyboard (as the
 * 8042 delivers it with translation on) into key presses and releases and
 * keeps the modifier and lock state. Pure: no I/O, host-tested.
 */
#include <tty/keyboard.h>

/* Second byte of an 0xE0 sequence -> key code (make codes, bit 7 clear). */
static const u8 extended_keys[0x80] = {
	[0x1c] = KEY_KPENTER,
	[0x1d] = KEY_RIGHTCTRL,
	[0x35] = KEY_KPSLASH,
	[0x37] = KEY_SYSRQ,
	[0x38] = KEY_RIGHTALT,
	[0x46] = KEY_PAUSE,             /* Ctrl+Pause sends E0 46 (Break) */
	[0x47] = KEY_HOME,
	[0x48] = KEY_UP,
	[0x49] = KEY_PAGEUP,
	[0x4b] = KEY_LEFT,
	[0x4d] = KEY_RIGHT,
	[0x4f] = KEY_END,
	[0x50] = KEY_DOWN,
	[0x51] = KEY_PAGEDOWN,
	[0x52] = KEY_INSERT,
	[0x53] = KEY_DELETE,
	[0x5b] = KEY_LEFTMETA,
	[0x5c] = KEY_RIGHTMETA,
	[0x5d] = KEY_COMPOSE,
};

/*
 * Keyboards wrap extended keys in E0 2A / E0 AA (and E0 36 / E0 B6) so that
 * old software sees Shift change; the real Shift state is unaffected.
 */
#define SC1_FAKE_LSHIFT 0x2a
#define SC1_FAKE_RSHIFT 0x36

/* Controller and keyboard replies that are not keys when they arrive here. */
#define SC1_ERROR       0x00
#define SC1_OVERRUN     0xff

/* Bits of kbd_decoder.locks_held. */
#define HELD_CAPS   0x01
#define HELD_NUM    0x02
#define HELD_SCROLL 0x04

void kbd_decoder_init(struct kbd_decoder *d, u16 locks)
{
	d->mods = locks & KMOD_LOCKS;
	d->prefix = 0;
	d->pause_left = 0;
	d->locks_held = 0;
	d->unknown = 0;
}

static u16 modifier_bit(u16 keycode)
{
	switch (keycode) {
	case KEY_LEFTSHIFT:  return KMOD_LSHIFT;
	case KEY_RIGHTSHIFT: return KMOD_RSHIFT;
	case KEY_LEFTCTRL:   return KMOD_LCTRL;
	case KEY_RIGHTCTRL:  return KMOD_RCTRL;
	case KEY_LEFTALT:    return KMOD_ALT;
	case KEY_RIGHTALT:   return KMOD_ALTGR;
	}
	return 0;
}

/* A lock toggles on the press only, not on the auto-repeated makes after it. */
static void update_lock(struct kbd_decoder *d, u8 held_bit, u16 lock, bool pressed)
{
	if (!pressed) {
		d->locks_held &= (u8)~held_bit;
		return;
	}
	if (d->locks_held & held_bit)
		return;
	d->locks_held |= held_bit;
	d->mods ^= lock;
}

static void update_mods(struct kbd_decoder *d, u16 keycode, bool pressed)
{
	u16 bit = modifier_bit(keycode);

	if (bit) {
		if (pressed)
			d->mods |= bit;
		else
			d->mods &= (u16)~bit;
		return;
	}
	if (keycode == KEY_CAPSLOCK)
		update_lock(d, HELD_CAPS, KMOD_CAPS, pressed);
	else if (keycode == KEY_NUMLOCK)
		update_lock(d, HELD_NUM, KMOD_NUM, pressed);
	else if (keycode == KEY_SCROLLLOCK)
		update_lock(d, HELD_SCROLL, KMOD_SCROLL, pressed);
}

/* Key code for a byte with the prefix already stripped, or KEY_RESERVED. */
static u16 byte_to_keycode(bool extended, u8 code)
{
	if (extended)
		return extended_keys[code];
	if (code >= KEY_ESC && code <= KEY_KPDOT)
		return code;
	if (code >= KEY_102ND && code <= KEY_F12)
		return code;
	return KEY_RESERVED;
}

static bool emit(struct kbd_decoder *d, u16 keycode, bool pressed, struct key_event *ev)
{
	update_mods(d, keycode, pressed);
	ev->keycode = keycode;
	ev->pressed = pressed;
	ev->mods = d->mods;
	return true;
}

bool kbd_decode(struct kbd_decoder *d, u8 byte, struct key_event *ev)
{
	bool extended = d->prefix == SC1_EXTENDED;
	bool pressed = !(byte & SC1_BREAK_BIT);
	u8 code = byte & (u8)~SC1_BREAK_BIT;
	u16 keycode;

	/* Pause has no break code: report its press when the sequence ends. */
	if (d->pause_left) {
		if (--d->pause_left == 0)
			return emit(d, KEY_PAUSE, true, ev);
		return false;
	}
	if (byte == SC1_PAUSE) {
		d->pause_left = SC1_PAUSE_LEN;
		d->prefix = 0;
		return false;
	}
	if (byte == SC1_EXTENDED) {
		d->prefix = SC1_EXTENDED;
		return false;
	}
	d->prefix = 0;
	if (byte == SC1_ERROR || byte == SC1_OVERRUN)
		return false;
	if (extended && (code == SC1_FAKE_LSHIFT || code == SC1_FAKE_RSHIFT))
		return false;
	keycode = byte_to_keycode(extended, code);
	if (keycode == KEY_RESERVED) {
		d->unknown++;
		return false;
	}
	return emit(d, keycode, pressed, ev);
}

void kbd_queue_init(struct kbd_queue *q)
{
	q->head = 0;
	q->tail = 0;
	q->dropped = 0;
}

unsigned int kbd_queue_len(const struct kbd_queue *q)
{
	return q->head - q->tail;       /* unsigned wrap keeps this right */
}

bool kbd_queue_push(struct kbd_queue *q, const struct key_event *ev)
{
	if (kbd_queue_len(q) == KBD_QUEUE_SIZE) {
		q->dropped++;
		return false;
	}
	q->ev[q->head % KBD_QUEUE_SIZE] = *ev;
	q->head++;
	return true;
}

bool kbd_queue_pop(struct kbd_queue *q, struct key_event *ev)
{
	if (kbd_queue_len(q) == 0)
		return false;
	*ev = q->ev[q->tail % KBD_QUEUE_SIZE];
	q->tail++;
	return true;
}
