/*
 * sig.h: signals.  SIGTERM and SIGINT request a graceful stop (the
 * program finishes the record in hand, flushes, closes and exits 0);
 * SIGHUP requests that files be reopened; SIGUSR1 is a user request
 * (arb-exec: kill switch); SIGPIPE is ignored so that a write to a closed
 * pipe returns EPIPE, which the writer turns into a quiet exit 0.
 * Handlers only set flags; programs poll them.  Installed without
 * SA_RESTART so a blocking read returns EINTR and the flag is seen.
 */
#ifndef ARB_SIG_H
#define ARB_SIG_H

#include <signal.h>

extern volatile sig_atomic_t arb_sig_stop;   /* SIGTERM/SIGINT seen */
extern volatile sig_atomic_t arb_sig_hup;    /* SIGHUP seen (clear after reopening) */
extern volatile sig_atomic_t arb_sig_usr1;   /* SIGUSR1 seen (clear after acting) */
extern volatile sig_atomic_t arb_sig_last;   /* number of the last stop signal */

void arb_sig_setup(void);

#endif
