/*
 * French layout (AZERTY, as X11's "fr" without dead keys): digits need
 * Shift, AltGr (right Alt) gives ~ # { [ | ` \ ^ @ ] } € ¤. ^ and ¨ give
 * their character at once. Caps Lock acts on letters only, as on Linux.
 */
#include <tty/keymap.h>

const struct kbd_layout kbd_builtin_layout = {
	.name = "fr",
	.description = "French, AZERTY, no dead keys",
	.plain = {
		[KEY_GRAVE] = u'²',
		[KEY_1] = '&', [KEY_2] = u'é', [KEY_3] = '"', [KEY_4] = '\'',
		[KEY_5] = '(', [KEY_6] = '-', [KEY_7] = u'è', [KEY_8] = '_',
		[KEY_9] = u'ç', [KEY_0] = u'à', [KEY_MINUS] = ')', [KEY_EQUAL] = '=',
		[KEY_Q] = 'a', [KEY_W] = 'z', [KEY_E] = 'e', [KEY_R] = 'r',
		[KEY_T] = 't', [KEY_Y] = 'y', [KEY_U] = 'u', [KEY_I] = 'i',
		[KEY_O] = 'o', [KEY_P] = 'p', [KEY_LEFTBRACE] = '^',
		[KEY_RIGHTBRACE] = '$',
		[KEY_A] = 'q', [KEY_S] = 's', [KEY_D] = 'd', [KEY_F] = 'f',
		[KEY_G] = 'g', [KEY_H] = 'h', [KEY_J] = 'j', [KEY_K] = 'k',
		[KEY_L] = 'l', [KEY_SEMICOLON] = 'm', [KEY_APOSTROPHE] = u'ù',
		[KEY_BACKSLASH] = '*',
		[KEY_Z] = 'w', [KEY_X] = 'x', [KEY_C] = 'c', [KEY_V] = 'v',
		[KEY_B] = 'b', [KEY_N] = 'n', [KEY_M] = ',', [KEY_COMMA] = ';',
		[KEY_DOT] = ':', [KEY_SLASH] = '!', [KEY_102ND] = '<',
	},
	.shift = {
		[KEY_1] = '1', [KEY_2] = '2', [KEY_3] = '3', [KEY_4] = '4',
		[KEY_5] = '5', [KEY_6] = '6', [KEY_7] = '7', [KEY_8] = '8',
		[KEY_9] = '9', [KEY_0] = '0', [KEY_MINUS] = u'°', [KEY_EQUAL] = '+',
		[KEY_Q] = 'A', [KEY_W] = 'Z', [KEY_E] = 'E', [KEY_R] = 'R',
		[KEY_T] = 'T', [KEY_Y] = 'Y', [KEY_U] = 'U', [KEY_I] = 'I',
		[KEY_O] = 'O', [KEY_P] = 'P', [KEY_LEFTBRACE] = u'¨',
		[KEY_RIGHTBRACE] = u'£',
		[KEY_A] = 'Q', [KEY_S] = 'S', [KEY_D] = 'D', [KEY_F] = 'F',
		[KEY_G] = 'G', [KEY_H] = 'H', [KEY_J] = 'J', [KEY_K] = 'K',
		[KEY_L] = 'L', [KEY_SEMICOLON] = 'M', [KEY_APOSTROPHE] = '%',
		[KEY_BACKSLASH] = u'µ',
		[KEY_Z] = 'W', [KEY_X] = 'X', [KEY_C] = 'C', [KEY_V] = 'V',
		[KEY_B] = 'B', [KEY_N] = 'N', [KEY_M] = '?', [KEY_COMMA] = '.',
		[KEY_DOT] = '/', [KEY_SLASH] = u'§', [KEY_102ND] = '>',
	},
	.altgr = {
		[KEY_2] = '~', [KEY_3] = '#', [KEY_4] = '{', [KEY_5] = '[',
		[KEY_6] = '|', [KEY_7] = '`', [KEY_8] = '\\', [KEY_9] = '^',
		[KEY_0] = '@', [KEY_MINUS] = ']', [KEY_EQUAL] = '}',
		[KEY_E] = u'€', [KEY_RIGHTBRACE] = u'¤',
	},
	.kp_decimal = '.',
};
