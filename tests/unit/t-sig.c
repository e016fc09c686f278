/*
 * t-sig: signals and the waits of the main thread (sig.h).  A stop request
 * that lands after a wait has looked at the flags and before it blocks
 * must still end the wait.  The hooks below raise the signal at exactly
 * that moment, so each case is deterministic: before the self-pipe the
 * reader went on into read(2) and blocked for good (the guard alarm kills
 * such a child, which fails the check), and the service loop slept out
 * its slice.  Then a stress run: a reader stage in a child passes lines on
 * while SIGHUP and SIGUSR1 come at random moments and SIGTERM at a random
 * moment; each time it must exit 0 at once, having passed on whole lines
 * only, in order.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "clock.h"
#include "io.h"
#include "sig.h"
#include "svc.h"

#define GUARD_S 10  /* a child still waiting after this is hung */
#define diag(...) (printf("# "), printf(__VA_ARGS__), printf("\n"), fflush(stdout))

/* Runs fn in a child with a guard alarm; its exit status, or -SIGNAL. */
static int
in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		alarm(GUARD_S);
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1000;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

static int hook_calls;

/* The reader's idle hook runs after the reader looked at arb_sig_stop and
 * before it waits: the worst moment for a signal. */
static int
hook_term(void *arg)
{
	(void)arg;
	hook_calls++;
	raise(SIGTERM);
	return 0;  /* "go on and wait for the input" */
}

static int
hook_hup_then_stop(void *arg)
{
	(void)arg;
	if (++hook_calls == 1) {
		raise(SIGHUP);
		return 0;
	}
	return arb_sig_hup ? 1 : 2;  /* a second turn, with the flag seen */
}

/* A reader on a pipe whose writer stays open and silent. */
static int
read_idle_pipe(int (*hook)(void *))
{
	struct arb_reader r;
	char *line;
	size_t len;
	int p[2], st;

	arb_sig_setup();
	if (pipe(p) < 0)
		return 90;
	if (write(p[1], "one\n", 4) != 4)
		return 91;
	arb_reader_init(&r, p[0], "pipe");
	r.idle = hook;
	st = arb_reader_next(&r, &line, &len);
	if (st != ARB_RD_LINE || strcmp(line, "one") != 0)
		return 92;
	st = arb_reader_next(&r, &line, &len);
	arb_reader_free(&r);
	if (st != ARB_RD_EOF)
		return 93;
	return hook_calls;
}

static int
reader_term(void)
{
	int k = read_idle_pipe(hook_term);
	return k == 1 && arb_sig_stop && arb_sig_last == SIGTERM ? 0 : k + 1;
}

static int
reader_hup(void)
{
	int k = read_idle_pipe(hook_hup_then_stop);
	return k == 2 && !arb_sig_stop ? 0 : k + 1;
}

/* svc.c: the slice callback runs after the look at arb_sig_stop too. */
static void
slice_term(void *arg)
{
	(void)arg;
	raise(SIGTERM);
}

static int
svc_term(void)
{
	struct arb_svc s;
	int p[2], r;
	int64_t t0;

	arb_sig_setup();
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	if (pipe(p) < 0)
		return 90;
	arb_svc_init(&s, p[0], NULL, NULL, NULL);
	s.slice = slice_term;
	t0 = arb_mono_us();
	r = arb_svc_idle(&s);
	/* Without the self-pipe the wait ran out its slice (1 s) first;
	 * with it, it ends at once: half the slice is a wide margin. */
	if (r != 1)
		return 10 + r;
	return arb_mono_us() - t0 < 500000 ? 0 : 3;
}

/* arb_sig_sleep_us: SIGHUP does not end it, a stop request from another
 * process does (it returns 1 only on a stop); a stop already requested
 * returns at once. */
static int
sleep_cases(void)
{
	pid_t me = getpid(), k;
	int64_t t0;
	int r;

	arb_sig_setup();
	k = fork();
	if (k == 0) {
		usleep(50000);
		kill(me, SIGHUP);
		usleep(300000);
		kill(me, SIGTERM);
		_exit(0);
	}
	r = arb_sig_sleep_us(60 * 1000000LL);
	waitpid(k, NULL, 0);
	if (r != 1 || !arb_sig_stop)
		return 1;
	if (!arb_sig_hup)
		return 2;
	t0 = arb_mono_us();
	if (arb_sig_sleep_us(60 * 1000000LL) != 1 || arb_mono_us() - t0 > 1000000)
		return 3;
	arb_sig_stop = 0;
	t0 = arb_mono_us();
	if (arb_sig_sleep_us(20000) != 0 || arb_mono_us() - t0 < 20000)
		return 4;
	return 0;
}

/*
 * The stress run's stage: stdin to stdout line by line through the reader
 * and the writer (flushed before the reader waits), as the programs are
 * built: without an idle hook, with one that returns at once, or with
 * arb_svc_idle, which waits for the input itself (idle_readable).
 */
static int
hook_none(void *arg)
{
	(void)arg;
	return 0;
}

