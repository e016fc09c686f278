#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

const char *arb_prog = "arbitron";

void
arb_setprog(const char *argv0)
{
	const char *p = argv0 ? strrchr(argv0, '/') : NULL;

	if (argv0)
		arb_prog = p ? p + 1 : argv0;
	/* libtool-style wrappers prefix "lt-"; never show it */
	if (strncmp(arb_prog, "lt-", 3) == 0)
		arb_prog += 3;
	arb_log_init();
}

static void
oom(size_t n)
{
	/* no allocation here: we are out of memory */
	char msg[96];
	int len = snprintf(msg, sizeof msg, "%s: out of memory (%zu bytes)\n", arb_prog, n);
	if (len > 0)
		(void)!write(2, msg, (size_t)len);
	exit(ARB_EXIT_FAIL);
}

/* the block below the first huge page (arb_heap_huge): kept, not a leak */
static void *volatile heap_gap;

int
arb_heap_huge(size_t reserve)
{
#if defined(M_TOP_PAD) && defined(MADV_HUGEPAGE) && defined(__GLIBC__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	const uintptr_t huge = (uintptr_t)2 << 20;
	static int done;
	uintptr_t lo, hi, a, b, top;
	void *volatile p;

	if (done || reserve < huge || reserve > (size_t)1 << 30)
		return 0;
	done = 1;
	/* malloc set up, with its usual first extension of the heap (p is
	 * volatile: else the compiler drops a malloc only freed) */
	p = malloc(1);
	free(p);
	/* grow by reserve at a time, never give back less than twice
	 * that, and take blocks up to 32 MiB (glibc's largest threshold)
	 * from the heap, not from mappings of their own */
	if (!mallopt(M_TOP_PAD, (int)reserve) || !mallopt(M_TRIM_THRESHOLD, (int)(2 * reserve)))
		return 0;
	(void)mallopt(M_MMAP_THRESHOLD, 32 << 20);
	/*
	 * The heap's top chunk runs from top to the break, lo.  A huge
	 * page must be 2 MiB aligned: from a on.  One block from top to
	 * just below a is more than the top chunk holds, so malloc extends
	 * the heap now (by reserve more) and writes only the block's and
	 * the new top's headers, both below a: nothing at or above a has
	 * been touched when it is marked, so every page there can be huge.
	 * The block is kept, never touched (it costs no memory): what the
	 * program allocates next starts at a.
	 */
	lo = (uintptr_t)sbrk(0);
	if (lo == (uintptr_t)-1)
		return 0;
	top = lo - mallinfo2().keepcost;
	a = (lo + 64 + huge - 1) & ~(huge - 1);
	p = malloc(a - 16 - top - sizeof(size_t));
	hi = (uintptr_t)sbrk(0);
	if (p == NULL || hi == (uintptr_t)-1 || hi <= lo) {
		free(p);
		return 0;   /* not glibc's heap (a sanitizer, valgrind) */
	}
	heap_gap = p;
	/* (where the new top's header ends, which is a when the heap was
	 * as described; else the next huge page boundary after it) */
	a = ((uintptr_t)p + malloc_usable_size(p) + sizeof(size_t) + huge - 1) & ~(huge - 1);
	b = hi & ~(huge - 1);
	return b > a && madvise((void *)a, b - a, MADV_HUGEPAGE) == 0;
#else
	(void)reserve;
	return 0;
#endif
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void
xrealloc(void *pp, size_t n)
{
	void **slot = pp;
	void *p = realloc(*slot, n ? n : 1);

	if (!p)
		oom(n);
	*slot = p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
arb_buf_reserve(struct arb_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, cap;

	if (need < b->len)
		oom(SIZE_MAX);
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	xrealloc(&b->p, cap);
	b->cap = cap;
}

void
arb_buf_add(struct arb_buf *b, const void *p, size_t n)
{
	arb_buf_reserve(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
arb_buf_adds(struct arb_buf *b, const char *s)
{
	arb_buf_add(b, s, strlen(s));
}

void
arb_buf_addc(struct arb_buf *b, char c)
{
	arb_buf_reserve(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void
arb_buf_printf(struct arb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	arb_buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
arb_buf_reset(struct arb_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->p[0] = '\0';
}

void
arb_buf_free(struct arb_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

int
arb_writeall(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

char *
arb_readfile(const char *path, size_t *lenp)
{
	struct arb_buf b = {0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t r;
		arb_buf_reserve(&b, 65536);
		r = read(fd, b.p + b.len, b.cap - b.len - 1);
		if (r < 0) {
			int e = errno;
			if (e == EINTR)
				continue;
			close(fd);
			arb_buf_free(&b);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		b.len += (size_t)r;
	}
	close(fd);
	b.p[b.len] = '\0';
	if (lenp)
		*lenp = b.len;
	return b.p;
}

const char arb_digits2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";
