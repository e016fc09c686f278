#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "../tap.h"
#include "rec.h"
#include "balance.h"
#include "exec.h"
#include "paper.h"
#include "risk.h"
#include "state.h"

static arb_dec
D(const char *s)
{
	arb_dec d;
	const char *why;

	if (arb_dec_parse(&d, s, strlen(s), &why) < 0) {
		fprintf(stderr, "bad decimal %s\n", s);
		exit(2);
	}
	return d;
}

static const char *
F(arb_dec d)
{
	static char buf[4][ARB_DEC_STRMAX];
	static int k;

	k = (k + 1) % 4;
	arb_dec_fmt(d, buf[k]);
	return buf[k];
}

/* arb_exec_fee's amount, which must be exact here */
static arb_dec
fee_at(const struct arb_order *o, arb_dec px, arb_dec qty, const char **ccy)
{
	arb_dec fee;

	if (arb_exec_fee(o, px, qty, &fee, ccy) < 0) {
		fprintf(stderr, "arb_exec_fee: not exact\n");
		exit(2);
	}
	return fee;
}

static void
t_states(void)
{
	ok(arb_ostate_can(ARB_OS_NEW, ARB_OS_SENT), "new -> sent");
	ok(!arb_ostate_can(ARB_OS_NEW, ARB_OS_FILLED), "new -/-> filled (never sent)");
	ok(arb_ostate_can(ARB_OS_SENT, ARB_OS_ACKED), "sent -> acked");
	ok(arb_ostate_can(ARB_OS_SENT, ARB_OS_UNKNOWN), "sent -> unknown");
	ok(arb_ostate_can(ARB_OS_ACKED, ARB_OS_PARTIAL), "acked -> partial");
	ok(arb_ostate_can(ARB_OS_PARTIAL, ARB_OS_PARTIAL), "partial -> partial (more filled)");
	ok(arb_ostate_can(ARB_OS_PARTIAL, ARB_OS_CANCELED), "partial -> canceled");
	ok(!arb_ostate_can(ARB_OS_PARTIAL, ARB_OS_REJECTED), "partial -/-> rejected");
	ok(arb_ostate_can(ARB_OS_UNKNOWN, ARB_OS_FILLED), "unknown -> filled (after a query)");
	ok(!arb_ostate_can(ARB_OS_UNKNOWN, ARB_OS_SENT), "unknown -/-> sent (never twice)");
	ok(!arb_ostate_can(ARB_OS_FILLED, ARB_OS_CANCELED), "filled is terminal");
	ok(!arb_ostate_can(ARB_OS_CANCELED, ARB_OS_PARTIAL), "canceled is terminal");
	ok(!arb_ostate_can(ARB_OS_REJECTED, ARB_OS_ACKED), "rejected is terminal");
	ok(arb_ostate_terminal(ARB_OS_FILLED) && arb_ostate_terminal(ARB_OS_CANCELED) &&
	    arb_ostate_terminal(ARB_OS_REJECTED) && !arb_ostate_terminal(ARB_OS_UNKNOWN),
	    "terminal states");
	is_str(arb_ostate_name(ARB_OS_PARTIAL), "partial", "state name");
	is_int(arb_ostate_from("unknown"), ARB_OS_UNKNOWN, "state from name");
	is_int(arb_ostate_from("bogus"), -1, "bad state name");
}

static void
t_cid(void)
{
	char a[ARB_CID_MAX], b[ARB_CID_MAX], c[ARB_CID_MAX];
	size_t i;
	int alnum = 1;

	arb_exec_cid(a, "opp-1", 1700000000000000, 0, 0);
	arb_exec_cid(b, "opp-1", 1700000000000000, 0, 0);
	is_str(a, b, "cid is deterministic");
	/* FNV-1a 64 of "opp-1@1700000000000000" is 6dee335563b09484 */
	is_str(a, "a6dee335563b09484l0", "cid: the hash of id@decision time");
	arb_exec_cid(b, "opp-1", 1700000000000000, 1, 0);
	ok(strcmp(a, b) != 0, "legs differ");
	arb_exec_cid(c, "opp-2", 1700000000000000, 0, 0);
	ok(strcmp(a, c) != 0, "opportunities differ");
	arb_exec_cid(c, "opp-1", 1700000000000001, 0, 0);
	ok(strcmp(a, c) != 0, "two decisions of one id differ");
	arb_exec_cid(c, "opp-1", 1700000000000000, 0, 1);
	ok(strcmp(a, c) != 0 && strncmp(a, c, strlen(a)) == 0, "unwind cid extends the leg's");
	/* FNV-1a 64 of "@0" is 090c1807b5a4555d */
	arb_exec_cid(c, "", 0, 2, 3);
	is_str(c, "a090c1807b5a4555dl2u3", "cid format");
	for (i = 0; c[i]; i++)
		if (!((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= '0' && c[i] <= '9')))
			alnum = 0;
	ok(alnum && strlen(c) < 32, "alphanumeric, under 32 characters");
}

static void
t_fee(void)
{
	struct arb_order o;
	const char *ccy;

	memset(&o, 0, sizeof o);
	strcpy(o.base, "BTC");
	strcpy(o.quote, "USDT");
	o.fee_rate = D("0.001");
	o.side = ARB_BUY;
	o.fee_in = ARB_FEE_QUOTE;
	is_str(F(fee_at(&o, D("100.5"), D("0.2"), &ccy)), "0.0201", "quote fee amount");
	is_str(ccy, "USDT", "quote fee currency");
	o.fee_in = ARB_FEE_BASE;
	is_str(F(fee_at(&o, D("100.5"), D("0.2"), &ccy)), "0.0002", "base fee amount");
	is_str(ccy, "BTC", "base fee currency");
	o.fee_in = ARB_FEE_RECEIVED;
	(void)fee_at(&o, D("100"), D("1"), &ccy);
	is_str(ccy, "BTC", "received: a buy pays in base");
	o.side = ARB_SELL;
	is_str(F(fee_at(&o, D("100"), D("1"), &ccy)), "0.1", "received: sell fee");
	is_str(ccy, "USDT", "received: a sell pays in quote");
}

