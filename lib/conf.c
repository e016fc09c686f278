#include "config.h"

/*
 * conf.c: the configuration file (conf.h).
 *
 * A file is read whole and parsed line by line.  Only the keys before any
 * section and those of the requested section are kept; other sections are
 * still checked for syntax, because one file serves every program and a
 * mistake anywhere in it is better reported than ignored.  A later line
 * replaces an earlier one (the earlier is kept behind it, for the keys that
 * arb_conf_argv takes from every line), and a value set from the command
 * line (arb_conf_set) is never replaced by a file.
 */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "io.h"
#include "log.h"
#include "util.h"

/* Items set by arb_conf_set have line 0 and file = their origin. */
#define CMDLINE 0u

void arb_conf_init(struct arb_conf *c)
{
	memset(c, 0, sizeof *c);
}

void arb_conf_free(struct arb_conf *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->it[i].key);
		free(c->it[i].value);
		free(c->it[i].file);
	}
	free(c->it);
	memset(c, 0, sizeof *c);
}

/* The item of key that is in force: the last one stored. */
static struct arb_conf_item *find(struct arb_conf *c, const char *key)
{
	for (size_t i = c->n; i-- > 0;)
		if (strcmp(c->it[i].key, key) == 0)
			return &c->it[i];
	return NULL;
}

/* Stores key = value, taking ownership of value. */
static void store(struct arb_conf *c, const char *key, char *value, const char *file, unsigned line)
{
	struct arb_conf_item *it = find(c, key);

	if (it && it->line == CMDLINE && line != CMDLINE) {
		free(value);  /* the command line wins over any file */
		return;
	}
	if (!it || (it->line != CMDLINE && line != CMDLINE)) {
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 16;
			xrealloc(&c->it, c->cap * sizeof *c->it);
		}
		it = &c->it[c->n++];
		memset(it, 0, sizeof *it);
		it->key = xstrdup(key);
	}
	free(it->value);
	free(it->file);
	it->value = value;
	it->file = xstrdup(file);
	it->line = line;
	it->used = 0;
}

static int iskeychar(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
}

static const char *skipws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Nothing but blanks and an optional comment left on the line. */
static int rest_empty(const char *p)
{
	p = skipws(p);
	return *p == '\0' || *p == '#';
}

/*
 * Parses one line (NUL-terminated, without its newline).  Sets *section to
 * a new section name (malloc'd) on a section line, or *key and *value
 * (malloc'd; key points into line) on an assignment.  Returns NULL or the
 * reason it is wrong.
 */
static const char *parse_line(char *line, char **section, char **key, char **value)
{
	char *p = (char *)skipws(line);

	*section = *key = *value = NULL;
	if (*p == '\0' || *p == '#')
		return NULL;
	if (*p == '[') {
		char *close = strchr(p, ']');
		if (!close)
			return "expected ]";
		char *q = (char *)skipws(p + 1), *e = close;
		while (e > q && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e == q)
			return "empty section name";
		for (char *s = q; s < e; s++)
			if (!iskeychar((unsigned char)*s))
				return "bad section name: use a-z, 0-9 and -";
		if (!rest_empty(close + 1))
			return "unexpected text after ]";
		*section = xstrndup(q, (size_t)(e - q));
		return NULL;
	}
	char *k = p;
	while (iskeychar((unsigned char)*p))
		p++;
	char *kend = p;
	p = (char *)skipws(p);
	if (kend == k || *p != '=') {
		char *eq = strchr(k, '='), *hash = strchr(k, '#');
		if (eq && (!hash || eq < hash))
			return "bad key: use a-z, 0-9 and - (the long option names)";
		return "expected key = value";
	}
	p = (char *)skipws(p + 1);
	if (*p == '"') {
		/* Quoted: \" and \\ are the only escapes. */
		char *v = xmalloc(strlen(p) + 1), *o = v;
		for (p++;; p++) {
			if (*p == '\0') {
				free(v);
				return "unterminated quoted value";
			}
			if (*p == '"')
				break;
			if (*p == '\\') {
				if (p[1] != '"' && p[1] != '\\') {
					free(v);
					return "unknown escape in quoted value (only \\\" and \\\\)";
				}
				p++;
			}
			*o++ = *p;
		}
		*o = '\0';
		if (!rest_empty(p + 1)) {
			free(v);
			return "unexpected text after quoted value";
		}
		*value = v;
	} else {
		/* Bare: up to a '#' at the start or after a blank, trimmed. */
		char *e = p;
		while (*e && !(*e == '#' && (e == p || e[-1] == ' ' || e[-1] == '\t')))
			e++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (memchr(p, '"', (size_t)(e - p)))
			return "stray quote in value (quote the whole value)";
		*value = xstrndup(p, (size_t)(e - p));
	}
	*kend = '\0';
	*key = k;
	return NULL;
}

