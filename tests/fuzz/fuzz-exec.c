/*
 * fuzz-exec.c: libFuzzer target for what arb-exec does with a record
 * stream (exec.h, paper.h, risk.h, state.h, balance.h), in paper mode.
 *
 * The input: 4 bytes of options, then the stream (arb-ndjson(5)).
 *   byte 0: bits 0-1 --on-leg-failure cancel, unwind, hold (3: cancel);
 *           bit 2 --order-type fok; bit 3 --state FILE (in a temp dir);
 *           bit 4 --on-stop finish; bit 5 --cancel-on-kill; bits 6-7 the
 *           --balances file: none, tests/exec's balances.txt,
 *           balances-usdt.txt or balances-cycle.txt
 *   byte 1: bits 0-2 --latency (the built-in table, 0, 1ms, 10ms, 20ms,
 *           50ms, 100ms, 1s); bits 3-5 --leg-timeout (2s, 1ms, 10ms,
 *           100ms, 1s, 5s, 30s, 60s); bit 6 --unwind-slippage 0; bit 7
 *           --journal-max 0 (a snapshot at every save)
 *   byte 2: bits 0-1 --max-book-age (5s, 0, 20ms, 1s); bit 2
 *           --max-notional-order 5000; bit 3 --max-notional-opp 9000;
 *           bit 4 --max-open-orders 2; bit 5 --max-orders-per-minute 3;
 *           bit 6 --max-position BTC=0.05; bit 7 --max-daily-loss 10
 *   byte 3: bits 0-1 --taker-fee (none, binance=0.002, kraken:BTC/USDT=0,
 *           binance:ETH/BTC=0.0005); bits 2-3 what happens before line
 *           N = bits 4-7 (0: never): SIGUSR1 (the kill switch),
 *           SIGTERM (a stop, then reading on as arb-exec does),
 *           a restart (with a state file: end, compact, load again and
 *           resume, as a second arb-exec run would), or a crash restart
 *           (with a state file: the engine is dropped after its last
 *           save and the file loaded again)
 *
 * The loop is bin/arb-exec.c's: the reader splits the input, each good
 * record is written out unchanged and then handed to arb_exec_record,
 * and the engine's records follow it; arb_exec_stop and arb_exec_compact
 * at the end.  Checks:
 *   - every output line ends in a newline and parses (arb_rec_parse);
 *   - the input's good lines (split and judged here on their own, as
 *     io.h and rec.h describe) come out byte for byte and in order at
 *     the places the loop wrote them, and everything between them is an
 *     order, fill, result, balance or risk record (DESIGN.md: filters
 *     pass through);
 *   - the same input through a second fresh engine (and a fresh state
 *     file) gives byte-identical output, and so does it without the
 *     state file, unless a restart or --on-stop finish needs it;
 *   - orders: each client order id moves only by arb_ostate_can (partial
 *     to partial when filled grows), starts in state new, keeps its
 *     venue, symbol, side, price and quantity, is sent once; its filled
 *     is the sum of its fills and never above its quantity; fills are at
 *     or within the limit price, with a positive quantity, a fee of zero
 *     or more, a unique tid, and no earlier than one latency after the
 *     order was sent (arb-exec(1), PAPER FILL MODEL);
 *   - results: at most one per opportunity; none for a skipped one that
 *     sent orders, complete only when every leg filled, failed only when
 *     nothing filled; at the end of the input every opportunity with
 *     orders has one (unless --on-stop finish with --state keeps them
 *     open for the next run);
 *   - balances: free + locked of a venue and asset moves only by its
 *     fills (what the order's instrument says it trades, the fee in
 *     fee_ccy) from one balance record to the next, or to what a
 *     balance record of the stream says (taken as is);
 *   - balances: free and locked never negative, and nothing locked once
 *     every opportunity ended, as long as the stream's own balance
 *     records (taken as is) were not negative and did not replace a
 *     balance while orders were open (a snapshot taken as is may then
 *     disagree with what the open orders hold: by design);
 *   - with a state file: after a save, the file loads into a fresh
 *     engine with the same dump as after a snapshot of the live engine
 *     (journal = snapshot); after a clean end, the compacted file loads
 *     with the dump of the engine that wrote it (the same lines: see
 *     fuzz-state.c).
 * By design, an id is remembered only until a minute after the latest
 * expiry of its records (arb-exec(1), STATE FILE: the table is bounded):
 * records of an id that stop for longer than that and then come again,
 * after a time above the floor of dropped ids, are decided again, with
 * client order ids of their own (the decision time is part of them).  So
 * a second decision (its orders, its result) is accepted exactly when the
 * latest expiry the engine took for the id is over a minute old and the
 * record is above that floor (regress-seen-gap: the one update that kept
 * the id was a bad line); a client order id is never used twice.
 * Across a crash restart the records produced after the last save may
 * be produced again, so the order, fill and result checks start afresh
 * there (an order's first state then may be any).
 *
 *   (tests/fuzz/run builds it against all of lib/)
 */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "fuzz-file.h"
#include "fuzz-lines.h"
#include "exec.h"
#include "io.h"
#include "log.h"
#include "paper.h"
#include "rec.h"
#include "state.h"

#define CHECK(c, ...) do { if (!(c)) { fprintf(stderr, "fuzz-exec: " __VA_ARGS__); \
	fputc('\n', stderr); abort(); } } while (0)

static const char *const balfiles[4] = {
	NULL,
	"binance USDT 100000\nbinance BTC 1\nkraken USDT 100000\nkraken BTC 1\n",
	"binance USDT 10000\n",
	"binance USDT 100000\nbinance BTC 1\nbinance ETH 5\n",
};
static const char *const latencies[8] = {
	NULL, "0", "1ms", "10ms", "20ms", "50ms", "100ms", "1s"
};
static const int64_t legtimeouts[8] = {
	2000000, 1000, 10000, 100000, 1000000, 5000000, 30000000, 60000000
};
static const int64_t bookages[4] = { 5000000, 0, 20000, 1000000 };
static const char *const fees[4] = { NULL, "binance=0.002", "kraken:BTC/USDT=0", "binance:ETH/BTC=0.0005" };

