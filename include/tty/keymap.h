/*
 * Keyboard layouts: key code + modifiers -> character or special key, and
 * that -> the bytes a terminal would send (UTF-8, ANSI escape sequences).
 * Exactly one layout file (layout_us.c, layout_de.c, ...) links and defines
 * kbd_builtin_layout; keymap.c holds everything the layouts share.
 */
#ifndef TTY_KEYMAP_H
#define TTY_KEYMAP_H

#include <tessera/types.h>
#include <tty/keyboard.h>

/*
 * A keysym is a Unicode code point (1..0x10ffff) or, from KS_SPECIAL up, a
 * key that has no character; KS_NONE means the key gives nothing.
 */
typedef u32 keysym_t;

#define KS_NONE     0
#define KS_SPECIAL  0x110000

enum {
	KS_UP = KS_SPECIAL, KS_DOWN, KS_RIGHT, KS_LEFT,
	KS_HOME, KS_END, KS_INSERT, KS_DELETE, KS_PGUP, KS_PGDN,
	KS_F1, KS_F2, KS_F3, KS_F4, KS_F5, KS_F6,
	KS_F7, KS_F8, KS_F9, KS_F10, KS_F11, KS_F12,
	KS_SPECIAL_END,
};

/* Bytes the keyboard sends for keys that are control characters. */
#define KBD_CHAR_ENTER      '\r'    /* what a terminal's Enter sends */
#define KBD_CHAR_BACKSPACE  0x7f    /* DEL, as the Linux console and xterm send */
#define KBD_CHAR_ESC        0x1b

/* The character keys a layout defines: KEY_1 .. KEY_102ND. */
#define KBD_MAP_KEYS (KEY_102ND + 1)

struct kbd_layout {
	const char *name;               /* as in the boot log: "us", "de" */
	const char *description;
	u16 plain[KBD_MAP_KEYS];        /* no modifier; 0 = nothing */
	u16 shift[KBD_MAP_KEYS];
	u16 altgr[KBD_MAP_KEYS];        /* all 0: right Alt is a second Alt */
	u16 kp_decimal;                 /* keypad '.' with Num Lock: '.' or ',' */
};

/* The layout picked in Kconfig (Device drivers > Keyboard layout). */
extern const struct kbd_layout kbd_builtin_layout;

/* True when the layout gives AltGr a meaning of its own. */
bool keymap_has_altgr(const struct kbd_layout *l);

/*
 * What a key press gives under layout l with modifiers mods: Caps Lock
 * uppercases letters (Shift+Caps lowercases them), Ctrl turns letters and
 * @[\]^_? into control codes, Num Lock (inverted by Shift) picks digits or
 * navigation on the keypad. Alt is not applied here: see keymap_to_bytes.
 */
keysym_t keymap_lookup(const struct kbd_layout *l, u16 keycode, u16 mods);

#define KEYMAP_BYTES_MAX 8              /* ESC + the longest sequence, "ESC[24~" */

/*
 * The bytes a VT220/xterm terminal sends for ks: UTF-8 for characters,
 * "ESC [ A" and friends for special keys, and an ESC prefix when Alt is
 * held (meta sends escape; right Alt only where l has no AltGr). Returns
 * how many bytes went into out, 0 for KS_NONE.
 */
size_t keymap_to_bytes(const struct kbd_layout *l, keysym_t ks, u16 mods,
		       char out[KEYMAP_BYTES_MAX]);

/* Encodes one code point as UTF-8; returns 1-4 bytes, 0 if cp is invalid. */
size_t utf8_encode(u32 cp, char out[4]);

#endif
