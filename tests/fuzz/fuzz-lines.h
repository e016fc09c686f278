/*
 * fuzz-lines.h: same_lines(a, b), for targets that compare two dumps of
 * arb-exec's state (fuzz-state, fuzz-exec): the same lines in any order,
 * since tables are dumped in their hash order, which depends on the order
 * of insertion.  Both buffers get a NUL after their end.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int
linecmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t nx = strcspn(x, "\n"), ny = strcspn(y, "\n");
	int c = memcmp(x, y, nx < ny ? nx : ny);

	return c ? c : (nx > ny) - (nx < ny);
}

/* The lines of b, NUL-terminated, sorted, in v (allocated); their number. */
static size_t
sorted_lines(struct arb_buf *b, char ***v)
{
	size_t n = 0, i;
	char *p;

	arb_buf_addc(b, '\0');
	b->len--;
	for (i = 0; i < b->len; i++)
		n += b->p[i] == '\n';
	*v = xmalloc((n + 1) * sizeof **v);
	for (n = 0, p = b->p; p < b->p + b->len; p = strchr(p, '\n') + 1)
		(*v)[n++] = p;
	qsort(*v, n, sizeof **v, linecmp);
	return n;
}

/* a and b hold the same lines, each as often, in any order */
static int
same_lines(struct arb_buf *a, struct arb_buf *b)
{
	char **va, **vb;
	size_t na, nb, i;
	int same;

	if (a->len != b->len)
		return 0;
	na = sorted_lines(a, &va);
	nb = sorted_lines(b, &vb);
	same = na == nb;
	for (i = 0; same && i < na; i++)
		same = linecmp(&va[i], &vb[i]) == 0;
	free(va);
	free(vb);
	return same;
}