enum { EV_KILL, EV_STOP, EV_RESTART, EV_CRASH };

struct opts {
	struct arb_exec_conf c;
	struct arb_paper_conf pc;
	const char *balances;
	int state, event, event_line;
};

static char state_path[600], bal_path[600], out_path[600];

static void
cleanup(void)
{
	char tmp[700];

	snprintf(tmp, sizeof tmp, "%s.tmp", state_path);
	if (state_path[0]) {
		(void)unlink(state_path);
		(void)unlink(tmp);
	}
	if (bal_path[0])
		(void)unlink(bal_path);
	if (out_path[0])
		(void)unlink(out_path);
}

static void
writefile(const char *path, const char *s, size_t n)
{
	FILE *fp;

	if (!(fp = fopen(path, "wb")) || fwrite(s, 1, n, fp) != n || fclose(fp) != 0)
		abort();
}

static void
parse_opts(const uint8_t *d, struct opts *o)
{
	memset(o, 0, sizeof *o);
	arb_exec_conf_defaults(&o->c);
	arb_paper_conf_defaults(&o->pc);
	o->c.on_leg_failure = (d[0] & 3) == 1 ? ARB_LF_UNWIND : (d[0] & 3) == 2 ? ARB_LF_HOLD : ARB_LF_CANCEL;
	o->c.otype = d[0] & 4 ? ARB_OT_FOK : ARB_OT_IOC;
	o->state = !!(d[0] & 8);
	o->c.on_stop = d[0] & 16 ? ARB_STOP_FINISH : ARB_STOP_CANCEL;
	o->c.cancel_on_kill = !!(d[0] & 32);
	o->balances = balfiles[d[0] >> 6];
	if (latencies[d[1] & 7] && arb_paper_conf_latency(&o->pc, latencies[d[1] & 7]) < 0)
		abort();
	o->c.leg_timeout = legtimeouts[(d[1] >> 3) & 7];
	if (d[1] & 64)
		o->c.unwind_slippage_bps = arb_dec_make(0, 0);
	if (d[1] & 128)
		o->c.journal_max = 0;
	o->c.risk.max_book_age = bookages[d[2] & 3];
	if (d[2] & 4) {
		o->c.risk.has_notional_order = 1;
		o->c.risk.max_notional_order = arb_dec_make(5000, 0);
	}
	if (d[2] & 8) {
		o->c.risk.has_notional_opp = 1;
		o->c.risk.max_notional_opp = arb_dec_make(9000, 0);
	}
	if (d[2] & 16)
		o->c.risk.max_open_orders = 2;
	if (d[2] & 32)
		o->c.risk.max_orders_per_minute = 3;
	if ((d[2] & 64) && arb_risk_conf_pos(&o->c.risk, "BTC=0.05") < 0)
		abort();
	if (d[2] & 128) {
		o->c.risk.has_daily_loss = 1;
		o->c.risk.max_daily_loss = arb_dec_make(10, 0);
	}
	if (fees[d[3] & 3]) {
		const char *f = fees[d[3] & 3], *eq = strchr(f, '='), *colon = memchr(f, ':', (size_t)(eq - f));
		snprintf(o->c.fee[0].ex, ARB_EX_MAX, "%.*s", (int)((colon ? colon : eq) - f), f);
		if (colon)
			snprintf(o->c.fee[0].sym, ARB_SYM_MAX, "%.*s", (int)(eq - colon - 1), colon + 1);
		if (arb_dec_parse(&o->c.fee[0].rate, eq + 1, strlen(eq + 1), NULL) < 0)
			abort();
		o->c.nfee = 1;
	}
	o->event = (d[3] >> 2) & 3;
	o->event_line = d[3] >> 4;
	o->c.state_sync = 0;
	o->c.state_path = o->state ? state_path : NULL;
}

/* ------------------------------------------------------------------ */
/* The run: bin/arb-exec.c's main loop, paper mode. */

struct run {
	struct arb_buf out;        /* everything written */
	size_t *pass, npass, cappass;   /* offsets of the lines passed through */
	size_t *seg, nseg;         /* output offsets where a crash restart began */
	/* per line passed through: the engine refused it (n_bad grew), and
	 * the floor of decided ids before it */
	unsigned char *refused;
	int64_t *floor;
	int tainted;               /* a balance record replaced one under open orders */
	int finish_open;           /* the end left orders open (finish + state) */
	int cut;                   /* a stop ended the reading early */
};

static void
drain(struct arb_exec *e, struct arb_writer *w)
{
	if (e->out.len) {
		arb_writer_put(w, e->out.p, e->out.len);
		arb_buf_reset(&e->out);
	}
}

static void
flush_out(void *arg)
{
	void **v = arg;

	drain(v[0], v[1]);
	(void)arb_writer_flush(v[1]);
}

static struct arb_xport *
start(struct arb_exec *e, const struct opts *o, struct arb_writer *w, void **ctx)
{
	struct arb_xport *x = arb_paper_new(&o->pc);
	char why[512];

	if (arb_exec_init(e, &o->c, x, why, sizeof why) < 0) {
		fprintf(stderr, "fuzz-exec: the engine's own state file is refused: %s\n", why);
		abort();
	}
	arb_paper_attach(x, e);
	ctx[0] = e;
	ctx[1] = w;
	e->before_save = flush_out;
	e->before_save_ctx = ctx;
	if (o->balances)
		CHECK(arb_exec_load_balances(e, bal_path, why, sizeof why) >= 0, "balances: %s", why);
	arb_exec_resume(e);
	drain(e, w);
	return x;
}

static void
stop(struct arb_exec *e, struct arb_xport *x, struct arb_writer *w)
{
	if (!e->stopping || arb_exec_busy(e))
		arb_exec_stop(e, 1);
	drain(e, w);
	CHECK(arb_exec_compact(e) == 0, "compact failed");
	(void)arb_writer_flush(w);
	arb_exec_free(e);
	x->free(x->ctx);
}