static void
t_balance(void)
{
	struct arb_balances b;
	struct arb_buf out = { 0 };
	char path[] = "/tmp/t-exec-bal.XXXXXX", why[200];
	int fd;

	arb_balances_init(&b);
	is_str(F(arb_bal_free(&b, "x", "USDT")), "0", "unknown balance is zero");
	ok(arb_bal_lock(&b, "x", "USDT", D("1")) < 0, "cannot lock what is not there");
	ok(arb_bal_set(&b, "x", "USDT", D("100.50"), D("0")) == 0, "set");
	ok(arb_bal_lock(&b, "x", "USDT", D("100.51")) < 0, "cannot overdraw");
	ok(arb_bal_lock(&b, "x", "USDT", D("40.25")) == 0, "lock");
	is_str(F(arb_bal_free(&b, "x", "USDT")), "60.25", "free after lock");
	ok(arb_bal_spend(&b, "x", "USDT", D("40")) == 0, "spend from locked");
	ok(arb_bal_unlock(&b, "x", "USDT", D("0.25")) == 0, "unlock the rest");
	is_str(F(arb_bal_get(&b, "x", "USDT", 0)->locked), "0", "nothing locked");
	is_str(F(arb_bal_free(&b, "x", "USDT")), "60.5", "exact free");
	arb_bal_credit(&b, "x", "BTC", D("0.001"));
	arb_bal_emit_dirty(&b, 7, &out);
	is_str(out.p, "{\"type\":\"balance\",\"ts\":7,\"ex\":\"x\",\"asset\":\"BTC\",\"free\":0.001,\"locked\":0}\n"
	    "{\"type\":\"balance\",\"ts\":7,\"ex\":\"x\",\"asset\":\"USDT\",\"free\":60.5,\"locked\":0}\n",
	    "balance records, sorted, once");
	arb_buf_reset(&out);
	is_int(arb_bal_emit_dirty(&b, 8, &out), 0, "no change, no record");
	arb_buf_free(&out);
	arb_balances_free(&b);

	/* many entries (looked up through the index), and the list of
	 * changed ones: an entry whose mark was cleared by hand, marked again,
	 * is emitted once; more changes than entries fall back to a scan */
	{
		char ex[16], as[16];
		int k, found = 0, right = 0;
		arb_balances_init(&b);
		for (k = 0; k < 500; k++) {
			snprintf(ex, sizeof ex, "v%d", k % 7);
			snprintf(as, sizeof as, "A%d", k);
			arb_bal_set(&b, ex, as, arb_dec_make(k + 1, 1), D("0"));
		}
		for (k = 0; k < 500; k++) {
			struct arb_bal *e;
			snprintf(ex, sizeof ex, "v%d", k % 7);
			snprintf(as, sizeof as, "A%d", k);
			if ((e = arb_bal_get(&b, ex, as, 0)) != NULL) {
				found++;
				right += e == &b.v[k] && arb_dec_cmp(e->free, arb_dec_make(k + 1, 1)) == 0;
			}
		}
		is_int(found, 500, "500 entries found");
		is_int(right, 500, "each the right one, in the order added");
		ok(arb_bal_get(&b, "v1", "A0", 0) == NULL, "an absent pair is absent");
		is_int(arb_bal_emit_dirty(&b, 1, &out), 500, "500 changed, 500 records");
		arb_buf_reset(&out);
		arb_bal_credit(&b, "v3", "A3", D("1"));
		b.v[3].dirty = 0;              /* as arb-exec does for a balance record it passed on */
		arb_bal_credit(&b, "v3", "A3", D("1"));
		arb_bal_credit(&b, "v0", "A0", D("1"));
		is_int(arb_bal_emit_dirty(&b, 2, &out), 2, "an entry marked twice is emitted once");
		is_str(out.p, "{\"type\":\"balance\",\"ts\":2,\"ex\":\"v0\",\"asset\":\"A0\",\"free\":1.1,\"locked\":0}\n"
		    "{\"type\":\"balance\",\"ts\":2,\"ex\":\"v3\",\"asset\":\"A3\",\"free\":2.4,\"locked\":0}\n",
		    "sorted by venue and asset");
		arb_buf_reset(&out);
		for (k = 0; k < 1200; k++) {   /* more marks than entries */
			arb_bal_credit(&b, "v1", "A1", D("1"));
			b.v[1].dirty = 0;
		}
		arb_bal_credit(&b, "v2", "A2", D("1"));
		is_int(arb_bal_emit_dirty(&b, 3, &out), 1, "after an overflow of the list, the changed one only");
		arb_buf_reset(&out);
		is_int(arb_bal_emit_dirty(&b, 4, &out), 0, "and then nothing");
		arb_buf_free(&out);
		arb_balances_free(&b);
	}

	fd = mkstemp(path);
	ok(fd >= 0, "temp file");
	if (fd >= 0) {
		const char *txt = "# start\nbinance USDT 1000\n\n{\"type\":\"balance\",\"ts\":1,\"ex\":\"kraken\",\"asset\":\"BTC\",\"free\":0.5}\n";
		(void)!write(fd, txt, strlen(txt));
		close(fd);
	}
	arb_balances_init(&b);
	ok(arb_bal_load(&b, path, why, sizeof why) == 0, "load balances file");
	is_str(F(arb_bal_free(&b, "binance", "USDT")), "1000", "text line");
	is_str(F(arb_bal_free(&b, "kraken", "BTC")), "0.5", "record line");
	arb_balances_free(&b);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd >= 0) {
		(void)!write(fd, "binance USDT -5\n", 16);
		close(fd);
	}
	arb_balances_init(&b);
	ok(arb_bal_load(&b, path, why, sizeof why) < 0, "negative balance refused");
	{
		char want[300];

		snprintf(want, sizeof want, "%s:1: negative balance", path);
		is_str(why, want, "reason names the file and the line");
	}
	arb_balances_free(&b);
	unlink(path);
}

static void
t_risk(void)
{
	struct arb_risk_conf c;
	struct arb_risk r;
	char rule[32], detail[128];
	const int64_t day = INT64_C(86400000000);

	memset(&c, 0, sizeof c);
	c.max_orders_per_minute = 3;
	c.has_daily_loss = 1;
	c.max_daily_loss = D("10");
	c.has_notional_order = 1;
	c.max_notional_order = D("1000");
	c.max_open_orders = 2;
	c.max_book_age = 1000000;
	ok(arb_risk_conf_pos(&c, "BTC=0.5") == 0, "position limit parsed");
	ok(arb_risk_conf_pos(&c, "BTC") < 0, "position limit needs =");
	arb_risk_init(&r, &c);
	ok(!arb_risk_rate(&r, 1000, 2, rule, detail), "2 orders within 3/min");
	arb_risk_rate_add(&r, 1000);
	arb_risk_rate_add(&r, 2000);
	ok(arb_risk_rate(&r, 3000, 2, rule, detail), "4 in a minute refused");
	is_str(rule, "max_orders_per_minute", "rate rule name");
	ok(arb_risk_rate(&r, 60000000 + 1999, 3, rule, detail), "not before");
	ok(!arb_risk_rate(&r, 60000000 + 2000, 2, rule, detail), "window slides (a minute later)");
	ok(!arb_risk_notional_order(&r, D("1000"), "USDT", rule, detail), "notional at the limit");
	ok(arb_risk_notional_order(&r, D("1000.01"), "USDT", rule, detail), "notional above");
	is_str(detail, "order notional 1000.01 USDT > 1000", "notional detail");
	ok(arb_risk_open_orders(&r, 1, 2, rule, detail), "open orders");
	ok(!arb_risk_position(&r, "BTC", D("0"), D("0.5"), rule, detail), "position at limit");
	ok(arb_risk_position(&r, "BTC", D("0.2"), D("-0.6"), rule, detail), "short beyond limit");
	ok(!arb_risk_position(&r, "BTC", D("0.9"), D("0.7"), rule, detail), "reducing is allowed");
	ok(!arb_risk_book_age(&r, 2000000, 1000000, "x", "A/B", rule, detail), "book age at limit");
	ok(arb_risk_book_age(&r, 2000001, 1000000, "x", "A/B", rule, detail), "book too old");
	ok(!arb_risk_daily_add(&r, day + 5, "USDT", D("-6")), "loss below the limit");
	ok(arb_risk_daily_add(&r, day + 6, "USDT", D("-4")), "loss reaches the limit");
	ok(!arb_risk_daily_breached(&r, 2 * day, "USDT"), "a new day starts at zero");
	ok(!arb_risk_daily_breached(&r, day + 7, "USD"), "per currency");
	ok(arb_risk_kill(&r, 5, "kill_file", "x") == 1, "kill latches");
	ok(arb_risk_kill(&r, 6, "kill_signal", "y") == 0, "already latched");
	is_str(r.kill_rule, "kill_file", "first cause kept");
	arb_risk_reset_kill(&r);
	ok(!r.killed, "reset");
	arb_risk_free(&r);
}

