/*
 * svc.h: service glue shared by the long-running programs: the sd_notify
 * watchdog and the --metrics file, kept alive while the input is idle.
 *
 * A program sets reader.idle = arb_svc_idle, reader.idle_arg = &svc.  When
 * the input would block, the reader calls it; it waits for input with
 * poll(2) in slices no longer than the watchdog period and the metrics
 * interval, pinging the watchdog and rewriting the metrics file as they
 * fall due, and returns once input is readable (0: the reader may set
 * idle_readable) or a stop was requested (1); it watches the signal
 * self-pipe too (sig.h).  Under load the program calls arb_svc_tick now
 * and then (it is cheap: it looks at the clock only every 4096 calls).
 */
#ifndef ARB_SVC_H
#define ARB_SVC_H

#include <stdint.h>
#include "metrics.h"

struct arb_svc {
	int fd;                          /* the input to wait for */
	struct arb_metrics m;
	/* fills m with the program's metrics (between begin and commit) */
	void (*metrics_fn)(struct arb_metrics *m, void *arg);
	void *arg;
	/* optional: more waiting to do (e.g. a libcurl multi handle), called
	 * instead of poll(2); returns 1 when fd is readable, 0 on timeout,
	 * -1 on error */
	int (*wait)(void *arg, int fd, int timeout_ms);
	/* optional: called at every wake-up while idle (at least once a
	 * second, and after a signal), for work that must not wait for input:
	 * a kill file, SIGUSR1, output produced by timers */
	void (*slice)(void *arg);
	unsigned calls;
	int64_t wd_period;
};

void arb_svc_init(struct arb_svc *s, int fd, const char *metrics_path,
    void (*metrics_fn)(struct arb_metrics *, void *), void *arg);
void arb_svc_free(struct arb_svc *s);
/* READY=1 to the service manager, and a first metrics file. */
void arb_svc_ready(struct arb_svc *s);
/* STOPPING=1, and a last metrics file. */
void arb_svc_stopping(struct arb_svc *s);
void arb_svc_tick(struct arb_svc *s);
/* Writes the metrics now (if enabled). */
void arb_svc_metrics_now(struct arb_svc *s);
int arb_svc_idle(void *svc);

#endif