int arb_conf_load(struct arb_conf *c, const char *path, const char *section)
{
	size_t len;
	char *text = arb_readfile(path, &len);
	if (!text) {
		arb_err("%s: %s", path, strerror(errno));
		return -1;
	}

	char *cur = NULL;   /* current section; NULL before any */
	unsigned lineno = 0;
	int rc = 0;
	char *p = text, *end = text + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *e = nl ? nl : end;
		lineno++;
		if (e > p && e[-1] == '\r')
			e--;
		*e = '\0';
		char *line = p;
		p = nl ? nl + 1 : end;

		const char *why = NULL;
		if (memchr(line, '\0', (size_t)(e - line)) != NULL)
			why = "NUL byte";
		else if (arb_utf8_check(line, (size_t)(e - line)) != NULL)
			why = "invalid UTF-8";
		char *sec = NULL, *key = NULL, *value = NULL;
		if (!why)
			why = parse_line(line, &sec, &key, &value);
		if (why) {
			arb_err("%s:%u: %s", path, lineno, why);
			rc = -1;
			break;
		}
		if (sec) {
			free(cur);
			cur = sec;
		} else if (key) {
			if (!cur || (section && strcmp(cur, section) == 0))
				store(c, key, value, path, lineno);
			else
				free(value);
		}
	}
	free(cur);
	free(text);
	return rc;
}

void arb_conf_set(struct arb_conf *c, const char *key, const char *value, const char *origin)
{
	store(c, key, xstrdup(value), origin ? origin : "command line", CMDLINE);
}

/* "min-profit-bps" -> "ARB_MIN_PROFIT_BPS" in buf; 0, or -1 if too long. */
static int envname(const char *key, char *buf, size_t size)
{
	size_t n = strlen(key);
	if (n + 5 > size)
		return -1;
	memcpy(buf, "ARB_", 4);
	for (size_t i = 0; i <= n; i++) {
		unsigned char ch = (unsigned char)key[i];
		buf[4 + i] = ch == '-' ? '_' : (char)toupper(ch);
	}
	return 0;
}

const char *arb_conf_get(struct arb_conf *c, const char *key)
{
	struct arb_conf_item *it = find(c, key);
	char name[256];

	if (it)
		it->used = 1;
	if (it && it->line == CMDLINE)
		return it->value;
	if (envname(key, name, sizeof name) == 0) {
		const char *v = getenv(name);
		if (v)
			return v;
	}
	return it ? it->value : NULL;
}

const char *arb_conf_origin(struct arb_conf *c, const char *key)
{
	static char buf[1024];
	struct arb_conf_item *it = find(c, key);
	char name[256];

	if (it && it->line == CMDLINE)
		return it->file;
	if (envname(key, name, sizeof name) == 0 && getenv(name)) {
		snprintf(buf, sizeof buf, "environment %s", name);
		return buf;
	}
	if (!it)
		return NULL;
	snprintf(buf, sizeof buf, "%s:%u", it->file, it->line);
	return buf;
}

/* not static: the store must stay for leak checkers to see the vector */
char **arb_conf_argv_keep;

/* A flag's value: 1 for true, yes or 1; 0 for false, no, 0 or empty;
 * anything else exits 2 naming where it came from. */
static int flag_value(const char *v, const char *origin, const char *key)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
		return 1;
	if (strcmp(v, "false") && strcmp(v, "no") && strcmp(v, "0") && *v)
		arb_die(ARB_EXIT_USAGE, "%s: %s: true or false, not %s", origin, key, v);
	return 0;
}

/* The values arb_conf_argv took from the file or the environment, each
 * with "ORIGIN: " for messages (arb_conf_argv_where); reachable as above. */
struct arb_conf_argv_from {
	const char *arg;
	char *where;
} *arb_conf_argv_from;
static size_t nargv_from;

static void argv_from_add(const char *arg, const char *origin)
{
	size_t len = strlen(origin) + 3;

	xrealloc(&arb_conf_argv_from, (nargv_from + 1) * sizeof *arb_conf_argv_from);
	arb_conf_argv_from[nargv_from].arg = arg;
	arb_conf_argv_from[nargv_from].where = xmalloc(len);
	snprintf(arb_conf_argv_from[nargv_from].where, len, "%s: ", origin);
	nargv_from++;
}

const char *
arb_conf_argv_where(const char *arg)
{
	for (size_t i = 0; arg && i < nargv_from; i++)
		if (arb_conf_argv_from[i].arg == arg)
			return arb_conf_argv_from[i].where;
	return "";
}