static void
t_state(void)
{
	char dir[] = "/tmp/t-exec-st.XXXXXX", path[256], why[200], *s;
	size_t len;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/state", dir);
	ok(arb_state_read(path, &len) == NULL, "absent state");
	ok(arb_state_write(path, "a\n", 2, 1, why, sizeof why) == 0, "write");
	ok(arb_state_write(path, "bb\n", 3, 1, why, sizeof why) == 0, "replace");
	s = arb_state_read(path, &len);
	is_str(s, "bb\n", "read back");
	free(s);
	snprintf(why, sizeof why, "%s/state.tmp", dir);
	ok(access(why, F_OK) < 0, "no temp file left");
	ok(arb_state_write("/nonexistent-dir/x", "a", 1, 1, why, sizeof why) < 0, "error reported");
	unlink(path);
	rmdir(dir);
}

/* The journal: snapshot, appends, and what a reader makes of damage. */
static void
t_journal(void)
{
	char dir[] = "/tmp/t-exec-jn.XXXXXX", path[256], why[300], *s;
	struct arb_state_file f;
	struct arb_state_scan sc;
	struct arb_buf b = { 0 };
	size_t len, snapend;

	ok(arb_crc32(0, "123456789", 9) == 0xcbf43926u, "crc32 check value");
	ok(arb_crc32(arb_crc32(0, "1234", 4), "56789", 5) == 0xcbf43926u, "crc32 continues");
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/state", dir);
	arb_state_open(&f, path, 1, NULL);
	ok(f.need_snap, "no file: a snapshot first");
	arb_buf_adds(&b, "{\"a\":1}\n{\"b\":2}\n");
	ok(arb_state_snapshot(&f, &b, why, sizeof why) == 0, "snapshot");
	is_int((int)b.len, 16, "  the caller's text is left as it was");
	snapend = f.snap;
	arb_buf_reset(&b);
	arb_buf_adds(&b, "{\"c\":3}\n");
	ok(arb_state_append(&f, &b, why, sizeof why) == 0, "append");
	arb_buf_reset(&b);
	arb_buf_adds(&b, "{\"d\":4}\n");
	ok(arb_state_append(&f, &b, why, sizeof why) == 0, "append again");
	arb_state_close(&f);
	s = arb_state_read(path, &len);
	ok(s && arb_state_scan(path, s, len, &sc, why, sizeof why) == 0, "scan");
	is_int(sc.commits, 3, "  three entries");
	ok(sc.valid == len && sc.torn == 0 && sc.snap == snapend, "  all of it valid");
	ok(sc.seq == 3, "  sequence");
	ok(strstr(s, "{\"d\":4}\n{\"type\":\"commit\",\"seq\":3,\"bytes\":8,\"crc32\":\"") != NULL,
	    "  the last entry and its commit line");
	/* torn: every cut inside the last entry is ignored, at the end of
	 * the entry before */
	{
		size_t prev = sc.valid - (size_t)(strlen(strstr(s, "{\"d\":4}"))), cut;
		int bad = 0;
		for (cut = prev + 1; cut < len; cut++) {
			if (arb_state_scan(path, s, cut, &sc, why, sizeof why) < 0 || sc.valid != prev ||
			    sc.torn != cut - prev)
				bad++;
		}
		is_int(bad, 0, "every cut inside the last entry: torn, the entry before kept");
		/* a byte changed anywhere before the last entry: an error */
		bad = 0;
		for (cut = 0; cut < prev; cut++) {
			s[cut] ^= 0x01;
			if (arb_state_scan(path, s, len, &sc, why, sizeof why) == 0)
				bad++;
			s[cut] ^= 0x01;
		}
		is_int(bad, 0, "every changed byte before the last entry: an error");
		s[prev] ^= 0x01;
		ok(arb_state_scan(path, s, len, &sc, why, sizeof why) == 0 && sc.torn && sc.valid == prev,
		    "a changed byte in the last entry: torn");
		s[prev] ^= 0x01;
	}
	ok(arb_state_scan(path, "{\"a\":1}\n", 8, &sc, why, sizeof why) == 0 && sc.commits == 0 &&
	    sc.valid == 8, "no commit line: a plain snapshot");
	free(s);
	arb_buf_free(&b);
	unlink(path);
	rmdir(dir);
}

static void
t_latency(void)
{
	struct arb_paper_conf c;

	arb_paper_conf_defaults(&c);
	is_int(arb_paper_latency(&c, "binance"), 20000, "built-in binance latency");
	is_int(arb_paper_latency(&c, "other"), 50000, "built-in default");
	ok(arb_paper_conf_latency(&c, "kraken=5ms") == 0, "VENUE=DUR");
	is_int(arb_paper_latency(&c, "kraken"), 5000, "venue latency");
	is_int(arb_paper_latency(&c, "binance"), 20000, "others keep the built-in table");
	ok(arb_paper_conf_latency(&c, "100ms") == 0, "DUR");
	is_int(arb_paper_latency(&c, "binance"), 100000, "one latency for all");
	/* a plain duration was taken to clear the venues named before it */
	is_int(arb_paper_latency(&c, "kraken"), 5000, "  but a venue named before it keeps its own");
	ok(arb_paper_conf_latency(&c, "okx=7ms") == 0 && arb_paper_latency(&c, "okx") == 7000 &&
	    arb_paper_latency(&c, "kraken") == 5000 && arb_paper_latency(&c, "bybit") == 100000,
	    "  and one named after it too");
	ok(arb_paper_conf_latency(&c, "=5ms") < 0, "bad venue");
	ok(arb_paper_conf_latency(&c, "x=soon") < 0, "bad duration");
}

/* ------------------------------------------------------------------ */
/* The engine fed records, paper transport, as arb-exec feeds it. */

static void
feed(struct arb_exec *e, struct arb_rec *r, const char *line)
{
	char why[200];

	if (arb_rec_parse(r, line, strlen(line), why, sizeof why) < 0) {
		fprintf(stderr, "bad test record (%s): %s\n", why, line);
		exit(2);
	}
	arb_exec_record(e, r, "test", 1);
}

/* How many times s occurs in b (the engine's output), which is reset. */
static int
count_out(struct arb_buf *b, const char *s)
{
	int n = 0;
	const char *p;

	arb_buf_addc(b, '\0');
	for (p = b->p; (p = strstr(p, s)); p++)
		n++;
	arb_buf_reset(b);
	return n;
}

#define T0 INT64_C(1700000000000000)

static void
opp_line(char *buf, size_t cap, int64_t ts, const char *id, const char *event, const char *ex)
{
	snprintf(buf, cap, "{\"type\":\"opportunity\",\"ts\":%lld,\"id\":\"%s\",\"kind\":\"cross\","
	    "\"event\":\"%s\",\"legs\":[{\"ex\":\"%s\",\"sym\":\"BTC/USDT\",\"side\":\"buy\","
	    "\"px\":30000,\"qty\":0.1},{\"ex\":\"kraken\",\"sym\":\"BTC/USDT\",\"side\":\"sell\","
	    "\"px\":30200,\"qty\":0.1}],\"qty\":0.1,\"cost\":3003,\"proceeds\":3010,\"profit\":7,"
	    "\"ccy\":\"USDT\",\"gross_bps\":50,\"net_bps\":20,\"book_ts\":[%lld,%lld],\"expires\":%lld}",
	    (long long)ts, id, event, ex, (long long)ts, (long long)ts, (long long)(ts + 1000000));
}

