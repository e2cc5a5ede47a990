/*
 * The scancode set 1 decoder and the key-event queue (drivers/tty/keyboard/
 * decode.c): make/break, every 0xE0 key, modifier and lock tracking, the
 * fake shifts and Pause sequences, junk bytes, and the queue when full.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <tty/keyboard.h>

#define MAX_EVENTS 16

struct feed_result {
	struct key_event ev[MAX_EVENTS];
	int n;
};

/* Feeds bytes to d; collects every event they produce. */
static struct feed_result feed(struct kbd_decoder *d, const u8 *bytes, size_t len)
{
	struct feed_result r = { .n = 0 };

	for (size_t i = 0; i < len; i++) {
		struct key_event ev;

		if (kbd_decode(d, bytes[i], &ev)) {
			assert_true(r.n < MAX_EVENTS);
			r.ev[r.n++] = ev;
		}
	}
	return r;
}

#define FEED(d, ...) \
	feed(d, (const u8[]){ __VA_ARGS__ }, sizeof((const u8[]){ __VA_ARGS__ }))

static void test_make_break(void **state)
{
	struct kbd_decoder d;
	struct feed_result r;

	(void)state;
	kbd_decoder_init(&d, 0);
	r = FEED(&d, 0x1e, 0x9e);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[0].keycode, KEY_A);
	assert_true(r.ev[0].pressed);
	assert_int_equal(r.ev[1].keycode, KEY_A);
	assert_false(r.ev[1].pressed);
	assert_int_equal(r.ev[1].mods, 0);
}

/* One-byte make codes are the key codes themselves (KEY_ESC .. KEY_F12). */
static void test_plain_codes(void **state)
{
	struct kbd_decoder d;
	struct key_event ev;

	(void)state;
	for (unsigned int code = 0x01; code <= 0x58; code++) {
		bool known = code <= KEY_KPDOT || code >= KEY_102ND;

		kbd_decoder_init(&d, 0);
		assert_int_equal(kbd_decode(&d, (u8)code, &ev), known);
		if (!known)
			continue;
		assert_int_equal(ev.keycode, code);
		assert_true(ev.pressed);
		assert_true(kbd_decode(&d, (u8)(code | SC1_BREAK_BIT), &ev));
		assert_int_equal(ev.keycode, code);
		assert_false(ev.pressed);
	}
}

static void test_extended_keys(void **state)
{
	static const struct { u8 code; u16 key; } keys[] = {
		{ 0x48, KEY_UP }, { 0x50, KEY_DOWN }, { 0x4b, KEY_LEFT }, { 0x4d, KEY_RIGHT },
		{ 0x47, KEY_HOME }, { 0x4f, KEY_END }, { 0x53, KEY_DELETE },
		{ 0x52, KEY_INSERT }, { 0x49, KEY_PAGEUP }, { 0x51, KEY_PAGEDOWN },
		{ 0x1d, KEY_RIGHTCTRL }, { 0x38, KEY_RIGHTALT }, { 0x1c, KEY_KPENTER },
		{ 0x35, KEY_KPSLASH }, { 0x5b, KEY_LEFTMETA }, { 0x5c, KEY_RIGHTMETA },
		{ 0x5d, KEY_COMPOSE },
	};
	struct kbd_decoder d;

	(void)state;
	kbd_decoder_init(&d, 0);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct feed_result r = FEED(&d, SC1_EXTENDED, keys[i].code,
					    SC1_EXTENDED, keys[i].code | SC1_BREAK_BIT);

		assert_int_equal(r.n, 2);
		assert_int_equal(r.ev[0].keycode, keys[i].key);
		assert_true(r.ev[0].pressed);
		assert_int_equal(r.ev[1].keycode, keys[i].key);
		assert_false(r.ev[1].pressed);
	}
	/* The prefix applies to one byte only. */
	assert_int_equal(FEED(&d, SC1_EXTENDED, 0x48, 0x48).ev[1].keycode, KEY_KP8);
	assert_int_equal(d.mods, 0);
}

