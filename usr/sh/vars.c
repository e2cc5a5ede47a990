/*
 * Shell variables: one table for shell-only and exported variables; the
 * environment of every command is built from the exported ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct var {
	char *name;
	char *value;	/* NULL: exported but never set */
	int exported;
};

static struct var *vars;
static int nvars, capvars;

int valid_name(const char *s, size_t len)
{
	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9')))
			return 0;
	}
	return 1;
}

static struct var *find(const char *name)
{
	for (int i = 0; i < nvars; i++)
		if (!strcmp(vars[i].name, name))
			return &vars[i];
	return NULL;
}

static struct var *find_or_add(const char *name)
{
	struct var *v = find(name);

	if (v)
		return v;
	if (nvars == capvars) {
		capvars = capvars ? capvars * 2 : 32;
		vars = xrealloc(vars, sizeof(*vars) * (size_t)capvars);
	}
	v = &vars[nvars++];
	v->name = xstrdup(name);
	v->value = NULL;
	v->exported = 0;
	return v;
}

void vars_init(char **envp)
{
	for (; envp && *envp; envp++) {
		const char *eq = strchr(*envp, '=');
		if (!eq || !valid_name(*envp, (size_t)(eq - *envp)))
			continue;
		char *name = arena_strndup(*envp, (size_t)(eq - *envp));
		var_set(name, eq + 1, 1);
	}
}

const char *var_get(const char *name)
{
	struct var *v = find(name);

	return v ? v->value : NULL;
}

int var_set(const char *name, const char *value, int export_it)
{
	if (!valid_name(name, strlen(name))) {
		sh_error("%s: not a valid variable name", name);
		return -1;
	}
	struct var *v = find_or_add(name);
	char *copy = xstrdup(value);
	free(v->value);
	v->value = copy;
	if (export_it)
		v->exported = 1;
	return 0;
}

void var_unset(const char *name)
{
	struct var *v = find(name);

	if (!v)
		return;
	free(v->name);
	free(v->value);
	*v = vars[--nvars];
}

int var_export(const char *name)
{
	if (!valid_name(name, strlen(name))) {
		sh_error("export: %s: not a valid variable name", name);
		return -1;
	}
	find_or_add(name)->exported = 1;
	return 0;
}

char **vars_environ(void)
{
	char **env = xmalloc(sizeof(char *) * (size_t)(nvars + 1));
	int n = 0;

	for (int i = 0; i < nvars; i++) {
		if (!vars[i].exported || !vars[i].value)
			continue;
		size_t len = strlen(vars[i].name) + strlen(vars[i].value) + 2;
		env[n] = xmalloc(len);
		snprintf(env[n++], len, "%s=%s", vars[i].name, vars[i].value);
	}
	env[n] = NULL;
	return env;
}

void vars_free_environ(char **env)
{
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct var *)a)->name, ((const struct var *)b)->name);
}

void vars_print_exported(void)
{
	qsort(vars, (size_t)nvars, sizeof(*vars), by_name);
	for (int i = 0; i < nvars; i++)
		if (vars[i].exported)
			dprintf(1, "export %s%s%s%s\n", vars[i].name, vars[i].value ? "='" : "",
				vars[i].value ? vars[i].value : "", vars[i].value ? "'" : "");
}
