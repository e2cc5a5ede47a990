/*
 * Parser: tokens to the command tree of sh.h, by recursive descent over
 *   list     := and_or ((';' | '&' | NEWLINE) and_or)*
 *   and_or   := pipeline (('&&' | '||') NEWLINE* pipeline)*
 *   pipeline := command ('|' NEWLINE* command)*
 *   command  := (WORD | [N]redir-op WORD)+
 * A line ending inside a construct ("a |", "a &&") asks for more input.
 */
#include <string.h>

#include "sh.h"

struct parser {
	const char *src;
	struct token *toks;
	int pos;
};

/* Makes room for element n of an arena array; returns the (new) base. */
static void *grow(void *base, int n, int *cap, size_t elsize)
{
	if (n < *cap)
		return base;
	int ncap = *cap ? *cap * 2 : 4;
	while (ncap <= n)
		ncap *= 2;
	void *nb = arena_alloc(elsize * (size_t)ncap);
	if (*cap)
		memcpy(nb, base, elsize * (size_t)*cap);
	*cap = ncap;
	return nb;
}

static struct token *peek(struct parser *p)
{
	return &p->toks[p->pos];
}

static const char *tok_name(const struct token *t)
{
	static const char *names[] = {
		[T_PIPE] = "|", [T_AND] = "&&", [T_OR] = "||", [T_SEMI] = ";", [T_AMP] = "&",
		[T_NEWLINE] = "newline", [T_LESS] = "<", [T_GREAT] = ">", [T_DGREAT] = ">>",
		[T_LESSAND] = "<&", [T_GREATAND] = ">&", [T_EOF] = "end of line",
	};
	return t->type == T_WORD ? t->text : names[t->type];
}

static int syntax_error(struct parser *p)
{
	sh_error("syntax error near '%s'", tok_name(peek(p)));
	return -1;
}

static void skip_newlines(struct parser *p)
{
	while (peek(p)->type == T_NEWLINE)
		p->pos++;
}

static int is_redir(enum tok_type t)
{
	return t == T_LESS || t == T_GREAT || t == T_DGREAT || t == T_LESSAND || t == T_GREATAND;
}

static int parse_redir(struct parser *p, struct command *c, int *cap)
{
	struct token *op = &p->toks[p->pos++];
	struct token *target = peek(p);

	if (target->type != T_WORD)
		return syntax_error(p);
	p->pos++;
	c->redirs = grow(c->redirs, c->nredirs, cap, sizeof(*c->redirs));
	struct redir *r = &c->redirs[c->nredirs++];
	int input = op->type == T_LESS || op->type == T_LESSAND;
	r->fd = op->io_number >= 0 ? op->io_number : !input;
	r->word = target->text;
	switch (op->type) {
	case T_LESS: r->type = R_IN; break;
	case T_GREAT: r->type = R_OUT; break;
	case T_DGREAT: r->type = R_APPEND; break;
	default: r->type = R_DUP; break;
	}
	return 0;
}

static int parse_command(struct parser *p, struct command *c)
{
	int wcap = 0, rcap = 0;

	memset(c, 0, sizeof(*c));
	for (;;) {
		struct token *t = peek(p);
		if (t->type == T_WORD) {
			c->words = grow(c->words, c->nwords + 1, &wcap, sizeof(char *));
			c->words[c->nwords++] = t->text;
			c->words[c->nwords] = NULL;
			p->pos++;
		} else if (is_redir(t->type)) {
			if (parse_redir(p, c, &rcap))
				return -1;
		} else {
			break;
		}
	}
	if (c->nwords == 0 && c->nredirs == 0)
		return peek(p)->type == T_EOF ? LEX_INCOMPLETE : syntax_error(p);
	return 0;
}

static int parse_pipeline(struct parser *p, struct pipeline *pl)
{
	int cap = 0;

	memset(pl, 0, sizeof(*pl));
	for (;;) {
		pl->cmds = grow(pl->cmds, pl->ncmds, &cap, sizeof(*pl->cmds));
		int r = parse_command(p, &pl->cmds[pl->ncmds]);
		if (r)
			return r;
		pl->ncmds++;
		if (peek(p)->type != T_PIPE)
			return 0;
		p->pos++;
		skip_newlines(p);
	}
}

static int parse_and_or(struct parser *p, struct and_or *ao)
{
	int cap = 0, opcap = 0;
	size_t start = peek(p)->start;

	memset(ao, 0, sizeof(*ao));
	for (;;) {
		ao->pipes = grow(ao->pipes, ao->npipes, &cap, sizeof(*ao->pipes));
		ao->ops = grow(ao->ops, ao->npipes, &opcap, sizeof(*ao->ops));
		int r = parse_pipeline(p, &ao->pipes[ao->npipes]);
		if (r)
			return r;
		ao->npipes++;
		enum tok_type t = peek(p)->type;
		if (t != T_AND && t != T_OR)
			break;
		ao->ops = grow(ao->ops, ao->npipes, &opcap, sizeof(*ao->ops));
		ao->ops[ao->npipes] = t == T_AND ? OP_AND : OP_OR;
		p->pos++;
		skip_newlines(p);
	}
	size_t end = p->toks[p->pos - 1].end;
	ao->text = arena_strndup(p->src + start, end - start);
	return 0;
}

int parse(const char *src, struct program *out)
{
	struct parser p = { .src = src };
	int ntok, cap = 0;
	int r = lex(src, &p.toks, &ntok);

	if (r == LEX_INCOMPLETE)
		return r;
	memset(out, 0, sizeof(*out));
	for (;;) {
		skip_newlines(&p);
		if (peek(&p)->type == T_EOF)
			return 0;
		out->items = grow(out->items, out->nitems, &cap, sizeof(*out->items));
		struct and_or *ao = &out->items[out->nitems];
		r = parse_and_or(&p, ao);
		if (r)
			return r;
		out->nitems++;
		enum tok_type t = peek(&p)->type;
		if (t == T_AMP || t == T_SEMI) {
			ao->background = t == T_AMP;
			p.pos++;
		} else if (t != T_NEWLINE && t != T_EOF) {
			return syntax_error(&p);
		}
	}
}
