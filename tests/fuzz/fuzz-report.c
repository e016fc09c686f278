/*
 * fuzz-report.c: libFuzzer target for arb-report's engine (report.h):
 * the input is a stream of records (arb-ndjson(5)), read as arb-report
 * reads a file: arb_reader's lines, a first pass for the last record time
 * and the first result's currency, --since/--until resolved from them, a
 * second pass into the report (bad lines and unknown types counted), then
 * arb_report_finish, a few --check outcomes, and every format.
 *
 * An input that starts with "#!" has 4 option bytes after it (then a
 * newline, which the reader sees as an empty line): the reports, the
 * time window, --venue, --sym, --ccy, --reaction and --width; any other
 * input is read with the defaults plus the reports chosen by its length.
 *
 * Checked, as man/arb-report.1 promises:
 *   json  NDJSON: every line is one JSON object (jansson, which shares no
 *         code with json.c; numbers read as reals, since an exact decimal
 *         may be an integer beyond 64 bits) with "type":"report", a string
 *         "table" and no key twice; one document per line, not one for
 *         the whole output, as the page says;
 *   prom  every line is "# HELP name text", "# TYPE name gauge" or
 *         name{label="value",...} value with valid names, escaped label
 *         values, a plain decimal value; TYPE before a family's samples,
 *         families contiguous, no label twice in a sample, no series twice
 *         (what the node_exporter textfile collector refuses);
 *   csv   RFC 4180: every record of a block has the header's number of
 *         fields, the first field of a row is the table's name, CRLF;
 *   html  every '<' opens one of the page's own tags (a venue named
 *         "<script>" is text), no '<' or unbalanced quote inside a tag;
 *   text  the tables, walked with arb_report_build: a title line, then
 *         per table an empty line, its title, a header, a rule, one line
 *         per row ("(none)" when none), the note; no line wider than the
 *         width asked for, unless the table's numbers and the shortest
 *         forms of its other cells do not fit (the page: "numbers are
 *         never cut"); no control character;
 *   the --check metrics of the overview (records, bad_lines, executed,
 *   ...) are the numbers of the JSON "overview" rows;
 *   determinism: a second report of the same input, made afresh, writes
 *   the same bytes in every format.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-report.c (all of lib/) $(pkg-config --libs jansson) \
 *       -o fuzz-report
 *   (tests/fuzz/run builds it against all of lib/)
 */
#include "config.h"

#include <fcntl.h>
#include <jansson.h>

#include "fuzz-file.h"
#include "io.h"
#include "log.h"
#include "rec.h"
#include "report.h"
#include "report_int.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz-report: %s:%d: %s\n", \
	__FILE__, __LINE__, #c); abort(); } } while (0)

struct opts {
	struct arb_report_opts o;
	const char *since, *until;
	unsigned reports;
};

/* The lines of the input as arb-report keeps them. */
struct lines {
	char **p;
	size_t *len;
	size_t n;
	uint64_t nbad;
};

static void read_lines(const char *path, struct lines *L)
{
	struct arb_reader rd;
	char *line;
	size_t len, cap = 0;
	int fd = open(path, O_RDONLY), k;

	CHECK(fd >= 0);
	memset(L, 0, sizeof *L);
	arb_reader_init(&rd, fd, "stdin");
	while ((k = arb_reader_next(&rd, &line, &len)) != ARB_RD_EOF) {
		CHECK(k != ARB_RD_ERR);
		if (k == ARB_RD_BAD) {
			CHECK(rd.why && *rd.why);
			L->nbad++;
			continue;
		}
		if (L->n == cap) {
			cap = cap ? cap * 2 : 64;
			xrealloc(&L->p, cap * sizeof *L->p);
			xrealloc(&L->len, cap * sizeof *L->len);
		}
		L->p[L->n] = xmalloc(len + 1);
		memcpy(L->p[L->n], line, len);
		L->p[L->n][len] = '\0';
		L->len[L->n++] = len;
	}
	arb_reader_free(&rd);
	close(fd);
}

