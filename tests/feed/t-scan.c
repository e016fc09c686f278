/*
 * Unit tests of the venues' fast paths (lib/venue/scan.h): the digit
 * reader against a plain loop, the book's 64-bit formatter against
 * arb_dec_fmt, the Kraken and OKX checksums against the way they were
 * computed before (through arb_book_level and arb_dec_fmt), and frames of
 * every venue's usual forms: each one taken by the fast path (feed.nscan)
 * and giving the same records as the tokenizer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "feed.h"
#include "log.h"
#include "venue/scan.h"
#include "venue/venue.h"
#include "../tap.h"

uint32_t arb_kraken_checksum(const struct arb_book *b);
int32_t arb_okx_checksum(const struct arb_book *b);

static uint64_t rnd_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* The Kraken checksum as lib/venue/kraken.c computed it before. */
static uint32_t kraken_ref(const struct arb_book *b)
{
	char buf[2000];
	size_t n = 0;

	for (int side = ARB_ASK; side >= ARB_BID; side--)
		for (uint32_t i = 0; i < 10; i++) {
			const struct arb_level *l = arb_book_level(b, side, i);
			arb_dec d[2];
			if (!l)
				break;
			d[0] = l->px;
			d[1] = l->qty;
			for (int k = 0; k < 2; k++) {
				unsigned __int128 m = d[k].m < 0 ? (unsigned __int128)-d[k].m : (unsigned __int128)d[k].m;
				char tmp[48];
				size_t t = 0;
				do {
					tmp[t++] = (char)('0' + (int)(m % 10));
					m /= 10;
				} while (m);
				while (t)
					buf[n++] = tmp[--t];
			}
		}
	return (uint32_t)crc32(0L, (const Bytef *)buf, (uInt)n);
}

/* The OKX checksum as lib/venue/okx.c computed it before. */
static int32_t okx_ref(const struct arb_book *b)
{
	char buf[25 * 2 * 2 * (ARB_DEC_STRMAX + 1)];
	size_t n = 0;

	for (uint32_t i = 0; i < 25; i++)
		for (int side = ARB_BID; side <= ARB_ASK; side++) {
			const struct arb_level *l = arb_book_level(b, side, i);
			if (!l)
				continue;
			if (n)
				buf[n++] = ':';
			n += arb_dec_fmt(l->px, buf + n);
			buf[n++] = ':';
			n += arb_dec_fmt(l->qty, buf + n);
		}
	return (int32_t)(uint32_t)crc32(0L, (const Bytef *)buf, (uInt)n);
}

static int64_t rnd_coef(void)
{
	static const int64_t lim[] = { 10, 1000, 100000000, 1000000000000LL, 1000000000000000000LL };

	return (int64_t)(rnd() % (uint64_t)lim[rnd() % 5]);
}

struct frame {
	char kind;          /* 'f' frame, 'r' REST body */
	const char *url, *text;
	int fast;           /* times read by the fast path */
};

/* The frames through a fresh feed; records into fd; nscan returned. */
/* A replay feed of depth 5 writing to fd, with the venue of ops. */
static struct arb_venue *feed_start(struct arb_feed *f, struct arb_writer *w, const struct arb_venue_ops *ops,
    int fd)
{
	arb_writer_init(w, fd);
	arb_feed_init(f, w, 5);
	f->replay = 1;
	return arb_feed_venue(f, ops);
}

/* Its end; fd emptied when `empty`. */
static void feed_end(struct arb_feed *f, struct arb_writer *w, int fd, int empty)
{
	arb_writer_flush(w);
	arb_feed_free(f);
	arb_writer_free(w);
	if (!empty)
		return;
	if (ftruncate(fd, 0) < 0)
		abort();
	lseek(fd, 0, SEEK_SET);
}