char **
arb_conf_argv(int *argcp, char **argv, const char *section, const char *const *keys,
    int cfgshort)
{
	struct arb_conf conf;
	const char *path = NULL;
	char **nv, shortopt[3] = { '-', (char)cfgshort, 0 };
	size_t n = 0, cap;
	int argc = *argcp, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (((cfgshort && strcmp(argv[i], shortopt) == 0) ||
		    strcmp(argv[i], "--config") == 0) && i + 1 < argc)
			path = argv[++i];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			path = argv[i] + 9;
	}
	arb_conf_init(&conf);
	if (path && arb_conf_load(&conf, path, section) < 0)
		exit(2);
	cap = (size_t)argc + 16;
	nv = xcalloc(cap, sizeof *nv);
	nv[n++] = argv[0];
	for (i = 0; keys[i]; i++) {
		size_t kl = strlen(keys[i]);
		char key[64], opt[72];
		const char *v;
		int kind = 0;

		if (kl == 0 || kl >= sizeof key)
			continue;
		memcpy(key, keys[i], kl + 1);
		if (key[kl - 1] == '?' || key[kl - 1] == '*' || key[kl - 1] == '+') {
			kind = key[kl - 1];
			key[kl - 1] = '\0';
		}
		if (!(v = arb_conf_get(&conf, key)))
			continue;
		if (kind == '+' && (!find(&conf, key) || find(&conf, key)->value != v))
			kind = 0;   /* the environment's one value */
		if (kind != '+' && !*v)
			continue;
		snprintf(opt, sizeof opt, "--%s", key);
		if (kind == '+') {
			/* every line of the key, in the file's order */
			for (size_t j = 0; j < conf.n; j++) {
				char where[1100];

				if (strcmp(conf.it[j].key, key) || !*conf.it[j].value)
					continue;
				if (n + 3 >= cap) { cap *= 2; xrealloc(&nv, cap * sizeof *nv); }
				nv[n++] = xstrdup(opt);
				nv[n++] = xstrdup(conf.it[j].value);
				snprintf(where, sizeof where, "%s:%u", conf.it[j].file, conf.it[j].line);
				argv_from_add(nv[n - 1], where);
			}
			continue;
		}
		if (kind == '?') {
			if (!flag_value(v, arb_conf_origin(&conf, key), key))
				continue;
			if (n + 2 >= cap) { cap *= 2; xrealloc(&nv, cap * sizeof *nv); }
			nv[n++] = xstrdup(opt);
			continue;
		}
		{
			char *list = xstrdup(v), *save = NULL, *t;
			for (t = kind == '*' ? strtok_r(list, " ", &save) : list; t;
			    t = kind == '*' ? strtok_r(NULL, " ", &save) : NULL) {
				if (n + 3 >= cap) { cap *= 2; xrealloc(&nv, cap * sizeof *nv); }
				nv[n++] = xstrdup(opt);
				nv[n++] = xstrdup(t);
				argv_from_add(nv[n - 1], arb_conf_origin(&conf, key));
			}
			free(list);
		}
	}
	if (n + (size_t)argc >= cap) {
		cap = n + (size_t)argc + 1;
		xrealloc(&nv, cap * sizeof *nv);
	}
	for (i = 1; i < argc; i++)
		nv[n++] = argv[i];
	nv[n] = NULL;
	*argcp = (int)n;
	arb_conf_free(&conf);
	/* reachable until exit, as argv itself is (leak checkers agree) */
	arb_conf_argv_keep = nv;
	return nv;
}

void
arb_conf_apply(struct arb_conf *c, int argc, char **argv, const char *section,
    const char *const *keys, const struct option *longopts,
    void (*apply)(int val, const char *arg, const char *origin), int (*is_list)(int val))
{
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc)
			path = argv[++i];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			path = argv[i] + 9;
	}
	if (path && arb_conf_load(c, path, section) < 0)
		exit(ARB_EXIT_USAGE);
	for (int k = 0; keys[k]; k++) {
		const char *v = arb_conf_get(c, keys[k]), *origin;
		const struct option *o = longopts;

		if (!v)
			continue;
		origin = arb_conf_origin(c, keys[k]);
		while (o->name && strcmp(o->name, keys[k]) != 0)
			o++;
		if (!o->name)
			arb_die(ARB_EXIT_FAIL, "configuration key %s is no option (a bug)", keys[k]);
		if (o->has_arg == no_argument) {
			if (flag_value(v, origin, keys[k]))
				apply(o->val, NULL, origin);
		} else if (is_list && is_list(o->val)) {
			char *list = xstrdup(v), *save = NULL;
			for (char *t = strtok_r(list, " ,", &save); t; t = strtok_r(NULL, " ,", &save))
				apply(o->val, t, origin);
			free(list);
		} else if (*v) {
			apply(o->val, v, origin);
		}
	}
}
