/*
 * Tokenizer: splits a command line into words and operators. Words keep
 * their quotes and backslashes; expand.c removes them when the command runs,
 * so "$x" is expanded at run time, after an earlier "x=1;" has taken effect.
 */
#include <string.h>

#include "sh.h"

struct lexer {
	const char *src;
	size_t pos;
	struct token *toks;
	int n, cap;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_op_char(char c)
{
	return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '\n';
}

static struct token *push(struct lexer *lx, enum tok_type type, size_t start)
{
	if (lx->n == lx->cap) {
		int cap = lx->cap ? lx->cap * 2 : 32;
		struct token *t = arena_alloc(sizeof(*t) * (size_t)cap);
		if (lx->n)
			memcpy(t, lx->toks, sizeof(*t) * (size_t)lx->n);
		lx->toks = t;
		lx->cap = cap;
	}
	struct token *t = &lx->toks[lx->n++];
	t->type = type;
	t->io_number = -1;
	t->start = start;
	t->end = lx->pos;
	t->text = NULL;
	return t;
}

/* Advances over one word; LEX_INCOMPLETE if a quote or backslash is left open. */
static int scan_word(struct lexer *lx)
{
	const char *s = lx->src;

	while (s[lx->pos] && !is_blank(s[lx->pos]) && !is_op_char(s[lx->pos])) {
		char c = s[lx->pos++];
		if (c == '\\') {
			if (!s[lx->pos])
				return LEX_INCOMPLETE;
			lx->pos++;
		} else if (c == '\'') {
			const char *close = strchr(s + lx->pos, '\'');
			if (!close)
				return LEX_INCOMPLETE;
			lx->pos = (size_t)(close - s) + 1;
		} else if (c == '"') {
			while (s[lx->pos] && s[lx->pos] != '"')
				lx->pos += (s[lx->pos] == '\\' && s[lx->pos + 1]) ? 2 : 1;
			if (!s[lx->pos])
				return LEX_INCOMPLETE;
			lx->pos++;
		}
	}
	return LEX_OK;
}

static const struct {
	const char *text;
	enum tok_type type;
} ops[] = {
	/* Longest first, so ">>" wins over ">". */
	{ "&&", T_AND }, { "||", T_OR }, { ">>", T_DGREAT }, { "<&", T_LESSAND },
	{ ">&", T_GREATAND }, { "|", T_PIPE }, { "&", T_AMP }, { ";", T_SEMI },
	{ "<", T_LESS }, { ">", T_GREAT }, { "\n", T_NEWLINE },
};

static struct token *scan_op(struct lexer *lx)
{
	size_t start = lx->pos;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t len = strlen(ops[i].text);
		if (!strncmp(lx->src + start, ops[i].text, len)) {
			lx->pos += len;
			return push(lx, ops[i].type, start);
		}
	}
	return NULL;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0 && n < 4;
}

/* Skips blanks, backslash-newline pairs and comments. */
static void skip_space(struct lexer *lx)
{
	const char *s = lx->src;

	for (;;) {
		if (is_blank(s[lx->pos])) {
			lx->pos++;
		} else if (s[lx->pos] == '\\' && s[lx->pos + 1] == '\n') {
			lx->pos += 2;
		} else if (s[lx->pos] == '#') {
			while (s[lx->pos] && s[lx->pos] != '\n')
				lx->pos++;
		} else {
			return;
		}
	}
}

int lex(const char *src, struct token **out, int *count)
{
	struct lexer lx = { .src = src };

	for (;;) {
		skip_space(&lx);
		if (src[lx.pos] == '\\' && !src[lx.pos + 1])
			return LEX_INCOMPLETE;
		if (!src[lx.pos])
			break;
		if (is_op_char(src[lx.pos])) {
			scan_op(&lx);
			continue;
		}
		size_t start = lx.pos;
		int r = scan_word(&lx);
		if (r != LEX_OK)
			return r;
		/* "2>file": digits right before a redirection name the fd. */
		char next = src[lx.pos];
		if ((next == '<' || next == '>') && all_digits(src + start, lx.pos - start)) {
			int fd = 0;
			for (size_t i = start; i < lx.pos; i++)
				fd = fd * 10 + (src[i] - '0');
			struct token *t = scan_op(&lx);
			t->io_number = fd;
			t->start = start;
			continue;
		}
		struct token *t = push(&lx, T_WORD, start);
		t->text = arena_strndup(src + start, lx.pos - start);
	}
	push(&lx, T_EOF, lx.pos);
	*out = lx.toks;
	*count = lx.n;
	return LEX_OK;
}
