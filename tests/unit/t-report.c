/* t-report: unit tests of arb-report's engine: check expressions, time
 * arguments, percentiles, and a small stream aggregated by hand. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "rec.h"
#include "report.h"
#include "report_int.h"

static const char *fmtd(arb_dec d)
{
	static char b[ARB_DEC_STRMAX];

	arb_dec_fmt(arb_dec_trim(d), b);
	return b;
}

static void feed(struct arb_report *r, const char *line)
{
	struct arb_rec rec;
	char why[128];

	arb_rec_init(&rec);
	if (arb_rec_parse(&rec, line, strlen(line), why, sizeof why) < 0)
		printf("# bad test line: %s: %s\n", line, why);
	else
		arb_report_add(r, &rec);
	arb_rec_free(&rec);
}

static void test_check(void)
{
	struct arb_check c;
	char why[128];

	ok(arb_check_parse(&c, "pnl_24h > -50", why, sizeof why) == 0, "parse pnl_24h > -50");
	is_str(c.metric, "pnl_24h", "metric name");
	is_int(c.op, ARB_CMP_GT, "op >");
	is_str(fmtd(c.value), "-50", "value");
	ok(arb_check_holds(&c, arb_dec_make(-4999, 2)), "-49.99 > -50 holds");
	ok(!arb_check_holds(&c, arb_dec_make(-50, 0)), "-50 > -50 breached");
	ok(arb_check_parse(&c, "  stale_seconds<=60.5 ", why, sizeof why) == 0, "blanks and <=");
	is_int(c.op, ARB_CMP_LE, "op <=");
	ok(arb_check_holds(&c, arb_dec_make(605, 1)), "60.5 <= 60.5");
	ok(!arb_check_holds(&c, arb_dec_make(60500001, 6)), "60.500001 > 60.5 breached (exact)");
	ok(arb_check_parse(&c, "win_rate != 0.30", why, sizeof why) == 0, "!=");
	ok(!arb_check_holds(&c, arb_dec_make(3, 1)), "0.3 == 0.30 compares exactly");
	ok(arb_check_parse(&c, "pnl >", why, sizeof why) < 0, "missing number rejected");
	ok(arb_check_parse(&c, "pnl = 3", why, sizeof why) < 0, "= is not an operator");
	ok(arb_check_parse(&c, "Pnl > 3", why, sizeof why) < 0, "upper case name rejected");
	ok(arb_check_parse(&c, "pnl > 1e3", why, sizeof why) < 0, "exponent rejected");
	ok(arb_check_parse(&c, "pnl > 3 4", why, sizeof why) < 0, "trailing text rejected");
	is_str(arb_check_opname(ARB_CMP_NE), "!=", "opname");
}

static void test_time(void)
{
	char b[20];
	int64_t t;

	arb_report_fmt_time(0, b);
	is_str(b, "1970-01-01 00:00:00", "epoch");
	arb_report_fmt_time(1764460800000000LL, b);
	is_str(b, "2025-11-30 00:00:00", "2025-11-30");
	arb_report_fmt_time(951782400000000LL + 86399999999LL, b);
	is_str(b, "2000-02-29 23:59:59", "leap day end");
	arb_report_fmt_time(-1, b);
	is_str(b, "1969-12-31 23:59:59", "before the epoch");
	ok(arb_report_time_arg("24h", 100000000000LL, &t) == 0 && t == 100000000000LL - 86400000000LL,
	    "24h counts back from the end");
	ok(arb_report_time_arg("90m", 10000000000LL, &t) == 0 && t == 10000000000LL - 5400000000LL, "90m");
	ok(arb_report_time_arg("2025-11-30 00:00", 0, &t) == 0 && t == 1764460800000000LL, "absolute");
	ok(arb_report_time_arg("yesterday", 0, &t) < 0, "garbage rejected");
}

static void test_pct(void)
{
	struct i64v a = { 0 };
	int i;

	for (i = 10; i >= 1; i--)
		i64v_push(&a, i);
	i64v_sort(&a);
	is_int(i64v_pct(&a, 50), 5, "p50 of 1..10 (nearest rank)");
	is_int(i64v_pct(&a, 90), 9, "p90 of 1..10");
	is_int(i64v_pct(&a, 99), 10, "p99 of 1..10");
	free(a.v);
}

static void test_aggregate(void)
{
	struct arb_report_opts o;
	struct arb_report *r;
	arb_dec v;

	memset(&o, 0, sizeof o);
	o.ccy = "USDT";
	r = arb_report_new(&o);
	feed(r, "{\"type\":\"book\",\"ts\":1000000,\"rt\":1002000,\"ex\":\"kraken\",\"sym\":\"BTC/USDT\","
	    "\"seq\":1,\"ok\":true,\"depth\":1,\"bids\":[[100,1]],\"asks\":[[101,1]]}");
	feed(r, "{\"type\":\"result\",\"ts\":2000000,\"opp\":\"a\",\"kind\":\"cross\",\"status\":\"complete\","
	    "\"reason\":\"ok\",\"pnl\":1.25,\"ccy\":\"USDT\"}");
	feed(r, "{\"type\":\"result\",\"ts\":3000000,\"opp\":\"b\",\"kind\":\"cross\",\"status\":\"unwound\","
	    "\"reason\":\"leg_failed\",\"pnl\":-0.5,\"ccy\":\"USDT\"}");
	/* 0.01 BTC at the mid 100.5 is 1.005 USDT */
	feed(r, "{\"type\":\"result\",\"ts\":4000000,\"opp\":\"c\",\"kind\":\"cycle\",\"status\":\"complete\","
	    "\"reason\":\"ok\",\"pnl\":0.01,\"ccy\":\"BTC\"}");
	arb_report_finish(r);
	ok(arb_report_metric(r, "pnl", &v) == 0, "pnl known");
	is_str(fmtd(v), "1.755", "pnl 1.25 - 0.5 + 0.01 * 100.5");
	ok(arb_report_metric(r, "largest_loss", &v) == 0, "largest loss");
	is_str(fmtd(v), "-0.5", "largest loss -0.5");
	ok(arb_report_metric(r, "win_rate", &v) == 0, "win rate");
	is_str(fmtd(v), "0.6666", "2 of 3, rounded down");
	ok(arb_report_metric(r, "pnl_2s", &v) == 0, "pnl_2s");
	is_str(fmtd(v), "0.505", "last 2 s: (2 s, 4 s]: -0.5 + 1.005");
	ok(arb_report_metric(r, "stale_seconds", &v) == 0, "stale_seconds");
	is_str(fmtd(v), "3", "last book 3 s before the end");
	ok(arb_report_metric(r, "reaction_ms", &v) == 1, "no reaction data");
	ok(arb_report_metric(r, "nonsense", &v) == -1, "unknown metric");
	arb_report_free(r);
}