static void lines_free(struct lines *L)
{
	for (size_t i = 0; i < L->n; i++)
		free(L->p[i]);
	free(L->p);
	free(L->len);
}

/* Checks given to every report: each metric once, and each operator. */
static const char *const checks[] = {
	"pnl >= -50", "pnl_24h > -50", "fees_1h<=10", "opportunities != 0", "executed == 0",
	"win_rate >= 0.5", "largest_loss > -100.5", "exposure_assets < 3", "kills == 0",
	"uptime >= 0.99", "stale_seconds < 30", "ack_p99_ms < 250", "reaction_ms<=100",
	"capturable > 0.1", "records > 0", "bad_lines == 0", "down_seconds < 1",
	"gaps == 0", "resyncs == 0", "stale_periods == 0", "disconnects == 0", "refusals < 5",
	"complete >= 0", "partial == 0", "unwound == 0", "failed == 0", "skipped >= 0",
};
#define NCHECKS (sizeof checks / sizeof checks[0])

/* arb-report's main, from the lines to a finished report with checks. */
static struct arb_report *report(const struct lines *L, const struct opts *op,
    struct arb_report_opts *o, char *first_ccy, size_t ccylen)
{
	struct arb_report *rep;
	struct arb_rec rec;
	char why[256];
	uint64_t nbad = L->nbad, nunknown = 0;
	int64_t last = 0;
	int has_last = 0;
	size_t i;

	*o = op->o;
	first_ccy[0] = '\0';
	arb_rec_init(&rec);
	for (i = 0; i < L->n; i++) {
		if (arb_rec_parse(&rec, L->p[i], L->len[i], why, sizeof why) < 0 ||
		    rec.type == ARB_R_UNKNOWN)
			continue;
		if (rec.has_ts && (!has_last || rec.ts > last)) {
			last = rec.ts;
			has_last = 1;
		}
		if (!first_ccy[0] && rec.type == ARB_R_RESULT)
			arb_rec_str(&rec, "ccy", first_ccy, ccylen);
	}
	if (op->since) {
		CHECK(arb_report_time_arg(op->since, last, &o->since) == 0);
		o->has_since = 1;
	}
	if (op->until) {
		CHECK(arb_report_time_arg(op->until, last, &o->until) == 0);
		o->has_until = 1;
	}
	if (!o->ccy && first_ccy[0])
		o->ccy = first_ccy;
	rep = arb_report_new(o);
	for (i = 0; i < L->n; i++) {
		why[0] = '\0';
		if (arb_rec_parse(&rec, L->p[i], L->len[i], why, sizeof why) < 0) {
			CHECK(why[0]);
			nbad++;
			continue;
		}
		if (rec.type == ARB_R_UNKNOWN) {
			if (rec.has_ts && ((o->has_since && rec.ts < o->since) ||
			    (o->has_until && rec.ts > o->until)))
				continue;
			nunknown++;
			continue;
		}
		arb_report_add(rep, &rec);
	}
	arb_rec_free(&rec);
	arb_report_count_bad(rep, nbad, nunknown);
	arb_report_finish(rep);
	for (i = 0; i < NCHECKS; i++) {
		struct arb_check c;
		arb_dec v;
		int k;

		CHECK(arb_check_parse(&c, checks[i], why, sizeof why) == 0);
		k = arb_report_metric(rep, c.metric, &v);
		CHECK(k == 0 || k == 1);
		arb_report_add_check(rep, c.text, k == 0 ? &v : NULL, k == 0 && arb_check_holds(&c, v));
	}
	return rep;
}

/* ---- json ---- */