static void
books(struct arb_exec *e, struct arb_rec *r, int64_t ts)
{
	char b[512];

	snprintf(b, sizeof b, "{\"type\":\"book\",\"ts\":%lld,\"rt\":%lld,\"ex\":\"binance\","
	    "\"sym\":\"BTC/USDT\",\"seq\":1,\"ok\":true,\"depth\":1,\"bids\":[[29999,1]],"
	    "\"asks\":[[30000,5]]}", (long long)ts, (long long)ts);
	feed(e, r, b);
	snprintf(b, sizeof b, "{\"type\":\"book\",\"ts\":%lld,\"rt\":%lld,\"ex\":\"kraken\","
	    "\"sym\":\"BTC/USDT\",\"seq\":1,\"ok\":true,\"depth\":1,\"bids\":[[30200,5]],"
	    "\"asks\":[[30210,1]]}", (long long)ts, (long long)ts);
	feed(e, r, b);
}

static const char *const instruments[] = {
	"{\"type\":\"instrument\",\"ts\":1700000000000000,\"ex\":\"binance\",\"sym\":\"BTC/USDT\","
	"\"base\":\"BTC\",\"quote\":\"USDT\",\"tick\":0.01,\"lot\":0.0001,\"min_qty\":0.0001,"
	"\"min_notional\":5,\"taker_fee\":0.001,\"maker_fee\":0.001}",
	"{\"type\":\"instrument\",\"ts\":1700000000000000,\"ex\":\"kraken\",\"sym\":\"BTC/USDT\","
	"\"base\":\"BTC\",\"quote\":\"USDT\",\"tick\":0.1,\"lot\":0.0001,\"min_qty\":0.0001,"
	"\"min_notional\":5,\"taker_fee\":0.0026,\"maker_fee\":0.0026}",
};

static struct arb_xport *
engine(struct arb_exec *e, const char *state)
{
	struct arb_exec_conf c;
	struct arb_paper_conf pc;
	struct arb_xport *x;
	char why[300];

	arb_exec_conf_defaults(&c);
	c.state_path = state;
	c.state_sync = 0;
	arb_paper_conf_defaults(&pc);
	x = arb_paper_new(&pc);
	if (arb_exec_init(e, &c, x, why, sizeof why) < 0) {
		fprintf(stderr, "arb_exec_init: %s\n", why);
		exit(2);
	}
	arb_paper_attach(x, e);
	arb_bal_set(&e->bal, "binance", "USDT", D("100000"), D("0"));
	arb_bal_set(&e->bal, "kraken", "BTC", D("1"), D("0"));
	arb_exec_resume(e);
	return x;
}

/*
 * An opportunity whose update records go on long after its first
 * expiry (fuzz-exec found it): its id stays decided, also once the table
 * of decided ids has dropped what expired a minute ago, and after a
 * restart from the state file.  Its orders were sent again, with the
 * same client order ids, before the fix.
 */
static void
t_seen_update(void)
{
	char dir[] = "/tmp/t-exec-sn.XXXXXX", path[256], line[1024], id[16];
	struct arb_exec e;
	struct arb_xport *x;
	struct arb_rec r;
	int64_t t = T0 + 120000000;
	int k, i, sent;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/state", dir);
	arb_rec_init(&r);
	x = engine(&e, path);
	for (i = 0; i < 2; i++)
		feed(&e, &r, instruments[i]);
	books(&e, &r, T0 + 100000);
	opp_line(line, sizeof line, T0 + 150000, "A", "new", "binance");
	feed(&e, &r, line);
	books(&e, &r, T0 + 200000);
	is_int(count_out(&e.out, "\"state\":\"sent\""), 2, "decided: two orders sent");
	/* still there for two minutes, its expiry moved on by each update */
	for (k = 1; k <= 12; k++) {
		opp_line(line, sizeof line, T0 + k * INT64_C(10000000), "A", "update", "binance");
		feed(&e, &r, line);
	}
	/* enough other opportunities (on an unknown venue: skipped) for
	 * the table to drop the ids that expired a minute ago */
	for (i = 0; i < 130; i++) {
		snprintf(id, sizeof id, "F%d", i);
		opp_line(line, sizeof line, t + i, id, "new", "nowhere");
		feed(&e, &r, line);
	}
	books(&e, &r, t + 200000);
	opp_line(line, sizeof line, t + 300000, "A", "update", "binance");
	feed(&e, &r, line);
	books(&e, &r, t + 400000);
	sent = count_out(&e.out, "\"state\":\"sent\"");
	is_int(sent, 0, "an update after the table was rebuilt is not decided again");
	/* a journal entry (no snapshot): A's second seen line replaces its first */
	ok(arb_exec_save(&e) == 0 && e.sf.jbytes > 0, "state saved in the journal");
	arb_exec_free(&e);
	x->free(x->ctx);
	/* the state file remembers the later expiry */
	x = engine(&e, path);
	arb_buf_reset(&e.out);
	for (i = 130; i < 260; i++) {
		snprintf(id, sizeof id, "F%d", i);
		opp_line(line, sizeof line, t + 500000 + i, id, "new", "nowhere");
		feed(&e, &r, line);
	}
	books(&e, &r, t + 1000000);
	opp_line(line, sizeof line, t + 1100000, "A", "update", "binance");
	feed(&e, &r, line);
	is_int(count_out(&e.out, "\"state\":\"sent\""), 0, "  nor after a restart");
	arb_exec_stop(&e, 1);
	arb_exec_free(&e);
	x->free(x->ctx);
	arb_rec_free(&r);
	unlink(path);
	rmdir(dir);
}

/*
 * Amounts past 36 decimals (fuzz-exec found it): an order whose price
 * times quantity cannot be stored exactly locked nothing (the product
 * was taken as zero) and its fills drove a balance below zero; it is
 * skipped, reason invalid.  A book level whose fill could not be
 * accounted exactly is not filled against.
 */