static void test_modifiers(void **state)
{
	struct kbd_decoder d;

	(void)state;
	kbd_decoder_init(&d, 0);
	assert_int_equal(FEED(&d, 0x2a).ev[0].mods, KMOD_LSHIFT);
	assert_int_equal(FEED(&d, 0x36).ev[0].mods, KMOD_SHIFT);
	/* Releasing one Shift keeps the other. */
	assert_int_equal(FEED(&d, 0xaa).ev[0].mods, KMOD_RSHIFT);
	assert_int_equal(FEED(&d, 0xb6).ev[0].mods, 0);
	assert_int_equal(FEED(&d, 0x1d).ev[0].mods, KMOD_LCTRL);
	assert_int_equal(FEED(&d, SC1_EXTENDED, 0x1d).ev[0].mods, KMOD_CTRL);
	assert_int_equal(FEED(&d, 0x9d).ev[0].mods, KMOD_RCTRL);
	assert_int_equal(FEED(&d, SC1_EXTENDED, 0x9d).ev[0].mods, 0);
	assert_int_equal(FEED(&d, 0x38).ev[0].mods, KMOD_ALT);
	assert_int_equal(FEED(&d, SC1_EXTENDED, 0x38).ev[0].mods, KMOD_ALT | KMOD_ALTGR);
	assert_int_equal(FEED(&d, 0xb8).ev[0].mods, KMOD_ALTGR);
	assert_int_equal(FEED(&d, SC1_EXTENDED, 0xb8).ev[0].mods, 0);
	/* A key event carries the modifiers held at the time. */
	FEED(&d, 0x2a);
	assert_int_equal(FEED(&d, 0x1e).ev[0].mods, KMOD_LSHIFT);
}

static void check_lock(u8 code, u16 lock)
{
	struct kbd_decoder d;

	kbd_decoder_init(&d, 0);
	assert_int_equal(FEED(&d, code).ev[0].mods, lock);
	/* Auto-repeat sends more makes; the lock must not flip back. */
	assert_int_equal(FEED(&d, code, code, code).ev[2].mods, lock);
	assert_int_equal(FEED(&d, code | SC1_BREAK_BIT).ev[0].mods, lock);
	assert_int_equal(FEED(&d, code, code | SC1_BREAK_BIT).ev[1].mods, 0);
}

static void test_locks(void **state)
{
	struct kbd_decoder d;

	(void)state;
	check_lock(0x3a, KMOD_CAPS);
	check_lock(0x45, KMOD_NUM);
	check_lock(0x46, KMOD_SCROLL);
	kbd_decoder_init(&d, KMOD_NUM | KMOD_LSHIFT);
	assert_int_equal(d.mods, KMOD_NUM);    /* only locks can start on */
	assert_int_equal(FEED(&d, 0x3a).ev[0].mods, KMOD_NUM | KMOD_CAPS);
}

/* Print Screen comes wrapped in fake shifts, which must not change Shift. */
static void test_fake_shifts(void **state)
{
	struct kbd_decoder d;
	struct feed_result r;

	(void)state;
	kbd_decoder_init(&d, 0);
	r = FEED(&d, SC1_EXTENDED, 0x2a, SC1_EXTENDED, 0x37);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].keycode, KEY_SYSRQ);
	assert_int_equal(r.ev[0].mods, 0);
	r = FEED(&d, SC1_EXTENDED, 0xb7, SC1_EXTENDED, 0xaa);
	assert_int_equal(r.n, 1);
	assert_false(r.ev[0].pressed);
	/* With real Shift held, the fake release must not drop it. */
	FEED(&d, 0x2a);
	r = FEED(&d, SC1_EXTENDED, 0xaa, SC1_EXTENDED, 0x47, SC1_EXTENDED, 0x2a);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].keycode, KEY_HOME);
	assert_int_equal(d.mods, KMOD_LSHIFT);
}