/* The raw text of the value of item in the overview rows of out, or NULL. */
static const char *overview_value(const struct arb_buf *out, const char *item, size_t *n)
{
	char key[128];
	const char *p;

	snprintf(key, sizeof key, "\"table\":\"overview\",\"item\":\"%s\",\"value\":", item);
	if (!out->p || !(p = strstr(out->p, key)))
		return NULL;
	p += strlen(key);
	*n = strcspn(p, ",}");
	return p;
}

static void check_json(struct arb_report *rep, const struct arb_buf *out, unsigned reports)
{
	static const struct { const char *metric, *item; } same[] = {
		{ "records", "records in the period" }, { "bad_lines", "bad lines (input)" },
		{ "opportunities", "opportunities detected" }, { "executed", "executed" },
		{ "complete", "complete" }, { "partial", "partial" }, { "unwound", "unwound" },
		{ "failed", "failed" }, { "skipped", "skipped" }, { "refusals", "risk refusals" },
		{ "kills", "kill switch" }, { "pnl", "realised pnl" }, { "fees", "fees paid" },
	};
	const char *p = out->p ? out->p : "", *e = p + out->len;
	size_t i;

	CHECK(out->len == 0 || e[-1] == '\n');
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		json_error_t err;
		json_t *j, *t;

		CHECK(nl);
		/* as reals: a JSON integer may exceed jansson's json_int_t (an
		 * exact decimal can have 38 digits), which JSON allows */
		j = json_loadb(p, (size_t)(nl - p), JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL,
		    &err);
		if (!j || !json_is_object(j)) {
			fprintf(stderr, "fuzz-report: json line refused: %s\n%.*s\n", j ? "not an object" :
			    err.text, (int)(nl - p), p);
			abort();
		}
		t = json_object_get(j, "type");
		CHECK(t && json_is_string(t) && !strcmp(json_string_value(t), "report"));
		t = json_object_get(j, "table");
		CHECK(t && json_is_string(t));
		json_decref(j);
		p = nl + 1;
	}
	if (!(reports & ARB_REP_SUMMARY))
		return;
	for (i = 0; i < sizeof same / sizeof same[0]; i++) {
		char vb[ARB_DEC_STRMAX];
		const char *s;
		size_t n;
		arb_dec v;
		int k = arb_report_metric(rep, same[i].metric, &v);

		CHECK(k == 0 || k == 1);
		s = overview_value(out, same[i].item, &n);
		CHECK(s);
		if (k == 1) {
			/* pnl and fees without a price: unknown both ways */
			CHECK(n == 4 && !memcmp(s, "null", 4));
			continue;
		}
		rdec_str(v, vb);
		if (strlen(vb) != n || memcmp(vb, s, n)) {
			fprintf(stderr, "fuzz-report: metric %s is %s, the overview says %.*s\n",
			    same[i].metric, vb, (int)n, s);
			abort();
		}
	}
}

/* ---- prometheus ---- */

static int name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static int name_char(int c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/* Length of the metric name at p (label names: no ':'), 0 if none. */
static size_t pname(const char *p, const char *e, int label)
{
	size_t n = 0;

	if (p >= e || !name_start(*p) || (label && *p == ':'))
		return 0;
	while (p + n < e && name_char(p[n]) && !(label && p[n] == ':'))
		n++;
	return n;
}

struct seen {
	char **v;
	size_t n, cap;
};

static int seen_has(const struct seen *s, const char *k)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], k))
			return 1;
	return 0;
}

static void seen_add(struct seen *s, const char *k)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		xrealloc(&s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = xstrdup(k);
}

static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static int lblcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define PBAD(why) do { fprintf(stderr, "fuzz-report: prom line %zu: %s\n%.*s\n", lineno, why, \
	(int)(nl - p), p); abort(); } while (0)

