/*
 * What every layout shares: the keys that mean the same everywhere (Enter,
 * arrows, keypad, function keys), Caps/Shift/AltGr/Ctrl rules, and the bytes
 * a VT220/xterm terminal would send. Pure, so the host tests run it.
 */
#include <tty/keymap.h>

#define CTRL_MASK   0x1f                /* Ctrl clears bits 5 and 6: 'a' -> 0x01 */
#define ASCII_DEL   0x7f

/* Latin-1 lowercase letters sit 0x20 above their capitals, like ASCII. */
#define CASE_OFFSET 0x20
#define LATIN1_LOWER_FIRST 0xe0         /* à */
#define LATIN1_LOWER_LAST  0xfe         /* þ */
#define LATIN1_DIVISION    0xf7         /* ÷, not a letter */

/* Keypad with Num Lock on: key code -> digit (KEY_KPDOT takes kp_decimal). */
#define KEYPAD_KEYS (KEY_KPDOT - KEY_KP7 + 1)

static const char keypad_digits[KEYPAD_KEYS] = {
	[KEY_KP7 - KEY_KP7] = '7', [KEY_KP8 - KEY_KP7] = '8', [KEY_KP9 - KEY_KP7] = '9',
	[KEY_KP4 - KEY_KP7] = '4', [KEY_KP5 - KEY_KP7] = '5', [KEY_KP6 - KEY_KP7] = '6',
	[KEY_KP1 - KEY_KP7] = '1', [KEY_KP2 - KEY_KP7] = '2', [KEY_KP3 - KEY_KP7] = '3',
	[KEY_KP0 - KEY_KP7] = '0',
};

/* Keypad with Num Lock off: the navigation key printed under the digit. */
static const keysym_t keypad_nav[KEYPAD_KEYS] = {
	[KEY_KP7 - KEY_KP7] = KS_HOME, [KEY_KP8 - KEY_KP7] = KS_UP,
	[KEY_KP9 - KEY_KP7] = KS_PGUP, [KEY_KP4 - KEY_KP7] = KS_LEFT,
	[KEY_KP6 - KEY_KP7] = KS_RIGHT, [KEY_KP1 - KEY_KP7] = KS_END,
	[KEY_KP2 - KEY_KP7] = KS_DOWN, [KEY_KP3 - KEY_KP7] = KS_PGDN,
	[KEY_KP0 - KEY_KP7] = KS_INSERT, [KEY_KPDOT - KEY_KP7] = KS_DELETE,
};

/* What VT220/xterm send for the special keys (xterm's ctlseqs, PC keyboard). */
static const char *const special_seq[KS_SPECIAL_END - KS_SPECIAL] = {
	[KS_UP - KS_SPECIAL] = "\033[A",     [KS_DOWN - KS_SPECIAL] = "\033[B",
	[KS_RIGHT - KS_SPECIAL] = "\033[C",  [KS_LEFT - KS_SPECIAL] = "\033[D",
	[KS_HOME - KS_SPECIAL] = "\033[H",   [KS_END - KS_SPECIAL] = "\033[F",
	[KS_INSERT - KS_SPECIAL] = "\033[2~", [KS_DELETE - KS_SPECIAL] = "\033[3~",
	[KS_PGUP - KS_SPECIAL] = "\033[5~",  [KS_PGDN - KS_SPECIAL] = "\033[6~",
	[KS_F1 - KS_SPECIAL] = "\033OP",     [KS_F2 - KS_SPECIAL] = "\033OQ",
	[KS_F3 - KS_SPECIAL] = "\033OR",     [KS_F4 - KS_SPECIAL] = "\033OS",
	[KS_F5 - KS_SPECIAL] = "\033[15~",   [KS_F6 - KS_SPECIAL] = "\033[17~",
	[KS_F7 - KS_SPECIAL] = "\033[18~",   [KS_F8 - KS_SPECIAL] = "\033[19~",
	[KS_F9 - KS_SPECIAL] = "\033[20~",   [KS_F10 - KS_SPECIAL] = "\033[21~",
	[KS_F11 - KS_SPECIAL] = "\033[23~",  [KS_F12 - KS_SPECIAL] = "\033[24~",
};

bool keymap_has_altgr(const struct kbd_layout *l)
{
	for (unsigned int k = 0; k < KBD_MAP_KEYS; k++)
		if (l->altgr[k])
			return true;
	return false;
}

static bool is_lower(u32 c)
{
	if (c >= 'a' && c <= 'z')
		return true;
	return c >= LATIN1_LOWER_FIRST && c <= LATIN1_LOWER_LAST && c != LATIN1_DIVISION;
}

