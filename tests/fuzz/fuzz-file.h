/*
 * fuzz-file.h: for targets whose entry point reads a file by name
 * (fuzz-conf, fuzz-balance, fuzz-state, fuzz-replay): fuzz_file(name,
 * data, size) writes the input to NAME in a directory of its own, made
 * once under $TMPDIR and removed at exit, and returns its path.  The
 * name matters to some readers (a recording's venue comes from it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static char fuzz_dir[256];
static char fuzz_path[512];

static void
fuzz_cleanup(void)
{
	if (fuzz_path[0])
		(void)unlink(fuzz_path);
	if (fuzz_dir[0])
		(void)rmdir(fuzz_dir);
}

static const char *
fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	FILE *fp;

	if (!fuzz_dir[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(fuzz_dir, sizeof fuzz_dir, "%s/arb-fuzz-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(fuzz_dir))
			abort();
		atexit(fuzz_cleanup);
	}
	if (fuzz_path[0])
		(void)unlink(fuzz_path);
	snprintf(fuzz_path, sizeof fuzz_path, "%s/%s", fuzz_dir, name);
	if (!(fp = fopen(fuzz_path, "wb")) || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	return fuzz_path;
}