static void check_prom(const struct arb_buf *out)
{
	const char *p = out->p ? out->p : "", *e = p + out->len;
	struct seen types = { 0 }, done = { 0 }, series = { 0 }, sampled = { 0 };
	char cur[256] = "";
	size_t lineno = 0;

	CHECK(out->len == 0 || e[-1] == '\n');
	for (; p < e; p = strchr(p, '\n') + 1) {
		const char *nl = memchr(p, '\n', (size_t)(e - p)), *q;
		char name[256], key[4096], *lbl[32];
		size_t n, nl_ = 0, i;
		struct arb_buf lb = { 0 };

		lineno++;
		CHECK(nl);
		if (*p == '#') {
			int type = !strncmp(p, "# TYPE ", 7);

			if (!type && strncmp(p, "# HELP ", 7))
				PBAD("a comment that is not HELP or TYPE");
			q = p + 7;
			if (!(n = pname(q, nl, 0)) || n >= sizeof name)
				PBAD("bad metric name");
			memcpy(name, q, n);
			name[n] = '\0';
			if (type) {
				if (strncmp(q + n, " gauge\n", 7))
					PBAD("TYPE is not gauge");
				if (seen_has(&types, name))
					PBAD("second TYPE");
				if (seen_has(&sampled, name))
					PBAD("TYPE after samples");
				seen_add(&types, name);
			} else {
				/* help text: \\ and \n are the only escapes */
				if (q[n] != ' ' && q[n] != '\n')
					PBAD("bad HELP");
				for (q += n; q < nl; q++)
					if (*q == '\\' && (q + 1 >= nl || (q[1] != '\\' && q[1] != 'n')))
						PBAD("bad escape in HELP");
					else if (*q == '\\')
						q++;
			}
			if (seen_has(&done, name))
				PBAD("family not contiguous");
			if (cur[0] && strcmp(cur, name))
				seen_add(&done, cur);
			snprintf(cur, sizeof cur, "%s", name);
			continue;
		}
		if (!(n = pname(p, nl, 0)) || n >= sizeof name)
			PBAD("bad metric name");
		memcpy(name, p, n);
		name[n] = '\0';
		q = p + n;
		if (*q == '{') {
			q++;
			while (*q != '}') {
				size_t m = pname(q, nl, 1);
				const char *v;

				if (!m || q[m] != '=' || q[m + 1] != '"')
					PBAD("bad label");
				if (nl_ == 32)
					PBAD("too many labels");
				arb_buf_add(&lb, q, m + 1);
				v = q += m + 2;
				for (; q < nl && *q != '"'; q++)
					if (*q == '\\' && (q + 1 >= nl || !strchr("\\\"n", q[1])))
						PBAD("bad escape in a label value");
					else if (*q == '\\')
						q++;
				if (q >= nl)
					PBAD("unterminated label value");
				arb_buf_add(&lb, v, (size_t)(q - v));
				arb_buf_addc(&lb, '\0');
				nl_++;
				q++;
				if (*q == ',')
					q++;
				else if (*q != '}')
					PBAD("expected , or }");
			}
			q++;
		}
		/* the labels, as NUL-separated "name=value" strings; no name twice */
		for (i = 0; i < nl_; i++)
			lbl[i] = i ? lbl[i - 1] + strlen(lbl[i - 1]) + 1 : lb.p;
		qsort(lbl, nl_, sizeof *lbl, lblcmp);
		snprintf(key, sizeof key, "%s", name);
		for (i = 0; i < nl_; i++) {
			if (i && strcspn(lbl[i], "=") == strcspn(lbl[i - 1], "=") &&
			    !strncmp(lbl[i], lbl[i - 1], strcspn(lbl[i], "=")))
				PBAD("a label twice");
			snprintf(key + strlen(key), sizeof key - strlen(key), "\x01%s", lbl[i]);
		}
		arb_buf_free(&lb);
		if (*q != ' ')
			PBAD("expected a blank before the value");
		q++;
		/* a plain decimal: -?digits(.digits)? */
		if (*q == '-')
			q++;
		if (!(*q >= '0' && *q <= '9'))
			PBAD("bad value");
		while (*q >= '0' && *q <= '9')
			q++;
		if (*q == '.') {
			if (!(*++q >= '0' && *q <= '9'))
				PBAD("bad value");
			while (*q >= '0' && *q <= '9')
				q++;
		}
		if (q != nl)
			PBAD("text after the value");
		if (seen_has(&done, name))
			PBAD("family not contiguous");
		if (cur[0] && strcmp(cur, name))
			seen_add(&done, cur);
		snprintf(cur, sizeof cur, "%s", name);
		if (seen_has(&series, key))
			PBAD("a series twice");
		seen_add(&series, key);
		if (!seen_has(&sampled, name))
			seen_add(&sampled, name);
	}
	seen_free(&types);
	seen_free(&done);
	seen_free(&series);
	seen_free(&sampled);
}

