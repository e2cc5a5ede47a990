/*
 * In-kernel tests (ktest=kbd) for the layout that is linked: its name
 * matches the Kconfig choice, every printable ASCII character can be typed,
 * letters have capitals, and set 1 bytes reach the expected characters.
 */
#include <tessera/ktest.h>
#include <tty/keymap.h>
#include <lib/string.h>

#define ASCII_FIRST_PRINTABLE 0x20
#define ASCII_LAST_PRINTABLE  0x7e

static const struct kbd_layout *const layout = &kbd_builtin_layout;

static const char *configured_layout(void)
{
	if (IS_ENABLED(CONFIG_KBD_LAYOUT_DE))
		return "de";
	if (IS_ENABLED(CONFIG_KBD_LAYOUT_FR))
		return "fr";
	return "us";
}

KTEST(kbd, layout_is_the_configured_one)
{
	KT_EXPECT_STREQ(t, layout->name, configured_layout());
	KT_EXPECT(t, layout->description && layout->description[0]);
	KT_EXPECT(t, layout->kp_decimal == '.' || layout->kp_decimal == ',');
}

static bool typeable(keysym_t c)
{
	static const u16 mods[] = { 0, KMOD_LSHIFT, KMOD_ALTGR };

	for (unsigned int m = 0; m < ARRAY_SIZE(mods); m++)
		for (u16 k = 1; k < KEY_MAX; k++)
			if (keymap_lookup(layout, k, mods[m]) == c)
				return true;
	return false;
}

KTEST(kbd, every_printable_ascii_typeable)
{
	for (keysym_t c = ASCII_FIRST_PRINTABLE; c <= ASCII_LAST_PRINTABLE; c++)
		if (!typeable(c))
			ktest_fail(t, __FILE__, __LINE__, "'%c' cannot be typed", (char)c);
}

KTEST(kbd, letters_have_capitals)
{
	for (u16 k = 1; k < KBD_MAP_KEYS; k++) {
		u16 c = layout->plain[k];

		if (c >= 'a' && c <= 'z')
			KT_EXPECT_EQ(t, layout->shift[k], c - 'a' + 'A');
	}
}

/* Feeds set 1 bytes through a fresh decoder; returns the last press's keysym. */
static keysym_t type_bytes(const u8 *bytes, unsigned int n)
{
	struct kbd_decoder d;
	struct key_event ev;
	keysym_t ks = KS_NONE;

	kbd_decoder_init(&d, 0);
	for (unsigned int i = 0; i < n; i++)
		if (kbd_decode(&d, bytes[i], &ev) && ev.pressed)
			ks = keymap_lookup(layout, ev.keycode, ev.mods);
	return ks;
}

KTEST(kbd, scancodes_reach_characters)
{
	static const u8 y_key[] = { 0x15 }, q_key[] = { 0x10 }, shift_1[] = { 0x2a, 0x02 };
	static const u8 up[] = { 0xe0, 0x48 }, kp_enter[] = { 0xe0, 0x1c };
	bool de = IS_ENABLED(CONFIG_KBD_LAYOUT_DE), fr = IS_ENABLED(CONFIG_KBD_LAYOUT_FR);

	KT_EXPECT_EQ(t, type_bytes(y_key, 1), de ? 'z' : 'y');
	KT_EXPECT_EQ(t, type_bytes(q_key, 1), fr ? 'a' : 'q');
	KT_EXPECT_EQ(t, type_bytes(shift_1, 2), fr ? '1' : '!');
	KT_EXPECT_EQ(t, type_bytes(up, 2), KS_UP);
	KT_EXPECT_EQ(t, type_bytes(kp_enter, 2), KBD_CHAR_ENTER);
}

KTEST(kbd, arrows_become_ansi_sequences)
{
	char out[KEYMAP_BYTES_MAX];
	size_t n = keymap_to_bytes(layout, KS_UP, 0, out);

	KT_EXPECT_EQ(t, n, 3);
	KT_EXPECT(t, memcmp(out, "\033[A", 3) == 0);
}