/* The state file as a fresh engine loads it, dumped. */
static void
load_dump(const struct opts *o, struct arb_buf *out)
{
	struct arb_paper_conf pc = o->pc;
	struct arb_xport *x = arb_paper_new(&pc);
	struct arb_exec e;
	char why[512];

	if (arb_exec_init(&e, &o->c, x, why, sizeof why) < 0) {
		fprintf(stderr, "fuzz-exec: the engine's own state file is refused: %s\n", why);
		abort();
	}
	arb_exec_dump(&e, out);
	arb_exec_free(&e);
	x->free(x->ctx);
}

static void
same_dumps(struct arb_buf *a, struct arb_buf *b, const char *what)
{
	if (!same_lines(a, b)) {
		fprintf(stderr, "fuzz-exec: %s:\n--- engine\n%.*s--- loaded\n%.*s", what,
		    (int)a->len, a->p ? a->p : "", (int)b->len, b->p ? b->p : "");
		abort();
	}
}

static int
has_balance_keys(const struct arb_rec *r, int *neg)
{
	arb_dec fr, lk;

	*neg = 0;
	if (r->type != ARB_R_BALANCE || !*r->ex)
		return 0;
	if (arb_rec_dec(r, "free", &fr) == 0 && arb_dec_sign(fr) < 0)
		*neg = 1;
	if (arb_rec_dec(r, "locked", &lk) == 0 && arb_dec_sign(lk) != 0)
		*neg = 1;   /* something locked by orders this run does not know */
	return 1;
}

