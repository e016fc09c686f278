/*
 * report_db.h: reading the record lines of an arb-store database
 * (SQLite or PostgreSQL) in time order, for arb-report --db.
 */
#ifndef ARB_REPORT_DB_H
#define ARB_REPORT_DB_H

#include <stddef.h>
#include <stdint.h>

/* Called for each stored line: its table and row id (for diagnostics). */
typedef void (*arb_report_line_cb)(void *arg, const char *line, size_t len,
    const char *table, int64_t id);

/* What a first look at a store tells: its last record time over the
 * known types, and the currency of its first result. */
struct arb_report_db_info {
	int64_t last;
	int has_last;
	char first_ccy[32];
};
/* 0, or -1 with a reason in why; -2 for a configuration error (a password
 * in the URL, a credential refused). */
int arb_report_db_scan(const char *url, struct arb_report_db_info *info,
    char *why, size_t whylen);

/* Rows to read: ts in [from, until] (each bound when has_*), plus the last
 * row before `from` of each book, trade and status (per venue and symbol)
 * and balance (per venue and asset), which set the state the window
 * starts in.  Rows without ts are always read. */
struct arb_report_db_window {
	int64_t from, until;
	int has_from, has_until;
};

/*
 * Reads the lines of the database named by url ("sqlite:PATH", a path,
 * or a PostgreSQL URL or conninfo, as arb-store(1)), read-only, in the
 * window w (NULL: all), ordered by ts, record type, insertion.  Returns
 * 0, or -1 with a reason in why (cannot open, not an arb-store database,
 * an unreadable schema).
 */
int arb_report_db_read(const char *url, const struct arb_report_db_window *w,
    arb_report_line_cb cb, void *arg, char *why, size_t whylen);

#endif
