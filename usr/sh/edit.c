/*
 * Line editing and history. On a terminal the line is edited in raw mode
 * (termios through TCGETS/TCSETS): arrows, Home/End, Delete, Ctrl-A/E/K/U/W/L,
 * Up/Down for history, Ctrl-C drops the line, Ctrl-D on an empty line is
 * end of input. The display is redrawn with plain '\b' and spaces, so any
 * console that knows backspace works. Elsewhere input is read a byte at a
 * time, so commands that read the same input get the rest of it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "sh.h"

#define LINE_MAX_LEN 4096
#define HISTORY_MAX 200
#define CTRL(c) ((c) & 0x1f)
#define KEY_DEL 0x7f
#define KEY_ESC 0x1b
#define ANSI_CLEAR "\033[H\033[2J"

enum { K_UP = 0x100, K_DOWN, K_LEFT, K_RIGHT, K_HOME, K_END, K_DELETE, K_NONE };

static char *history[HISTORY_MAX];
static int hist_len, hist_dropped;

struct line {
	char buf[LINE_MAX_LEN];
	int len, pos;
	int cur;		/* where the terminal's cursor is, as an index into buf */
	const char *prompt;
};

void history_add(const char *line)
{
	if (!*line || (hist_len && !strcmp(history[hist_len - 1], line)))
		return;
	if (hist_len == HISTORY_MAX) {
		free(history[0]);
		memmove(history, history + 1, sizeof(history[0]) * (HISTORY_MAX - 1));
		hist_len--;
		hist_dropped++;
	}
	history[hist_len++] = xstrdup(line);
}

void history_print(void)
{
	for (int i = 0; i < hist_len; i++)
		dprintf(1, "%5d  %s\n", hist_dropped + i + 1, history[i]);
}