/* ---- csv ---- */

/* Fields of the record at *pp (RFC 4180), moving *pp past its CRLF;
 * the first field's text in first. */
static size_t csv_record(const char **pp, const char *e, char *first, size_t cap)
{
	const char *p = *pp;
	size_t nf = 1, k = 0;
	int infirst = 1;

	first[0] = '\0';
	for (;;) {
		if (p < e && *p == '"') {
			for (p++;; p++) {
				CHECK(p < e);   /* an unterminated quote */
				if (*p == '"' && p + 1 < e && p[1] == '"') {
					p++;
				} else if (*p == '"') {
					p++;
					break;
				}
				if (infirst && k + 1 < cap)
					first[k++] = *p;
			}
		} else {
			for (; p < e && *p != ',' && *p != '\r' && *p != '\n'; p++) {
				CHECK(*p != '"');   /* a quote in an unquoted field */
				if (infirst && k + 1 < cap)
					first[k++] = *p;
			}
		}
		if (infirst)
			first[k] = '\0';
		infirst = 0;
		CHECK(p < e);
		if (*p == ',') {
			p++;
			nf++;
			continue;
		}
		CHECK(p + 1 < e && p[0] == '\r' && p[1] == '\n');
		*pp = p + 2;
		return nf;
	}
}

static void check_csv(const struct arb_buf *out)
{
	const char *p = out->p ? out->p : "", *e = p + out->len;
	char first[64], tname[64];
	size_t ncols = 0;

	while (p < e) {
		size_t nf;

		if (p[0] == '\r') {
			/* an empty line between blocks, then a header */
			CHECK(ncols && p + 1 < e && p[1] == '\n');
			p += 2;
			ncols = 0;
			continue;
		}
		nf = csv_record(&p, e, first, sizeof first);
		if (!ncols) {
			CHECK(!strcmp(first, "table"));
			ncols = nf;
			tname[0] = '\0';
			continue;
		}
		if (nf != ncols) {
			fprintf(stderr, "fuzz-report: csv: %zu fields in a row of %s, the header has %zu\n",
			    nf, first, ncols);
			abort();
		}
		/* every row of a block names the same table */
		if (!tname[0])
			snprintf(tname, sizeof tname, "%s", first);
		CHECK(!strcmp(first, tname));
	}
}

/* ---- html ---- */