static uint64_t run(const struct arb_venue_ops *ops, const struct frame *fr, int fd, struct arb_buf *errs)
{
	struct arb_writer w;
	struct arb_feed f;
	struct arb_venue *v = feed_start(&f, &w, ops, fd);
	int64_t rt = 1700000000000000;
	uint64_t n;

	for (; fr->text; fr++) {
		int rc;
		rt += 1000;
		v->why[0] = 0;
		rc = fr->kind == 'r' ? ops->rest(v, fr->url, fr->text, strlen(fr->text), rt) :
		    ops->frame(v, fr->url, fr->text, strlen(fr->text), rt);
		arb_buf_printf(errs, "%d %s\n", rc, rc < 0 ? v->why : "");
	}
	n = f.nscan;
	feed_end(&f, &w, fd, 0);
	return n;
}

static void slurp(int fd, struct arb_buf *b)
{
	char tmp[65536];
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, tmp, sizeof tmp)) > 0)
		arb_buf_add(b, tmp, (size_t)n);
	if (ftruncate(fd, 0) < 0)
		abort();
	lseek(fd, 0, SEEK_SET);
}

static void both_ways(int fd, const char *name, const struct arb_venue_ops *ops, const struct frame *fr)
{
	struct arb_buf out[2] = { { 0 } }, errs[2] = { { 0 } };
	uint64_t nscan[2], want = 0;
	int books = 0;

	for (const struct frame *x = fr; x->text; x++)
		want += (uint64_t)x->fast;
	for (int k = 0; k < 2; k++) {
		arb_venue_scan = !k;
		nscan[k] = run(ops, fr, fd, &errs[k]);
		slurp(fd, &out[k]);
	}
	arb_venue_scan = 1;
	is_int(nscan[0], want, "%s: %llu frames take the fast path", name, (unsigned long long)want);
	is_int(nscan[1], 0, "%s: none with arb_venue_scan 0", name);
	ok(out[0].len == out[1].len && memcmp(out[0].p, out[1].p, out[0].len) == 0, "%s: the same records", name);
	ok(errs[0].len == errs[1].len && memcmp(errs[0].p, errs[1].p, errs[0].len) == 0, "%s: the same errors", name);
	for (const char *p = out[0].p; p && (p = strstr(p, "\"ok\":true")); p++)
		books++;
	ok(books > 0, "%s: %d books in sync", name, books);
	if (out[0].len != out[1].len || memcmp(out[0].p, out[1].p, out[0].len) != 0)
		printf("# fast:\n%.*s# tokenizer:\n%.*s", (int)out[0].len, out[0].p, (int)out[1].len, out[1].p);
	for (int k = 0; k < 2; k++) {
		arb_buf_free(&out[k]);
		arb_buf_free(&errs[k]);
	}
}

#define KW "wss://ws.kraken.com/v2"
static const struct frame kraken[] = {
	/* a snapshot without timestamp (as Kraken sends it), then updates */
	{ 'f', KW, "{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
	    "[{\"price\":60000.1,\"qty\":0.5},{\"price\":59999,\"qty\":1.25000000}],\"asks\":[{\"price\":60001.5,"
	    "\"qty\":0.1}],\"checksum\":1}]}", 1 },
	{ 'f', KW, "{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
	    "[{\"price\":60000.1,\"qty\":0.5},{\"price\":59999,\"qty\":1.25000000}],\"asks\":[{\"price\":60001.5,"
	    "\"qty\":0.1}],\"checksum\":1264606822}]}", 1 },
	{ 'f', KW, "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
	    "[{\"price\":60000.1,\"qty\":0}],\"asks\":[],\"checksum\":4209022120,\"timestamp\":\"2024-05-01T10:00:01.123456Z\"}]}", 1 },
	{ 'f', KW, "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
	    "[{\"price\":6e4,\"qty\":0}],\"asks\":[],\"checksum\":1,\"timestamp\":\"2024-05-01T10:00:01.123456Z\"}]}", 0 },
	{ 'f', KW, "{\"channel\":\"heartbeat\"}", 0 },
	/* v1: a snapshot, an update with a republished level, one of asks
	 * and bids in two objects, one without checksum */
	{ 'f', "wss://ws.kraken.com", "[336,{\"as\":[[\"5541.30000\",\"2.50700000\",\"1534614248.123678\"],"
	    "[\"5541.80000\",\"0.33000000\",\"1534614098.345543\"]],\"bs\":[[\"5541.20000\",\"1.52900000\","
	    "\"1534614248.765567\"]]},\"book-10\",\"XBT/USD\"]", 1 },
	{ 'f', "wss://ws.kraken.com", "[336,{\"a\":[[\"5541.30000\",\"2.60000000\",\"1534614250.000000\",\"r\"]],"
	    "\"c\":\"3777841674\"},\"book-10\",\"XBT/USD\"]", 1 },
	{ 'f', "wss://ws.kraken.com", "[336,{\"a\":[[\"5541.80000\",\"0.00000000\",\"1534614251.1\"]]},{\"b\":"
	    "[[\"5541.10000\",\"1.00000000\",\"1534614251.2\"]],\"c\":\"3290619583\"},\"book-10\",\"XBT/USD\"]", 1 },
	{ 'f', "wss://ws.kraken.com", "[336,{\"b\":[[\"5541.20000\",\"0.00000000\",\"1534614252.0\"]]},"
	    "\"book-10\",\"XBT/USD\"]", 1 },
	{ 'f', "wss://ws.kraken.com", "[336,{\"b\":[[\"5541.20000\",\"0.00000000\"]]},\"book-10\",\"XBT/USD\"]", 0 },
	{ 0, NULL, NULL, 0 }
};