static void
run(const struct opts *o, const uint8_t *in, size_t n, struct run *res)
{
	struct arb_exec e;
	struct arb_xport *x;
	struct arb_reader rd;
	struct arb_writer w;
	struct arb_rec r;
	struct arb_badlines bl = { 0, 0, NULL };
	char why[512], *line;
	void *ctx[2];
	size_t len;
	int fd, st, neg;
	uint64_t lines = 0, nbad;
	const char *inpath;

	memset(res, 0, sizeof *res);
	cleanup();
	if (o->balances)
		writefile(bal_path, o->balances, strlen(o->balances));
	inpath = fuzz_file("in.ndjson", in, n);
	if ((fd = open(inpath, O_RDONLY)) < 0)
		abort();
	int ofd = open(out_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (ofd < 0)
		abort();
	arb_writer_init(&w, ofd);
	bl.w = &w;
	x = start(&e, o, &w, ctx);
	e.bl = &bl;
	arb_reader_init(&rd, fd, "stdin");
	arb_rec_init(&r);
	for (;;) {
		if (e.stopping && !arb_exec_busy(&e))
			break;
		st = arb_reader_next(&rd, &line, &len);
		if (st == ARB_RD_EOF)
			break;
		CHECK(st != ARB_RD_ERR, "read error");
		if (st == ARB_RD_BAD) {
			arb_badline(&bl, rd.name, rd.lineno, rd.why);
			continue;
		}
		lines++;
		if (o->event_line && lines == (uint64_t)o->event_line) {
			switch (o->event) {
			case EV_KILL:
				arb_exec_kill(&e, "kill_signal", "SIGUSR1 received");
				drain(&e, &w);
				break;
			case EV_STOP:
				/* SIGTERM: the reader then reads on only with
				 * --on-stop finish and orders in flight */
				res->cut = 1;
				arb_exec_stop(&e, 0);
				drain(&e, &w);
				if (!(o->c.on_stop == ARB_STOP_FINISH && arb_exec_busy(&e)))
					goto end;
				break;
			case EV_RESTART:
				if (!o->state)
					break;
				{
					struct arb_buf a = { 0 }, b = { 0 };
					/* journal = snapshot: what a save wrote
					 * loads as what a snapshot writes */
					(void)arb_exec_save(&e);
					drain(&e, &w);
					load_dump(o, &a);
					CHECK(arb_exec_compact(&e) == 0, "compact failed");
					load_dump(o, &b);
					same_dumps(&b, &a, "the journal loads differently from a snapshot");
					arb_buf_free(&a);
					arb_buf_free(&b);
					/* a clean end, and a second run */
					if (!e.stopping || arb_exec_busy(&e))
						arb_exec_stop(&e, 1);
					drain(&e, &w);
					CHECK(arb_exec_compact(&e) == 0, "compact failed");
					arb_exec_dump(&e, &a);
					load_dump(o, &b);
					same_dumps(&a, &b, "the state at a clean end loads differently");
					arb_buf_free(&a);
					arb_buf_free(&b);
					arb_exec_free(&e);
					x->free(x->ctx);
					x = start(&e, o, &w, ctx);
					e.bl = &bl;
				}
				break;
			case EV_CRASH:
				if (!o->state)
					break;
				/* what was produced after the last save is
				 * lost with the process */
				(void)arb_writer_flush(&w);
				arb_exec_free(&e);
				x->free(x->ctx);
				if (res->nseg < 1) {
					res->seg = xmalloc(sizeof *res->seg);
					res->seg[res->nseg++] = (size_t)lseek(ofd, 0, SEEK_CUR);
				}
				x = start(&e, o, &w, ctx);
				e.bl = &bl;
				break;
			}
		}
		if (arb_rec_parse(&r, line, len, why, sizeof why) < 0) {
			arb_badline(&bl, rd.name, rd.lineno, why);
			continue;
		}
		if (has_balance_keys(&r, &neg) && (neg || e.n_open > 0))
			res->tainted = 1;
		if (res->npass == res->cappass) {
			res->cappass = res->cappass ? res->cappass * 2 : 64;
			xrealloc(&res->pass, res->cappass * sizeof *res->pass);
			xrealloc(&res->refused, res->cappass);
			xrealloc(&res->floor, res->cappass * sizeof *res->floor);
		}
		res->floor[res->npass] = e.seen_floor;
		nbad = e.n_bad;
		res->pass[res->npass] = (size_t)lseek(ofd, 0, SEEK_CUR) + w.len;
		arb_writer_line(&w, line, len);
		arb_exec_record(&e, &r, rd.name, rd.lineno);
		res->refused[res->npass++] = e.n_bad != nbad;
		drain(&e, &w);
	}
end:
	res->finish_open = o->c.on_stop == ARB_STOP_FINISH && o->state;
	stop(&e, x, &w);
	arb_rec_free(&r);
	arb_reader_free(&rd);
	arb_writer_free(&w);
	close(fd);
	/* read the output back */
	{
		struct stat sb;
		CHECK(fstat(ofd, &sb) == 0, "fstat");
		arb_buf_reset(&res->out);
		if (sb.st_size > 0) {
			char *p = xmalloc((size_t)sb.st_size);
			CHECK(pread(ofd, p, (size_t)sb.st_size, 0) == sb.st_size, "pread");
			arb_buf_add(&res->out, p, (size_t)sb.st_size);
			free(p);
		}
	}
	close(ofd);
	cleanup();
}

/* ------------------------------------------------------------------ */
/* The checks on the output. */

struct ord {
	char cid[ARB_CID_MAX], opp[256], ex[ARB_EX_MAX], sym[ARB_SYM_MAX], side[8];
	char base[ARB_ASSET_MAX], quote[ARB_ASSET_MAX];
	int has_ins;
	arb_dec px, qty, filled, fillsum;
	int st, sent;
	int64_t t_sent;
};

struct res {
	char opp[256];
	int n, skipped, complete, failed;
	int64_t key;            /* the latest expiry (or ts) the engine took for it */
	int has_key;
	int redecide;           /* it may be decided again now (see the header) */
};

/* What a venue and asset hold in all (free + locked), as the records
 * say: set by a balance record, moved by fills. */
struct tot {
	char ex[ARB_EX_MAX], asset[ARB_ASSET_MAX];
	arb_dec total;
};

/* An instrument as the engine took it (its base and quote). */
struct ins {
	char ex[ARB_EX_MAX], sym[ARB_SYM_MAX], base[ARB_ASSET_MAX], quote[ARB_ASSET_MAX];
};

struct tab {
	struct tot *tt;
	size_t ntt, captt;
	struct ins *in;
	size_t nin, capin;
	struct ord *o;
	size_t no, capo;
	struct res *r;
	size_t nr, capr;
	char (*tid)[72];
	size_t nt, capt;
	char (*ropp)[256];      /* opportunities with orders */
	size_t nro, capro;
};

static struct ord *
ord_find(struct tab *t, const char *cid)
{
	for (size_t i = t->no; i-- > 0;)
		if (!strcmp(t->o[i].cid, cid))
			return &t->o[i];
	return NULL;
}

static struct res *
res_find(struct tab *t, const char *opp, int create)
{
	for (size_t i = 0; i < t->nr; i++)
		if (!strcmp(t->r[i].opp, opp))
			return &t->r[i];
	if (!create)
		return NULL;
	if (t->nr == t->capr) {
		t->capr = t->capr ? t->capr * 2 : 16;
		xrealloc(&t->r, t->capr * sizeof *t->r);
	}
	memset(&t->r[t->nr], 0, sizeof t->r[t->nr]);
	snprintf(t->r[t->nr].opp, sizeof t->r[t->nr].opp, "%s", opp);
	return &t->r[t->nr++];
}

static struct tot *
tot_find(struct tab *t, const char *ex, const char *asset, int create)
{
	for (size_t i = 0; i < t->ntt; i++)
		if (!strcmp(t->tt[i].ex, ex) && !strcmp(t->tt[i].asset, asset))
			return &t->tt[i];
	if (!create)
		return NULL;
	if (t->ntt == t->captt) {
		t->captt = t->captt ? t->captt * 2 : 16;
		xrealloc(&t->tt, t->captt * sizeof *t->tt);
	}
	snprintf(t->tt[t->ntt].ex, ARB_EX_MAX, "%s", ex);
	snprintf(t->tt[t->ntt].asset, ARB_ASSET_MAX, "%s", asset);
	return &t->tt[t->ntt++];
}

/* amt more of asset at ex, when its total is known. */
static void
tot_add(struct tab *t, const char *ex, const char *asset, arb_dec amt)
{
	struct tot *x = tot_find(t, ex, asset, 0);
	arb_dec r;

	if (x) {
		CHECK(arb_dec_add(&r, x->total, amt) == 0, "total overflow");
		x->total = arb_dec_trim(r);
	}
}

static struct ins *
ins_find(struct tab *t, const char *ex, const char *sym, int create)
{
	for (size_t i = 0; i < t->nin; i++)
		if (!strcmp(t->in[i].ex, ex) && !strcmp(t->in[i].sym, sym))
			return &t->in[i];
	if (!create)
		return NULL;
	if (t->nin == t->capin) {
		t->capin = t->capin ? t->capin * 2 : 16;
		xrealloc(&t->in, t->capin * sizeof *t->in);
	}
	snprintf(t->in[t->nin].ex, ARB_EX_MAX, "%s", ex);
	snprintf(t->in[t->nin].sym, ARB_SYM_MAX, "%s", sym);
	return &t->in[t->nin++];
}

/* An input record the engine learns from: an instrument it accepts
 * (on_instrument's rules) or a balance it takes as is (on_balance's). */
static void
input_rec(struct tab *t, const struct arb_rec *r)
{
	char a[ARB_ASSET_MAX], b[ARB_ASSET_MAX], fee_in[16];
	arb_dec d, fr, lk;
	struct ins *in;
	struct tot *x;

	if (r->type == ARB_R_INSTRUMENT) {
		if (!*r->ex || !*r->sym || arb_rec_str(r, "base", a, sizeof a) < 0 ||
		    arb_rec_str(r, "quote", b, sizeof b) < 0 || arb_rec_dec(r, "tick", &d) < 0 ||
		    arb_rec_dec(r, "lot", &d) < 0 || arb_rec_dec(r, "taker_fee", &d) < 0)
			return;
		if (arb_rec_str(r, "fee_in", fee_in, sizeof fee_in) == 0 && strcmp(fee_in, "quote") &&
		    strcmp(fee_in, "base") && strcmp(fee_in, "received"))
			return;
		in = ins_find(t, r->ex, r->sym, 1);
		memcpy(in->base, a, sizeof a);
		memcpy(in->quote, b, sizeof b);
	} else if (r->type == ARB_R_BALANCE) {
		if (!*r->ex || arb_rec_str(r, "asset", a, sizeof a) < 0 || !a[0] ||
		    arb_rec_dec(r, "free", &fr) < 0)
			return;
		if (arb_rec_dec(r, "locked", &lk) < 0)
			lk = arb_dec_make(0, 0);
		x = tot_find(t, r->ex, a, 1);
		if (arb_dec_add(&d, arb_dec_trim(fr), arb_dec_trim(lk)) == 0)
			x->total = arb_dec_trim(d);
		else
			t->ntt--;   /* not to be checked */
	}
}

static void
tab_reset(struct tab *t)
{
	t->no = t->nr = t->nt = t->nro = t->ntt = 0;
}

static void
tab_free(struct tab *t)
{
	free(t->tt);
	free(t->in);
	free(t->o);
	free(t->r);
	free(t->tid);
	free(t->ropp);
}

static int
is_engine(enum arb_rtype t)
{
	return t == ARB_R_ORDER || t == ARB_R_FILL || t == ARB_R_RESULT || t == ARB_R_BALANCE ||
	    t == ARB_R_RISK;
}

static void
sget(const struct arb_rec *r, const char *key, char *buf, size_t cap)
{
	CHECK(arb_rec_str(r, key, buf, cap) == 0, "%.*s: no \"%s\"", (int)r->len, r->line, key);
}

static arb_dec
dget(const struct arb_rec *r, const char *key)
{
	arb_dec d;

	CHECK(arb_rec_dec(r, key, &d) == 0, "%.*s: no \"%s\"", (int)r->len, r->line, key);
	return d;
}

/* The orders of an earlier decision of opp, once it is decided again. */
static void
forget(struct tab *t, const char *opp)
{
	for (size_t i = 0; i < t->no; i++)
		if (!strcmp(t->o[i].opp, opp)) {
			CHECK(arb_ostate_terminal((enum arb_ostate)t->o[i].st) || t->o[i].st == ARB_OS_UNKNOWN,
			    "opportunity %s decided again while order %s is open", opp, t->o[i].cid);
			t->o[i].opp[0] = '\0';   /* its cid stays: never used again */
		}
}

static void
check_order(struct tab *t, const struct arb_rec *r, int fresh)
{
	char cid[ARB_CID_MAX], state[16], opp[256], side[8];
	struct ord *o;
	int st;
	arb_dec filled, qty, px;
	const char *L = r->line;
	int n = (int)r->len;

	sget(r, "cid", cid, sizeof cid);
	sget(r, "state", state, sizeof state);
	sget(r, "opp", opp, sizeof opp);
	sget(r, "side", side, sizeof side);
	st = arb_ostate_from(state);
	CHECK(st >= 0, "%.*s: bad state", n, L);
	filled = dget(r, "filled");
	qty = dget(r, "qty");
	px = dget(r, "px");
	CHECK(arb_dec_sign(filled) >= 0 && arb_dec_cmp(filled, qty) <= 0, "%.*s: filled out of range", n, L);
	CHECK(arb_dec_sign(qty) > 0 && arb_dec_sign(px) > 0, "%.*s: qty or px not positive", n, L);
	if (!(o = ord_find(t, cid))) {
		struct res *x = res_find(t, opp, 0);

		CHECK(st == ARB_OS_NEW || !fresh, "%.*s: the first record of an order is not state new", n, L);
		if (x && x->n && x->redecide) {
			/* decided again: new orders */
			forget(t, opp);
			x->n = 0;
			x->redecide = 0;
		}
		if (t->no == t->capo) {
			t->capo = t->capo ? t->capo * 2 : 16;
			xrealloc(&t->o, t->capo * sizeof *t->o);
		}
		o = &t->o[t->no++];
		memset(o, 0, sizeof *o);
		snprintf(o->cid, sizeof o->cid, "%s", cid);
		snprintf(o->opp, sizeof o->opp, "%s", opp);
		snprintf(o->ex, sizeof o->ex, "%s", r->ex);
		snprintf(o->sym, sizeof o->sym, "%s", r->sym);
		snprintf(o->side, sizeof o->side, "%s", side);
		o->px = px;
		o->qty = qty;
		o->filled = filled;
		o->fillsum = filled;
		{
			struct ins *in = ins_find(t, r->ex, r->sym, 0);
			if (in && st == ARB_OS_NEW) {
				memcpy(o->base, in->base, sizeof o->base);
				memcpy(o->quote, in->quote, sizeof o->quote);
				o->has_ins = 1;
			}
		}
		o->st = st;
		if (st == ARB_OS_SENT) {
			o->sent = 1;
			o->t_sent = r->ts;
		}
		if (t->nro == t->capro) {
			t->capro = t->capro ? t->capro * 2 : 16;
			xrealloc(&t->ropp, t->capro * sizeof *t->ropp);
		}
		snprintf(t->ropp[t->nro++], 256, "%s", opp);
		CHECK(!res_find(t, opp, 0) || !res_find(t, opp, 0)->n || res_find(t, opp, 0)->redecide,
		    "%.*s: an order after its opportunity's result", n, L);
		return;
	}
	CHECK(!strcmp(o->opp, opp) && !strcmp(o->ex, r->ex) && !strcmp(o->sym, r->sym) &&
	    !strcmp(o->side, side) && !arb_dec_cmp(o->px, px) && !arb_dec_cmp(o->qty, qty),
	    "%.*s: the order changed its terms", n, L);
	CHECK(arb_ostate_can((enum arb_ostate)o->st, (enum arb_ostate)st),
	    "%.*s: illegal transition %s -> %s", n, L, arb_ostate_name((enum arb_ostate)o->st), state);
	if (o->st == ARB_OS_PARTIAL && st == ARB_OS_PARTIAL)
		CHECK(arb_dec_cmp(filled, o->filled) > 0, "%.*s: partial again without a fill", n, L);
	CHECK(arb_dec_cmp(filled, o->filled) >= 0, "%.*s: filled went down", n, L);
	CHECK(arb_dec_cmp(filled, o->fillsum) == 0, "%.*s: filled is not the sum of its fills", n, L);
	if (st == ARB_OS_FILLED)
		CHECK(arb_dec_cmp(filled, qty) == 0, "%.*s: filled short of its quantity", n, L);
	if (st == ARB_OS_SENT) {
		CHECK(!o->sent, "%.*s: sent twice", n, L);
		o->sent = 1;
		o->t_sent = r->ts;
	}
	o->st = st;
	o->filled = filled;
}

static void
check_fill(struct tab *t, const struct arb_rec *r, const struct opts *op, int fresh)
{
	char cid[ARB_CID_MAX], tid[72], side[8];
	struct ord *o;
	arb_dec px = dget(r, "px"), qty = dget(r, "qty"), fee = dget(r, "fee"), s;
	const char *L = r->line;
	int n = (int)r->len;

	sget(r, "cid", cid, sizeof cid);
	sget(r, "tid", tid, sizeof tid);
	sget(r, "side", side, sizeof side);
	if (!(o = ord_find(t, cid))) {
		/* after a crash restart: an order resumed from the state */
		CHECK(!fresh, "%.*s: a fill of an unknown order", n, L);
		for (size_t i = 0; i < t->ntt; i++)
			if (!strcmp(t->tt[i].ex, r->ex))
				t->tt[i--] = t->tt[--t->ntt];
		return;
	}
	CHECK(!strcmp(side, o->side) && !strcmp(r->ex, o->ex) && !strcmp(r->sym, o->sym),
	    "%.*s: a fill unlike its order", n, L);
	CHECK(arb_dec_sign(qty) > 0 && arb_dec_sign(px) > 0 && arb_dec_sign(fee) >= 0,
	    "%.*s: a fill's qty, px or fee out of range", n, L);
	CHECK(!strcmp(side, "buy") ? arb_dec_cmp(px, o->px) <= 0 : arb_dec_cmp(px, o->px) >= 0,
	    "%.*s: a fill beyond its limit price", n, L);
	CHECK(!arb_ostate_terminal((enum arb_ostate)o->st), "%.*s: a fill of an ended order", n, L);
	if (o->sent)
		CHECK(r->ts >= o->t_sent + arb_paper_latency(&op->pc, o->ex),
		    "%.*s: a fill sooner than one latency after the order was sent", n, L);
	for (size_t i = 0; i < t->nt; i++)
		CHECK(strcmp(t->tid[i], tid) != 0, "%.*s: tid seen before", n, L);
	if (t->nt == t->capt) {
		t->capt = t->capt ? t->capt * 2 : 16;
		xrealloc(&t->tid, t->capt * sizeof *t->tid);
	}
	snprintf(t->tid[t->nt++], 72, "%s", tid);
	if (o->has_ins) {
		char fccy[ARB_ASSET_MAX];
		arb_dec nq;
		int buy = !strcmp(side, "buy");
		sget(r, "fee_ccy", fccy, sizeof fccy);
		CHECK(arb_dec_mul(&nq, arb_dec_trim(px), arb_dec_trim(qty)) == 0,
		    "%.*s: a fill whose amount is not exact", n, L);
		nq = arb_dec_trim(nq);
		tot_add(t, o->ex, buy ? o->quote : o->base, arb_dec_neg(buy ? nq : qty));
		tot_add(t, o->ex, buy ? o->base : o->quote, buy ? qty : nq);
		tot_add(t, o->ex, fccy, arb_dec_neg(fee));
	} else {
		/* not known what it moved: stop checking that venue */
		for (size_t i = 0; i < t->ntt; i++)
			if (!strcmp(t->tt[i].ex, o->ex))
				t->tt[i--] = t->tt[--t->ntt];
	}
	CHECK(arb_dec_add(&s, o->fillsum, qty) == 0, "fill sum overflow");
	o->fillsum = arb_dec_trim(s);
	CHECK(arb_dec_cmp(o->fillsum, o->qty) <= 0, "%.*s: fills beyond the order's quantity", n, L);
}

static void
check_result(struct tab *t, const struct arb_rec *r)
{
	char opp[256], status[16];
	struct res *x;
	const char *L = r->line;
	int n = (int)r->len, anyfill = 0, allfull = 1, any = 0;

	sget(r, "opp", opp, sizeof opp);
	sget(r, "status", status, sizeof status);
	x = res_find(t, opp, 1);
	CHECK(x->n == 0 || x->redecide, "%.*s: a second result for the opportunity", n, L);
	if (x->n && x->redecide)
		forget(t, opp);   /* decided again, without orders */
	x->redecide = 0;
	x->n = 1;
	for (size_t i = 0; i < t->no; i++) {
		struct ord *o = &t->o[i];
		if (strcmp(o->opp, opp))
			continue;
		any = 1;
		CHECK(arb_ostate_terminal((enum arb_ostate)o->st) || o->st == ARB_OS_UNKNOWN,
		    "%.*s: a result while order %s is still %s", n, L, o->cid,
		    arb_ostate_name((enum arb_ostate)o->st));
		if (!arb_dec_is_zero(o->filled))
			anyfill = 1;
		if (o->st != ARB_OS_FILLED && !strstr(o->cid, "u"))
			allfull = 0;
	}
	if (!strcmp(status, "skipped"))
		CHECK(!any, "%.*s: skipped after orders were made", n, L);
	if (!strcmp(status, "complete"))
		CHECK(any && allfull, "%.*s: complete, but not every leg filled", n, L);
	if (!strcmp(status, "failed"))
		CHECK(!anyfill, "%.*s: failed, but something filled", n, L);
	if (!strcmp(status, "partial") || !strcmp(status, "unwound"))
		CHECK(anyfill, "%.*s: %s, but nothing filled", n, L, status);
}

/*
 * An opportunity record of the input: may its id be decided again here
 * (its latest expiry the engine took is over a minute old, so the table
 * of decided ids may have dropped it)?  The key kept here is never later
 * than the engine's: only records the engine took (not refused, not a
 * gone, not at or below the floor) move it.
 */
static void
opp_key(struct tab *t, const struct arb_rec *r, int refused, int64_t floor, int64_t now)
{
	char id[256], ev[8];
	int64_t exp = 0, key;
	struct res *x;
	int i = arb_json_get(&r->j, 0, "id");

	for (size_t k = 0; k < t->nr; k++)
		t->r[k].redecide = 0;
	if (i >= 0 && r->j.t[i].type == ARB_J_NUM && r->j.t[i].len < sizeof id)
		snprintf(id, sizeof id, "%.*s", (int)r->j.t[i].len, arb_json_raw(&r->j, i));
	else if (arb_rec_str(r, "id", id, sizeof id) < 0 || !id[0])
		return;
	if (arb_rec_str(r, "event", ev, sizeof ev) < 0)
		snprintf(ev, sizeof ev, "new");
	x = res_find(t, id, 1);
	x->redecide = x->n && (!x->has_key || x->key < now - INT64_C(60000000)) &&
	    !(floor > 0 && r->ts <= floor);
	if (refused || !strcmp(ev, "gone") || (floor > 0 && r->ts <= floor))
		return;
	(void)arb_rec_i64(r, "expires", &exp);
	key = exp ? exp : r->ts;
	if (!x->has_key || key > x->key)
		x->key = key;
	x->has_key = 1;
}

/* The input's good lines, found here on their own (io.h, rec.h). */
static void
expected_lines(const uint8_t *in, size_t n, struct arb_rec *r, const char ***lv, size_t **ll, size_t *nl)
{
	size_t i = 0, cap = 0;
	char why[256];

	*lv = NULL;
	*ll = NULL;
	*nl = 0;
	while (i < n) {
		const char *p = (const char *)in + i, *nlp = memchr(p, '\n', n - i);
		size_t len = nlp ? (size_t)(nlp - p) : n - i;
		i += len + (nlp ? 1 : 0);
		if (nlp && len > 0 && p[len - 1] == '\r')
			len--;
		if (memchr(p, '\0', len) || arb_utf8_check(p, len))
			continue;
		if (arb_rec_parse(r, p, len, why, sizeof why) < 0)
			continue;
		if (*nl == cap) {
			cap = cap ? cap * 2 : 64;
			xrealloc(lv, cap * sizeof **lv);
			xrealloc(ll, cap * sizeof **ll);
		}
		(*lv)[*nl] = p;
		(*ll)[(*nl)++] = len;
	}
}

static void
check_output(const struct opts *op, const uint8_t *in, size_t n, struct run *rs)
{
	struct arb_rec r;
	struct tab t = { 0 };
	const char **lv;
	size_t *ll, nl, k = 0, seg = 0, pos = 0;
	int64_t now = 0;
	const char *out = rs->out.p ? rs->out.p : "";
	size_t olen = rs->out.len;
	char why[256];
	/* per venue and asset: the last balance record's locked */
	struct { char ex[ARB_EX_MAX], asset[ARB_ASSET_MAX]; arb_dec locked; } *lb = NULL;
	size_t nlb = 0, caplb = 0;
	/* the input balance record just passed through: the engine follows
	 * one it did not use (open orders hold the asset locked) with its
	 * own balance, a new base rather than a change */
	char jb_ex[ARB_EX_MAX] = "", jb_asset[ARB_ASSET_MAX] = "";
	int jb, just = 0;

	arb_rec_init(&r);
	expected_lines(in, n, &r, &lv, &ll, &nl);
	CHECK(rs->cut ? nl >= rs->npass : nl == rs->npass, "%zu good lines in the input, %zu passed "
	    "through", nl, rs->npass);
	CHECK(olen == 0 || out[olen - 1] == '\n', "the output does not end in a newline");
	while (pos < olen) {
		const char *p = out + pos, *e = memchr(p, '\n', olen - pos);
		size_t len;

		CHECK(e, "a line without its newline");
		len = (size_t)(e - p);
		if (seg < rs->nseg && pos >= rs->seg[seg]) {
			/* a crash restart: what came before may come again */
			tab_reset(&t);
			nlb = 0;
			seg++;
		}
		jb = just;
		just = 0;
		if (k < rs->npass && rs->pass[k] == pos) {
			CHECK(len == ll[k] && !memcmp(p, lv[k], len),
			    "line %zu of the input did not pass through unchanged:\n%.*s\n%.*s", k,
			    (int)ll[k], lv[k], (int)len, p);
			CHECK(arb_rec_parse(&r, p, len, why, sizeof why) == 0, "a good line no longer parses");
			input_rec(&t, &r);
			if (r.type == ARB_R_BALANCE && arb_rec_str(&r, "asset", jb_asset, sizeof jb_asset) == 0) {
				snprintf(jb_ex, sizeof jb_ex, "%s", r.ex);
				just = 1;
			}
			if (r.has_ts && r.ts > now)
				now = r.ts;
			if (r.type == ARB_R_OPPORTUNITY)
				opp_key(&t, &r, rs->refused[k], rs->floor[k], now);
			k++;
			pos += len + 1;
			continue;
		}
		CHECK(k >= rs->npass || rs->pass[k] > pos, "output out of step with its input");
		CHECK(arb_rec_parse(&r, p, len, why, sizeof why) == 0, "an output line does not parse "
		    "(%s):\n%.*s", why, (int)len, p);
		CHECK(is_engine(r.type), "the engine wrote a record of its input's kind:\n%.*s", (int)len, p);
		switch (r.type) {
		case ARB_R_ORDER:
			check_order(&t, &r, seg == 0);
			break;
		case ARB_R_FILL:
			check_fill(&t, &r, op, seg == 0);
			break;
		case ARB_R_RESULT:
			check_result(&t, &r);
			break;
		case ARB_R_BALANCE: {
			char asset[ARB_ASSET_MAX];
			arb_dec fr = dget(&r, "free"), lk = dget(&r, "locked");
			size_t i;
			if (!rs->tainted)
				CHECK(arb_dec_sign(fr) >= 0 && arb_dec_sign(lk) >= 0,
				    "a negative balance:\n%.*s", (int)len, p);
			sget(&r, "asset", asset, sizeof asset);
			{
				struct tot *x = tot_find(&t, r.ex, asset, 0);
				arb_dec sum;
				CHECK(arb_dec_add(&sum, fr, lk) == 0, "balance overflow");
				sum = arb_dec_trim(sum);
				if (x && jb && !strcmp(jb_ex, r.ex) && !strcmp(jb_asset, asset))
					;   /* the engine's after one it did not use */
				else if (x) {
					char a1[ARB_DEC_STRMAX], a2[ARB_DEC_STRMAX];
					arb_dec_fmt(x->total, a1);
					arb_dec_fmt(sum, a2);
					CHECK(arb_dec_cmp(x->total, sum) == 0, "%.*s: free + locked is %s, the "
					    "fills since the last balance make it %s", (int)len, p, a2, a1);
				} else
					x = tot_find(&t, r.ex, asset, 1);
				x->total = sum;
			}
			for (i = 0; i < nlb; i++)
				if (!strcmp(lb[i].ex, r.ex) && !strcmp(lb[i].asset, asset))
					break;
			if (i == nlb) {
				if (nlb == caplb) {
					caplb = caplb ? caplb * 2 : 16;
					xrealloc(&lb, caplb * sizeof *lb);
				}
				snprintf(lb[i].ex, ARB_EX_MAX, "%s", r.ex);
				snprintf(lb[i].asset, ARB_ASSET_MAX, "%s", asset);
				nlb++;
			}
			lb[i].locked = lk;
			break;
		}
		case ARB_R_RISK: {
			char action[16];
			sget(&r, "action", action, sizeof action);
			CHECK(!strcmp(action, "refuse") || !strcmp(action, "kill") || !strcmp(action, "resume"),
			    "%.*s: bad action", (int)len, p);
			break;
		}
		default:
			break;
		}
		pos += len + 1;
	}
	CHECK(k == rs->npass, "passed-through lines missing from the output");
	/* at the end: every opportunity with orders has its result, and
	 * nothing is locked any more */
	if (!rs->finish_open) {
		for (size_t i = 0; i < t.nro; i++) {
			struct res *x = res_find(&t, t.ropp[i], 0);
			CHECK(x && x->n, "opportunity %s has orders but no result", t.ropp[i]);
		}
		for (size_t i = 0; i < t.no; i++)
			CHECK(arb_ostate_terminal((enum arb_ostate)t.o[i].st) || t.o[i].st == ARB_OS_UNKNOWN,
			    "order %s left %s at the end", t.o[i].cid, arb_ostate_name((enum arb_ostate)t.o[i].st));
		if (!rs->tainted && !rs->nseg)
			for (size_t i = 0; i < nlb; i++)
				CHECK(arb_dec_is_zero(lb[i].locked), "%s %s: still locked at the end",
				    lb[i].ex, lb[i].asset);
	}
	free(lb);
	free(lv);
	free(ll);
	tab_free(&t);
	arb_rec_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int once;
	struct opts o;
	struct run a, b;

	if (size < 4)
		return 0;
	arb_loglevel = ARB_LOG_ERR - 1;   /* bad lines are expected: quiet */
	(void)fuzz_file("in.ndjson", (const uint8_t *)"", 0);
	if (!once) {
		once = 1;
		snprintf(state_path, sizeof state_path, "%s/exec.state", fuzz_dir);
		snprintf(bal_path, sizeof bal_path, "%s/balances.txt", fuzz_dir);
		snprintf(out_path, sizeof out_path, "%s/out.ndjson", fuzz_dir);
		atexit(cleanup);    /* before fuzz_cleanup's rmdir (LIFO) */
	}
	parse_opts(data, &o);
	run(&o, data + 4, size - 4, &a);
	if (getenv("FUZZ_EXEC_SHOW"))   /* to look at one input's run */
		fprintf(stderr, "%.*s", (int)a.out.len, a.out.p ? a.out.p : "");
	check_output(&o, data + 4, size - 4, &a);
	/* determinism: a fresh engine, a fresh state file, the same output */
	run(&o, data + 4, size - 4, &b);
	if (a.out.len != b.out.len || (a.out.len && memcmp(a.out.p, b.out.p, a.out.len))) {
		fprintf(stderr, "fuzz-exec: the same input gave different output:\n--- first\n%.*s"
		    "--- again\n%.*s", (int)a.out.len, a.out.p ? a.out.p : "", (int)b.out.len,
		    b.out.p ? b.out.p : "");
		abort();
	}
	/* the state file only keeps the state: without it (and without
	 * what it is for: a restart, orders kept open at the end), the
	 * same output */
	if (o.state && o.c.on_stop == ARB_STOP_CANCEL &&
	    (!o.event_line || o.event == EV_KILL || o.event == EV_STOP)) {
		o.state = 0;
		o.c.state_path = NULL;
		free(b.pass);
		free(b.seg);
		free(b.refused);
		free(b.floor);
		arb_buf_free(&b.out);
		run(&o, data + 4, size - 4, &b);
		if (a.out.len != b.out.len || (a.out.len && memcmp(a.out.p, b.out.p, a.out.len))) {
			fprintf(stderr, "fuzz-exec: the state file changed the output:\n--- with\n%.*s"
			    "--- without\n%.*s", (int)a.out.len, a.out.p ? a.out.p : "", (int)b.out.len,
			    b.out.p ? b.out.p : "");
			abort();
		}
	}
	arb_buf_free(&a.out);
	arb_buf_free(&b.out);
	free(a.pass);
	free(b.pass);
	free(a.seg);
	free(b.seg);
	free(a.refused);
	free(b.refused);
	free(a.floor);
	free(b.floor);
	return 0;
}