static void check_html(const struct arb_buf *out)
{
	static const char *const tags[] = {
		"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "div",
		"section", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "strong",
		"figure", "figcaption", "footer", "svg", "g", "rect", "line", "path", "polyline", "text", NULL
	};
	const char *p = out->p ? out->p : "", *e = p + out->len;

	CHECK(out->len > 15 && !memcmp(p, "<!DOCTYPE html>", 15));
	for (p += 15; p < e; p++) {
		const char *q = p + 1, *gt;
		size_t n, k, quotes = 0;

		if (*p == '>') {
			fprintf(stderr, "fuzz-report: html: a '>' outside a tag: %.60s\n", p);
			abort();
		}
		if (*p != '<')
			continue;
		if (*q == '/')
			q++;
		for (n = 0; q + n < e && ((q[n] >= 'a' && q[n] <= 'z') || (q[n] >= '0' && q[n] <= '9')); n++)
			;
		for (k = 0; tags[k]; k++)
			if (strlen(tags[k]) == n && !strncmp(tags[k], q, n))
				break;
		if (!tags[k] || (q[n] != '>' && q[n] != ' ' && q[n] != '/')) {
			fprintf(stderr, "fuzz-report: html: not one of the page's tags: %.60s\n", p);
			abort();
		}
		gt = memchr(q, '>', (size_t)(e - q));
		CHECK(gt);
		for (; q < gt; q++) {
			if (*q == '<') {
				fprintf(stderr, "fuzz-report: html: a '<' inside a tag: %.*s\n",
				    (int)(gt - p + 1), p);
				abort();
			}
			quotes += *q == '"';
		}
		if (quotes % 2) {
			fprintf(stderr, "fuzz-report: html: unbalanced quotes in a tag: %.*s\n",
			    (int)(gt - p + 1), p);
			abort();
		}
		p = gt;
		/* the style sheet is text up to its end tag */
		if (n == 5 && !strncmp(p - 5, "style", 5) && p[-6] == '<') {
			const char *end = strstr(p, "</style>");

			CHECK(end);
			p = end - 1;
		}
	}
}

/* ---- text ---- */