static void
stage(int mode)
{
	struct arb_reader r;
	struct arb_writer w;
	struct arb_svc svc;
	char *line;
	size_t len;
	int st;

	arb_sig_setup();
	arb_writer_init(&w, STDOUT_FILENO);
	arb_reader_init(&r, STDIN_FILENO, "stdin");
	r.flush_on_block = &w;
	if (mode == 1)
		r.idle = hook_none;
	if (mode == 2) {
		unsetenv("NOTIFY_SOCKET");
		unsetenv("WATCHDOG_USEC");
		arb_svc_init(&svc, STDIN_FILENO, NULL, NULL, NULL);
		r.idle = arb_svc_idle;
		r.idle_arg = &svc;
		r.idle_readable = 1;
	}
	while ((st = arb_reader_next(&r, &line, &len)) != ARB_RD_EOF) {
		if (st != ARB_RD_LINE)
			_exit(4);
		arb_writer_line(&w, line, len);
	}
	_exit(arb_writer_flush(&w) < 0 ? 5 : arb_sig_stop ? 0 : 6);
}

static unsigned long long seed = 20261201;
static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(seed >> 33) % n;
}

static void
stress(int rounds)
{
	int hung = 0, badexit = 0, badout = 0, signals = 0;
	char sent[4096], got[8192];
	sigset_t sigs, old;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGTERM);
	signal(SIGPIPE, SIG_IGN);  /* a stage that died: its status says so */

	for (int i = 0; i < rounds; i++) {
		int in[2], out[2], status = 0;
		size_t ns = 0, ng = 0;
		pid_t pid;

		if (pipe(in) < 0 || pipe(out) < 0)
			abort();
		/* the child's handlers are in place before any signal of ours
		 * is delivered to it (else SIGHUP's default would end it) */
		sigprocmask(SIG_BLOCK, &sigs, &old);
		pid = fork();
		if (pid == 0) {
			arb_sig_setup();
			sigprocmask(SIG_SETMASK, &old, NULL);
			dup2(in[0], STDIN_FILENO);
			dup2(out[1], STDOUT_FILENO);
			close(in[0]);
			close(in[1]);
			close(out[0]);
			close(out[1]);
			alarm(GUARD_S);
			stage(i % 3);
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(in[0]);
		close(out[1]);
		/* lines and other signals at random moments, then SIGTERM;
		 * the input stays open, so only the signal can end the stage */
		int nlines = (int)rnd(12);
		for (int j = 0; j < nlines; j++) {
			int n = snprintf(sent + ns, sizeof sent - ns, "{\"round\":%d,\"line\":%d}\n", i, j);
			if (write(in[1], sent + ns, (size_t)n) != n)
				break;  /* the stage is gone: its status below */
			ns += (size_t)n;
			if (rnd(3) == 0) {
				kill(pid, rnd(2) ? SIGHUP : SIGUSR1);
				signals++;
			}
			if (rnd(2))
				usleep(rnd(1500));
		}
		usleep(rnd(3000));
		kill(pid, SIGTERM);
		signals++;
		/* its output until it closes (exit), then its status */
		struct pollfd p = { .fd = out[0], .events = POLLIN };
		int64_t deadline = arb_mono_us() + (GUARD_S - 2) * 1000000LL;
		for (;;) {
			ssize_t n;
			if (poll(&p, 1, 100) <= 0) {
				if (arb_mono_us() > deadline)
					break;
				continue;
			}
			n = read(out[0], got + ng, sizeof got - ng - 1);
			if (n <= 0)
				break;
			ng += (size_t)n;
		}
		if (arb_mono_us() > deadline) {
			hung++;
			diag("round %d: the stage did not end after SIGTERM", i);
			kill(pid, SIGKILL);
		}
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			badexit++;
			diag("round %d: status %d", i, status);
		}
		/* whole lines, in order, none invented: a prefix of what was sent */
		got[ng] = '\0';
		if (ng > ns || memcmp(got, sent, ng) != 0 || (ng > 0 && got[ng - 1] != '\n')) {
			badout++;
			diag("round %d: output is not a whole-line prefix of the input", i);
		}
		close(in[1]);
		close(out[0]);
	}
	is_int(hung, 0, "stress: %d rounds, %d signals at random moments: no stage kept waiting after SIGTERM",
	    rounds, signals);
	is_int(badexit, 0, "stress: every stage exited 0");
	is_int(badout, 0, "stress: every output is whole lines of the input, in order");
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200;

	is_int(in_child(reader_term), 0,
	    "reader: SIGTERM after the look at the flag, before the wait: EOF, not a hang");
	is_int(in_child(reader_hup), 0,
	    "reader: SIGHUP at that moment: the idle hook gets another turn and sees it");
	is_int(in_child(svc_term), 0,
	    "svc idle: SIGTERM after the look, before the poll: returns 1 at once, not after its slice");
	is_int(in_child(sleep_cases), 0,
	    "arb_sig_sleep_us: SIGHUP sleeps on, SIGTERM ends it, a stop already requested returns at once, "
	    "else it sleeps its time");
	stress(rounds);
	return done_testing();
}
