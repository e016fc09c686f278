/*
 * sig.h: signals.  SIGTERM and SIGINT request a graceful stop (the
 * program finishes the record in hand, flushes, closes and exits 0);
 * SIGHUP requests that files be reopened; SIGUSR1 is a user request
 * (arb-exec: kill switch); SIGPIPE is ignored so that a write to a closed
 * pipe returns EPIPE, which the writer turns into a quiet exit 0.
 * Handlers only set flags; programs poll them.  Installed without
 * SA_RESTART so a blocked system call returns EINTR.
 *
 * That alone leaves a race: a signal that lands after a wait has looked at
 * the flags and before it blocks would be seen only when the wait ends for
 * another reason (more input, a timeout), which may be never.  So the
 * handler also writes a byte to a self-pipe, and every wait of the main
 * thread polls arb_sig_fd() beside what it waits for.  The order that
 * closes the race: arb_sig_drain(), then look at the flags, then poll (a
 * signal after the look leaves a byte that ends the poll at once).  The
 * flags stay the truth; the pipe only wakes.
 */
#ifndef ARB_SIG_H
#define ARB_SIG_H

#include <signal.h>
#include <stdint.h>

extern volatile sig_atomic_t arb_sig_stop;   /* SIGTERM/SIGINT seen */
extern volatile sig_atomic_t arb_sig_hup;    /* SIGHUP seen (clear after reopening) */
extern volatile sig_atomic_t arb_sig_usr1;   /* SIGUSR1 seen (clear after acting) */
extern volatile sig_atomic_t arb_sig_last;   /* number of the last stop signal */

void arb_sig_setup(void);   /* handlers and the self-pipe; idempotent */
int arb_sig_fd(void);       /* read end of the self-pipe, -1 if none */
void arb_sig_drain(void);   /* empties it (non-blocking) */
/* Sleeps us microseconds or until a stop request: 1 if stopped. */
int arb_sig_sleep_us(int64_t us);

#endif
