#include "config.h"

/*
 * t-cred: secrets from $CREDENTIALS_DIRECTORY, /run/secrets and
 * $ARB_<NAME>_FILE (cred.h).
 *
 * The test cannot write to /run/secrets, so it compiles cred.c itself with
 * that directory moved into its scratch directory (the library's own
 * cred.o is then not linked in).
 */

static char run_secrets[256];
#define ARB_CRED_RUN_SECRETS run_secrets
#include "../../lib/cred.c"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"

static char dir[] = "/tmp/t-cred.XXXXXX";
static char creds[256], other[256];

static void put(const char *d, const char *name, const char *text, size_t n, mode_t mode)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", d, name);
	unlink(p);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n)
		abort();
	fchmod(fd, mode);
	close(fd);
}
#define PUT(d, name, lit, mode) put(d, name, lit, sizeof lit - 1, mode)

static void rm(const char *d, const char *name)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", d, name);
	unlink(p);
}

/* Reads name; checks the status, the value (or NULL) and that why never
 * holds any secret. */
static void reads(const char *name, int want_rc, const char *want_v, const char *want_src,
    const char *want_why, const char *what)
{
	struct arb_cred c;
	char why[1024];
	char src[600] = "";
	int rc = arb_cred_read(name, &c, why, sizeof why);
	is_int(rc, want_rc, "%s: status", what);
	if (want_v) {
		ok(rc == 0 && c.len == strlen(want_v) && memcmp(c.v, want_v, c.len) == 0 &&
		    c.v[c.len] == '\0', "%s: value", what);
	}
	if (want_src) {
		snprintf(src, sizeof src, "%s/%s", want_src, name);
		is_str(rc == 0 ? c.src : "", src, "%s: source", what);
	}
	if (want_why)
		is_str(why, want_why, "%s: message", what);
	ok(!strstr(why, "s3cr3t"), "%s: no secret in the message", what);
	if (rc == 0) {
		char *v = c.v;
		arb_cred_free(&c);
		ok(c.v == NULL && c.len == 0 && v != NULL, "%s: freed", what);
	} else {
		ok(c.v == NULL, "%s: nothing returned", what);
	}
}

static void test_sources(void)
{
	char want[2048], f[512];

	setenv("CREDENTIALS_DIRECTORY", creds, 1);
	unsetenv("ARB_KEY_FILE");

	/* Each source alone. */
	PUT(creds, "key", "s3cr3t-creds\n", 0600);
	reads("key", 0, "s3cr3t-creds", creds, "", "CREDENTIALS_DIRECTORY");
	rm(creds, "key");
	PUT(run_secrets, "key", "s3cr3t-docker", 0400);
	reads("key", 0, "s3cr3t-docker", run_secrets, "", "/run/secrets");
	rm(run_secrets, "key");
	PUT(other, "key", "s3cr3t-file\r\n", 0600);
	snprintf(f, sizeof f, "%s/key", other);
	setenv("ARB_KEY_FILE", f, 1);
	reads("key", 0, "s3cr3t-file", other, "", "ARB_KEY_FILE, CRLF stripped");

	/* Precedence: credentials directory, /run/secrets, the named file. */
	PUT(run_secrets, "key", "s3cr3t-docker\n", 0600);
	reads("key", 0, "s3cr3t-docker", run_secrets, "", "/run/secrets before ARB_KEY_FILE");
	PUT(creds, "key", "s3cr3t-creds\n", 0600);
	reads("key", 0, "s3cr3t-creds", creds, "", "CREDENTIALS_DIRECTORY first");
	unsetenv("CREDENTIALS_DIRECTORY");
	reads("key", 0, "s3cr3t-docker", run_secrets, "", "CREDENTIALS_DIRECTORY unset: /run/secrets");
	setenv("CREDENTIALS_DIRECTORY", "", 1);
	reads("key", 0, "s3cr3t-docker", run_secrets, "", "CREDENTIALS_DIRECTORY empty: /run/secrets");
	setenv("CREDENTIALS_DIRECTORY", creds, 1);

	/* Names with dashes and dots map to underscores in the variable. */
	PUT(other, "binance.api-key", "s3cr3t-bin", 0600);
	snprintf(f, sizeof f, "%s/binance.api-key", other);
	setenv("ARB_BINANCE_API_KEY_FILE", f, 1);
	reads("binance.api-key", 0, "s3cr3t-bin", other, "", "ARB_BINANCE_API_KEY_FILE");
	unsetenv("ARB_BINANCE_API_KEY_FILE");

	/* Missing everywhere: 1, saying where it looked. */
	rm(creds, "key");
	rm(run_secrets, "key");
	unsetenv("ARB_KEY_FILE");
	snprintf(want, sizeof want,
	    "credential key not found; looked at %s/key, %s/key, $ARB_KEY_FILE (unset)", creds, run_secrets);
	reads("key", 1, NULL, NULL, want, "missing");
	unsetenv("CREDENTIALS_DIRECTORY");
	snprintf(want, sizeof want,
	    "credential key not found; looked at $CREDENTIALS_DIRECTORY (unset), %s/key, $ARB_KEY_FILE (unset)",
	    run_secrets);
	reads("key", 1, NULL, NULL, want, "missing, no CREDENTIALS_DIRECTORY");
	setenv("CREDENTIALS_DIRECTORY", creds, 1);

	/* A file named on purpose that is not there is an error. */
	snprintf(f, sizeof f, "%s/nope", other);
	setenv("ARB_KEY_FILE", f, 1);
	snprintf(want, sizeof want, "cannot open %s (named by ARB_KEY_FILE): No such file or directory", f);
	reads("key", -1, NULL, NULL, want, "ARB_KEY_FILE names a missing file");
	unsetenv("ARB_KEY_FILE");
}