#define OW "wss://ws.okx.com:8443/ws/v5/public"
static const struct frame okx[] = {
	{ 'f', OW, "{\"arg\":{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},\"action\":\"snapshot\",\"data\":[{\"asks\":"
	    "[[\"8476.98\",\"415\",\"0\",\"13\"],[\"8477\",\"7\",\"0\",\"2\"]],\"bids\":[[\"8476.97\",\"256\",\"0\",\"12\"]],"
	    "\"ts\":\"1597026383085\",\"checksum\":226472999,\"prevSeqId\":-1,\"seqId\":123456}]}", 1 },
	{ 'f', OW, "{\"arg\":{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},\"action\":\"update\",\"data\":[{\"asks\":"
	    "[[\"8476.98\",\"0\",\"0\",\"0\"]],\"bids\":[],\"ts\":\"1597026383185\",\"prevSeqId\":123456,\"seqId\":123457}]}", 1 },
	{ 'f', OW, "{\"arg\":{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},\"action\":\"update\",\"data\":[{\"asks\":"
	    "[],\"bids\":[[\"8476.9\",\"3\",\"0\",\"1\"]],\"ts\":\"1597026383285\",\"checksum\":7}]}", 1 },
	{ 'f', OW, "pong", 0 },
	{ 0, NULL, NULL, 0 }
};

#define CW "wss://ws-feed.exchange.coinbase.com"
static const struct frame coinbase[] = {
	{ 'f', CW, "{\"type\":\"l2update\",\"product_id\":\"BTC-USD\",\"changes\":[[\"buy\",\"10101.80000000\",\"0.162567\"]],"
	    "\"time\":\"2019-08-14T20:42:27.265Z\"}", 1 },
	{ 'f', CW, "{\"type\":\"snapshot\",\"product_id\":\"BTC-USD\",\"bids\":[[\"10101.10\",\"0.45054140\"]],"
	    "\"asks\":[[\"10102.55\",\"0.57753524\"],[\"10102.56\",\"1\"]]}", 1 },
	{ 'f', CW, "{\"type\":\"l2update\",\"product_id\":\"BTC-USD\",\"changes\":[[\"buy\",\"10101.80000000\",\"0.162567\"],"
	    "[\"sell\",\"10102.55\",\"0.0\"]],\"time\":\"2019-08-14T20:42:27.265Z\"}", 1 },
	{ 'f', CW, "{\"type\":\"l2update\",\"product_id\":\"BTC-USD\",\"changes\":[[\"buy\",\"10101.8\",\"1\"]],"
	    "\"time\":\"yesterday\"}", 0 },
	{ 0, NULL, NULL, 0 }
};

