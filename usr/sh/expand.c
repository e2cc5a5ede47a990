/*
 * Word expansion, in the order POSIX gives: tilde, $parameters, field
 * splitting of unquoted results, pathname globbing, quote removal. Works on
 * the raw words from lex.c and builds fields in the arena.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

#define GLOB_CHARS "*?["

struct fields {
	char **v;
	int n, cap;
};

struct expander {
	struct fields out;
	struct strbuf text;	/* the field after quote removal */
	struct strbuf pat;	/* the same for glob(): quoted glob characters escaped */
	int started;		/* a field exists even if empty ("" or '') */
	int has_glob;		/* an unquoted * ? [ was seen */
	int split;		/* split unquoted expansions and glob (not for assignments) */
};

static void add_field(struct expander *e, const char *s)
{
	if (e->out.n + 1 >= e->out.cap) {
		int cap = e->out.cap ? e->out.cap * 2 : 16;
		char **v = arena_alloc(sizeof(char *) * (size_t)cap);
		if (e->out.n)
			memcpy(v, e->out.v, sizeof(char *) * (size_t)e->out.n);
		e->out.v = v;
		e->out.cap = cap;
	}
	e->out.v[e->out.n++] = arena_strndup(s, strlen(s));
	e->out.v[e->out.n] = NULL;
}

static void end_field(struct expander *e)
{
	glob_t g;

	if (!e->started)
		return;
	if (e->split && e->has_glob && glob(sb_str(&e->pat), 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			add_field(e, g.gl_pathv[i]);
		globfree(&g);
	} else {
		add_field(e, sb_str(&e->text));
	}
	e->text.len = e->pat.len = 0;
	e->started = e->has_glob = 0;
}

static void add_quoted(struct expander *e, char c)
{
	sb_addc(&e->text, c);
	if (strchr(GLOB_CHARS "\\", c))
		sb_addc(&e->pat, '\\');
	sb_addc(&e->pat, c);
	e->started = 1;
}

static void add_unquoted(struct expander *e, char c)
{
	sb_addc(&e->text, c);
	sb_addc(&e->pat, c);
	if (strchr(GLOB_CHARS, c))
		e->has_glob = 1;
	e->started = 1;
}

/* An expansion's value: kept whole inside quotes, split on blanks outside. */
static void add_value(struct expander *e, const char *v, int quoted)
{
	for (; *v; v++) {
		if (quoted || !e->split) {
			add_quoted(e, *v);
		} else if (*v == ' ' || *v == '\t' || *v == '\n') {
			end_field(e);
		} else {
			add_unquoted(e, *v);
		}
	}
	if (quoted)
		e->started = 1;
}

static const char *special_param(char c, char *buf, size_t size)
{
	if (c == '?')
		snprintf(buf, size, "%d", sh.last_status);
	else if (c == '$')
		snprintf(buf, size, "%d", (int)sh.pid);
	else if (c == '!')
		snprintf(buf, size, "%d", (int)sh.last_bg);
	else if (c == '#')
		snprintf(buf, size, "%d", sh.nparams > 0 ? sh.nparams - 1 : 0);
	else if (c >= '0' && c <= '9')
		return c - '0' < sh.nparams ? sh.params[c - '0'] : "";
	else
		return NULL;
	return buf;
}

static void add_all_params(struct expander *e, int quoted)
{
	for (int i = 1; i < sh.nparams; i++) {
		if (i > 1)
			add_value(e, " ", quoted);
		add_value(e, sh.params[i], quoted);
	}
}

/* Expands the parameter at w (just after '$'); returns characters consumed. */
static size_t expand_param(struct expander *e, const char *w, int quoted)
{
	char buf[32], name[256];
	size_t len = 0, used;
	int braced = *w == '{';
	const char *p = w + braced;

	if (*p == '@' || *p == '*') {
		add_all_params(e, quoted);
		len = 1;
	} else if (special_param(*p, buf, sizeof(buf))) {
		add_value(e, special_param(*p, buf, sizeof(buf)), quoted);
		len = 1;
	} else {
		while ((p[len] == '_' || (p[len] >= 'a' && p[len] <= 'z') ||
			(p[len] >= 'A' && p[len] <= 'Z') || (len && p[len] >= '0' && p[len] <= '9')) &&
		       len < sizeof(name) - 1)
			len++;
		if (len == 0) {
			add_quoted(e, '$');
			return 0;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		const char *v = var_get(name);
		add_value(e, v ? v : "", quoted);
	}
	used = braced + len;
	if (braced && p[len] == '}')
		used++;
	return used;
}

static void expand_word(struct expander *e, const char *w)
{
	int dq = 0;

	if (w[0] == '~' && (w[1] == '/' || w[1] == '\0') && e->split) {
		const char *home = var_get("HOME");
		add_value(e, home ? home : "/", 1);
		w++;
	}
	for (; *w; w++) {
		char c = *w;
		if (c == '\'' && !dq) {
			e->started = 1;
			while (*++w && *w != '\'')
				add_quoted(e, *w);
		} else if (c == '"') {
			dq = !dq;
			e->started = 1;
		} else if (c == '\\' && w[1]) {
			w++;
			if (*w == '\n')
				continue;
			if (dq && !strchr("$`\"\\", *w))
				add_quoted(e, '\\');
			add_quoted(e, *w);
		} else if (c == '$') {
			w += expand_param(e, w + 1, dq);
		} else if (dq) {
			add_quoted(e, c);
		} else {
			add_unquoted(e, c);
		}
	}
	end_field(e);
}

static void expander_free(struct expander *e)
{
	sb_free(&e->text);
	sb_free(&e->pat);
}

int expand_words(char **words, int n, char ***argv_out, int *argc_out)
{
	struct expander e = { .split = 1 };

	for (int i = 0; i < n; i++)
		expand_word(&e, words[i]);
	expander_free(&e);
	if (!e.out.v)
		e.out.v = arena_alloc(sizeof(char *));	/* an empty, NULL-ended argv */
	*argv_out = e.out.v;
	*argc_out = e.out.n;
	return 0;
}

char *expand_one(const char *word, int for_redir)
{
	struct expander e = { .split = for_redir };

	expand_word(&e, word);
	expander_free(&e);
	if (e.out.n == 1)
		return e.out.v[0];
	if (e.out.n == 0 && !for_redir)
		return arena_strndup("", 0);
	sh_error("%s: ambiguous redirect", word);
	return NULL;
}

size_t assignment_name_len(const char *word)
{
	const char *eq = strchr(word, '=');

	if (!eq || eq == word || !valid_name(word, (size_t)(eq - word)))
		return 0;
	return (size_t)(eq - word);
}
