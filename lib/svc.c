#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "notify.h"
#include "sig.h"
#include "svc.h"

void
arb_svc_init(struct arb_svc *s, int fd, const char *metrics_path,
    void (*metrics_fn)(struct arb_metrics *, void *), void *arg)
{
	memset(s, 0, sizeof *s);
	s->fd = fd;
	arb_metrics_init(&s->m, metrics_path);
	s->metrics_fn = metrics_fn;
	s->arg = arg;
	s->wd_period = arb_watchdog_period_us();
}

void
arb_svc_free(struct arb_svc *s)
{
	arb_metrics_free(&s->m);
}

void
arb_svc_metrics_now(struct arb_svc *s)
{
	if (!s->m.path)
		return;
	arb_metrics_begin(&s->m);
	if (s->metrics_fn)
		s->metrics_fn(&s->m, s->arg);
	if (arb_metrics_commit(&s->m, arb_mono_us()) < 0) {
		/* a monitoring failure must not stop trading: warn, go on */
		arb_warn("metrics: %s: %s", s->m.path, strerror(errno));
	}
}

static void
due(struct arb_svc *s, int64_t now)
{
	arb_notify_watchdog(now);
	if (arb_metrics_due(&s->m, now))
		arb_svc_metrics_now(s);
}

void
arb_svc_ready(struct arb_svc *s)
{
	arb_notify("READY=1");
	arb_svc_metrics_now(s);
	arb_notify_watchdog(arb_mono_us());
}

void
arb_svc_stopping(struct arb_svc *s)
{
	arb_notify("STOPPING=1");
	arb_svc_metrics_now(s);
}

void
arb_svc_tick(struct arb_svc *s)
{
	if ((++s->calls & 4095) == 0)
		due(s, arb_mono_us());
}

int
arb_svc_idle(void *arg)
{
	struct arb_svc *s = arg;

	for (;;) {
		int64_t now = arb_mono_us(), slice = 1000000;
		int r;

		if (arb_sig_stop)
			return 1;
		if (s->slice)
			s->slice(s->arg);
		due(s, now);
		if (s->wd_period > 0 && s->wd_period < slice)
			slice = s->wd_period;
		if (s->m.path && s->m.interval_us < slice)
			slice = s->m.interval_us;
		if (s->wait) {
			r = s->wait(s->arg, s->fd, (int)(slice / 1000));
		} else {
			/* the signal self-pipe too: a stop request that lands
			 * after the look above ends the wait (sig.h) */
			struct pollfd p[2] = { { .fd = s->fd, .events = POLLIN },
			    { .fd = arb_sig_fd(), .events = POLLIN } };
			r = poll(p, 2, (int)(slice / 1000));
			if (r < 0 && errno == EINTR)
				r = 0;
			if (r > 0 && p[1].revents) {
				arb_sig_drain();
				r = p[0].revents ? 1 : 0;
			}
		}
		if (r < 0)
			return -1;
		if (r > 0)
			return 0;
	}
}