#define BW "wss://stream.bybit.com/v5/public/spot"
static const struct frame bybit[] = {
	/* the documented order (type before ts) and gen-stream's */
	{ 'f', BW, "{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"snapshot\",\"ts\":1672304484978,\"data\":{\"s\":\"BTCUSDT\","
	    "\"b\":[[\"16493.50\",\"0.006\"],[\"16493.00\",\"0.100\"]],\"a\":[[\"16611.00\",\"0.029\"]],\"u\":18521288,"
	    "\"seq\":7961638724},\"cts\":1672304484976}", 1 },
	{ 'f', BW, "{\"topic\":\"orderbook.50.BTCUSDT\",\"ts\":1672304485978,\"type\":\"delta\",\"data\":{\"s\":\"BTCUSDT\","
	    "\"b\":[[\"16493.50\",\"0\"]],\"a\":[],\"u\":18521289,\"seq\":7961638725},\"cts\":1672304485976}", 1 },
	{ 'f', BW, "{\"topic\":\"orderbook.50.BTCUSDT\",\"ts\":1672304486978,\"type\":\"delta\",\"data\":{\"s\":\"BTCUSDT\","
	    "\"b\":[[\"16490\",\"1\"]],\"a\":[],\"u\":18521291}}", 1 },
	{ 'f', BW, "{\"op\":\"pong\",\"success\":true}", 0 },
	{ 0, NULL, NULL, 0 }
};

#define SW "wss://ws.bitstamp.net"
static const struct frame bitstamp[] = {
	/* held back until the snapshot, then read again: counted once */
	{ 'f', SW, "{\"data\":{\"timestamp\":\"1641343698\",\"microtimestamp\":\"1641343698660692\",\"bids\":"
	    "[[\"0.00002835\",\"1191.09203756\"]],\"asks\":[]},\"channel\":\"diff_order_book_batbtc\",\"event\":\"data\"}", 1 },
	{ 'r', "https://www.bitstamp.net/api/v2/order_book/batbtc", "{\"timestamp\":\"1641343697\",\"microtimestamp\":"
	    "\"1641343697000000\",\"bids\":[[\"0.00002830\",\"10\"]],\"asks\":[[\"0.00002844\",\"1143.93905784\"]]}", 1 },
	{ 'f', SW, "{\"data\":{\"timestamp\":\"1641343699\",\"microtimestamp\":\"1641343699660692\",\"bids\":"
	    "[[\"0.00002830\",\"0.00000000\"]],\"asks\":[[\"0.00002912\",\"2\"]]},\"channel\":\"diff_order_book_batbtc\","
	    "\"event\":\"data\"}", 1 },
	{ 'f', SW, "{\"event\":\"bts:heartbeat\",\"channel\":\"\",\"data\":{\"status\":\"success\"}}", 0 },
	{ 0, NULL, NULL, 0 }
};

/*
 * The largest id a venue can send has no next (UBSan: last + 1 overflowed
 * in the bybit and coinbase readers): what follows it is a gap, even the
 * id that last + 1 would have wrapped to.
 */
static const struct frame bybit_max[] = {
	{ 'f', BW, "{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"snapshot\",\"ts\":1672304484978,\"data\":{\"s\":\"BTCUSDT\","
	    "\"b\":[[\"16493.50\",\"0.006\"]],\"a\":[[\"16611.00\",\"0.029\"]],\"u\":9223372036854775807}}", 0 },
	{ 'f', BW, "{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"delta\",\"ts\":1672304485978,\"data\":{\"s\":\"BTCUSDT\","
	    "\"b\":[[\"16493.50\",\"0\"]],\"a\":[],\"u\":-9223372036854775808}}", 0 },
	{ 0, NULL, NULL, 0 }
};

#define AW "wss://advanced-trade-ws.coinbase.com"
static const struct frame coinbase_max[] = {
	{ 'f', AW, "{\"channel\":\"l2_data\",\"timestamp\":\"2023-11-14T22:13:20.2Z\",\"sequence_num\":9223372036854775807,"
	    "\"events\":[{\"type\":\"snapshot\",\"product_id\":\"BTC-USD\",\"updates\":[{\"side\":\"bid\",\"event_time\":"
	    "\"2023-11-14T22:13:20.2Z\",\"price_level\":\"100.0\",\"new_quantity\":\"1.5\"},{\"side\":\"offer\","
	    "\"event_time\":\"2023-11-14T22:13:20.2Z\",\"price_level\":\"101.0\",\"new_quantity\":\"2\"}]}]}", 0 },
	{ 'f', AW, "{\"channel\":\"heartbeats\",\"timestamp\":\"2023-11-14T22:13:20.3Z\",\"sequence_num\":-9223372036854775808,"
	    "\"events\":[]}", 0 },
	{ 0, NULL, NULL, 0 }
};

