/*
 * Memory for the shell: a per-line arena (everything lexed, parsed and
 * expanded for one line is freed at once when it has run) and growable
 * strings for building words.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

#define ARENA_CHUNK 8192
#define ARENA_ALIGN 16

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

static struct chunk *chunks;

static void out_of_memory(void)
{
	static const char msg[] = "sh: out of memory\n";

	write(2, msg, sizeof(msg) - 1);
	_exit(2);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void *arena_alloc(size_t size)
{
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (!chunks || chunks->used + size > chunks->size) {
		size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		struct chunk *c = xmalloc(sizeof(*c) + cap);
		c->next = chunks;
		c->used = 0;
		c->size = cap;
		chunks = c;
	}
	void *p = chunks->data + chunks->used;
	chunks->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(const char *s, size_t n)
{
	char *p = arena_alloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void arena_reset(void)
{
	while (chunks) {
		struct chunk *next = chunks->next;
		free(chunks);
		chunks = next;
	}
}

static void sb_grow(struct strbuf *sb, size_t more)
{
	if (sb->len + more + 1 <= sb->cap)
		return;
	while (sb->len + more + 1 > sb->cap)
		sb->cap = sb->cap ? sb->cap * 2 : 64;
	sb->s = xrealloc(sb->s, sb->cap);
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_grow(sb, 1);
	sb->s[sb->len++] = c;
	sb->s[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s);

	sb_grow(sb, n);
	memcpy(sb->s + sb->len, s, n + 1);
	sb->len += n;
}

const char *sb_str(struct strbuf *sb)
{
	sb_grow(sb, 0);
	sb->s[sb->len] = '\0';
	return sb->s;
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}
