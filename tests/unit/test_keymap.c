/*
 * Every keyboard layout end to end: set 1 bytes -> decode.c -> keymap.c ->
 * character, under no modifier, Shift, Caps, Shift+Caps, AltGr and Ctrl,
 * the keypad with and without Num Lock, and the bytes sent for each key.
 * The Makefile builds each layout_*.c with kbd_builtin_layout renamed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tty/keymap.h>

extern const struct kbd_layout kbd_layout_us, kbd_layout_de, kbd_layout_fr;

#define SC_LSHIFT   0x2a
#define SC_LCTRL    0x1d
#define SC_LALT     0x38
#define SC_CAPS     0x3a
#define SC_NUMLOCK  0x45
#define SC_SPACE    0x39

/* Modifier sets the tests press before the key. */
enum combo { PLAIN, SHIFT, CAPS, SHIFT_CAPS, ALTGR, CTRL, COMBOS };

struct typist {
	const struct kbd_layout *l;
	struct kbd_decoder d;
	keysym_t last;
};

static void press(struct typist *t, const u8 *bytes, size_t n)
{
	struct key_event ev;

	for (size_t i = 0; i < n; i++)
		if (kbd_decode(&t->d, bytes[i], &ev) && ev.pressed)
			t->last = keymap_lookup(t->l, ev.keycode, ev.mods);
}

#define PRESS(t, ...) \
	press(t, (const u8[]){ __VA_ARGS__ }, sizeof((const u8[]){ __VA_ARGS__ }))

/* What the key with make code sc gives under combo, from a fresh keyboard. */
static keysym_t type(const struct kbd_layout *l, enum combo c, u8 sc)
{
	struct typist t = { .l = l, .last = 0xdead };

	kbd_decoder_init(&t.d, 0);
	if (c == CAPS || c == SHIFT_CAPS)
		PRESS(&t, SC_CAPS, SC_CAPS | SC1_BREAK_BIT);
	if (c == SHIFT || c == SHIFT_CAPS)
		PRESS(&t, SC_LSHIFT);
	if (c == ALTGR)
		PRESS(&t, SC1_EXTENDED, SC_LALT);
	if (c == CTRL)
		PRESS(&t, SC_LCTRL);
	t.last = 0xdead;
	PRESS(&t, sc);
	return t.last;
}

/* One key under every combo; 0 in altgr means "nothing" for AltGr. */
struct row {
	u8 sc;
	keysym_t want[COMBOS];
};

static void check_rows(const struct kbd_layout *l, const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < COMBOS; c++) {
			keysym_t got = type(l, (enum combo)c, rows[i].sc);

			if (got != rows[i].want[c])
				fail_msg("layout %s, scancode 0x%02x, combo %d: got U+%04X, want U+%04X",
					 l->name, rows[i].sc, c, got, rows[i].want[c]);
		}
}

#define ROWS(l, r) check_rows(l, r, sizeof(r) / sizeof((r)[0]))