static void
t_precision(void)
{
	static const char *const ins[] = {
		"{\"type\":\"instrument\",\"ts\":1700000000000000,\"ex\":\"binance\",\"sym\":\"BTC/USDT\","
		"\"base\":\"BTC\",\"quote\":\"USDT\",\"tick\":0,\"lot\":0,\"min_qty\":0,\"min_notional\":0,"
		"\"taker_fee\":0.001,\"maker_fee\":0.001}",
		"{\"type\":\"instrument\",\"ts\":1700000000000000,\"ex\":\"kraken\",\"sym\":\"BTC/USDT\","
		"\"base\":\"BTC\",\"quote\":\"USDT\",\"tick\":0,\"lot\":0,\"min_qty\":0,\"min_notional\":0,"
		"\"taker_fee\":0.001,\"maker_fee\":0.001}",
	};
	char line[1024];
	struct arb_exec e;
	struct arb_xport *x;
	struct arb_rec r;
	int i;

	arb_rec_init(&r);
	x = engine(&e, NULL);
	arb_bal_set(&e.bal, "binance", "USDT", D("0.5"), D("0"));
	for (i = 0; i < 2; i++)
		feed(&e, &r, ins[i]);
	books(&e, &r, T0 + 100000);
	/* 1.000000000000000001 x 1.0000000000000000001: 37 decimals */
	snprintf(line, sizeof line, "{\"type\":\"opportunity\",\"ts\":%lld,\"id\":\"P\",\"kind\":\"cross\","
	    "\"event\":\"new\",\"legs\":[{\"ex\":\"binance\",\"sym\":\"BTC/USDT\",\"side\":\"buy\","
	    "\"px\":1.000000000000000001,\"qty\":1.0000000000000000001},{\"ex\":\"kraken\",\"sym\":"
	    "\"BTC/USDT\",\"side\":\"sell\",\"px\":2,\"qty\":0.1}],\"qty\":1,\"cost\":1,\"proceeds\":2,"
	    "\"profit\":1,\"ccy\":\"USDT\",\"gross_bps\":1,\"net_bps\":1,\"book_ts\":[1,1],\"expires\":0}",
	    (long long)(T0 + 150000));
	feed(&e, &r, line);
	is_int(count_out(&e.out, "\"status\":\"skipped\",\"reason\":\"invalid\""), 1,
	    "an order whose amount is not exact is skipped (invalid)");
	ok(arb_dec_sign(arb_bal_free(&e.bal, "binance", "USDT")) >= 0, "  and no balance below zero");
	/* the order is exact (2 x 1.0000000000000000001), the fill at a
	 * level of 1.000000000000000001 would not be */
	arb_bal_set(&e.bal, "binance", "USDT", D("100"), D("0"));
	snprintf(line, sizeof line, "{\"type\":\"opportunity\",\"ts\":%lld,\"id\":\"Q\",\"kind\":\"cross\","
	    "\"event\":\"new\",\"legs\":[{\"ex\":\"binance\",\"sym\":\"BTC/USDT\",\"side\":\"buy\","
	    "\"px\":2,\"qty\":1.0000000000000000001},{\"ex\":\"kraken\",\"sym\":\"BTC/USDT\",\"side\":"
	    "\"sell\",\"px\":2,\"qty\":0.1}],\"qty\":1,\"cost\":2,\"proceeds\":2,\"profit\":0,\"ccy\":"
	    "\"USDT\",\"gross_bps\":1,\"net_bps\":1,\"book_ts\":[1,1],\"expires\":0}", (long long)(T0 + 150000));
	feed(&e, &r, line);
	is_int(count_out(&e.out, "\"state\":\"sent\""), 2, "an exact order is sent");
	snprintf(line, sizeof line, "{\"type\":\"book\",\"ts\":%lld,\"rt\":%lld,\"ex\":\"binance\","
	    "\"sym\":\"BTC/USDT\",\"seq\":2,\"ok\":true,\"depth\":1,\"bids\":[[1,1]],"
	    "\"asks\":[[1.000000000000000001,5]]}", (long long)(T0 + 300000), (long long)(T0 + 300000));
	feed(&e, &r, line);
	is_int(count_out(&e.out, "\"type\":\"fill\""), 0, "  no fill that cannot be accounted exactly");
	arb_exec_stop(&e, 1);
	arb_exec_free(&e);
	x->free(x->ctx);
	arb_rec_free(&r);
}

/*
 * The paper venue takes orders in the order they arrive, also when a
 * restart hands them back out of that order (a later leg of an earlier
 * opportunity before an order of a later one): an order that has
 * arrived is not held back behind one that has not.
 */
static void
t_paper_resume_order(void)
{
	struct arb_exec e;
	struct arb_xport *x;
	struct arb_rec r;
	struct arb_order o[2];
	int i;

	arb_rec_init(&r);
	x = engine(&e, NULL);
	feed(&e, &r, instruments[0]);
	for (i = 0; i < 2; i++) {
		memset(&o[i], 0, sizeof o[i]);
		snprintf(o[i].ex, sizeof o[i].ex, "binance");
		snprintf(o[i].sym, sizeof o[i].sym, "BTC/USDT");
		snprintf(o[i].base, sizeof o[i].base, "BTC");
		snprintf(o[i].quote, sizeof o[i].quote, "USDT");
		arb_exec_cid(o[i].cid, i ? "R2" : "R1", 0, 0, 0);
		o[i].opp = i ? "R2" : "R1";
		o[i].side = ARB_BUY;
		o[i].px = D("30000");
		o[i].qty = D("0.1");
		o[i].filled = D("0");
		o[i].lock_rem = D("0");
		o[i].fee_rate = D("0");
		o[i].st = ARB_OS_SENT;
		o[i].leg = 0;
	}
	/* sent at 300 ms and 100 ms; binance's latency is 20 ms */
	o[0].t_sent = T0 + 300000;
	o[1].t_sent = T0 + 100000;
	for (i = 0; i < 2; i++)
		x->resume(x->ctx, &o[i], T0 + 300000);
	arb_buf_reset(&e.out);
	books(&e, &r, T0 + 150000);
	is_int(o[1].st, ARB_OS_FILLED, "a resumed order that has arrived fills on the next book");
	is_int(o[0].st, ARB_OS_SENT, "  the one that has not arrived waits");
	books(&e, &r, T0 + 400000);
	is_int(o[0].st, ARB_OS_FILLED, "  and fills once it has");
	arb_exec_free(&e);
	x->free(x->ctx);
	arb_rec_free(&r);
}

/*
 * "A time before which no opportunity is decided" holds for a record
 * whose ts is 0 too, and for one that is not a valid opportunity (found
 * writing fuzz-exec): once the table of decided ids had dropped them,
 * the same record again got a second result.
 */
static void
t_seen_floor(void)
{
	char line[512];
	struct arb_exec e;
	struct arb_xport *x;
	struct arb_rec r;
	int i, pass;

	arb_rec_init(&r);
	x = engine(&e, NULL);
	for (pass = 0; pass < 2; pass++) {
		/* Z: ts 0, no expiry; V: not a valid opportunity (no legs) */
		feed(&e, &r, "{\"type\":\"opportunity\",\"ts\":0,\"id\":\"Z\",\"kind\":\"cross\","
		    "\"event\":\"new\",\"legs\":[{\"ex\":\"x\",\"sym\":\"A/B\",\"side\":\"buy\",\"px\":1,"
		    "\"qty\":1},{\"ex\":\"y\",\"sym\":\"A/B\",\"side\":\"sell\",\"px\":2,\"qty\":1}],"
		    "\"qty\":1,\"cost\":1,\"proceeds\":2,\"profit\":1,\"ccy\":\"B\",\"gross_bps\":1,"
		    "\"net_bps\":1,\"book_ts\":[],\"expires\":0}");
		feed(&e, &r, "{\"type\":\"opportunity\",\"ts\":5,\"id\":\"V\",\"kind\":\"cross\","
		    "\"event\":\"new\",\"legs\":[],\"qty\":1,\"cost\":1,\"proceeds\":1,\"profit\":1,"
		    "\"ccy\":\"B\",\"gross_bps\":1,\"net_bps\":1,\"book_ts\":[],\"expires\":5}");
		if (pass)
			break;
		is_int(count_out(&e.out, "\"type\":\"result\""), 2, "decided: two results");
		/* others, two minutes later: the table drops Z and V */
		for (i = 0; i < 130; i++) {
			snprintf(line, sizeof line, "{\"type\":\"opportunity\",\"ts\":%lld,\"id\":\"F%d\","
			    "\"kind\":\"cross\",\"event\":\"new\",\"legs\":[],\"qty\":1,\"cost\":1,"
			    "\"proceeds\":1,\"profit\":1,\"ccy\":\"B\",\"gross_bps\":1,\"net_bps\":1,"
			    "\"book_ts\":[],\"expires\":10}", (long long)(T0 + 120000000), i);
			feed(&e, &r, line);
		}
		arb_buf_reset(&e.out);
	}
	is_int(count_out(&e.out, "\"type\":\"result\""), 0, "the same records again: no second result");
	arb_exec_free(&e);
	x->free(x->ctx);
	arb_rec_free(&r);

	/* only ids of time 0 dropped: the floor was 0, which meant none */
	arb_rec_init(&r);
	x = engine(&e, NULL);
	for (pass = 0; pass < 2; pass++) {
		feed(&e, &r, "{\"type\":\"opportunity\",\"ts\":0,\"id\":\"Z\",\"kind\":\"cross\","
		    "\"event\":\"new\",\"legs\":[],\"qty\":1,\"cost\":1,\"proceeds\":1,\"profit\":1,"
		    "\"ccy\":\"B\",\"gross_bps\":1,\"net_bps\":1,\"book_ts\":[],\"expires\":0}");
		if (pass)
			break;
		is_int(count_out(&e.out, "\"type\":\"result\""), 1, "ts 0 alone: decided");
		for (i = 0; i < 130; i++) {
			snprintf(line, sizeof line, "{\"type\":\"opportunity\",\"ts\":%lld,\"id\":\"F%d\","
			    "\"kind\":\"cross\",\"event\":\"new\",\"legs\":[],\"qty\":1,\"cost\":1,"
			    "\"proceeds\":1,\"profit\":1,\"ccy\":\"B\",\"gross_bps\":1,\"net_bps\":1,"
			    "\"book_ts\":[],\"expires\":%lld}", (long long)(T0 + 120000000), i,
			    (long long)(T0 + 120000000));
			feed(&e, &r, line);
		}
		arb_buf_reset(&e.out);
	}
	is_int(count_out(&e.out, "\"type\":\"result\""), 0, "  dropped alone, then again: no second result");
	arb_exec_free(&e);
	x->free(x->ctx);
	arb_rec_free(&r);
}

