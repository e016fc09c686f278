#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "sig.h"

volatile sig_atomic_t arb_sig_stop;
volatile sig_atomic_t arb_sig_hup;
volatile sig_atomic_t arb_sig_usr1;
volatile sig_atomic_t arb_sig_last;

/* The self-pipe: the handler writes a byte for every signal; waits poll
 * the read end beside what they wait for (sig.h). */
static int self_pipe[2] = { -1, -1 };

static void
onsig(int sig)
{
	int saved = errno;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		arb_sig_stop = 1;
		arb_sig_last = sig;
		break;
	case SIGHUP:
		arb_sig_hup = 1;
		break;
	case SIGUSR1:
		arb_sig_usr1 = 1;
		break;
	}
	/* A full pipe already holds a wake-up: EAGAIN loses nothing. */
	if (self_pipe[1] >= 0)
		(void)!write(self_pipe[1], "s", 1);
	errno = saved;
}

void
arb_sig_setup(void)
{
	struct sigaction sa;

	/* Without it (out of descriptors at start) a signal still
	 * interrupts a wait; only the narrow race comes back. */
	if (self_pipe[0] < 0 && pipe2(self_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		self_pipe[0] = self_pipe[1] = -1;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a blocked system call returns EINTR as well */
	sa.sa_handler = onsig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int
arb_sig_fd(void)
{
	return self_pipe[0];
}

void
arb_sig_drain(void)
{
	char buf[64];

	if (self_pipe[0] < 0)
		return;
	while (read(self_pipe[0], buf, sizeof buf) > 0)
		;
}

int
arb_sig_sleep_us(int64_t us)
{
	int64_t end = arb_mono_us() + us;
	struct pollfd p = { .fd = self_pipe[0], .events = POLLIN };

	for (;;) {
		int64_t left;

		/* drain first, then look at the flag: a signal after the
		 * look leaves a byte that ends the poll below */
		arb_sig_drain();
		if (arb_sig_stop)
			return 1;
		left = end - arb_mono_us();
		if (left <= 0)
			return 0;
		/* poll's timeout is in ms: round up, never spin at 0 */
		(void)poll(&p, self_pipe[0] >= 0 ? 1 : 0, (int)((left + 999) / 1000));
	}
}