static size_t ulen_n(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

static const char *next_line(const char **pp, const char *e, size_t *n)
{
	const char *p = *pp, *nl;

	CHECK(p < e);
	nl = memchr(p, '\n', (size_t)(e - p));
	CHECK(nl);
	*n = (size_t)(nl - p);
	*pp = nl + 1;
	return p;
}

static void check_text(struct arb_report *rep, const struct arb_buf *out, unsigned reports,
    int width)
{
	const char *p = out->p ? out->p : "", *e = p + out->len, *s;
	struct rtab *tabs;
	size_t ntab = arb_report_build(rep, reports | ARB_REP_CHECKS, &tabs), i, n, w;

	for (i = 0; i < out->len; i++)
		CHECK(p[i] == '\n' || !((unsigned char)p[i] < 0x20 || p[i] == 0x7f));
	s = next_line(&p, e, &n);
	CHECK(n > 12 && !memcmp(s, "arb-report: ", 12));
	w = width < 0 ? 0 : width ? (size_t)width : 80;
	for (i = 0; i < ntab; i++) {
		struct rtab *t = &tabs[i];
		size_t cw[12], min = 0, bound, r;
		int c;

		/* the narrowest the table can be: numbers whole, times down to
		 * the time of day, other text down to 4 */
		for (c = 0; c < t->ncol; c++) {
			cw[c] = strlen(t->cols[c]);
			for (r = 0; r < t->nrows; r++) {
				const char *x = t->cells[r * (size_t)t->ncol + (size_t)c];
				size_t k = x ? ulen_n(x, strlen(x)) : 1;

				if (k > cw[c])
					cw[c] = k;
			}
			min += (c ? 2 : 0) + (t->num[c] == 1 ? cw[c] : t->num[c] == 2 ?
			    (cw[c] < 9 ? cw[c] : 9) : (cw[c] < 4 ? cw[c] : 4));
		}
		bound = !w ? (size_t)-1 : min > w ? min : w;
		s = next_line(&p, e, &n);
		CHECK(n == 0);
		s = next_line(&p, e, &n);
		CHECK(n == strlen(t->title) && !memcmp(s, t->title, n));
		for (r = 0; r < 2 + (t->nrows ? t->nrows : 1); r++) {
			s = next_line(&p, e, &n);
			if (ulen_n(s, n) > bound) {
				fprintf(stderr, "fuzz-report: text: a line of %zu columns in \"%s\" "
				    "(width %zu, narrowest %zu):\n%.*s\n", ulen_n(s, n), t->title, w, min,
				    (int)n, s);
				abort();
			}
			if (r == 2 && !t->nrows)
				CHECK(n == 6 && !memcmp(s, "(none)", 6));
		}
		if (t->note && t->nrows) {
			s = next_line(&p, e, &n);
			CHECK(n > 5 && !memcmp(s, "note:", 5));
			while (p < e && !strncmp(p, "     ", 5))
				(void)next_line(&p, e, &n);
		}
		rtab_free(t);
	}
	free(tabs);
	CHECK(p == e);
}

/* ---- the target ---- */

static const char *const formats[] = { "text", "csv", "json", "prom", "html" };

/* Options from 4 bytes. */
static void options(const uint8_t *b, struct opts *op)
{
	static const char *const times[] = {
		NULL, "1h", "24h", "90m", "7d", "30s", "2026-11-30", "2026-11-30 12:00", "0",
		"1000000", "2026-12-01T00:00:00Z", "1us", NULL, "365d", "1ms", "100d",
	};
	static const char *const venues[] = { "binance", "kraken", "coinbase", "okx" };
	static const char *const syms[] = { "BTC/USDT", "ETH/BTC", "ETH/USDT", "BTC/USD" };
	static const char *const ccys[] = { "USDT", "USD", "BTC", "EUR" };
	static const int widths[] = { 0, -1, 40, 120 };

	op->reports = b[0] & ARB_REP_ALL;
	op->since = times[b[1] & 15];
	op->until = times[b[1] >> 4];
	if (b[2] & 1)
		op->o.venue = venues[(b[2] >> 1) & 3];
	if (b[2] & 8)
		op->o.sym = syms[(b[2] >> 4) & 3];
	if (b[2] & 64)
		op->o.ccy = ccys[b[3] & 3];
	if (b[3] & 4)
		op->o.reaction_us = (int64_t)(b[3] >> 3) * 7919;
	op->o.width = widths[(b[2] >> 7) | ((b[3] >> 6) & 2)];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opts op;
	struct lines L;
	struct arb_buf out[2][5];
	struct arb_report *rep[2];
	struct arb_report_opts o[2];
	char ccy[2][32];
	int f, k;

	arb_loglevel = ARB_LOG_ERR - 1;   /* bad lines are expected: quiet */
	memset(&op, 0, sizeof op);
	memset(out, 0, sizeof out);
	if (size >= 6 && !memcmp(data, "#!", 2))
		options(data + 2, &op);
	else
		op.reports = (unsigned)(size % 32);
	if (!op.reports)
		op.reports = ARB_REP_SUMMARY;
	read_lines(fuzz_file("stream.ndjson", data, size), &L);
	for (k = 0; k < 2; k++) {
		rep[k] = report(&L, &op, &o[k], ccy[k], sizeof ccy[k]);
		for (f = 0; f < 5; f++) {
			arb_report_write(rep[k], (enum arb_rep_fmt)f, op.reports, &out[k][f]);
			arb_buf_addc(&out[k][f], '\0');   /* for strstr; not part of it */
			out[k][f].len--;
		}
	}
	for (f = 0; f < 5; f++)
		if (out[0][f].len != out[1][f].len ||
		    (out[0][f].len && memcmp(out[0][f].p, out[1][f].p, out[0][f].len))) {
			fprintf(stderr, "fuzz-report: two reports of the same input differ (%s)\n",
			    formats[f]);
			abort();
		}
	check_text(rep[0], &out[0][ARB_FMT_TEXT], op.reports, op.o.width);
	check_csv(&out[0][ARB_FMT_CSV]);
	check_json(rep[0], &out[0][ARB_FMT_JSON], op.reports);
	check_prom(&out[0][ARB_FMT_PROM]);
	check_html(&out[0][ARB_FMT_HTML]);
	for (k = 0; k < 2; k++) {
		arb_report_free(rep[k]);
		for (f = 0; f < 5; f++)
			arb_buf_free(&out[k][f]);
	}
	lines_free(&L);
	return 0;
}