static void test_us(void **state)
{
	/*                     plain  shift  caps   s+caps altgr  ctrl */
	static const struct row rows[] = {
		{ 0x1e, { 'a',   'A',   'A',   'a',   'a',   0x01 } },
		{ 0x15, { 'y',   'Y',   'Y',   'y',   'y',   0x19 } },
		{ 0x2c, { 'z',   'Z',   'Z',   'z',   'z',   0x1a } },
		{ 0x10, { 'q',   'Q',   'Q',   'q',   'q',   0x11 } },
		{ 0x02, { '1',   '!',   '1',   '!',   '1',   '1' } },
		{ 0x03, { '2',   '@',   '2',   '@',   '2',   '2' } },
		{ 0x07, { '6',   '^',   '6',   '^',   '6',   '6' } },
		{ 0x0c, { '-',   '_',   '-',   '_',   '-',   '-' } },
		{ 0x0d, { '=',   '+',   '=',   '+',   '=',   '=' } },
		{ 0x1a, { '[',   '{',   '[',   '{',   '[',   0x1b } },
		{ 0x1b, { ']',   '}',   ']',   '}',   ']',   0x1d } },
		{ 0x2b, { '\\',  '|',   '\\',  '|',   '\\',  0x1c } },
		{ 0x27, { ';',   ':',   ';',   ':',   ';',   ';' } },
		{ 0x28, { '\'',  '"',   '\'',  '"',   '\'',  '\'' } },
		{ 0x29, { '`',   '~',   '`',   '~',   '`',   '`' } },
		{ 0x33, { ',',   '<',   ',',   '<',   ',',   ',' } },
		{ 0x34, { '.',   '>',   '.',   '>',   '.',   '.' } },
		{ 0x35, { '/',   '?',   '/',   '?',   '/',   '/' } },
		{ 0x56, { '<',   '>',   '<',   '>',   '<',   '<' } },
		{ 0x39, { ' ',   ' ',   ' ',   ' ',   ' ',   KS_NONE } },
	};

	(void)state;
	ROWS(&kbd_layout_us, rows);
	assert_false(keymap_has_altgr(&kbd_layout_us));
}

static void test_de(void **state)
{
	/*                     plain   shift   caps    s+caps  altgr   ctrl */
	static const struct row rows[] = {
		{ 0x15, { 'z',    'Z',    'Z',    'z',    KS_NONE, 0x1a } },
		{ 0x2c, { 'y',    'Y',    'Y',    'y',    KS_NONE, 0x19 } },
		{ 0x10, { 'q',    'Q',    'Q',    'q',    '@',    0x11 } },
		{ 0x12, { 'e',    'E',    'E',    'e',    0x20ac, 0x05 } },  /* € */
		{ 0x32, { 'm',    'M',    'M',    'm',    0xb5,   0x0d } },  /* µ */
		{ 0x27, { 0xf6,   0xd6,   0xd6,   0xf6,   KS_NONE, 0xf6 } }, /* ö Ö */
		{ 0x28, { 0xe4,   0xc4,   0xc4,   0xe4,   KS_NONE, 0xe4 } }, /* ä Ä */
		{ 0x1a, { 0xfc,   0xdc,   0xdc,   0xfc,   KS_NONE, 0xfc } }, /* ü Ü */
		{ 0x0c, { 0xdf,   '?',    0xdf,   '?',    '\\',   0xdf } },  /* ß */
		{ 0x03, { '2',    '"',    '2',    '"',    0xb2,   '2' } },   /* ² */
		{ 0x04, { '3',    0xa7,   '3',    0xa7,   0xb3,   '3' } },   /* § ³ */
		{ 0x08, { '7',    '/',    '7',    '/',    '{',    '7' } },
		{ 0x09, { '8',    '(',    '8',    '(',    '[',    '8' } },
		{ 0x0a, { '9',    ')',    '9',    ')',    ']',    '9' } },
		{ 0x0b, { '0',    '=',    '0',    '=',    '}',    '0' } },
		{ 0x1b, { '+',    '*',    '+',    '*',    '~',    '+' } },
		{ 0x56, { '<',    '>',    '<',    '>',    '|',    '<' } },
		{ 0x29, { '^',    0xb0,   '^',    0xb0,   KS_NONE, 0x1e } },  /* ° */
		{ 0x0d, { 0xb4,   '`',    0xb4,   '`',    KS_NONE, 0xb4 } },  /* ´ */
		{ 0x2b, { '#',    '\'',   '#',    '\'',   KS_NONE, '#' } },
		{ 0x35, { '-',    '_',    '-',    '_',    KS_NONE, '-' } },
		{ 0x33, { ',',    ';',    ',',    ';',    KS_NONE, ',' } },
		{ 0x34, { '.',    ':',    '.',    ':',    KS_NONE, '.' } },
	};

	(void)state;
	ROWS(&kbd_layout_de, rows);
	assert_true(keymap_has_altgr(&kbd_layout_de));
}

