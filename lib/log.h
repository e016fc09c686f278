/*
 * log.h: diagnostics on stderr as "prog: message".  When stderr is the
 * systemd journal (JOURNAL_STREAM matches stderr's device and inode), each
 * line starts with a syslog priority prefix such as "<3>".  Levels: -q
 * lowers, -v raises.  Never pass a secret to these functions.
 */
#ifndef ARB_LOG_H
#define ARB_LOG_H

#include <stdarg.h>
#include <stdnoreturn.h>

enum arb_loglevel {
	ARB_LOG_ERR = 3, ARB_LOG_WARNING = 4, ARB_LOG_NOTICE = 5,
	ARB_LOG_INFO = 6, ARB_LOG_DEBUG = 7
};

/* Messages above this level are dropped; default ARB_LOG_NOTICE. */
extern int arb_loglevel;
/* Re-checks JOURNAL_STREAM (called by arb_setprog). */
void arb_log_init(void);
void arb_louder(void);   /* -v */
void arb_quieter(void);  /* -q */

void arb_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arb_vlog(int level, const char *fmt, va_list ap);
#define arb_err(...)   arb_log(ARB_LOG_ERR, __VA_ARGS__)
#define arb_warn(...)  arb_log(ARB_LOG_WARNING, __VA_ARGS__)
#define arb_info(...)  arb_log(ARB_LOG_INFO, __VA_ARGS__)
#define arb_debug(...) arb_log(ARB_LOG_DEBUG, __VA_ARGS__)
/* Logs at ERR and exits with status. */
noreturn void arb_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like arb_die, appending ": strerror(errno)". */
noreturn void arb_die_errno(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