/*
 * A book level at price 0 (fuzz-exec: an ask of 0.00000) is no offer: a
 * paper buy filled against it at price 0.  Such a book is not filled
 * against at all (it is not known to be right); the order waits for the
 * next good book.
 */
static void
t_zero_px(void)
{
	char line[1024];
	struct arb_exec e;
	struct arb_xport *x;
	struct arb_rec r;
	int i;

	arb_rec_init(&r);
	x = engine(&e, NULL);
	for (i = 0; i < 2; i++)
		feed(&e, &r, instruments[i]);
	books(&e, &r, T0 + 100000);
	opp_line(line, sizeof line, T0 + 150000, "Z", "new", "binance");
	feed(&e, &r, line);
	arb_buf_reset(&e.out);
	snprintf(line, sizeof line, "{\"type\":\"book\",\"ts\":%lld,\"rt\":%lld,\"ex\":\"binance\","
	    "\"sym\":\"BTC/USDT\",\"seq\":2,\"ok\":true,\"depth\":2,\"bids\":[[1,1]],"
	    "\"asks\":[[0,5],[30000,5]]}", (long long)(T0 + 300000), (long long)(T0 + 300000));
	feed(&e, &r, line);
	arb_buf_addc(&e.out, '\0');
	ok(!strstr(e.out.p, "\"type\":\"fill\"") && !strstr(e.out.p, "\"type\":\"order\""),
	    "a book with a level at price 0: no fill on it, the order waits");
	arb_buf_reset(&e.out);
	snprintf(line, sizeof line, "{\"type\":\"book\",\"ts\":%lld,\"rt\":%lld,\"ex\":\"binance\","
	    "\"sym\":\"BTC/USDT\",\"seq\":3,\"ok\":true,\"depth\":2,\"bids\":[[1,1]],"
	    "\"asks\":[[30000,5]]}", (long long)(T0 + 310000), (long long)(T0 + 310000));
	feed(&e, &r, line);
	arb_buf_addc(&e.out, '\0');
	ok(strstr(e.out.p, "\"type\":\"fill\"") && strstr(e.out.p, "\"px\":30000,") &&
	    !strstr(e.out.p, "\"px\":0,"), "  and fills on the next good book, at its price");
	arb_buf_reset(&e.out);
	arb_exec_stop(&e, 1);
	arb_exec_free(&e);
	x->free(x->ctx);
	arb_rec_free(&r);
}

/* A transport that keeps what it is sent, and answers only when the
 * test calls the engine's arb_exec_on_* itself (as a live venue would). */
static struct arb_order *held[8];
static int nheld;

static int
hold_send(void *ctx, struct arb_order *o, int64_t now)
{
	(void)ctx, (void)now;
	if (nheld < 8)
		held[nheld++] = o;
	return 0;
}

static int
hold_cancel(void *ctx, struct arb_order *o, int64_t now)
{
	(void)ctx, (void)o, (void)now;
	return 0;
}

/*
 * A venue's fill whose amounts cannot be computed exactly (price times
 * quantity past 36 decimals) was booked as zero: the balances went wrong
 * and trading went on.  It is written as reported, booked not at all,
 * and the kill switch trips (rule overflow); the opportunity ends with
 * reason overflow, also after a restart from the state file.
 */