/* Caps Lock acts on a key whose Shift gives the capital of its plain letter. */
static bool caps_applies(const struct kbd_layout *l, u16 keycode)
{
	u16 c = l->plain[keycode];

	return is_lower(c) && l->shift[keycode] == c - CASE_OFFSET;
}

static keysym_t ctrl_code(keysym_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= '@' && c <= '_'))
		return c & CTRL_MASK;
	if (c == '?')
		return ASCII_DEL;
	return c;
}

static keysym_t layout_key(const struct kbd_layout *l, u16 keycode, u16 mods)
{
	bool shift = mods & KMOD_SHIFT;
	keysym_t c;

	if ((mods & KMOD_ALTGR) && keymap_has_altgr(l))
		c = l->altgr[keycode];
	else {
		if ((mods & KMOD_CAPS) && caps_applies(l, keycode))
			shift = !shift;
		c = shift ? l->shift[keycode] : l->plain[keycode];
	}
	if (c && (mods & KMOD_CTRL))
		c = ctrl_code(c);
	return c;
}

/* Shift inverts Num Lock on the keypad, as on every PC since the AT. */
static keysym_t keypad_key(const struct kbd_layout *l, u16 keycode, u16 mods)
{
	bool digits = !(mods & KMOD_NUM) != !(mods & KMOD_SHIFT);

	if (!digits)
		return keypad_nav[keycode - KEY_KP7];
	if (keycode == KEY_KPDOT)
		return l->kp_decimal;
	return (keysym_t)keypad_digits[keycode - KEY_KP7];
}

/* Keys that do not depend on the layout; KS_NONE when keycode is not one. */
static keysym_t fixed_key(u16 keycode)
{
	switch (keycode) {
	case KEY_ESC:        return KBD_CHAR_ESC;
	case KEY_BACKSPACE:  return KBD_CHAR_BACKSPACE;
	case KEY_TAB:        return '\t';
	case KEY_ENTER:
	case KEY_KPENTER:    return KBD_CHAR_ENTER;
	case KEY_KPMINUS:    return '-';
	case KEY_KPPLUS:     return '+';
	case KEY_KPASTERISK: return '*';
	case KEY_KPSLASH:    return '/';
	case KEY_UP:         return KS_UP;
	case KEY_DOWN:       return KS_DOWN;
	case KEY_LEFT:       return KS_LEFT;
	case KEY_RIGHT:      return KS_RIGHT;
	case KEY_HOME:       return KS_HOME;
	case KEY_END:        return KS_END;
	case KEY_INSERT:     return KS_INSERT;
	case KEY_DELETE:     return KS_DELETE;
	case KEY_PAGEUP:     return KS_PGUP;
	case KEY_PAGEDOWN:   return KS_PGDN;
	case KEY_F11:        return KS_F11;
	case KEY_F12:        return KS_F12;
	}
	if (keycode >= KEY_F1 && keycode <= KEY_F10)
		return KS_F1 + (keycode - KEY_F1);
	return KS_NONE;
}

keysym_t keymap_lookup(const struct kbd_layout *l, u16 keycode, u16 mods)
{
	keysym_t ks;

	if (keycode >= KEY_KP7 && keycode <= KEY_KPDOT && keycode != KEY_KPMINUS &&
	    keycode != KEY_KPPLUS)
		return keypad_key(l, keycode, mods);
	/* NUL is never sent, so Ctrl+Space (like Ctrl+@) gives nothing. */
	if (keycode == KEY_SPACE)
		return (mods & KMOD_CTRL) ? KS_NONE : ' ';
	ks = fixed_key(keycode);
	if (ks != KS_NONE)
		return ks;
	if (keycode >= KBD_MAP_KEYS)
		return KS_NONE;
	return layout_key(l, keycode, mods);
}

size_t utf8_encode(u32 cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;                       /* UTF-16 surrogates are not characters */
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp < KS_SPECIAL) {
		out[0] = (char)(0xf0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

/* Left Alt is Meta; right Alt is too, unless the layout uses it as AltGr. */
static bool meta_held(const struct kbd_layout *l, u16 mods)
{
	if (mods & KMOD_ALT)
		return true;
	return (mods & KMOD_ALTGR) && !keymap_has_altgr(l);
}

size_t keymap_to_bytes(const struct kbd_layout *l, keysym_t ks, u16 mods,
		       char out[KEYMAP_BYTES_MAX])
{
	size_t n = 0;

	if (ks == KS_NONE || ks >= KS_SPECIAL_END)
		return 0;
	if (meta_held(l, mods))
		out[n++] = KBD_CHAR_ESC;
	if (ks >= KS_SPECIAL) {
		for (const char *s = special_seq[ks - KS_SPECIAL]; *s; s++)
			out[n++] = *s;
		return n;
	}
	return n + utf8_encode(ks, out + n);
}