static void test_refusals(void)
{
	char want[2048], p[512], q[512];

	setenv("CREDENTIALS_DIRECTORY", creds, 1);
	PUT(creds, "k", "s3cr3t\n", 0644);
	snprintf(want, sizeof want, "refusing %s/k: mode 0644 is readable by group or others; chmod 600 it", creds);
	reads("k", -1, NULL, NULL, want, "0644 refused");
	PUT(creds, "k", "s3cr3t\n", 0640);
	snprintf(want, sizeof want, "refusing %s/k: mode 0640 is readable by group or others; chmod 600 it", creds);
	reads("k", -1, NULL, NULL, want, "0640 refused");
	PUT(creds, "k", "s3cr3t\n", 0602);
	snprintf(want, sizeof want, "refusing %s/k: mode 0602 is writable or executable by group or others; chmod 600 it", creds);
	reads("k", -1, NULL, NULL, want, "0602 refused");
	/* A refused file stops the search: the next source is not a fallback. */
	PUT(run_secrets, "k", "s3cr3t-ok", 0600);
	PUT(creds, "k", "s3cr3t\n", 0604);
	reads("k", -1, NULL, NULL, NULL, "refused file is not skipped over");
	rm(run_secrets, "k");

	/* Symbolic links are followed and the target is checked. */
	PUT(other, "target", "s3cr3t-link\n", 0600);
	snprintf(p, sizeof p, "%s/target", other);
	snprintf(q, sizeof q, "%s/k", creds);
	unlink(q);
	if (symlink(p, q) < 0)
		abort();
	reads("k", 0, "s3cr3t-link", creds, "", "symlink to a 0600 file");
	chmod(p, 0644);
	snprintf(want, sizeof want, "refusing %s/k: mode 0644 is readable by group or others; chmod 600 it", creds);
	reads("k", -1, NULL, NULL, want, "symlink to a 0644 file refused");
	unlink(q);

	/* Not a regular file. */
	if (mkdir(q, 0700) < 0)
		abort();
	snprintf(want, sizeof want, "refusing %s/k: not a regular file", creds);
	reads("k", -1, NULL, NULL, want, "directory refused");
	rmdir(q);
	if (mkfifo(q, 0600) < 0)
		abort();
	reads("k", -1, NULL, NULL, want, "FIFO refused without hanging");
	unlink(q);

	/* Size: 64 KiB is the limit. */
	size_t big = 64 * 1024;
	char *buf = malloc(big + 2);
	memset(buf, 'x', big + 2);
	put(creds, "k", buf, big, 0600);
	buf[big] = '\0';
	reads("k", 0, buf, creds, "", "exactly 64 KiB accepted");
	put(creds, "k", buf, big + 1, 0600);
	snprintf(want, sizeof want, "refusing %s/k: 65537 bytes, more than 64 KiB", creds);
	reads("k", -1, NULL, NULL, want, "64 KiB + 1 refused");
	free(buf);

	/* Newlines: exactly one removed; an empty secret is refused. */
	PUT(creds, "k", "s3cr3t\n\n", 0600);
	reads("k", 0, "s3cr3t\n", creds, "", "only one trailing newline removed");
	PUT(creds, "k", " s3cr3t ", 0600);
	reads("k", 0, " s3cr3t ", creds, "", "no newline: taken as is, blanks kept");
	PUT(creds, "k", "\n", 0600);
	snprintf(want, sizeof want, "refusing %s/k: empty", creds);
	reads("k", -1, NULL, NULL, want, "empty secret refused");

	/* Unreadable (only meaningful when not root). */
	if (geteuid() != 0) {
		PUT(creds, "k", "s3cr3t", 0000);
		snprintf(want, sizeof want, "cannot open %s/k: Permission denied", creds);
		reads("k", -1, NULL, NULL, want, "unreadable file");
	}
	rm(creds, "k");

	/* Names that are not plain file names. */
	reads("", -1, NULL, NULL, "bad credential name \"\": use letters, digits, _, - and .", "empty name");
	reads("../etc/passwd", -1, NULL, NULL, NULL, "path as name");
	reads("..", -1, NULL, NULL, NULL, "dot-dot as name");
}

static void test_wipe(void)
{
	char buf[32];
	memcpy(buf, "s3cr3t-s3cr3t-s3cr3t", 21);
	arb_wipe(buf, 21);
	int zero = 1;
	for (int i = 0; i < 21; i++)
		zero &= buf[i] == 0;
	ok(zero, "arb_wipe zeroes");
	struct arb_cred c = { 0 };
	arb_cred_free(&c);
	ok(c.v == NULL, "arb_cred_free on an empty credential");
}

int main(void)
{
	if (!mkdtemp(dir))
		abort();
	unsetenv("ARB_K_FILE");
	snprintf(creds, sizeof creds, "%s/creds", dir);
	snprintf(run_secrets, sizeof run_secrets, "%s/run-secrets", dir);
	snprintf(other, sizeof other, "%s/other", dir);
	if (mkdir(creds, 0700) < 0 || mkdir(run_secrets, 0700) < 0 || mkdir(other, 0700) < 0)
		abort();
	test_sources();
	test_refusals();
	test_wipe();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return done_testing();
}