static void
t_unbookable(void)
{
	struct arb_xport x = { "hold", "live", NULL, hold_send, hold_cancel, NULL, NULL, NULL, NULL, NULL };
	struct arb_exec_conf c;
	struct arb_exec e;
	struct arb_rec r;
	struct arb_buf dump = { 0 };
	char why[300], line[1024];
	int i;

	arb_exec_conf_defaults(&c);
	if (arb_exec_init(&e, &c, &x, why, sizeof why) < 0) {
		fprintf(stderr, "arb_exec_init: %s\n", why);
		exit(2);
	}
	arb_rec_init(&r);
	nheld = 0;
	arb_bal_set(&e.bal, "binance", "USDT", D("100000"), D("0"));
	arb_bal_set(&e.bal, "kraken", "BTC", D("1"), D("0"));
	for (i = 0; i < 2; i++)
		feed(&e, &r, instruments[i]);
	books(&e, &r, T0 + 100000);
	opp_line(line, sizeof line, T0 + 150000, "U", "new", "binance");
	feed(&e, &r, line);
	is_int(nheld, 2, "two orders sent");
	if (nheld != 2)
		return;
	arb_buf_reset(&e.out);
	arb_exec_on_ack(&e, held[0], "v0", T0 + 160000);
	/* 0.1 x 1.000000000000000000000000000000000001: 37 decimals */
	arb_exec_on_fill(&e, held[0], D("1.000000000000000000000000000000000001"), D("0.1"), D("0"), "USDT",
	    "t0", T0 + 170000);
	arb_buf_addc(&e.out, '\0');
	ok(strstr(e.out.p, "{\"type\":\"fill\",\"ts\":1700000000170000,\"ex\":\"binance\",\"sym\":\"BTC/USDT\","
	    "\"opp\":\"U\",\"cid\":\"") && strstr(e.out.p, "\"side\":\"buy\",\"px\":1.000000000000000000000000000000000001,"
	    "\"qty\":0.1,\"fee\":0,\"fee_ccy\":\"USDT\",\"mode\":\"live\",\"tid\":\"t0\"}\n"),
	    "the fill is written as reported");
	ok(strstr(e.out.p, "\"state\":\"filled\",\"filled\":0.1,\"mode\":\"live\",\"vid\":\"v0\",\"tif\":\"ioc\"}\n") != NULL,
	    "  the order is filled");
	ok(strstr(e.out.p, "{\"type\":\"risk\",\"ts\":1700000000150000,\"rule\":\"overflow\",\"action\":\"kill\","
	    "\"detail\":\"") && strstr(e.out.p, ": a fill cannot be booked exactly: binance balances unknown\","
	    "\"opp\":\"U\",\"ex\":\"binance\"}\n"), "  the kill switch trips (rule overflow, the venue named)");
	arb_buf_reset(&e.out);
	ok(e.risk.killed && !strcmp(e.risk.kill_rule, "overflow"), "  latched");
	is_int((int)e.n_inexact, 1, "  counted");
	is_str(F(arb_bal_free(&e.bal, "binance", "BTC")), "0", "  no BTC booked");
	is_str(F(arb_bal_free(&e.bal, "binance", "USDT")), "96997", "  no USDT spent: the order's lock stays");
	is_str(F(arb_bal_get(&e.bal, "binance", "USDT", 0)->locked), "3003", "  locked");
	is_str(F(arb_bal_free(&e.pos, "*", "BTC")), "0", "  no position booked");
	/* the other leg fills exactly: booked, and the result says overflow */
	arb_exec_on_ack(&e, held[1], "v1", T0 + 160000);
	arb_exec_on_fill(&e, held[1], D("30200"), D("0.1"), D("7.852"), "USDT", "t1", T0 + 180000);
	is_str(F(arb_bal_free(&e.bal, "kraken", "USDT")), "3012.148", "an exact fill is booked");
	arb_buf_addc(&e.out, '\0');
	ok(strstr(e.out.p, "{\"type\":\"result\",\"ts\":1700000000150000,\"opp\":\"U\",\"kind\":\"cross\","
	    "\"status\":\"complete\",\"reason\":\"overflow\",") != NULL, "  the result: reason overflow");
	arb_buf_reset(&e.out);
	opp_line(line, sizeof line, T0 + 200000, "V", "new", "binance");
	feed(&e, &r, line);
	is_int(count_out(&e.out, "\"status\":\"skipped\",\"reason\":\"kill\""), 1, "the next opportunity: skipped (kill)");
	arb_exec_dump(&e, &dump);
	arb_buf_addc(&dump, '\0');
	ok(strstr(dump.p, "\"killed\":true,\"kill_rule\":\"overflow\"") != NULL, "the state file keeps the kill switch");
	arb_buf_free(&dump);
	/* a fee the venue did not give, which cannot be computed exactly */
	{
		struct arb_order o = *held[1];
		const char *ccy;
		arb_dec fee;
		o.fee_in = ARB_FEE_QUOTE;
		o.fee_rate = D("0.000000000000000000000000000000000001");
		is_int(arb_exec_fee(&o, D("30200.5"), D("0.1"), &fee, &ccy), -1, "a fee past 36 decimals: -1");
		is_str(F(fee), "0", "  and no amount");
	}
	arb_exec_free(&e);
	arb_rec_free(&r);
}

/* What the engine says on stderr while fn(arg) runs. */
static char errbuf[4096];

static const char *
stderr_of(void (*fn)(void *), void *arg)
{
	FILE *f = tmpfile();
	int save = dup(2);
	size_t n;

	if (!f || save < 0 || dup2(fileno(f), 2) < 0) {
		fprintf(stderr, "stderr_of: cannot redirect stderr\n");
		exit(2);
	}
	fn(arg);
	dup2(save, 2);
	close(save);
	rewind(f);
	n = fread(errbuf, 1, sizeof errbuf - 1, f);
	errbuf[n] = 0;
	fclose(f);
	return errbuf;
}

struct unk {
	struct arb_exec *e;
	struct arb_order *o;
	enum arb_fill_unknown what;
	const char *px, *qty, *ccy, *tid, *why;
	int64_t ts;
};

static void
call_unknown(void *arg)
{
	struct unk *u = arg;

	arb_exec_on_fill_unknown(u->e, u->o, u->what, D(u->px), D(u->qty), u->ccy, u->tid, u->ts, u->why);
}

static void
call_past36(void *arg)
{
	struct unk *u = arg;

	arb_exec_on_fill(u->e, u->o, D(u->px), D(u->qty), D("0"), u->ccy, u->tid, u->ts);
}

/* The hold transport's engine with the two orders of opportunity id
 * sent and acknowledged (held[0] the Binance buy, held[1] the Kraken
 * sell, 0.1 each); 0 when they were not. */
static int
held_opp(struct arb_exec *e, struct arb_xport *x, struct arb_rec *r, const char *id)
{
	struct arb_exec_conf c;
	char why[300], line[1024];
	int i;

	arb_exec_conf_defaults(&c);
	if (arb_exec_init(e, &c, x, why, sizeof why) < 0) {
		fprintf(stderr, "arb_exec_init: %s\n", why);
		exit(2);
	}
	nheld = 0;
	arb_bal_set(&e->bal, "binance", "USDT", D("100000"), D("0"));
	arb_bal_set(&e->bal, "kraken", "BTC", D("1"), D("0"));
	for (i = 0; i < 2; i++)
		feed(e, r, instruments[i]);
	books(e, r, T0 + 100000);
	opp_line(line, sizeof line, T0 + 150000, id, "new", "binance");
	feed(e, r, line);
	if (nheld != 2)
		return 0;
	arb_exec_on_ack(e, held[0], "v0", T0 + 160000);
	arb_exec_on_ack(e, held[1], "v1", T0 + 160000);
	arb_buf_reset(&e->out);
	return 1;
}

/*
 * A venue without itemised fills (Kraken, OKX, Bybit, Coinbase) reports
 * cumulative amounts; the live transport dropped a report whose
 * difference from the last one (the fill's quantity) could not be
 * computed, and the order was never settled, and booked a fee
 * difference it could not compute as 0.  arb_exec_on_fill_unknown: the
 * fill is handled as one that cannot be booked.
 */
