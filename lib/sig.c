#include "config.h"

#include <signal.h>
#include <string.h>

#include "sig.h"

volatile sig_atomic_t arb_sig_stop;
volatile sig_atomic_t arb_sig_hup;
volatile sig_atomic_t arb_sig_usr1;
volatile sig_atomic_t arb_sig_last;

static void
onsig(int sig)
{
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
}

void
arb_sig_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a blocked read(2) returns EINTR so the flag is seen */
	sa.sa_handler = onsig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}
