/*
 * state.h: arb-exec's state file: a snapshot and a journal of changes.
 *
 * The file is NDJSON, one record per line, so it can be read with the
 * same tools as the stream (see arb-exec(1), "STATE FILE").  It is a
 * sequence of entries, each a run of lines closed by a commit line
 *
 *     {"type":"commit","seq":N,"bytes":B,"crc32":"xxxxxxxx"}
 *
 * where B is the length of the entry's lines before the commit line and
 * crc32 their CRC-32 (IEEE), 8 lower case hex digits.  The first entry
 * is a snapshot of the whole state; every later one holds what changed
 * at one save, appended with one write(2) and, when syncing, one
 * fdatasync(2).  A snapshot is written to PATH.tmp in the same directory,
 * synced and renamed over PATH, and the directory synced: a crash leaves
 * either the old or the new file, never a torn one.
 *
 * Reading (arb_state_scan) checks every commit: lengths must join up,
 * sequence numbers follow one another and checksums match.  Bytes after
 * the last good commit (a save cut short by a crash) and a last entry
 * whose checksum fails (its write never completed) are a torn tail,
 * reported to the caller to be ignored; damage anywhere before the last
 * entry is an error naming the line.  A file without any commit line is
 * a plain snapshot (earlier versions, or written by hand).
 */
#ifndef ARB_STATE_H
#define ARB_STATE_H

#include <stddef.h>
#include <stdint.h>

struct arb_buf;

/* Can path be saved to?  Opens it for appending when it exists, and
 * creates path.tmp (what a snapshot writes before renaming it over path)
 * and removes it again; path itself is never created.  0, or -1 with
 * errno set and why "PATH: cannot be written: REASON". */
int arb_state_probe(const char *path, char *why, size_t whylen);

/* Replaces path by data atomically.  0, or -1 with why (and errno). */
int arb_state_write(const char *path, const char *data, size_t len, int dosync,
    char *why, size_t whylen);
/* Reads the whole file.  NULL with errno (ENOENT when absent). */
char *arb_state_read(const char *path, size_t *lenp);

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of p[0..n), continuing
 * from crc (0 to start). */
uint32_t arb_crc32(uint32_t crc, const void *p, size_t n);

/* A state file being written. */
struct arb_state_file {
	const char *path;
	int fd;                 /* open at the end of the file, or -1 */
	int sync;               /* fsync / fdatasync */
	uint64_t seq;           /* the last commit's sequence number */
	size_t snap;            /* bytes of the snapshot entry */
	size_t jbytes;          /* bytes of the journal after it */
	int need_snap;          /* the next save must be a snapshot */
};

/* Before the first save: path, sync, and what arb_state_scan found
 * (NULL: no file; the first save writes a snapshot). */
struct arb_state_scan;
void arb_state_open(struct arb_state_file *f, const char *path, int sync,
    const struct arb_state_scan *sc);
void arb_state_close(struct arb_state_file *f);
/* Replaces the file by the snapshot data (whole lines) and its commit
 * line (added to data), atomically, and keeps it open for appending.  0, or -1 with why
 * (the old file is left as it was). */
int arb_state_snapshot(struct arb_state_file *f, struct arb_buf *data, char *why,
    size_t whylen);
/* Appends data (whole lines) and its commit line (added to data) in
 * one write, then
 * fdatasync when syncing.  0 once durable, or -1 with why: the next
 * save must then be a snapshot (need_snap is set), since a part of the
 * entry may be in the file. */
int arb_state_append(struct arb_state_file *f, struct arb_buf *data, char *why,
    size_t whylen);

/* What a state file holds. */
struct arb_state_scan {
	size_t valid;           /* bytes to load: [0, valid) */
	size_t snap;            /* bytes of the snapshot entry (0: no commit) */
	uint64_t seq;           /* the last good commit's sequence number */
	int commits;            /* good commit lines */
	size_t torn;            /* bytes of a torn tail after valid */
	unsigned torn_line;     /* its first line */
};
/* Checks the structure of data (the whole file).  0, or -1 with why set
 * to "path:LINE: reason". */
int arb_state_scan(const char *path, const char *data, size_t len,
    struct arb_state_scan *sc, char *why, size_t whylen);

#endif
