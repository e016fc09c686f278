/* Unit tests of lib/book.c: sorted levels, set/delete, top-N, crossed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "rec.h"
#include "util.h"
#include "../tap.h"

static arb_dec D(const char *s)
{
	arb_dec d;
	const char *why;

	if (arb_dec_parse(&d, s, strlen(s), &why) < 0)
		abort();
	return d;
}

static const char *top(const struct arb_book *b, enum arb_side side)
{
	static char out[1024];
	struct arb_level l[16];
	uint32_t n = arb_book_top(b, side, 16, l);
	size_t k = 0;

	out[0] = 0;
	for (uint32_t i = 0; i < n; i++) {
		char p[ARB_DEC_STRMAX], q[ARB_DEC_STRMAX];
		arb_dec_fmt(l[i].px, p);
		arb_dec_fmt(l[i].qty, q);
		k += (size_t)snprintf(out + k, sizeof out - k, "%s%s@%s", i ? " " : "", q, p);
	}
	return out;
}

int main(void)
{
	struct arb_book b;

	arb_book_init(&b);
	is_str(top(&b, ARB_BID), "", "empty bids");
	ok(!arb_book_crossed(&b), "empty book is not crossed");
	arb_book_set(&b, ARB_BID, D("100.5"), D("1"));
	arb_book_set(&b, ARB_BID, D("101"), D("2"));
	arb_book_set(&b, ARB_BID, D("99.75"), D("3"));
	arb_book_set(&b, ARB_BID, D("100.50"), D("4"));   /* same price, other scale */
	is_str(top(&b, ARB_BID), "2@101 4@100.50 3@99.75", "bids best (highest) first, replace in place");
	arb_book_set(&b, ARB_ASK, D("102"), D("1"));
	arb_book_set(&b, ARB_ASK, D("101.5"), D("1.5"));
	arb_book_set(&b, ARB_ASK, D("103"), D("0.1"));
	is_str(top(&b, ARB_ASK), "1.5@101.5 1@102 0.1@103", "asks best (lowest) first");
	ok(!arb_book_crossed(&b), "101 < 101.5: not crossed");
	arb_book_set(&b, ARB_BID, D("101.5"), D("1"));
	ok(arb_book_crossed(&b), "101.5 >= 101.5: crossed");
	arb_book_set(&b, ARB_BID, D("101.5"), D("0.000"));
	ok(!arb_book_crossed(&b), "zero quantity deletes");
	is_int(arb_book_del(&b, ARB_BID, D("7")), 0, "deleting an absent level");
	is_int(arb_book_del(&b, ARB_BID, D("101")), 1, "deleting a level");
	is_str(top(&b, ARB_BID), "4@100.50 3@99.75", "after delete");
	is_int(arb_book_set(&b, ARB_BID, D("-1"), D("1")), -1, "negative price refused");
	is_int(arb_book_set(&b, ARB_BID, D("1"), D("-1")), -1, "negative qty refused");
	for (int i = 1; i <= 300; i++) {
		char p[32];
		snprintf(p, sizeof p, "%d.%02d", 50 + i / 100, i % 100);
		arb_book_set(&b, ARB_ASK, D(p), D("1"));
	}
	is_int(arb_book_len(&b, ARB_ASK), 303, "300 more asks");
	is_str(arb_book_level(&b, ARB_ASK, 0) ? "x" : "", "x", "level 0 exists");
	{
		char p[ARB_DEC_STRMAX];
		arb_dec_fmt(arb_book_level(&b, ARB_ASK, 0)->px, p);
		is_str(p, "50.01", "best ask is the lowest");
		arb_dec_fmt(arb_book_level(&b, ARB_ASK, 302)->px, p);
		is_str(p, "103", "worst ask is the highest");
	}
	arb_book_truncate(&b, 2);
	is_str(top(&b, ARB_ASK), "1@50.01 1@50.02", "truncate keeps the best");
	is_str(top(&b, ARB_BID), "4@100.50 3@99.75", "truncate: bids untouched under the limit");
	ok(arb_book_crossed(&b), "crossed: bid 100.50 >= ask 50.01");
	{
		/* the fast JSON of levels is byte for byte arb_emit_levels' */
		struct arb_book r;
		struct arb_buf x = { 0 }, y = { 0 };
		struct arb_level l[40];
		uint32_t seed = 12345, n, bad = 0;
		arb_book_init(&r);
		for (int k = 0; k < 2000; k++) {
			char p[48], q[48];
			seed = seed * 1103515245u + 12345u;
			snprintf(p, sizeof p, "%u.%0*u", seed % 1000, (int)(seed >> 8) % 9 + 1, (seed >> 4) % 100000);
			snprintf(q, sizeof q, "%s%u", seed & 1 ? "0.0" : "", (seed >> 12) % 1000);
			arb_book_set(&r, seed & 2 ? ARB_BID : ARB_ASK, D(p), D(q));
		}
		arb_book_set(&r, ARB_BID, D("0.000"), D("5"));
		arb_book_set(&r, ARB_ASK, D("123456789012345678"), D("0.000000000000000001"));
		for (int side = ARB_BID; side <= ARB_ASK; side++) {
			arb_buf_reset(&x);
			arb_buf_reset(&y);
			arb_book_json(&r, side, 40, &x);
			n = arb_book_top(&r, side, 40, l);
			arb_emit_levels(&y, l, n);
			bad += strcmp(x.p, y.p) != 0;
			arb_buf_reset(&x);
			arb_buf_reset(&y);
			arb_book_json(&r, side, 100000, &x);
		}
		is_int(bad, 0, "arb_book_json = arb_emit_levels");
		ok(strstr(x.p, "[123456789012345678,0.000000000000000001]") != NULL, "18 digits either side");
		arb_book_free(&r);
		arb_buf_free(&x);
		arb_buf_free(&y);
	}
	{
		/* arb_book_load = arb_book_set one by one: duplicates (last
		 * wins, also across scales), zeros, any order */
		struct arb_book x, y;
		struct arb_level in[3000], ox[3000], oy[3000];
		struct arb_buf jx = { 0 }, jy = { 0 };
		uint32_t seed = 777, n = 0, bad = 0;
		for (int side = ARB_BID; side <= ARB_ASK; side++) {
			arb_book_init(&x);
			arb_book_init(&y);
			n = 0;
			for (int k = 0; k < 3000; k++) {
				char p[32], q[32];
				seed = seed * 1103515245u + 12345u;
				snprintf(p, sizeof p, seed & 4 ? "%u.%u0" : "%u.%u", (seed >> 8) % 50, (seed >> 16) % 10);
				snprintf(q, sizeof q, "%u", (seed >> 20) % 5);
				in[n].px = D(p);
				in[n].qty = D(q);
				arb_book_set(&x, side, in[n].px, in[n].qty);
				n++;
			}
			is_int(arb_book_load(&y, side, in, n), 0, "load %s", side ? "asks" : "bids");
			is_int(arb_book_len(&y, side), arb_book_len(&x, side), "load: as many levels as one by one");
			uint32_t a = arb_book_top(&x, side, 3000, ox), c = arb_book_top(&y, side, 3000, oy);
			for (uint32_t i = 0; i < a && i < c; i++)
				bad += arb_dec_cmp(ox[i].px, oy[i].px) != 0 || arb_dec_cmp(ox[i].qty, oy[i].qty) != 0;
			arb_buf_reset(&jx);
			arb_buf_reset(&jy);
			arb_book_json(&x, side, 3000, &jx);
			arb_book_json(&y, side, 3000, &jy);
			is_int(bad, 0, "load: the same levels");
			ok(strcmp(jx.p, jy.p) == 0, "load: the same text, scales included");
			arb_book_free(&x);
			arb_book_free(&y);
		}
		arb_buf_free(&jx);
		arb_buf_free(&jy);
		arb_book_init(&y);
		in[0].px = D("-1");
		in[0].qty = D("1");
		is_int(arb_book_load(&y, ARB_BID, in, 1), -1, "load: a negative price is refused");
		is_int(arb_book_len(&y, ARB_BID), 0, "load: ...and the side stays empty");
		arb_book_free(&y);
	}
	arb_book_clear(&b);
	is_int(arb_book_len(&b, ARB_BID) + arb_book_len(&b, ARB_ASK), 0, "clear");
	arb_book_free(&b);
	{
		/* the kept text of the best levels follows every change: after
		 * each random set, delete, clear, load or truncate, the JSON of
		 * every depth (cached up to ARB_BOOK_TXT_MAX, formatted beyond)
		 * equals arb_emit_levels() of arb_book_top() */
		static const uint32_t depths[] = { 1, 2, 5, 10, 32, 33 };
		struct arb_book r;
		struct arb_buf x = { 0 }, y = { 0 };
		struct arb_level l[64], in[40];
		uint32_t seed = 4242, bad = 0, checks = 0, topbad = 0;
		char best[96] = "";
		arb_book_init(&r);
		for (int k = 0; k < 60000; k++) {
			char p[48], q[48];
			uint32_t op, d = depths[(k / 500) % 6];
			enum arb_side side;
			seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
			op = (seed >> 16) % 1000;
			side = seed & 0x100 ? ARB_BID : ARB_ASK;
			/* prices around 100 so that both sides are long and the
			 * top moves; some at another scale, some at zero qty */
			snprintf(p, sizeof p, seed & 0x200 ? "%u.%u" : "%u.%u0", 90 + (seed >> 4) % 20, (seed >> 10) % 10);
			snprintf(q, sizeof q, "%u.%03u", (seed >> 20) % 3, (seed >> 8) % 1000);
			if (op < 2)
				arb_book_clear(&r);
			else if (op < 4)
				arb_book_truncate(&r, (seed >> 4) % 40);
			else if (op < 6) {
				uint32_t n = (seed >> 4) % 40;
				for (uint32_t i = 0; i < n; i++) {
					seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
					snprintf(p, sizeof p, "%u.%u", 90 + (seed >> 4) % 20, (seed >> 10) % 10);
					in[i].px = D(p);
					in[i].qty = D(seed & 1 ? "0" : "1.5");
				}
				arb_book_clear(&r);
				arb_book_load(&r, side, in, n);
			} else if (op < 300)
				arb_book_del(&r, side, D(p));
			else
				arb_book_set(&r, side, D(p), D(q));
			/* top_moved: while it is clear, the best prices are the
			 * ones seen when it was cleared */
			{
				char now[96] = "", *w = now;
				for (int sd = ARB_BID; sd <= ARB_ASK; sd++) {
					const struct arb_level *t = arb_book_level(&r, sd, 0);
					if (t)
						w += arb_dec_fmt(t->px, w);
					*w++ = '|';
					*w = 0;
				}
				if (r.top_moved) {
					r.top_moved = 0;
					snprintf(best, sizeof best, "%s", now);
				} else if (strcmp(best, now) != 0 && topbad++ < 3)
					printf("# step %d: best prices moved from %s to %s without top_moved\n", k, best, now);
			}
			if (k % 7 && k % 500 != 499)
				continue;
			for (int s = ARB_BID; s <= ARB_ASK; s++) {
				uint32_t n;
				arb_buf_reset(&x);
				arb_buf_reset(&y);
				arb_book_json(&r, s, d, &x);
				n = arb_book_top(&r, s, d, l);
				arb_emit_levels(&y, l, n);
				if (strcmp(x.p, y.p) != 0 && bad++ < 3)
					printf("# step %d depth %u side %d:\n#  got  %s\n#  want %s\n", k, d, s, x.p, y.p);
				checks++;
			}
		}
		is_int(bad, 0, "kept level text = arb_emit_levels after %u random changes (%u checks)", 60000u, checks);
		is_int(topbad, 0, "top_moved is set whenever a best price moves");
		arb_book_free(&r);
		arb_buf_free(&x);
		arb_buf_free(&y);
	}
	{
		/* a snapshot sent best first (mixed scales, zero quantities)
		 * loads without sorting, to the same book as one by one; out of
		 * order input still sorts */
		struct arb_book x, y, z;
		struct arb_blevel in[200];
		struct arb_buf jx = { 0 }, jy = { 0 }, jz = { 0 };
		for (int side = ARB_BID; side <= ARB_ASK; side++) {
			arb_book_init(&x);
			arb_book_init(&y);
			arb_book_init(&z);
			for (int i = 0; i < 200; i++) {
				int k = side == ARB_BID ? 1000 - i : 800 + i;
				/* every third price at scale 2 (k.k0), the others at scale 1 */
				in[i].px = i % 3 ? k : k * 10;
				in[i].ps = i % 3 ? 1 : 2;
				in[i].qty = i % 7 ? i : 0;
				in[i].qs = 3;
				arb_book_set64(&x, side, in[i].px, in[i].ps, in[i].qty, in[i].qs);
			}
			is_int(arb_book_load64(&y, side, in, 200), 0, "load64 best first");
			is_int(arb_book_len(&y, side), 200 - 29, "load64: zeros are no level");
			arb_book_json(&x, side, 1000, &jx);
			arb_book_json(&y, side, 1000, &jy);
			ok(strcmp(jx.p, jy.p) == 0, "load64 best first = one by one");
			/* out of order, with a duplicate price: the later one wins */
			in[5] = in[150];
			in[150].qty = 77;
			is_int(arb_book_load64(&z, side, in, 200), 0, "load64 out of order");
			arb_book_clear(&x);
			for (int i = 0; i < 200; i++)
				arb_book_set64(&x, side, in[i].px, in[i].ps, in[i].qty, in[i].qs);
			arb_buf_reset(&jx);
			arb_book_json(&x, side, 1000, &jx);
			arb_book_json(&z, side, 1000, &jz);
			ok(strcmp(jx.p, jz.p) == 0, "load64 sorted = one by one");
			arb_book_free(&x);
			arb_book_free(&y);
			arb_book_free(&z);
			arb_buf_reset(&jx);
			arb_buf_reset(&jy);
			arb_buf_reset(&jz);
		}
		arb_buf_free(&jx);
		arb_buf_free(&jy);
		arb_buf_free(&jz);
	}
	return done_testing();
}
