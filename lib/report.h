/*
 * report.h: arb-report's engine.  Records go in (arb_report_add), in
 * stream order; tables, Prometheus metrics, an HTML page and --check
 * metric values come out.  Everything is decided from record timestamps,
 * never the wall clock, so the same input gives the same report.
 */
#ifndef ARB_REPORT_H
#define ARB_REPORT_H

#include <stdint.h>
#include "dec.h"
#include "rec.h"
#include "util.h"

/* Reports, as a bit set. */
#define ARB_REP_SUMMARY  0x01u
#define ARB_REP_FUNNEL   0x02u
#define ARB_REP_LATENCY  0x04u
#define ARB_REP_FEED     0x08u
#define ARB_REP_TRADES   0x10u
#define ARB_REP_ALL      0x1fu

enum arb_rep_fmt {
	ARB_FMT_TEXT, ARB_FMT_CSV, ARB_FMT_JSON, ARB_FMT_PROM, ARB_FMT_HTML
};

struct arb_report_opts {
	int64_t since, until;     /* window [since, until]; valid when has_* */
	int has_since, has_until;
	const char *venue;        /* NULL: every venue */
	const char *sym;          /* NULL: every symbol */
	const char *ccy;          /* reporting currency; NULL: first result's */
	int64_t reaction_us;      /* > 0: given reaction time; 0: measured */
	int width;                /* text tables: columns to fit; 0: 80; < 0: never truncate */
};

struct arb_report;

struct arb_report *arb_report_new(const struct arb_report_opts *o);
void arb_report_free(struct arb_report *r);

/*
 * Feeds one valid record.  Records after `until` are ignored; records
 * before `since` only update state (prices, balances, feed states).
 */
void arb_report_add(struct arb_report *r, const struct arb_rec *rec);
/* Counts input that was not a usable record (for the overview). */
void arb_report_count_bad(struct arb_report *r, uint64_t bad, uint64_t unknown);
/* Closes open intervals at the end of the report (until, else the last
 * record time).  Call once after the last arb_report_add. */
void arb_report_finish(struct arb_report *r);

/* Writes the selected reports in a format to out. */
void arb_report_write(struct arb_report *r, enum arb_rep_fmt f, unsigned reports,
    struct arb_buf *out);

/*
 * A --check metric by name.  Returns 0 with *v set, 1 when the metric
 * exists but has no data, -1 for an unknown name.
 */
int arb_report_metric(struct arb_report *r, const char *name, arb_dec *v);
/* Records the outcome of a --check so that the report shows it (a
 * "checks" table, arb_check_ok in prom, a box at the top of the HTML);
 * v NULL: no data. */
void arb_report_add_check(struct arb_report *r, const char *text, const arb_dec *v, int holds);
/* Names of the metrics, NULL-terminated (for help and documentation). */
extern const char *const arb_report_metric_names[];

/*
 * A --check expression: METRIC OP NUMBER, OP one of < <= > >= == !=.
 * arb_check_parse returns 0, or -1 with a reason in why.
 */
struct arb_check {
	char metric[64];
	int op;                   /* ARB_CMP_* */
	arb_dec value;
	const char *text;         /* the expression as given */
};
enum { ARB_CMP_LT = 1, ARB_CMP_LE, ARB_CMP_GT, ARB_CMP_GE, ARB_CMP_EQ, ARB_CMP_NE };
int arb_check_parse(struct arb_check *c, const char *expr, char *why, size_t whylen);
/* 1 when the check holds for value v, 0 when breached. */
int arb_check_holds(const struct arb_check *c, arb_dec v);
const char *arb_check_opname(int op);

/*
 * Parses a --since/--until argument: an absolute time (clock.h's
 * arb_time_parse) or a duration with a unit ("24h", "90m", "7d") counted
 * back from `end`.  0 or -1.
 */
int arb_report_time_arg(const char *s, int64_t end, int64_t *us);

/* Formats microseconds as "YYYY-MM-DD HH:MM:SS" (UTC) into buf[20]. */
void arb_report_fmt_time(int64_t us, char *buf);

#endif