/* Exposure from the fills when results carry none; feed uptime. */
static void test_fills_feed(void)
{
	struct arb_report_opts o;
	struct arb_report *r;
	struct rflow *ev;
	size_t n;
	int fr;
	arb_dec v;

	memset(&o, 0, sizeof o);
	o.ccy = "USDT";
	r = arb_report_new(&o);
	feed(r, "{\"type\":\"status\",\"ts\":0,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"state\":\"synced\"}");
	/* buy 0.3 BTC at 100 (fee 0.03 USDT), sell 0.2 at 101 (fee 0.0202) */
	feed(r, "{\"type\":\"fill\",\"ts\":1000000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"opp\":\"a\",\"cid\":\"a0\","
	    "\"side\":\"buy\",\"px\":100,\"qty\":0.3,\"fee\":0.03,\"fee_ccy\":\"USDT\",\"mode\":\"paper\"}");
	feed(r, "{\"type\":\"fill\",\"ts\":2000000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"opp\":\"a\",\"cid\":\"a1\","
	    "\"side\":\"sell\",\"px\":101,\"qty\":0.2,\"fee\":0.0202,\"fee_ccy\":\"USDT\",\"mode\":\"paper\"}");
	feed(r, "{\"type\":\"result\",\"ts\":3000000,\"opp\":\"a\",\"kind\":\"cross\",\"status\":\"partial\","
	    "\"reason\":\"leg_partial\",\"pnl\":0.1498,\"ccy\":\"USDT\"}");
	feed(r, "{\"type\":\"status\",\"ts\":10000000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"state\":\"gap\"}");
	feed(r, "{\"type\":\"status\",\"ts\":15000000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"state\":\"synced\"}");
	feed(r, "{\"type\":\"status\",\"ts\":20000000,\"ex\":\"okx\",\"state\":\"connected\"}");
	arb_report_finish(r);
	ev = arb_report_exposure(r, &n, &fr);
	is_int(n, 1, "one asset exposed (USDT, the reporting currency, left out)");
	is_int(fr, 0, "exposure from the fills");
	if (n)
		is_str(fmtd(ev[0].net), "0.1", "0.3 bought - 0.2 sold = 0.1 BTC");
	free(ev);
	ok(arb_report_metric(r, "uptime", &v) == 0, "uptime known");
	is_str(fmtd(v), "0.75", "synced 15 s of 20");
	ok(arb_report_metric(r, "down_seconds", &v) == 0, "down_seconds");
	is_str(fmtd(v), "5", "5 s in gap");
	ok(arb_report_metric(r, "gaps", &v) == 0 && arb_dec_cmp(v, arb_dec_make(1, 0)) == 0, "one gap");
	ok(arb_report_metric(r, "fees", &v) == 0, "fees");
	is_str(fmtd(v), "0.0502", "fees 0.03 + 0.0202");
	arb_report_free(r);
}