static void out(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(1, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void out_repeat(char c, int n)
{
	char buf[64];

	memset(buf, c, sizeof(buf));
	for (; n > 0; n -= (int)sizeof(buf))
		out(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf));
}

static void move_to(struct line *l, int target)
{
	if (target < l->cur)
		out_repeat('\b', l->cur - target);
	else if (target > l->cur)
		out(l->buf + l->cur, (size_t)(target - l->cur));
	l->cur = target;
}

/* Rewrites the line from index from on; old_len is what the screen showed. */
static void redraw_from(struct line *l, int from, int old_len)
{
	move_to(l, from);
	out(l->buf + from, (size_t)(l->len - from));
	l->cur = l->len;
	if (old_len > l->len) {
		out_repeat(' ', old_len - l->len);
		out_repeat('\b', old_len - l->len);
	}
	move_to(l, l->pos);
}

static void replace_line(struct line *l, const char *text)
{
	int old = l->len;
	size_t n = strlen(text);

	if (n >= LINE_MAX_LEN)
		n = LINE_MAX_LEN - 1;
	memcpy(l->buf, text, n);
	l->len = l->pos = (int)n;
	redraw_from(l, 0, old);
}

static void insert_char(struct line *l, char c)
{
	if (l->len >= LINE_MAX_LEN - 1)
		return;
	memmove(l->buf + l->pos + 1, l->buf + l->pos, (size_t)(l->len - l->pos));
	l->buf[l->pos] = c;
	l->len++;
	l->pos++;
	redraw_from(l, l->pos - 1, l->len - 1);
}

/* Deletes n characters starting at from. */
static void delete_range(struct line *l, int from, int n)
{
	int old = l->len;

	if (n <= 0)
		return;
	memmove(l->buf + from, l->buf + from + n, (size_t)(l->len - from - n));
	l->len -= n;
	l->pos = from;
	redraw_from(l, from, old);
}

static int read_byte(void)
{
	unsigned char c;

	for (;;) {
		ssize_t n = read(0, &c, 1);
		if (n == 1)
			return c;
		if (n < 0 && errno == EINTR)
			continue;
		return -1;
	}
}

/* Decodes ESC [ X, ESC O X and ESC [ N ~ sequences. */
static int read_escape(void)
{
	static const char letters[] = "ABCDHF";
	static const int keys[] = { K_UP, K_DOWN, K_RIGHT, K_LEFT, K_HOME, K_END };
	int c = read_byte();

	if (c != '[' && c != 'O')
		return K_NONE;
	c = read_byte();
	if (c >= '0' && c <= '9') {
		int num = c - '0';
		while ((c = read_byte()) >= '0' && c <= '9')
			num = num * 10 + c - '0';
		if (c != '~')
			return K_NONE;
		return num == 1 || num == 7 ? K_HOME : num == 4 || num == 8 ? K_END :
		       num == 3 ? K_DELETE : K_NONE;
	}
	const char *hit = c > 0 ? strchr(letters, c) : NULL;
	return hit ? keys[hit - letters] : K_NONE;
}

static void history_step(struct line *l, int *index, char **saved, int dir)
{
	int next = *index + dir;

	if (next < 0 || next > hist_len)
		return;
	if (*index == hist_len) {
		free(*saved);
		l->buf[l->len] = '\0';
		*saved = xstrdup(l->buf);
	}
	*index = next;
	replace_line(l, next == hist_len ? *saved : history[next]);
}

static void word_rubout(struct line *l)
{
	int start = l->pos;

	while (start > 0 && l->buf[start - 1] == ' ')
		start--;
	while (start > 0 && l->buf[start - 1] != ' ')
		start--;
	delete_range(l, start, l->pos - start);
}

/* Handles one key; returns 1 when the line is finished, -1 at end of input. */
static int handle_key(struct line *l, int c, int *hist_index, char **saved)
{
	switch (c) {
	case '\r': case '\n':
		move_to(l, l->len);
		out("\n", 1);
		return 1;
	case CTRL('C'):
		move_to(l, l->len);
		out("^C\n", 3);
		l->len = 0;
		return 1;
	case CTRL('D'):
		if (l->len == 0) {
			out("\n", 1);
			return -1;
		}
		delete_range(l, l->pos, l->pos < l->len);
		return 0;
	case KEY_DEL: case CTRL('H'):
		if (l->pos > 0)
			delete_range(l, l->pos - 1, 1);
		return 0;
	case K_DELETE: delete_range(l, l->pos, l->pos < l->len); return 0;
	case K_LEFT: case CTRL('B'): l->pos -= l->pos > 0; move_to(l, l->pos); return 0;
	case K_RIGHT: case CTRL('F'): l->pos += l->pos < l->len; move_to(l, l->pos); return 0;
	case K_HOME: case CTRL('A'): l->pos = 0; move_to(l, 0); return 0;
	case K_END: case CTRL('E'): l->pos = l->len; move_to(l, l->len); return 0;
	case CTRL('K'): { int old = l->len; l->len = l->pos; redraw_from(l, l->pos, old); return 0; }
	case CTRL('U'): delete_range(l, 0, l->pos); return 0;
	case CTRL('W'): word_rubout(l); return 0;
	case K_UP: case CTRL('P'): history_step(l, hist_index, saved, -1); return 0;
	case K_DOWN: case CTRL('N'): history_step(l, hist_index, saved, 1); return 0;
	case CTRL('L'):
		out(ANSI_CLEAR, strlen(ANSI_CLEAR));
		out(l->prompt, strlen(l->prompt));
		l->cur = 0;
		redraw_from(l, 0, l->len);
		return 0;
	default:
		if (c >= ' ' && c < 0x100 && c != KEY_DEL)
			insert_char(l, (char)c);
		return 0;
	}
}

static char *edit_raw(const char *prompt)
{
	struct line l = { .prompt = prompt };
	int hist_index = hist_len, done = 0;
	char *saved = NULL;

	out(prompt, strlen(prompt));
	while (!done) {
		int c = read_byte();
		if (c < 0) {
			done = -1;
			break;
		}
		if (c == KEY_ESC)
			c = read_escape();
		done = handle_key(&l, c, &hist_index, &saved);
	}
	free(saved);
	if (done < 0)
		return NULL;
	l.buf[l.len] = '\0';
	return xstrdup(l.buf);
}

static char *read_plain(void)
{
	struct strbuf sb = { 0 };
	int c, any = 0;

	while ((c = read_byte()) >= 0) {
		any = 1;
		if (c == '\n')
			break;
		sb_addc(&sb, (char)c);
	}
	if (!any)
		return NULL;
	char *line = xstrdup(sb_str(&sb));
	sb_free(&sb);
	return line;
}

char *edit_readline(const char *prompt)
{
	struct termios raw = sh.tmodes;

	if (!sh.interactive)
		return read_plain();
	if (!sh.have_termios) {
		out(prompt, strlen(prompt));
		return read_plain();	/* the terminal's own line editing, if any */
	}
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IXON);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (ioctl(0, TCSETS, &raw)) {
		out(prompt, strlen(prompt));
		return read_plain();
	}
	char *line = edit_raw(prompt);
	ioctl(0, TCSETS, &sh.tmodes);
	return line;
}