static void
t_fill_unknown(void)
{
	struct arb_xport x = { "hold", "live", NULL, hold_send, hold_cancel, NULL, NULL, NULL, NULL, NULL };
	struct arb_exec e;
	struct arb_rec r;
	struct unk u;
	const char *err;

	arb_rec_init(&r);
	if (!held_opp(&e, &x, &r, "Q")) {
		ok(0, "two orders sent");
		return;
	}
	/* the Kraken sell: 0.04 of it, booked, then a quantity not known */
	arb_exec_on_fill(&e, held[1], D("30200"), D("0.04"), D("3.1408"), "USDT", "k1", T0 + 170000);
	arb_buf_reset(&e.out);
	u = (struct unk){ &e, held[1], ARB_FILL_QTY, "30200", "0", "USDT", "k2",
	    "the venue's cumulative filled 100000000000000000000000000000000000000 less the 0.04 known is past 36 decimals",
	    T0 + 180000 };
	err = stderr_of(call_unknown, &u);
	ok(strstr(err, ": kraken BTC/USDT fill at 30200 cannot be booked exactly (the venue's cumulative filled "
	    "100000000000000000000000000000000000000 less the 0.04 known is past 36 decimals): not booked; "
	    "kraken balances unknown\n") != NULL, "a fill of unknown quantity: said, with the transport's why");
	ok(strstr(err, "kill switch tripped: overflow: ") != NULL, "  the kill switch trips");
	arb_buf_addc(&e.out, '\0');
	ok(strstr(e.out.p, "\"type\":\"fill\"") == NULL, "  no fill record (its quantity is not known)");
	ok(strstr(e.out.p, "\"state\":\"unknown\",\"filled\":0.04,\"mode\":\"live\",\"vid\":\"v1\","
	    "\"reason\":\"overflow\",\"tif\":\"ioc\"}\n") != NULL, "  the order: unknown, reason overflow, filled as known");
	ok(strstr(e.out.p, "{\"type\":\"risk\",\"ts\":1700000000150000,\"rule\":\"overflow\",\"action\":\"kill\","
	    "\"detail\":\"") && strstr(e.out.p, ": a fill cannot be booked exactly: kraken balances unknown\","
	    "\"opp\":\"Q\",\"ex\":\"kraken\"}\n"), "  a risk record: rule overflow, the venue named");
	arb_buf_reset(&e.out);
	ok(arb_order_gave_up(held[1]), "  the order is given up (arb_order_gave_up)");
	is_int((int)e.n_inexact, 1, "  counted");
	is_int(held[1]->nfills, 1, "  one fill reported");
	is_str(F(arb_bal_free(&e.bal, "kraken", "USDT")), "1204.8592", "  only the first fill booked");
	is_str(F(arb_bal_get(&e.bal, "kraken", "BTC", 0)->locked), "0.06", "  the rest stays locked");
	/* the Binance buy: its quantity known, its fee not; the kill switch
	 * is on already: the records still come out */
	u = (struct unk){ &e, held[0], ARB_FILL_FEE, "30000", "0.1", "BNB", "b1",
	    "the venue's cumulative fee 1000000000000000000000000000000000000 less the 0.5 booked is past 36 decimals",
	    T0 + 190000 };
	err = stderr_of(call_unknown, &u);
	ok(strstr(err, ": binance BTC/USDT fill 0.1 at 30000 cannot be booked exactly (the venue's cumulative fee "
	    "1000000000000000000000000000000000000 less the 0.5 booked is past 36 decimals): not booked; "
	    "binance balances unknown\n") != NULL, "a fill of unknown fee: said");
	ok(strstr(err, "kill switch") == NULL, "  the kill switch was on already");
	arb_buf_addc(&e.out, '\0');
	ok(strstr(e.out.p, "{\"type\":\"fill\",\"ts\":1700000000190000,\"ex\":\"binance\",\"sym\":\"BTC/USDT\","
	    "\"opp\":\"Q\",\"cid\":\"") && strstr(e.out.p, "\"side\":\"buy\",\"px\":30000,\"qty\":0.1,"
	    "\"fee_ccy\":\"BNB\",\"mode\":\"live\",\"tid\":\"b1\"}\n"), "  the fill record: no fee");
	ok(strstr(e.out.p, "\"state\":\"filled\",\"filled\":0.1,\"mode\":\"live\",\"vid\":\"v0\",\"tif\":\"ioc\"}\n")
	    != NULL, "  the order record: filled");
	ok(strstr(e.out.p, "\"type\":\"risk\"") == NULL, "  no second risk record");
	ok(strstr(e.out.p, "{\"type\":\"result\",\"ts\":1700000000150000,\"opp\":\"Q\",\"kind\":\"cross\","
	    "\"status\":\"partial\",\"reason\":\"overflow\",") != NULL, "  the result: reason overflow");
	arb_buf_reset(&e.out);
	is_int((int)e.n_inexact, 2, "  counted");
	is_str(F(arb_bal_free(&e.bal, "binance", "BTC")), "0", "  no BTC booked");
	is_str(F(arb_bal_get(&e.bal, "binance", "USDT", 0)->locked), "3003", "  the lock stays");
	arb_exec_free(&e);

	/* the kill switch on by another rule: a fill that cannot be booked
	 * still writes its fill and order records */
	if (!held_opp(&e, &x, &r, "S")) {
		ok(0, "two orders sent");
		return;
	}
	arb_exec_kill(&e, "kill_signal", "SIGUSR1");
	arb_buf_reset(&e.out);
	u = (struct unk){ &e, held[0], ARB_FILL_QTY, "1.000000000000000000000000000000000001", "0.1", "USDT", "b2",
	    NULL, T0 + 170000 };
	err = stderr_of(call_past36, &u);
	ok(strstr(err, ": binance BTC/USDT fill 0.1 at 1.000000000000000000000000000000000001 cannot be booked exactly "
	    "(an amount past 36 decimals): not booked; binance balances unknown\n") != NULL,
	    "killed, then a fill that cannot be booked: said");
	arb_buf_addc(&e.out, '\0');
	ok(strstr(e.out.p, "\"px\":1.000000000000000000000000000000000001,\"qty\":0.1,\"fee\":0,\"fee_ccy\":\"USDT\","
	    "\"mode\":\"live\",\"tid\":\"b2\"}\n") != NULL, "  the fill record");
	ok(strstr(e.out.p, "\"state\":\"filled\",\"filled\":0.1,\"mode\":\"live\",\"vid\":\"v0\",\"tif\":\"ioc\"}\n")
	    != NULL, "  the order record");
	arb_buf_reset(&e.out);
	is_int((int)e.n_inexact, 1, "  counted");
	ok(!strcmp(e.risk.kill_rule, "kill_signal"), "  the kill switch keeps its rule");
	arb_exec_free(&e);

	/* the Kraken sell: 0.04 booked, then 0.06 more whose price cannot
	 * be worked out (the cumulative amount's growth past 36 decimals) */
	if (!held_opp(&e, &x, &r, "P")) {
		ok(0, "two orders sent");
		arb_rec_free(&r);
		return;
	}
	arb_exec_on_fill(&e, held[1], D("30200"), D("0.04"), D("3.1408"), "USDT", "k1", T0 + 170000);
	arb_buf_reset(&e.out);
	u = (struct unk){ &e, held[1], ARB_FILL_PX, "0", "0.06", "USDT", "k2",
	    "the venue's cumulative amount 1208 less the 3020 known is not above 0", T0 + 180000 };
	err = stderr_of(call_unknown, &u);
	ok(strstr(err, ": kraken BTC/USDT fill 0.06 cannot be booked exactly (the venue's cumulative amount "
	    "1208 less the 3020 known is not above 0): not booked; kraken balances unknown\n") != NULL,
	    "a fill of unknown price: said, its quantity named, no price");
	ok(strstr(err, "kill switch tripped: overflow: ") != NULL, "  the kill switch trips");
	arb_buf_addc(&e.out, '\0');
	ok(strstr(e.out.p, "\"type\":\"fill\"") == NULL, "  no fill record (a fill has a price)");
	ok(strstr(e.out.p, "\"state\":\"unknown\",\"filled\":0.04,\"mode\":\"live\",\"vid\":\"v1\","
	    "\"reason\":\"overflow\",\"tif\":\"ioc\"}\n") != NULL, "  the order: unknown, reason overflow, filled as booked");
	arb_buf_reset(&e.out);
	ok(arb_order_gave_up(held[1]), "  the order is given up");
	is_int(held[1]->nfills, 1, "  one fill reported");
	is_str(F(arb_bal_free(&e.bal, "kraken", "USDT")), "1204.8592", "  only the first fill booked");
	is_str(F(arb_bal_get(&e.bal, "kraken", "BTC", 0)->locked), "0.06", "  the rest stays locked");
	arb_exec_free(&e);
	arb_rec_free(&r);
}

int
main(void)
{
	t_states();
	t_cid();
	t_fee();
	t_balance();
	t_risk();
	t_state();
	t_journal();
	t_latency();
	t_seen_update();
	t_precision();
	t_paper_resume_order();
	t_seen_floor();
	t_unbookable();
	t_fill_unknown();
	t_zero_px();
	return done_testing();
}
