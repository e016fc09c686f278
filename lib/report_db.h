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

/*
 * Reads every line of the database named by url ("sqlite:PATH", a path,
 * or a PostgreSQL URL or conninfo, as arb-store(1)), read-only.  Returns
 * 0, or -1 with a reason in why (cannot open, not an arb-store database,
 * an unreadable schema).
 */
int arb_report_db_read(const char *url, arb_report_line_cb cb, void *arg,
    char *why, size_t whylen);

#endif
