#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tap.h"
#include "log.h"
#include "util.h"

/* Runs fn in a child whose stderr goes to a file; returns what it wrote. */
static char *
capture(void (*fn)(void), int *status, int journal)
{
	char path[] = "/tmp/arb-t-log.XXXXXX";
	int fd = mkstemp(path);
	pid_t pid;
	char *out;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct stat st;
		char js[64];
		dup2(fd, 2);
		if (journal) {
			fstat(2, &st);
			snprintf(js, sizeof js, "%llu:%llu", (unsigned long long)st.st_dev,
			    (unsigned long long)st.st_ino);
			setenv("JOURNAL_STREAM", js, 1);
		} else {
			setenv("JOURNAL_STREAM", "1:1", 1);
		}
		arb_setprog("/usr/bin/arb-test");
		fn();
		exit(0);
	}
	waitpid(pid, status, 0);
	out = arb_readfile(path, NULL);
	unlink(path);
	close(fd);
	return out;
}

static void levels(void) { arb_err("bad %d", 1); arb_info("hidden"); arb_warn("careful"); }
static void verbose(void) { arb_louder(); arb_info("shown"); arb_debug("hidden"); }
static void quiet(void) { arb_quieter(); arb_quieter(); arb_warn("hidden"); arb_err("shown"); }
static void die(void) { arb_die(2, "usage: %s", "x"); }
static void dieerr(void) { errno = ENOENT; arb_die_errno(1, "open %s", "f"); }

int
main(void)
{
	int st;
	char *s;

	s = capture(levels, &st, 0);
	is_str(s, "arb-test: bad 1\narb-test: careful\n", "prog: message, default level notice");
	free(s);
	s = capture(levels, &st, 1);
	is_str(s, "<3>arb-test: bad 1\n<4>arb-test: careful\n", "journald priority prefixes when stderr is the journal");
	free(s);
	s = capture(verbose, &st, 0);
	is_str(s, "arb-test: shown\n", "-v shows info, not debug");
	free(s);
	s = capture(quiet, &st, 0);
	is_str(s, "arb-test: shown\n", "-q -q shows errors only");
	free(s);
	s = capture(die, &st, 0);
	is_str(s, "arb-test: usage: x\n", "arb_die message");
	is_int(WEXITSTATUS(st), 2, "arb_die exit status");
	free(s);
	s = capture(dieerr, &st, 0);
	is_str(s, "arb-test: open f: No such file or directory\n", "arb_die_errno appends strerror");
	is_int(WEXITSTATUS(st), 1, "arb_die_errno exit status");
	free(s);
	return done_testing();
}
