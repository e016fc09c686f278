/*
 * metrics.h: Prometheus text exposition written atomically for
 * node_exporter's textfile collector (--metrics FILE).  A program rebuilds
 * the whole text every few seconds of wall time and commits it: the text
 * goes to FILE.tmp.PID, is fsync'ed and renamed over FILE, so the
 * collector never reads half a file.
 */
#ifndef ARB_METRICS_H
#define ARB_METRICS_H

#include <stdint.h>
#include "dec.h"
#include "util.h"

struct arb_metrics {
	char *path;             /* NULL: metrics disabled */
	struct arb_buf b;
	int64_t interval_us;    /* default 5 s */
	int64_t last;           /* monotonic time of the last commit */
};

void arb_metrics_init(struct arb_metrics *m, const char *path);
void arb_metrics_free(struct arb_metrics *m);
/* True when a commit is due (enabled, and interval passed since the last). */
int arb_metrics_due(struct arb_metrics *m, int64_t now_mono);
/* Starts a new text. */
void arb_metrics_begin(struct arb_metrics *m);
/* Declares a metric family: "# HELP" and "# TYPE" lines (type: counter,
 * gauge). */
void arb_metrics_family(struct arb_metrics *m, const char *name, const char *type, const char *help);
/* One sample.  labels is NULL or already formatted, e.g. from
 * arb_metrics_labels; values are integers or exact decimals. */
void arb_metrics_i64(struct arb_metrics *m, const char *name, const char *labels, int64_t v);
void arb_metrics_dec(struct arb_metrics *m, const char *name, const char *labels, arb_dec v);
/* Formats k1="v1",k2="v2" (NULL-terminated key/value list) with label
 * escaping into buf; returns buf. */
char *arb_metrics_labels(char *buf, size_t cap, ...);
/* Writes the text atomically.  0, or -1 with errno (the caller logs). */
int arb_metrics_commit(struct arb_metrics *m, int64_t now_mono);

#endif
