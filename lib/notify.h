/*
 * notify.h: the sd_notify protocol without libsystemd: one datagram to the
 * AF_UNIX socket named by $NOTIFY_SOCKET (a path, or "@name" for the
 * abstract namespace).  Without $NOTIFY_SOCKET every call does nothing, so
 * programs call these unconditionally.
 *
 *   arb_notify("READY=1")     once the program is useful (books synced,
 *                             database open)
 *   arb_notify_watchdog(now)  from the main loop: sends WATCHDOG=1 at half
 *                             of $WATCHDOG_USEC
 *   arb_notify("STOPPING=1")  on SIGTERM
 */
#ifndef ARB_NOTIFY_H
#define ARB_NOTIFY_H

#include <stdint.h>

/* 0 sent or nothing to do; -1 on a send error (errno). */
int arb_notify(const char *state);
/* The watchdog period to use (half of WATCHDOG_USEC), or 0 when the
 * service has no watchdog or it is meant for another process. */
int64_t arb_watchdog_period_us(void);
/* Sends WATCHDOG=1 when at least one period passed since the last one;
 * now is arb_mono_us(). */
void arb_notify_watchdog(int64_t now);

#endif
