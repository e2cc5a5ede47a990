/*
 * Keyboard events: key codes, modifier bits, the scancode set 1 decoder and
 * the key-event queue. All of it is pure (no I/O), so the host tests run it;
 * drivers/tty/keyboard/ps2.c feeds it bytes from the 8042 controller.
 */
#ifndef TTY_KEYBOARD_H
#define TTY_KEYBOARD_H

#include <tessera/types.h>

/*
 * Key codes name physical keys, not characters. For the keys that have a
 * one-byte set 1 make code (1..88) the code is that byte, as in Linux's
 * input layer; keys behind the 0xE0 prefix get the Linux numbers above 88.
 */
enum {
	KEY_RESERVED = 0,
	KEY_ESC = 1,
	KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9, KEY_0,
	KEY_MINUS, KEY_EQUAL, KEY_BACKSPACE, KEY_TAB,                  /* 12..15 */
	KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I, KEY_O, KEY_P,
	KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_ENTER, KEY_LEFTCTRL,         /* 26..29 */
	KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L,
	KEY_SEMICOLON, KEY_APOSTROPHE, KEY_GRAVE, KEY_LEFTSHIFT,        /* 39..42 */
	KEY_BACKSLASH,                                                  /* 43 */
	KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M,
	KEY_COMMA, KEY_DOT, KEY_SLASH, KEY_RIGHTSHIFT, KEY_KPASTERISK,  /* 51..55 */
	KEY_LEFTALT, KEY_SPACE, KEY_CAPSLOCK,                           /* 56..58 */
	KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6, KEY_F7, KEY_F8,
	KEY_F9, KEY_F10, KEY_NUMLOCK, KEY_SCROLLLOCK,                   /* 67..70 */
	KEY_KP7, KEY_KP8, KEY_KP9, KEY_KPMINUS,                         /* 71..74 */
	KEY_KP4, KEY_KP5, KEY_KP6, KEY_KPPLUS,                          /* 75..78 */
	KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP0, KEY_KPDOT,                  /* 79..83 */
	KEY_102ND = 86,         /* the extra key left of Z on ISO boards: <> on DE/FR */
	KEY_F11 = 87,
	KEY_F12 = 88,
	/* Keys behind the 0xE0 prefix. */
	KEY_KPENTER = 96,
	KEY_RIGHTCTRL = 97,
	KEY_KPSLASH = 98,
	KEY_SYSRQ = 99,         /* Print Screen */
	KEY_RIGHTALT = 100,     /* AltGr on layouts that have one */
	KEY_HOME = 102,
	KEY_UP = 103,
	KEY_PAGEUP = 104,
	KEY_LEFT = 105,
	KEY_RIGHT = 106,
	KEY_END = 107,
	KEY_DOWN = 108,
	KEY_PAGEDOWN = 109,
	KEY_INSERT = 110,
	KEY_DELETE = 111,
	KEY_PAUSE = 119,
	KEY_LEFTMETA = 125,
	KEY_RIGHTMETA = 126,
	KEY_COMPOSE = 127,      /* the menu key */
	KEY_MAX = 128,
};

/*
 * Modifier state. Shift and Ctrl keep left and right apart so releasing one
 * while the other is held does not drop the modifier; the three locks are
 * states that toggle on each press.
 */
#define KMOD_LSHIFT   0x0001
#define KMOD_RSHIFT   0x0002
#define KMOD_LCTRL    0x0004
#define KMOD_RCTRL    0x0008
#define KMOD_ALT      0x0010     /* left Alt */
#define KMOD_ALTGR    0x0020     /* right Alt */
#define KMOD_CAPS     0x0040     /* Caps Lock on */
#define KMOD_NUM      0x0080     /* Num Lock on */
#define KMOD_SCROLL   0x0100     /* Scroll Lock on */
#define KMOD_SHIFT    (KMOD_LSHIFT | KMOD_RSHIFT)
#define KMOD_CTRL     (KMOD_LCTRL | KMOD_RCTRL)
#define KMOD_LOCKS    (KMOD_CAPS | KMOD_NUM | KMOD_SCROLL)

struct key_event {
	u16 keycode;            /* KEY_* */
	bool pressed;           /* false: released */
	u16 mods;               /* KMOD_* after this event */
};

/* Scancode set 1 decoder state; zero it (or kbd_decoder_init) to start. */
struct kbd_decoder {
	u16 mods;
	u8 prefix;              /* 0 or SC1_EXTENDED: the byte before */
	u8 pause_left;          /* bytes of the Pause sequence still to swallow */
	u8 locks_held;          /* lock keys down now: auto-repeat must not toggle */
	u32 unknown;            /* bytes that named no key (for the log) */
};

/* Set 1 bytes the decoder treats specially (IBM PS/2 Technical Reference). */
#define SC1_EXTENDED   0xe0
#define SC1_PAUSE      0xe1     /* E1 1D 45 E1 9D C5: Pause, make only */
#define SC1_BREAK_BIT  0x80
#define SC1_PAUSE_LEN  5        /* bytes after the first E1 */

/* Starts with every modifier up and the given locks (KMOD_NUM...) on. */
void kbd_decoder_init(struct kbd_decoder *d, u16 locks);

/*
 * Feeds one byte. Returns true and fills *ev when the byte completes a key
 * press or release; false for prefixes, for the fake shifts some keyboards
 * wrap around extended keys, and for bytes that name no key.
 */
bool kbd_decode(struct kbd_decoder *d, u8 byte, struct key_event *ev);

/* Key-event ring buffer: one producer (the IRQ), one consumer. */
#define KBD_QUEUE_SIZE 64       /* a power of two */

struct kbd_queue {
	struct key_event ev[KBD_QUEUE_SIZE];
	unsigned int head;      /* next slot to write */
	unsigned int tail;      /* next slot to read */
	unsigned long dropped;  /* events lost because the queue was full */
};

void kbd_queue_init(struct kbd_queue *q);
/* Appends ev; when full the new event is dropped and counted, returns false. */
bool kbd_queue_push(struct kbd_queue *q, const struct key_event *ev);
/* Takes the oldest event; returns false when the queue is empty. */
bool kbd_queue_pop(struct kbd_queue *q, struct key_event *ev);
unsigned int kbd_queue_len(const struct kbd_queue *q);

/* --- the PS/2 driver (ps2.c) --- */

/* Sets up the 8042 and the keyboard, requests IRQ 1. Returns 0 or -errno. */
int kbd_init(void);
/* Key events lost because the queue was full. */
unsigned long kbd_events_dropped(void);

#endif