static void test_fr(void **state)
{
	/*                     plain   shift   caps    s+caps  altgr   ctrl */
	static const struct row rows[] = {
		{ 0x10, { 'a',    'A',    'A',    'a',    KS_NONE, 0x01 } },
		{ 0x11, { 'z',    'Z',    'Z',    'z',    KS_NONE, 0x1a } },
		{ 0x1e, { 'q',    'Q',    'Q',    'q',    KS_NONE, 0x11 } },
		{ 0x2c, { 'w',    'W',    'W',    'w',    KS_NONE, 0x17 } },
		{ 0x27, { 'm',    'M',    'M',    'm',    KS_NONE, 0x0d } },
		{ 0x32, { ',',    '?',    ',',    '?',    KS_NONE, ',' } },
		{ 0x02, { '&',    '1',    '&',    '1',    KS_NONE, '&' } },
		{ 0x03, { 0xe9,   '2',    0xe9,   '2',    '~',    0xe9 } },  /* é */
		{ 0x04, { '"',    '3',    '"',    '3',    '#',    '"' } },
		{ 0x09, { '_',    '8',    '_',    '8',    '\\',   0x1f } },
		{ 0x0a, { 0xe7,   '9',    0xe7,   '9',    '^',    0xe7 } },  /* ç */
		{ 0x0b, { 0xe0,   '0',    0xe0,   '0',    '@',    0xe0 } },  /* à */
		{ 0x0c, { ')',    0xb0,   ')',    0xb0,   ']',    ')' } },
		{ 0x28, { 0xf9,   '%',    0xf9,   '%',    KS_NONE, 0xf9 } }, /* ù */
		{ 0x1b, { '$',    0xa3,   '$',    0xa3,   0xa4,   '$' } },   /* £ ¤ */
		{ 0x12, { 'e',    'E',    'E',    'e',    0x20ac, 0x05 } },  /* € */
		{ 0x35, { '!',    0xa7,   '!',    0xa7,   KS_NONE, '!' } },  /* § */
	};

	(void)state;
	ROWS(&kbd_layout_fr, rows);
	assert_true(keymap_has_altgr(&kbd_layout_fr));
}

static const struct kbd_layout *const layouts[] = {
	&kbd_layout_us, &kbd_layout_de, &kbd_layout_fr,
};

#define NLAYOUTS (sizeof(layouts) / sizeof(layouts[0]))

/* Keypad: Num Lock gives digits, Shift inverts it; the rest ignore it. */
static void test_keypad(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLAYOUTS; i++) {
		const struct kbd_layout *l = layouts[i];
		u16 dec = l->kp_decimal;

		assert_int_equal(keymap_lookup(l, KEY_KP7, KMOD_NUM), '7');
		assert_int_equal(keymap_lookup(l, KEY_KP0, KMOD_NUM), '0');
		assert_int_equal(keymap_lookup(l, KEY_KP5, KMOD_NUM), '5');
		assert_int_equal(keymap_lookup(l, KEY_KPDOT, KMOD_NUM), dec);
		assert_int_equal(keymap_lookup(l, KEY_KP7, 0), KS_HOME);
		assert_int_equal(keymap_lookup(l, KEY_KP8, 0), KS_UP);
		assert_int_equal(keymap_lookup(l, KEY_KP3, 0), KS_PGDN);
		assert_int_equal(keymap_lookup(l, KEY_KP0, 0), KS_INSERT);
		assert_int_equal(keymap_lookup(l, KEY_KPDOT, 0), KS_DELETE);
		assert_int_equal(keymap_lookup(l, KEY_KP5, 0), KS_NONE);
		assert_int_equal(keymap_lookup(l, KEY_KP7, KMOD_NUM | KMOD_LSHIFT), KS_HOME);
		assert_int_equal(keymap_lookup(l, KEY_KP7, KMOD_RSHIFT), '7');
		for (u16 m = 0; m < 2; m++) {
			u16 mods = m ? KMOD_NUM : 0;

			assert_int_equal(keymap_lookup(l, KEY_KPMINUS, mods), '-');
			assert_int_equal(keymap_lookup(l, KEY_KPPLUS, mods), '+');
			assert_int_equal(keymap_lookup(l, KEY_KPASTERISK, mods), '*');
			assert_int_equal(keymap_lookup(l, KEY_KPSLASH, mods), '/');
			assert_int_equal(keymap_lookup(l, KEY_KPENTER, mods), KBD_CHAR_ENTER);
		}
	}
	assert_int_equal(kbd_layout_de.kp_decimal, ',');
	assert_int_equal(kbd_layout_us.kp_decimal, '.');
}

