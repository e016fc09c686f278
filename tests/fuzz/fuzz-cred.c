/*
 * fuzz-cred.c: libFuzzer target for secrets loading (cred.h,
 * arb_cred_read).  cred.c parses little of a file's content (one trailing
 * newline or CRLF is removed, an empty or a too large file is refused),
 * so the target is mostly about what cred.h promises: error messages name
 * the file, never show its content.
 *
 * The input: a byte of options (mode, where the file is found, a file
 * grown past the 64 KiB limit), a byte n, n bytes of credential name, then
 * the content.  The file is made in a directory of its own with the mode
 * chosen and read through $CREDENTIALS_DIRECTORY, or through
 * $ARB_<NAME>_FILE, or not made at all.  Checked:
 *   - a bad name (not letters, digits, _, - and .; "." or "..") is refused;
 *   - a good name and a file of mode 0600 or 0400, of at most 64 KiB and
 *     not empty once its trailing newline is removed, is read: the value
 *     is the content less one "\n" or "\r\n", NUL-terminated, and src is
 *     the path;
 *   - anything else is refused (-1), or not found (1), with a reason;
 *   - the reason does not depend on the content: a second file of the
 *     same size and mode, every byte but CR and LF replaced, gives the
 *     same return and the same why.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-cred.c (all of lib/) -o fuzz-cred
 *   (tests/fuzz/run builds it against all of lib/)
 */
#include "config.h"

#include <sys/stat.h>

#include "fuzz-file.h"
#include "cred.h"
#include "log.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz-cred: %s:%d: %s\n", \
	__FILE__, __LINE__, #c); abort(); } } while (0)

#define CRED_LIMIT (64u * 1024)

static const mode_t modes[8] = { 0600, 0400, 0640, 0604, 0620, 0602, 0700, 0610 };

static int good_name(const char *s, size_t n)
{
	if (!n || n > 200 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", s[i]) ||
		    !s[i])
			return 0;
	return 1;
}

/* ARB_<NAME>_FILE, as cred.h describes it. */
static void var_of(const char *name, char *var, size_t cap)
{
	size_t k = (size_t)snprintf(var, cap, "ARB_");

	for (; *name && k + 6 < cap; name++)
		var[k++] = *name >= 'a' && *name <= 'z' ? (char)(*name - 'a' + 'A') :
		    *name == '-' || *name == '.' ? '_' : *name;
	snprintf(var + k, cap - k, "_FILE");
}

/* Writes the file (or not), sets the environment, reads the credential. */
static int attempt(const char *name, int where, mode_t mode, const uint8_t *content, size_t len,
    struct arb_cred *c, char *why, size_t whylen, char *path, size_t pathlen)
{
	char var[256];
	const char *p;
	int rc;

	/* the file's name: the credential's when it can be one */
	p = fuzz_file(good_name(name, strlen(name)) ? name : "secret", content, len);
	snprintf(path, pathlen, "%s", p);
	CHECK(chmod(p, mode) == 0);
	unsetenv("CREDENTIALS_DIRECTORY");
	var_of(name, var, sizeof var);
	if (where == 0)
		setenv("CREDENTIALS_DIRECTORY", fuzz_dir, 1);
	else if (where == 1 && good_name(name, strlen(name)))
		setenv(var, p, 1);
	else if (where == 2)
		(void)unlink(p);   /* nowhere to be found */
	memset(why, 0, whylen);
	rc = arb_cred_read(name, c, why, whylen);
	if (where == 1 && good_name(name, strlen(name)))
		unsetenv(var);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arb_cred c, c2;
	char name[256], why[1024], why2[1024], path[512], path2[512];
	uint8_t *content, *other;
	size_t n, len, want, i;
	int rc, rc2, where, grow, good;
	mode_t mode;

	arb_loglevel = ARB_LOG_ERR - 1;
	if (size < 2)
		return 0;
	mode = modes[data[0] & 7];
	where = (data[0] >> 3) % 3;
	grow = (data[0] >> 5) & 1;
	n = data[1];
	if (n > size - 2)
		n = size - 2;
	memcpy(name, data + 2, n);
	name[n] = '\0';
	good = good_name(name, strlen(name));   /* the name is read up to a NUL */
	len = size - 2 - n;
	/* grown: the content repeated past the limit */
	if (grow && len)
		len = CRED_LIMIT + 1 + len % 64;
	content = xmalloc(len ? len : 1);
	for (i = 0; i < len; i++)
		content[i] = data[2 + n + i % (size - 2 - n)];
	/* the same size and line ends, other bytes */
	other = xmalloc(len ? len : 1);
	for (i = 0; i < len; i++)
		other[i] = content[i] == '\n' || content[i] == '\r' ? content[i] :
		    content[i] == 'Q' ? 'W' : 'Q';

	rc = attempt(name, where, mode, content, len, &c, why, sizeof why, path, sizeof path);
	CHECK(rc >= -1 && rc <= 1);
	want = len;
	if (want && content[want - 1] == '\n') {
		want--;
		if (want && content[want - 1] == '\r')
			want--;
	}
	if (!good) {
		CHECK(rc == -1 && !strncmp(why, "bad credential name", 19));
	} else if (where == 2) {
		CHECK(rc == 1 && strstr(why, "not found"));
	} else if (!(mode & 077) && len <= CRED_LIMIT && want > 0) {
		if (rc != 0) {
			fprintf(stderr, "fuzz-cred: %s (mode %04o, %zu bytes) refused: %s\n", path,
			    (unsigned)mode, len, why);
			abort();
		}
		CHECK(c.len == want && !memcmp(c.v, content, want) && c.v[want] == '\0');
		CHECK(!strcmp(c.src, path));
	} else {
		CHECK(rc == -1 && c.v == NULL);
	}
	if (rc != 0)
		CHECK(why[0] != '\0' && memchr(why, '\0', sizeof why));
	arb_cred_free(&c);
	CHECK(c.v == NULL && c.len == 0);

	/* the message does not depend on the content */
	rc2 = attempt(name, where, mode, other, len, &c2, why2, sizeof why2, path2, sizeof path2);
	CHECK(!strcmp(path, path2));
	if (rc2 != rc || (rc != 0 && strcmp(why, why2))) {
		fprintf(stderr, "fuzz-cred: the outcome depends on the content:\n%d %s\n%d %s\n", rc,
		    why, rc2, why2);
		abort();
	}
	arb_cred_free(&c2);
	free(content);
	free(other);
	return 0;
}
