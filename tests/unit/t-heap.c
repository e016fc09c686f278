/*
 * t-heap: arb_heap_huge (util.h).  On glibc's malloc the blocks allocated
 * after it lie in memory marked for transparent huge pages (the "hg" flag
 * of their mapping in /proc/self/smaps), from a 2 MiB boundary on, and the
 * kernel backs them with huge pages when it allows them on request; what
 * is allocated keeps its contents and can be grown and freed.  Under
 * another allocator (valgrind's, a sanitizer's) it must change nothing
 * and say so.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "util.h"

/* The mapping holding address a in /proc/self/smaps: its flags ("hg"
 * when MADV_HUGEPAGE) and AnonHugePages in KiB.  -1 when not found. */
static int
mapping_of(uintptr_t a, int *hg, long *huge_kb)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in = 0, found = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			if (in)
				break;
			in = a >= lo && a < hi;
			continue;
		}
		if (!in)
			continue;
		found = 0;
		if (strncmp(line, "AnonHugePages:", 14) == 0)
			*huge_kb = strtol(line + 14, NULL, 10);
		else if (strncmp(line, "VmFlags:", 8) == 0)
			*hg = strstr(line, " hg") != NULL;
	}
	fclose(f);
	return found;
}

/* True when malloc is not glibc's: valgrind's or a sanitizer's. */
static int
foreign_malloc(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	return 1;
#else
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int r = 0;

	if (f == NULL)
		return 0;
	while (!r && fgets(line, sizeof line, f))
		r = strstr(line, "vgpreload") || strstr(line, "libasan") || strstr(line, "libtsan");
	fclose(f);
	return r;
#endif
}

/* A counter of /proc/vmstat (0 when absent). */
static long
vmstat(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char line[128];
	size_t n = strlen(name);
	long v = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, name, n) == 0 && line[n] == ' ')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/* "always" or "madvise" selected in the kernel's THP setting */
static int
thp_on_request(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char line[128] = "";

	if (f == NULL)
		return 0;
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	fclose(f);
	return strstr(line, "[always]") || strstr(line, "[madvise]");
}

int
main(void)
{
	const size_t mib = (size_t)1 << 20;
	int applied = arb_heap_huge(64 * mib), hg = -1, i;
	long huge_kb = -1;
	unsigned char *p, *q;
	uintptr_t a;
	long fallback0;

	is_int(arb_heap_huge(64 * mib), 0, "a second call does nothing");
	if (foreign_malloc()) {
		ok(!applied, "another allocator (valgrind, a sanitizer): not applied");
	} else {
		ok(applied, "glibc's malloc: the heap is marked for huge pages");
	}

	/* 6 MiB in three blocks, each byte written */
	fallback0 = vmstat("thp_fault_fallback");
	p = malloc(4 * mib);
	q = malloc(2 * mib);
	ok(p != NULL && q != NULL, "blocks of 4 and 2 MiB");
	if (p == NULL || q == NULL)
		return done_testing();
	for (i = 0; i < 4; i++)
		memset(p + (size_t)i * mib, 'a' + i, mib);
	memset(q, 'z', 2 * mib);
	a = (uintptr_t)p;
	if (applied) {
		ok(mapping_of(a, &hg, &huge_kb) == 0, "the block's mapping is in /proc/self/smaps");
		ok(hg == 1, "its mapping is marked MADV_HUGEPAGE (VmFlags hg)");
		/* (or the kernel tried and had no huge page free: a fallback
		 * counted while the blocks were written) */
		if (thp_on_request())
			ok(huge_kb >= 2048 || vmstat("thp_fault_fallback") > fallback0,
			    "huge pages back it (AnonHugePages %ld KiB)", huge_kb);
		else
			ok(huge_kb == 0, "THP off in the kernel: small pages (AnonHugePages %ld KiB)", huge_kb);
	} else {
		ok(mapping_of(a, &hg, &huge_kb) != 0 || hg != 1, "nothing marked MADV_HUGEPAGE");
	}
	/* contents intact through a realloc that moves or grows the block */
	p = realloc(p, 12 * mib);
	ok(p != NULL, "grown to 12 MiB");
	if (p == NULL)
		return done_testing();
	for (i = 0; i < 4; i++)
		if (p[(size_t)i * mib] != 'a' + i || p[(size_t)(i + 1) * mib - 1] != 'a' + i)
			break;
	is_int(i, 4, "the first 4 MiB kept after realloc");
	ok(q[0] == 'z' && q[2 * mib - 1] == 'z', "the other block untouched");
	free(p);
	free(q);
	p = malloc(100);
	ok(p != NULL, "small blocks after freeing the big ones");
	free(p);
	return done_testing();
}
