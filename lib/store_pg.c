#include "config.h"

/* store_pg.c: the PostgreSQL backend of arb-store (in progress). */

#include <stdio.h>

#include "store.h"
#include "util.h"

int arb_store_pg_open(struct arb_store **sp, const char *conninfo,
    const struct arb_store_opts *o, char *why, size_t whylen, int *status)
{
	(void)sp; (void)conninfo; (void)o;
	snprintf(why, whylen, "PostgreSQL is not supported yet");
	*status = ARB_EXIT_USAGE;
	return -1;
}