/* The reporting currency is a record's text: a ',' in it is no column
 * separator (the tables' specs once took it as one, and rtab_row read
 * one argument more than it was given), a control character no line
 * break in the text report. */
static void test_ccy_text(void)
{
	static const char *const want[] = { "pnl_day", "pnl_venue", "pnl_symbol", "pnl_kind",
	    "fees", "exposure" };
	struct arb_report_opts o;
	struct arb_report *r;
	struct arb_buf out = { 0 };
	struct rtab *tabs;
	size_t n, i, k;

	memset(&o, 0, sizeof o);
	r = arb_report_new(&o);
	feed(r, "{\"type\":\"fill\",\"ts\":1000000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"opp\":\"a\","
	    "\"cid\":\"a0\",\"side\":\"buy\",\"px\":100,\"qty\":0.3,\"fee\":0.03,"
	    "\"fee_ccy\":\"U,S\\nD\",\"mode\":\"paper\"}");
	feed(r, "{\"type\":\"result\",\"ts\":2000000,\"opp\":\"a\",\"kind\":\"cross\",\"status\":\"complete\","
	    "\"reason\":\"ok\",\"pnl\":1.25,\"ccy\":\"U,S\\nD\"}");
	arb_report_finish(r);
	n = arb_report_build(r, ARB_REP_SUMMARY, &tabs);
	for (k = 0; k < sizeof want / sizeof want[0]; k++) {
		for (i = 0; i < n && strcmp(tabs[i].name, want[k]); i++)
			;
		if (i == n) {
			ok(0, "table %s", want[k]);
			continue;
		}
		is_int(tabs[i].ncol, !strcmp(want[k], "exposure") ? 3 : !strcmp(want[k], "fees") ? 5 : 6,
		    "%s: the currency makes no column", want[k]);
		is_str(tabs[i].cols[tabs[i].ncol - 1], !strcmp(want[k], "exposure") ? "value_U,S D" :
		    !strcmp(want[k], "fees") ? "fees_U,S D" : "pnl_U,S D",
		    "%s: the last column is named after the currency, on one line", want[k]);
	}
	for (i = 0; i < n; i++)
		rtab_free(&tabs[i]);
	free(tabs);
	arb_report_write(r, ARB_FMT_TEXT, ARB_REP_SUMMARY, &out);
	arb_buf_addc(&out, '\0');
	ok(strstr(out.p, "amounts in U,S D\n") != NULL, "the text title line: the currency on one line");
	arb_buf_free(&out);
	arb_report_free(r);
}

/* A feed observed for most of the time a record's time may span (to
 * 9999-12-31): its up_pct once multiplied the microseconds by 100 in an
 * int64, which overflows above 2^63 / 100 us (9.2e16). */
static void test_long_feed(void)
{
	struct arb_report_opts o;
	struct arb_report *r;
	struct rtab *tabs;
	size_t n, i;

	memset(&o, 0, sizeof o);
	r = arb_report_new(&o);
	feed(r, "{\"type\":\"status\",\"ts\":0,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"state\":\"synced\"}");
	feed(r, "{\"type\":\"status\",\"ts\":150000000000000000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\","
	    "\"state\":\"gap\"}");
	feed(r, "{\"type\":\"status\",\"ts\":200000000000000000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\","
	    "\"state\":\"synced\"}");
	arb_report_finish(r);
	n = arb_report_build(r, ARB_REP_FEED, &tabs);
	ok(n >= 1 && !strcmp(tabs[0].name, "feed") && tabs[0].nrows == 1, "one feed");
	if (n >= 1 && tabs[0].nrows == 1)
		is_str(tabs[0].cells[2], "75", "up 1.5e17 us of 2e17: 75 percent");
	for (i = 0; i < n; i++)
		rtab_free(&tabs[i]);
	free(tabs);
	arb_report_free(r);
}

int main(void)
{
	arb_setprog("t-report");
	test_check();
	test_time();
	test_pct();
	test_aggregate();
	test_fills_feed();
	test_ccy_text();
	test_long_feed();
	return done_testing();
}
