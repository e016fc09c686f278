/*
 * cred.h: secrets (API keys) read at run time, never from argv.
 *
 * arb_cred_read("binance_secret") looks in order for:
 *   $CREDENTIALS_DIRECTORY/binance_secret   (systemd LoadCredential=)
 *   /run/secrets/binance_secret             (Docker/compose secrets)
 *   the file named by $ARB_BINANCE_SECRET_FILE
 * A file readable by group or others is refused.  One trailing newline is
 * removed.  The caller wipes and frees the value with arb_cred_free.
 * Error messages name the file, never its content.
 */
#ifndef ARB_CRED_H
#define ARB_CRED_H

#include <stddef.h>

struct arb_cred {
	char *v;
	size_t len;
	char src[512];   /* the path it was read from */
};

/* 0 found; 1 not found anywhere (why says where it looked); -1 refused or
 * unreadable (why says which file and why). */
int arb_cred_read(const char *name, struct arb_cred *c, char *why, size_t whylen);
void arb_cred_free(struct arb_cred *c);
/* Overwrites n bytes in a way the compiler does not optimise away. */
void arb_wipe(void *p, size_t n);

#endif