/* Num Lock toggled through the decoder, then keypad bytes (KP1 = 0x4f). */
static void test_keypad_through_decoder(void **state)
{
	struct typist t = { .l = &kbd_layout_us };

	(void)state;
	kbd_decoder_init(&t.d, 0);
	PRESS(&t, 0x4f);
	assert_int_equal(t.last, KS_END);
	PRESS(&t, SC_NUMLOCK, SC_NUMLOCK | SC1_BREAK_BIT, 0x4f);
	assert_int_equal(t.last, '1');
	PRESS(&t, SC1_EXTENDED, 0x35);
	assert_int_equal(t.last, '/');
	/* The grey arrows are not the keypad: Num Lock does not change them. */
	PRESS(&t, SC1_EXTENDED, 0x4f);
	assert_int_equal(t.last, KS_END);
}

/* Keys that mean the same on every layout. */
static void test_fixed_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLAYOUTS; i++) {
		const struct kbd_layout *l = layouts[i];

		assert_int_equal(keymap_lookup(l, KEY_ENTER, 0), '\r');
		assert_int_equal(keymap_lookup(l, KEY_BACKSPACE, 0), 0x7f);
		assert_int_equal(keymap_lookup(l, KEY_ESC, 0), 0x1b);
		assert_int_equal(keymap_lookup(l, KEY_TAB, KMOD_LSHIFT), '\t');
		assert_int_equal(keymap_lookup(l, KEY_UP, KMOD_NUM), KS_UP);
		assert_int_equal(keymap_lookup(l, KEY_DELETE, 0), KS_DELETE);
		assert_int_equal(keymap_lookup(l, KEY_F1, 0), KS_F1);
		assert_int_equal(keymap_lookup(l, KEY_F10, 0), KS_F10);
		assert_int_equal(keymap_lookup(l, KEY_F12, 0), KS_F12);
		assert_int_equal(keymap_lookup(l, KEY_LEFTSHIFT, 0), KS_NONE);
		assert_int_equal(keymap_lookup(l, KEY_CAPSLOCK, 0), KS_NONE);
		assert_int_equal(keymap_lookup(l, KEY_PAUSE, 0), KS_NONE);
		assert_int_equal(keymap_lookup(l, KEY_MAX - 1, 0), KS_NONE);
	}
}

static keysym_t lookup_any(const struct kbd_layout *l, keysym_t c)
{
	static const u16 mods[] = { 0, KMOD_LSHIFT, KMOD_ALTGR };

	for (size_t m = 0; m < sizeof(mods) / sizeof(mods[0]); m++)
		for (u16 k = 1; k < KEY_MAX; k++)
			if (keymap_lookup(l, k, mods[m]) == c)
				return c;
	return KS_NONE;
}

