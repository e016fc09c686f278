/*
 * util.h: small helpers every program uses: allocation that exits on
 * failure, a growable byte buffer, the program name, and exit codes.
 */
#ifndef ARB_UTIL_H
#define ARB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdarg.h>

/* Exit status, the same for every program (arbitron(7)). */
#define ARB_EXIT_OK      0   /* success */
#define ARB_EXIT_FAIL    1   /* runtime failure: I/O, network, database */
#define ARB_EXIT_USAGE   2   /* usage or configuration error */
#define ARB_EXIT_BREACH  3   /* arb-report only: a --check threshold was breached */

/* The program name used in diagnostics ("arb-detect"); set once in main. */
extern const char *arb_prog;
void arb_setprog(const char *argv0);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
/* Grows *p to n bytes; on failure exits (never leaves *p dangling). */
void xrealloc(void *pp, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * Puts the heap that malloc grows from then on into transparent huge
 * pages (2 MiB), where the kernel allows them on request (THP "madvise"
 * or "always"): malloc is told to extend the heap by at least reserve
 * bytes at a time and to keep what is freed, and the new part is marked
 * MADV_HUGEPAGE.  A program that builds megabytes of tables then takes a
 * few faults instead of thousands (each one costs microseconds of kernel
 * time here), and its random reads of them miss the TLB less.  Virtual
 * size grows by reserve; resident memory by less than 2 MiB more than
 * what is used.  Best effort: with another allocator (a sanitizer,
 * valgrind) it changes nothing and returns 0; 1 when the heap is so
 * marked (the kernel may still give small pages: THP "never").  Call
 * early, before any thread starts (only the main thread's heap); a
 * second call, or a reserve under 2 MiB or over 1 GiB, does nothing.
 */
int arb_heap_huge(size_t reserve);

/* A growable byte buffer.  b.p is always NUL-terminated when b.cap > 0. */
struct arb_buf {
	char *p;
	size_t len, cap;
};
void arb_buf_reserve(struct arb_buf *b, size_t extra);
void arb_buf_add(struct arb_buf *b, const void *p, size_t n);
void arb_buf_adds(struct arb_buf *b, const char *s);
void arb_buf_addc(struct arb_buf *b, char c);
void arb_buf_printf(struct arb_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void arb_buf_reset(struct arb_buf *b);
void arb_buf_free(struct arb_buf *b);

/* Writes all of p to fd, retrying on EINTR and short writes.  0 or -1. */
int arb_writeall(int fd, const void *p, size_t n);

/* Reads a whole file into a NUL-terminated malloc'd buffer; NULL + errno. */
char *arb_readfile(const char *path, size_t *lenp);

/* A hash of the pair of strings a, b (FNV-1a 64 over a, a separator and
 * b, then mixed) for the open-addressing indexes of venue-keyed tables
 * (instruments, balances, paper orders).  Not stable across versions:
 * never stored or written out. */
static inline uint64_t arb_hash2(const char *a, const char *b)
{
	uint64_t h = UINT64_C(14695981039346656037);
	const unsigned char *p;

	for (p = (const unsigned char *)a; *p; p++)
		h = (h ^ *p) * UINT64_C(1099511628211);
	h = (h ^ ' ') * UINT64_C(1099511628211);
	for (p = (const unsigned char *)b; *p; p++)
		h = (h ^ *p) * UINT64_C(1099511628211);
	return h ^ (h >> 29);
}

/* Number formatting: the two digits of 0..99 at arb_digits2 + 2 * n. */
extern const char arb_digits2[201];

/* Decimal digits of u (1 for 0). */
static inline int arb_ndigits(uint64_t u)
{
	static const uint64_t p10[20] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
		100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
		10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
	};
	int t = (64 - __builtin_clzll(u | 1)) * 1233 >> 12;

	t += u >= p10[t];
	return t ? t : 1;
}

/* u in decimal at p, without leading zeros ("0" for 0), two digits at a
 * time from the end; returns the end (no NUL written).  Needs <string.h>. */
static inline char *arb_put_u64(char *p, uint64_t u)
{
	char *e = p + arb_ndigits(u);

	p = e;
	while (u >= 100) {
		p -= 2;
		memcpy(p, arb_digits2 + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, arb_digits2 + 2 * u, 2);
	} else
		*--p = (char)('0' + u);
	return e;
}

#endif
