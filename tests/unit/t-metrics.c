#include "config.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "metrics.h"

int
main(void)
{
	char dir[] = "/tmp/arb-t-metrics.XXXXXX", path[128], lab[256], tmp[160];
	struct arb_metrics m;
	arb_dec d = { 12345, 2 };
	char *s;
	struct stat st;

	ok(mkdtemp(dir) != NULL, "scratch directory");
	snprintf(path, sizeof path, "%s/arb.prom", dir);

	arb_metrics_init(&m, NULL);
	ok(!arb_metrics_due(&m, 1), "disabled metrics are never due");
	is_int(arb_metrics_commit(&m, 1), 0, "commit without a path does nothing");
	arb_metrics_free(&m);

	arb_metrics_init(&m, path);
	ok(arb_metrics_due(&m, 1), "first commit is due at once");
	arb_metrics_begin(&m);
	arb_metrics_family(&m, "arb_records_total", "counter", "Records read.");
	arb_metrics_i64(&m, "arb_records_total", NULL, 42);
	arb_metrics_family(&m, "arb_pnl", "gauge", "Realised P&L.");
	arb_metrics_labels(lab, sizeof lab, "ccy", "USDT", "note", "a\"b\\c\nd", (char *)NULL);
	is_str(lab, "ccy=\"USDT\",note=\"a\\\"b\\\\c\\nd\"", "label values are escaped");
	arb_metrics_dec(&m, "arb_pnl", lab, d);
	is_int(arb_metrics_commit(&m, 100), 0, "commit");
	s = arb_readfile(path, NULL);
	is_str(s, "# HELP arb_records_total Records read.\n# TYPE arb_records_total counter\n"
	    "arb_records_total 42\n# HELP arb_pnl Realised P&L.\n# TYPE arb_pnl gauge\n"
	    "arb_pnl{ccy=\"USDT\",note=\"a\\\"b\\\\c\\nd\"} 123.45\n", "exposition text, exact decimal");
	free(s);
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	ok(stat(tmp, &st) != 0, "no temporary file left behind");
	ok(!arb_metrics_due(&m, 100 + 4999999), "not due before the interval");
	ok(arb_metrics_due(&m, 100 + 5000000), "due after the interval");

	/* the systemd units run with UMask=0077: node_exporter, another
	 * user, must still read the file */
	mode_t um = umask(077);
	arb_metrics_begin(&m);
	arb_metrics_i64(&m, "arb_up", NULL, 1);
	is_int(arb_metrics_commit(&m, 6000000), 0, "second commit replaces the file");
	umask(um);
	s = arb_readfile(path, NULL);
	is_str(s, "arb_up 1\n", "whole file replaced");
	free(s);
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644, "mode 0644 under umask 077");
	arb_metrics_labels(lab, 8, "k", "0123456789", (char *)NULL);
	is_str(lab, "k=\"01\"", "a label cut to the buffer stays well-formed");
	arb_metrics_free(&m);
	unlink(path);
	rmdir(dir);
	return done_testing();
}