/*
 * A subscription's depth past 2^32 - 1 (Kraken's acknowledgement, Bybit's
 * topic) is ignored; it was cut to 32 bits, so that 4294967297 kept one
 * level of the book.
 */
static const struct frame kraken_depth[] = {
	{ 'f', KW, "{\"method\":\"subscribe\",\"result\":{\"channel\":\"book\",\"symbol\":\"BTC/USD\","
	    "\"depth\":4294967297,\"snapshot\":true},\"success\":true}", 0 },
	{ 0, NULL, NULL, 0 }
};
static const struct frame bybit_depth[] = {
	{ 'f', BW, "{\"topic\":\"orderbook.4294967297.BTCUSDT\",\"type\":\"snapshot\",\"ts\":1672304484978,"
	    "\"data\":{\"s\":\"BTCUSDT\",\"b\":[[\"16493.50\",\"0.006\"],[\"16493.00\",\"0.100\"]],"
	    "\"a\":[[\"16611.00\",\"0.029\"]],\"u\":18521288}}", 0 },
	{ 0, NULL, NULL, 0 }
};

/* The depth kept of the first book after the frames (0: all). */
static uint32_t maxdepth(const struct arb_venue_ops *ops, const struct frame *fr, int fd)
{
	struct arb_writer w;
	struct arb_feed f;
	struct arb_venue *v = feed_start(&f, &w, ops, fd);
	int64_t rt = 1700000000000000;
	uint32_t d = (uint32_t)-1;

	for (const struct frame *x = fr; x->text; x++)
		(void)ops->frame(v, x->url, x->text, strlen(x->text), rt += 1000);
	if (v->nlist)
		d = v->list[0]->maxdepth;
	feed_end(&f, &w, fd, 1);
	return d;
}

/* The gaps the frames make, with either reader. */
static uint64_t gaps(const struct arb_venue_ops *ops, const struct frame *fr, int fd)
{
	struct arb_writer w;
	struct arb_feed f;
	struct arb_venue *v = feed_start(&f, &w, ops, fd);
	int64_t rt = 1700000000000000;
	uint64_t n = 0;

	for (int k = 0; k < 2; k++) {
		arb_venue_scan = !k;
		for (const struct frame *x = fr; x->text; x++) {
			rt += 1000;
			(void)ops->frame(v, x->url, x->text, strlen(x->text), rt);
		}
	}
	arb_venue_scan = 1;
	for (uint32_t i = 0; i < v->nlist; i++)
		n += v->list[i]->ngap;
	feed_end(&f, &w, fd, 1);
	return n;
}

