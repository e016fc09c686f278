#include "config.h"

/*
 * t-conf: the configuration file (conf.h): sections, quoting, comments,
 * precedence file < environment < command line, and errors that name the
 * file and line.
 */

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "util.h"
#include "../tap.h"

static char dir[] = "/tmp/t-conf.XXXXXX";
static char err[4096];

/* Writes a config file in the scratch directory; returns its path. */
static const char *conf_file(const char *name, const char *text, size_t n)
{
	static char path[2][256];
	static int k;
	char *p = path[k++ % 2];
	snprintf(p, sizeof path[0], "%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n)
		abort();
	close(fd);
	return p;
}
#define CONF(name, lit) conf_file(name, lit, sizeof lit - 1)

/* arb_conf_load with stderr captured into err. */
static int load(struct arb_conf *c, const char *path, const char *section)
{
	char tmp[256];
	snprintf(tmp, sizeof tmp, "%s/stderr", dir);
	int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int saved = dup(2);
	fflush(stderr);
	dup2(fd, 2);
	arb_log_init();
	int rc = arb_conf_load(c, path, section);
	dup2(saved, 2);
	close(saved);
	arb_log_init();
	ssize_t n = pread(fd, err, sizeof err - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	if (n > 0 && err[n - 1] == '\n')
		err[n - 1] = '\0';
	close(fd);
	unlink(tmp);
	return rc;
}

static void test_format(void)
{
	struct arb_conf c;
	const char *f = CONF("a.conf",
	    "# a comment\n"
	    "\n"
	    "   # an indented comment\n"
	    "db = sqlite:arb.db\n"
	    "min-profit-bps=5\n"
	    "  depth\t=\t10   \n"
	    "url = http://x/#frag   # a comment after a blank\n"
	    "empty =\n"
	    "[arb-detect]\n"
	    "min-profit-bps = 7\n"
	    "fees = \"/etc/arbitron/fees.conf\"\n"
	    "quoted = \"  a \\\"b\\\" \\\\ c # not a comment  \"   # but this is\n"
	    "empty-q = \"\"\n"
	    "[ arb-exec ]\n"
	    "min-profit-bps = 99\n"
	    "live = yes\n"
	    "[arb-detect]\n"
	    "crlf = yes\r\n"
	    "later = 1\n"
	    "later = 2\n");

	arb_conf_init(&c);
	is_int(load(&c, f, "arb-detect"), 0, "load with section arb-detect");
	is_str(err, "", "no diagnostics");
	is_str(arb_conf_get(&c, "db"), "sqlite:arb.db", "global key");
	is_str(arb_conf_get(&c, "min-profit-bps"), "7", "section overrides the global key");
	is_str(arb_conf_get(&c, "depth"), "10", "blanks and tabs around = and value trimmed");
	is_str(arb_conf_get(&c, "url"), "http://x/#frag", "# inside a bare value is kept, after a blank it starts a comment");
	is_str(arb_conf_get(&c, "empty"), "", "empty bare value");
	is_str(arb_conf_get(&c, "fees"), "/etc/arbitron/fees.conf", "quoted value");
	is_str(arb_conf_get(&c, "quoted"), "  a \"b\" \\ c # not a comment  ", "escapes, blanks and # kept inside quotes");
	is_str(arb_conf_get(&c, "empty-q"), "", "empty quoted value");
	ok(arb_conf_get(&c, "live") == NULL, "other section's keys not loaded");
	is_str(arb_conf_get(&c, "crlf"), "yes", "CRLF line ending");
	is_str(arb_conf_get(&c, "later"), "2", "a later line overrides an earlier one");
	char want[512];
	snprintf(want, sizeof want, "%s:20", f);
	is_str(arb_conf_origin(&c, "later"), want, "origin names file and line of the later one");
	ok(arb_conf_get(&c, "nope") == NULL, "unset key is NULL");
	ok(arb_conf_origin(&c, "nope") == NULL, "unset key has no origin");
	arb_conf_free(&c);

	arb_conf_init(&c);
	is_int(load(&c, f, NULL), 0, "load without section");
	is_str(arb_conf_get(&c, "min-profit-bps"), "5", "global only: global value");
	ok(arb_conf_get(&c, "fees") == NULL, "global only: no section keys");
	arb_conf_free(&c);

	arb_conf_init(&c);
	is_int(load(&c, f, "arb-exec"), 0, "load with section arb-exec (spaces in brackets)");
	is_str(arb_conf_get(&c, "min-profit-bps"), "99", "arb-exec's own value");
	is_str(arb_conf_get(&c, "live"), "yes", "arb-exec key");
	arb_conf_free(&c);

	arb_conf_init(&c);
	is_int(load(&c, f, "arb-unknown"), 0, "unknown section: fine");
	is_str(arb_conf_get(&c, "min-profit-bps"), "5", "unknown section: globals only");
	arb_conf_free(&c);

	/* An empty file and a file without a final newline. */
	arb_conf_init(&c);
	is_int(load(&c, CONF("empty.conf", ""), NULL), 0, "empty file");
	is_int(load(&c, CONF("nonl.conf", "k = v"), NULL), 0, "no final newline");
	is_str(arb_conf_get(&c, "k"), "v", "no final newline: value");
	arb_conf_free(&c);
}

static void test_precedence(void)
{
	struct arb_conf c;
	const char *f = CONF("p.conf", "a = file\nb = file\nc = file\nd = file\n");
	char want[512];

	unsetenv("ARB_A");
	setenv("ARB_B", "env", 1);
	setenv("ARB_C", "env", 1);
	setenv("ARB_E_F", "env only", 1);
	setenv("ARB_D", "", 1);
	arb_conf_init(&c);
	arb_conf_set(&c, "c", "early", NULL);   /* before loading: still wins */
	is_int(load(&c, f, NULL), 0, "load");
	arb_conf_set(&c, "a", "cli", "--a");
	is_str(arb_conf_get(&c, "a"), "cli", "command line over file");
	is_str(arb_conf_origin(&c, "a"), "--a", "command line origin as given");
	is_str(arb_conf_get(&c, "b"), "env", "environment over file");
	is_str(arb_conf_origin(&c, "b"), "environment ARB_B", "environment origin");
	is_str(arb_conf_get(&c, "c"), "early", "command line over environment and file, even when set before loading");
	is_str(arb_conf_origin(&c, "c"), "command line", "default command line origin");
	is_str(arb_conf_get(&c, "d"), "", "an empty environment value is a value");
	is_str(arb_conf_get(&c, "e-f"), "env only", "environment without file: dashes as underscores");
	unsetenv("ARB_B");
	is_str(arb_conf_get(&c, "b"), "file", "file value once the environment is gone");
	snprintf(want, sizeof want, "%s:2", f);
	is_str(arb_conf_origin(&c, "b"), want, "file origin");
	arb_conf_set(&c, "b", "cli2", NULL);
	arb_conf_set(&c, "b", "cli3", NULL);
	is_str(arb_conf_get(&c, "b"), "cli3", "the last command line value wins");
	setenv("ARB_B", "env", 1);
	is_str(arb_conf_get(&c, "b"), "cli3", "command line over environment");
	/* used marks what a program read, so it can warn about the rest. */
	int used = 0;
	for (size_t i = 0; i < c.n; i++)
		used += c.it[i].used;
	is_int(used, 4, "used flags: a, b, c, d read (e-f only in the environment)");
	arb_conf_free(&c);
	unsetenv("ARB_B");
	unsetenv("ARB_C");
	unsetenv("ARB_D");
	unsetenv("ARB_E_F");
}

static void test_errors(void)
{
	static const struct { const char *name, *text; unsigned line; const char *why; } cases[] = {
		{ "e1", "a = 1\nno equals here\n", 2, "expected key = value" },
		{ "e2", "Key = 1\n", 1, "bad key: use a-z, 0-9 and - (the long option names)" },
		{ "e3", "min_profit = 1\n", 1, "bad key: use a-z, 0-9 and - (the long option names)" },
		{ "e4", "= 1\n", 1, "bad key: use a-z, 0-9 and - (the long option names)" },
		{ "e5", "[arb-detect\n", 1, "expected ]" },
		{ "e6", "[]\n", 1, "empty section name" },
		{ "e7", "[Arb]\n", 1, "bad section name: use a-z, 0-9 and -" },
		{ "e8", "[a] x\n", 1, "unexpected text after ]" },
		{ "e9", "\n\nk = \"abc\n", 3, "unterminated quoted value" },
		{ "e10", "k = \"a\\nb\"\n", 1, "unknown escape in quoted value (only \\\" and \\\\)" },
		{ "e11", "k = \"a\" b\n", 1, "unexpected text after quoted value" },
		{ "e12", "k = a\"b\n", 1, "stray quote in value (quote the whole value)" },
		{ "e13", "k = \xc3\x28\n", 1, "invalid UTF-8" },
		/* Mistakes in another program's section are still mistakes. */
		{ "e14", "[other]\nk v\n", 2, "expected key = value" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct arb_conf c;
		char want[512];
		const char *f = conf_file(cases[i].name, cases[i].text, strlen(cases[i].text));
		arb_conf_init(&c);
		is_int(load(&c, f, "mine"), -1, "%s: error", cases[i].name);
		snprintf(want, sizeof want, "t-conf: %s:%u: %s", f, cases[i].line, cases[i].why);
		is_str(err, want, "%s: message names file and line", cases[i].name);
		arb_conf_free(&c);
	}
	struct arb_conf c;
	char want[512];
	const char *f = conf_file("nul", "k = a\0b\n", 8);
	arb_conf_init(&c);
	is_int(load(&c, f, NULL), -1, "NUL byte: error");
	snprintf(want, sizeof want, "t-conf: %s:1: NUL byte", f);
	is_str(err, want, "NUL byte: message");
	snprintf(want, sizeof want, "%s/missing.conf", dir);
	is_int(load(&c, want, NULL), -1, "missing file: error");
	char want2[600];
	snprintf(want2, sizeof want2, "t-conf: %s: No such file or directory", want);
	is_str(err, want2, "missing file: message names it");
	arb_conf_free(&c);
}

extern char **environ;

/* arb_conf_argv: file and environment keys become options placed before
 * the command line's, flags and lists expanded. */
static void test_argv(void)
{
	static const char text[] = "depth = 5\ntrades = yes\n[arb-x]\nendpoint = a=1 b=2\n"
	    "quiet = no\n[other]\ncacert = nope\n";
	static const char *const keys[] = { "depth", "trades?", "endpoint*", "quiet?", "cacert",
	    "record", NULL };
	const char *path = conf_file("argv.conf", text, sizeof text - 1);
	char *argv[] = { "prog", "-c", (char *)path, "--depth", "7", "x:Y", NULL };
	int argc = 6;
	char **nv;
	char joined[512] = "";

	setenv("ARB_RECORD", "/tmp/r", 1);
	nv = arb_conf_argv(&argc, argv, "arb-x", keys, 'c');
	for (int i = 0; i < argc; i++) {
		strcat(joined, nv[i]);
		strcat(joined, i + 1 < argc ? " " : "");
	}
	is_str(joined + strlen(joined) - 10, "depth 7 x:Y" + 1, "the command line is kept at the end");
	is_int(argc, 15, "argument count");
	is_str(nv[1], "--depth", "file keys come first...");
	is_str(nv[2], "5", "...with their values");
	is_str(nv[3], "--trades", "a true flag becomes --flag");
	is_str(nv[5], "a=1", "a list is split on spaces");
	is_str(nv[7], "b=2", "into repeated options");
	is_str(nv[9], "/tmp/r", "the environment gives keys too");
	is_str(nv[10], "-c", "then the command line, in order...");
	is_str(nv[13], "7", "...so that its --depth is the last one and wins");
	ok(nv[argc] == NULL, "NULL-terminated");
	/* the ten before the command line's own are the function's */
	for (int i = 1; i < 10; i++)
		free(nv[i]);
	free(nv);   /* the test frees it; programs keep it until exit */
	unsetenv("ARB_RECORD");
}

/* arb_conf_apply: each key set becomes one apply(), in the order of keys[],
 * flags by their truth, lists word by word, origins named. */
static char applied[1024];

static void rec_apply(int val, const char *arg, const char *origin)
{
	size_t n = strlen(applied);
	snprintf(applied + n, sizeof applied - n, "%s%c=%s@%s", n ? " " : "", val, arg ? arg : "-",
	    strrchr(origin, '/') ? strrchr(origin, '/') + 1 : origin);
}

static int rec_list(int val)
{
	return val == 'l';
}

static const struct option apply_opts[] = {
	{ "flag", no_argument, NULL, 'f' },
	{ "off", no_argument, NULL, 'o' },
	{ "list", required_argument, NULL, 'l' },
	{ "value", required_argument, NULL, 'v' },
	{ "empty", required_argument, NULL, 'e' },
	{ "env", required_argument, NULL, 'n' },
	{ "config", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 },
};

static void test_apply(void)
{
	static const char text[] = "value = 1\n[arb-y]\nflag = yes\noff = no\nlist = a b,c\n"
	    "value = 5 6\nempty =\n[arb-z]\nflag = maybe\n";
	static const char *const keys[] = { "env", "flag", "off", "list", "value", "empty", NULL };
	const char *path = conf_file("apply.conf", text, sizeof text - 1);
	char *argv[] = { "prog", "--depth", "3", "--config", (char *)path, NULL };
	struct arb_conf c;
	pid_t pid;
	int st;

	setenv("ARB_ENV", "x", 1);
	arb_conf_init(&c);
	applied[0] = '\0';
	arb_conf_apply(&c, 5, argv, "arb-y", keys, apply_opts, rec_apply, rec_list);
	is_str(applied, "n=x@environment ARB_ENV f=-@apply.conf:3 l=a@apply.conf:5 l=b@apply.conf:5 "
	    "l=c@apply.conf:5 v=5 6@apply.conf:6", "keys applied in order: flags, lists by word, values whole");
	arb_conf_free(&c);
	unsetenv("ARB_ENV");

	/* --config=FILE, and no list function: a list is one value */
	char cfg[600];
	snprintf(cfg, sizeof cfg, "--config=%s", path);
	char *argv2[] = { "prog", cfg, NULL };
	arb_conf_init(&c);
	applied[0] = '\0';
	arb_conf_apply(&c, 2, argv2, "arb-y", keys, apply_opts, rec_apply, NULL);
	is_str(applied, "f=-@apply.conf:3 l=a b,c@apply.conf:5 v=5 6@apply.conf:6", "--config=FILE; no is_list");
	arb_conf_free(&c);

	/* after "--", -c is an operand; no file: nothing applied */
	char *argv3[] = { "prog", "--", "-c", (char *)path, NULL };
	arb_conf_init(&c);
	applied[0] = '\0';
	arb_conf_apply(&c, 4, argv3, "arb-y", keys, apply_opts, rec_apply, rec_list);
	is_str(applied, "", "-c after -- is not read");
	arb_conf_free(&c);

	/* a flag neither true nor false: exit 2 */
	fflush(stdout);
	if ((pid = fork()) == 0) {
		char *argv4[] = { "prog", "-c", (char *)path, NULL };
		freopen("/dev/null", "w", stderr);
		arb_conf_init(&c);
		arb_conf_apply(&c, 3, argv4, "arb-z", keys, apply_opts, rec_apply, rec_list);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	is_int(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 2, "flag = maybe: exit 2");
}

int main(void)
{
	arb_setprog("t-conf");
	unsetenv("JOURNAL_STREAM");
	/* The caller's ARB_* (ARB_DB, ARB_SHARED_DATA...) must not leak in. */
	for (int again = 1; again;) {
		again = 0;
		for (char **e = environ; *e; e++) {
			if (strncmp(*e, "ARB_", 4) == 0 && strchr(*e, '=')) {
				char name[256];
				snprintf(name, sizeof name, "%.*s", (int)(strchr(*e, '=') - *e), *e);
				unsetenv(name);
				again = 1;
				break;
			}
		}
	}
	if (!mkdtemp(dir))
		abort();
	test_format();
	test_precedence();
	test_errors();
	test_argv();
	test_apply();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return done_testing();
}