/* Each layout can type all of ASCII, and its letters have capitals. */
static void test_tables_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLAYOUTS; i++) {
		const struct kbd_layout *l = layouts[i];

		for (keysym_t c = 0x20; c <= 0x7e; c++)
			if (lookup_any(l, c) != c)
				fail_msg("layout %s cannot type '%c'", l->name, (char)c);
		for (u16 k = 0; k < KBD_MAP_KEYS; k++)
			if (l->plain[k] >= 'a' && l->plain[k] <= 'z')
				assert_int_equal(l->shift[k], l->plain[k] - 'a' + 'A');
		assert_non_null(l->name);
		assert_non_null(l->description);
	}
}

static void check_bytes(const struct kbd_layout *l, keysym_t ks, u16 mods, const char *want,
			size_t want_len)
{
	char out[KEYMAP_BYTES_MAX];
	size_t n = keymap_to_bytes(l, ks, mods, out);

	assert_int_equal(n, want_len);
	assert_memory_equal(out, want, want_len);
}

#define BYTES(l, ks, mods, s) check_bytes(l, ks, mods, s, sizeof(s) - 1)

static void test_to_bytes(void **state)
{
	const struct kbd_layout *us = &kbd_layout_us, *de = &kbd_layout_de;

	(void)state;
	BYTES(us, 'a', 0, "a");
	BYTES(us, KS_UP, 0, "\033[A");
	BYTES(us, KS_DOWN, 0, "\033[B");
	BYTES(us, KS_RIGHT, 0, "\033[C");
	BYTES(us, KS_LEFT, 0, "\033[D");
	BYTES(us, KS_HOME, 0, "\033[H");
	BYTES(us, KS_END, 0, "\033[F");
	BYTES(us, KS_INSERT, 0, "\033[2~");
	BYTES(us, KS_DELETE, 0, "\033[3~");
	BYTES(us, KS_PGUP, 0, "\033[5~");
	BYTES(us, KS_PGDN, 0, "\033[6~");
	BYTES(us, KS_F1, 0, "\033OP");
	BYTES(us, KS_F5, 0, "\033[15~");
	BYTES(us, KS_F12, 0, "\033[24~");
	BYTES(us, 0xe4, 0, "\xc3\xa4");                 /* ä */
	BYTES(us, 0x20ac, 0, "\xe2\x82\xac");           /* € */
	BYTES(us, 0x1f600, 0, "\xf0\x9f\x98\x80");
	BYTES(us, KS_NONE, 0, "");
	BYTES(us, 0xd800, 0, "");                       /* a surrogate is no character */
	BYTES(us, KS_SPECIAL_END, 0, "");
	/* Alt is Meta: an ESC first. Right Alt too, where it is not AltGr. */
	BYTES(us, 'x', KMOD_ALT, "\033x");
	BYTES(us, 'x', KMOD_ALTGR, "\033x");
	BYTES(us, KS_UP, KMOD_ALT, "\033\033[A");
	BYTES(us, KS_F12, KMOD_ALT, "\033\033[24~");
	BYTES(de, '@', KMOD_ALTGR, "@");
	BYTES(de, 'x', KMOD_ALT, "\033x");
	BYTES(de, 0x20ac, KMOD_ALT | KMOD_ALTGR, "\033\xe2\x82\xac");
}

/* On DE, "y" and "z" trade places: QEMU's "sendkey y" types z. */
static void test_de_sendkey_y(void **state)
{
	char out[KEYMAP_BYTES_MAX];
	keysym_t ks = type(&kbd_layout_de, PLAIN, 0x15);

	(void)state;
	assert_int_equal(keymap_to_bytes(&kbd_layout_de, ks, 0, out), 1);
	assert_int_equal(out[0], 'z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_us),
		cmocka_unit_test(test_de),
		cmocka_unit_test(test_fr),
		cmocka_unit_test(test_keypad),
		cmocka_unit_test(test_keypad_through_decoder),
		cmocka_unit_test(test_fixed_keys),
		cmocka_unit_test(test_tables_complete),
		cmocka_unit_test(test_to_bytes),
		cmocka_unit_test(test_de_sendkey_y),
	};

	return cmocka_run_group_tests_name("keymap", tests, NULL, NULL);
}