int main(void)
{
	int bad = 0, fd;

	/* digits: every length and position, at the end of the text too */
	for (int i = 0; i < 200000; i++) {
		char t[32];
		int len = (int)(rnd() % 24), stop = (int)(rnd() % 24);
		uint64_t x = 0, y = 0;
		const char *q, *r;
		for (int k = 0; k < len; k++)
			t[k] = k == stop ? "./\":e,]x\x80 "[rnd() % 10] : (char)('0' + rnd() % 10);
		q = arb_scan_digits(t, t + len, &x);
		for (r = t; r < t + len && *r >= '0' && *r <= '9'; r++)
			y = y * 10 + (uint64_t)(*r - '0');
		bad += q != r || x != y;
	}
	is_int(bad, 0, "arb_scan_digits = a plain loop (200000 strings)");

	/* decimals: the short way = the general way, quoted and not */
	bad = 0;
	for (int i = 0; i < 400000; i++) {
		char t[48];
		int q = i & 1 ? '"' : 0, len = 25 + (int)(rnd() % 20), k = 0;
		int64_t m1 = -1, m2 = -1;
		int8_t s1 = -1, s2 = -1;
		const char *t1 = NULL, *t2 = NULL, *r1, *r2;
		if (q && rnd() % 16)
			t[k++] = '"';
		if (rnd() & 1) {
			/* most often a number of the usual shape */
			int ni = (int)(rnd() % 11), nf = (int)(rnd() % 11);
			while (ni-- > 0)
				t[k++] = (char)('0' + rnd() % 10);
			if (rnd() % 4) {
				t[k++] = '.';
				while (nf-- > 0)
					t[k++] = (char)('0' + rnd() % 10);
			}
			if (q && rnd() % 8)
				t[k++] = '"';
		}
		while (k < len) {
			unsigned r = (unsigned)(rnd() % 32);
			t[k++] = r < 20 ? (char)('0' + r % 10) : "..\"\"eE,]x-\x80\xfa"[r - 20];
		}
		r1 = arb_scan_dec(t, t + len, q, &m1, &s1, &t1);
		r2 = arb_scan_dec_any(t, t + len, q, &m2, &s2, &t2);
		bad += r1 != r2 || (r1 && (m1 != m2 || s1 != s2 || t1 != t2));
	}
	is_int(bad, 0, "arb_scan_dec = arb_scan_dec_any (400000 strings)");

	bad = 0;
	for (int i = 0; i < 200000; i++) {
		char a[ARB_DEC_STRMAX + 1], b[ARB_DEC_STRMAX + 1];
		int64_t m = rnd_coef();
		int s = (int)(rnd() % (i & 1 ? 19 : 37));
		size_t na = arb_book_fmt64(a, m, s), nb = arb_dec_fmt(arb_dec_make(m, s), b);
		bad += na != nb || memcmp(a, b, na) != 0;
	}
	is_int(bad, 0, "arb_book_fmt64 = arb_dec_fmt (200000 values)");

	bad = 0;
	for (int i = 0; i < 3000; i++) {
		struct arb_book b;
		int n = (int)(rnd() % 40);
		arb_book_init(&b);
		for (int k = 0; k < n; k++) {
			arb_book_set64(&b, rnd() & 1 ? ARB_BID : ARB_ASK, rnd_coef(), (int)(rnd() % 19),
			    rnd_coef() + 1, (int)(rnd() % 19));
			if (k == n / 2 && i % 3) {
				/* the text of the best levels kept from here on */
				struct arb_buf j = { 0 };
				arb_book_json(&b, ARB_BID, 1 + (uint32_t)(rnd() % 30), &j);
				arb_book_json(&b, ARB_ASK, 1 + (uint32_t)(rnd() % 30), &j);
				arb_buf_free(&j);
			}
		}
		bad += arb_kraken_checksum(&b) != kraken_ref(&b);
		bad += arb_okx_checksum(&b) != okx_ref(&b);
		arb_book_free(&b);
	}
	is_int(bad, 0, "Kraken and OKX checksums = the way they were computed before (3000 books)");

	arb_loglevel = ARB_LOG_ERR - 1;   /* gaps are expected here: quiet */
	fd = memfd_create("t-scan", 0);
	ok(fd >= 0, "memfd");
	both_ways(fd, "kraken", &arb_venue_kraken, kraken);
	both_ways(fd, "okx", &arb_venue_okx, okx);
	both_ways(fd, "coinbase", &arb_venue_coinbase, coinbase);
	both_ways(fd, "bybit", &arb_venue_bybit, bybit);
	both_ways(fd, "bitstamp", &arb_venue_bitstamp, bitstamp);
	is_int(gaps(&arb_venue_bybit, bybit_max, fd), 2, "bybit: an update after u = INT64_MAX is a gap (both readers)");
	is_int(gaps(&arb_venue_coinbase, coinbase_max, fd), 2,
	    "coinbase: a message after sequence_num INT64_MAX is a gap (both readers)");
	is_int(maxdepth(&arb_venue_kraken, kraken_depth, fd), 0, "kraken: a subscribed depth of 2^32 + 1 is ignored");
	is_int(maxdepth(&arb_venue_bybit, bybit_depth, fd), 0, "bybit: a topic's depth of 2^32 + 1 is ignored");
	close(fd);
	return done_testing();
}
