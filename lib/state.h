/*
 * state.h: arb-exec's state file, written atomically.
 *
 * The file is NDJSON, one record per line, so it can be read with the
 * same tools as the stream (see arb-exec(1), "STATE FILE").  Writing goes
 * to PATH.tmp in the same directory, which is fsync'ed and renamed over
 * PATH, and the directory is fsync'ed: a crash leaves either the old or
 * the new file, never a torn one.
 */
#ifndef ARB_STATE_H
#define ARB_STATE_H

#include <stddef.h>

/* Replaces path by data atomically.  0, or -1 with why (and errno). */
int arb_state_write(const char *path, const char *data, size_t len, int dosync,
    char *why, size_t whylen);
/* Reads the whole file.  NULL with errno (ENOENT when absent). */
char *arb_state_read(const char *path, size_t *lenp);

#endif