/* E1 1D 45 E1 9D C5: one Pause press, and its 1D must not look like Ctrl. */
static void test_pause(void **state)
{
	struct kbd_decoder d;
	struct feed_result r;

	(void)state;
	kbd_decoder_init(&d, 0);
	r = FEED(&d, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[0].keycode, KEY_PAUSE);
	assert_true(r.ev[0].pressed);
	assert_int_equal(r.ev[0].mods, 0);
	assert_int_equal(r.ev[1].keycode, KEY_A);
	/* Ctrl+Pause is E0 46. */
	r = FEED(&d, SC1_EXTENDED, 0x46);
	assert_int_equal(r.ev[0].keycode, KEY_PAUSE);
}

static void test_junk(void **state)
{
	static const u8 junk[] = { 0x00, 0xff, 0xfa, 0xfe, 0xee, 0x59, 0x5f, 0x7f, 0x54, 0x55 };
	struct kbd_decoder d;
	struct key_event ev;

	(void)state;
	kbd_decoder_init(&d, 0);
	for (size_t i = 0; i < sizeof(junk); i++)
		assert_false(kbd_decode(&d, junk[i], &ev));
	/* Multimedia keys (E0 20: mute) are not keys we know. */
	assert_int_equal(FEED(&d, SC1_EXTENDED, 0x20, SC1_EXTENDED, 0xa0).n, 0);
	assert_true(d.unknown >= 8);
	assert_int_equal(d.mods, 0);
	assert_int_equal(FEED(&d, 0x1e).ev[0].keycode, KEY_A);
}

static bool push(struct kbd_queue *q, u16 keycode)
{
	struct key_event ev = { .keycode = keycode, .pressed = true, .mods = 0 };

	return kbd_queue_push(q, &ev);
}

static void test_queue_fifo(void **state)
{
	struct kbd_queue q;
	struct key_event ev;

	(void)state;
	kbd_queue_init(&q);
	assert_false(kbd_queue_pop(&q, &ev));
	/* Many rounds, so head and tail wrap around the ring. */
	for (u16 i = 0; i < 10 * KBD_QUEUE_SIZE; i += 3) {
		for (u16 j = 0; j < 3; j++)
			assert_true(push(&q, (u16)(i + j)));
		for (u16 j = 0; j < 3; j++) {
			assert_true(kbd_queue_pop(&q, &ev));
			assert_int_equal(ev.keycode, i + j);
		}
	}
	assert_int_equal(kbd_queue_len(&q), 0);
	assert_int_equal(q.dropped, 0);
}

static void test_queue_full_drops_newest(void **state)
{
	struct kbd_queue q;
	struct key_event ev;

	(void)state;
	kbd_queue_init(&q);
	for (u16 i = 0; i < KBD_QUEUE_SIZE; i++)
		assert_true(push(&q, i));
	assert_false(push(&q, 999));
	assert_false(push(&q, 998));
	assert_int_equal(q.dropped, 2);
	assert_int_equal(kbd_queue_len(&q), KBD_QUEUE_SIZE);
	for (u16 i = 0; i < KBD_QUEUE_SIZE; i++) {
		assert_true(kbd_queue_pop(&q, &ev));
		assert_int_equal(ev.keycode, i);
	}
	assert_false(kbd_queue_pop(&q, &ev));
	assert_true(push(&q, 7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_break),
		cmocka_unit_test(test_plain_codes),
		cmocka_unit_test(test_extended_keys),
		cmocka_unit_test(test_modifiers),
		cmocka_unit_test(test_locks),
		cmocka_unit_test(test_fake_shifts),
		cmocka_unit_test(test_pause),
		cmocka_unit_test(test_junk),
		cmocka_unit_test(test_queue_fifo),
		cmocka_unit_test(test_queue_full_drops_newest),
	};

	return cmocka_run_group_tests_name("kbd_decode", tests, NULL, NULL);
}
