/*
 * fuzz-state.c: libFuzzer target for arb-exec's state file (state.h,
 * arb_state_scan, and the loader behind arb_exec_init).  The input is the
 * file.  Its structure is checked first (commit lines, torn tail); then
 * it is loaded as arb-exec would load it, with the paper transport (and
 * --on-leg-failure cancel, unwind or hold by the input's length), dumped
 * as one snapshot (arb-exec --show-state), and resumed.  A loaded state,
 * written as its snapshot, must load again and give the same snapshot
 * (the same lines: tables are dumped in their hash order, which depends
 * on the order of insertion); a refused file must say FILE:LINE: why or
 * FILE: why.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-state.c (all of lib/) -o fuzz-state
 *   (tests/fuzz/run builds it against all of lib/)
 */
#include "config.h"

#include "fuzz-file.h"
#include "fuzz-lines.h"
#include "exec.h"
#include "log.h"
#include "paper.h"
#include "state.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* Loads path; 0 with the snapshot in out, or -1 with why. */
static int
load(const char *path, enum arb_legfail legfail, struct arb_buf *out, char *why, size_t whylen,
    int resume)
{
	struct arb_exec_conf c;
	struct arb_paper_conf pc;
	struct arb_xport *x;
	struct arb_exec e;
	int rc;

	arb_exec_conf_defaults(&c);
	c.state_path = path;
	c.on_leg_failure = legfail;
	c.state_sync = 0;
	arb_paper_conf_defaults(&pc);
	x = arb_paper_new(&pc);
	why[0] = '\0';
	if ((rc = arb_exec_init(&e, &c, x, why, whylen)) == 0) {
		arb_exec_dump(&e, out);
		if (resume) {
			arb_paper_attach(x, &e);
			arb_exec_resume(&e);
		}
	}
	arb_exec_free(&e);
	x->free(x->ctx);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arb_state_scan sc;
	struct arb_buf a = { 0 }, b = { 0 };
	char why[512], *copy;
	const char *path;
	enum arb_legfail legfail;

	arb_loglevel = ARB_LOG_ERR - 1;   /* torn tails are expected: quiet */
	copy = xmalloc(size ? size : 1);
	memcpy(copy, data, size);
	if (arb_state_scan("state", copy, size, &sc, why, sizeof why) == 0) {
		CHECK(sc.valid <= size && sc.snap <= sc.valid);
		CHECK(sc.commits ? sc.valid + sc.torn == size : sc.valid == size && sc.torn == 0);
	} else
		CHECK(strncmp(why, "state:", 6) == 0);
	free(copy);

	path = fuzz_file("exec.state", data, size);
	/* cancel, unwind or hold on a failed leg: the input's length says */
	legfail = (enum arb_legfail)(size % 3);
	if (load(path, legfail, &a, why, sizeof why, 1) < 0) {
		CHECK(strncmp(why, path, strlen(path)) == 0 && why[strlen(path)] == ':');
	} else {
		/* the snapshot of what was loaded loads again, the same */
		path = fuzz_file("exec.state", (const uint8_t *)(a.p ? a.p : ""), a.len);
		if (load(path, legfail, &b, why, sizeof why, 0) < 0) {
			fprintf(stderr, "fuzz-state: the dumped state is refused: %s\n%.*s", why,
			    (int)a.len, a.p ? a.p : "");
			abort();
		}
		if (!same_lines(&a, &b)) {
			fprintf(stderr, "fuzz-state: the dumped state loads differently:\n--- first\n%.*s"
			    "--- again\n%.*s", (int)a.len, a.p ? a.p : "", (int)b.len, b.p ? b.p : "");
			abort();
		}
	}
	arb_buf_free(&a);
	arb_buf_free(&b);
	return 0;
}
