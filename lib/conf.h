/*
 * conf.h: the configuration file format shared by every program
 * (arbitron(7), "CONFIGURATION"):
 *
 *   # comment
 *   [section]              # optional; a program reads its own section
 *   key = value            # and the keys before any section
 *   key = "quoted value"   # with \" and \\ escapes
 *
 * Keys are the long option names ("min-profit-bps").  Precedence: command
 * line over environment (ARB_MIN_PROFIT_BPS) over file.  Errors name the
 * file and line and are usage errors (exit 2).
 */
#ifndef ARB_CONF_H
#define ARB_CONF_H

#include <stddef.h>

struct arb_conf_item {
	char *key, *value;
	char *file;
	unsigned line;
	int used;
};

struct arb_conf {
	struct arb_conf_item *it;
	size_t n, cap;
};

void arb_conf_init(struct arb_conf *c);
void arb_conf_free(struct arb_conf *c);
/* Loads the keys of path that are global or in [section] (section may be
 * NULL for global only).  Later keys override earlier ones.  Returns 0, or
 * -1 after printing "prog: FILE:LINE: reason". */
int arb_conf_load(struct arb_conf *c, const char *path, const char *section);
/* Sets (or overrides) a key; used for the command line. */
void arb_conf_set(struct arb_conf *c, const char *key, const char *value, const char *origin);
/* The value of key: the environment ARB_KEY (dashes as underscores, upper
 * case) overrides the file; the command line, set via arb_conf_set after
 * loading, overrides both.  NULL when unset. */
const char *arb_conf_get(struct arb_conf *c, const char *key);
/* Where a value came from, for error messages: "FILE:LINE", "environment
 * ARB_X", or "command line". */
const char *arb_conf_origin(struct arb_conf *c, const char *key);

/*
 * For programs whose options are all long options: returns a new argument
 * vector with "--key value" for every key of keys[] set in the file given
 * by -c/--config (its [section]) or in the environment, placed before the
 * command line's own arguments so that those win (getopt takes the last).
 * A key ending in '?' is a flag ("--key" when the value is true, yes or
 * 1; none when false, no, 0 or empty); one ending in '*' is a list, split
 * on spaces into repeated options; one ending in '+' is an option given
 * once for each line of the key in the file (the environment's one value
 * replaces them all).  cfgshort is the short letter of
 * --config, or 0 when it has none.  Exits 2 on a bad file or a flag that
 * is neither true nor false.  The vector is allocated once and lives until exit.
 */
char **arb_conf_argv(int *argc, char **argv, const char *section,
    const char *const *keys, int cfgshort);

/*
 * For programs that parse their options with getopt_long and hand each
 * one to an apply(val, arg, origin) function: loads the file that
 * -c FILE, --config FILE or --config=FILE names in argv (its [section],
 * into c), then, for every key of keys[] set in that file or in the
 * environment, applies the long option of that name from longopts, in
 * the order of keys[]: a flag (no_argument) when the value is true, yes
 * or 1 (false, no, 0 or empty: not applied); an option for which
 * is_list(val) is true (is_list may be NULL) once per word of the value
 * separated by spaces or commas; any other once with the value (empty:
 * not applied).  origin names where the value came from ("FILE:LINE",
 * "environment ARB_X").  Exits 2 after a message on a bad file or a flag
 * that is neither true nor false.  Every key must be in longopts.
 */
/*
 * For a value in the vector of arb_conf_argv (optarg): "FILE:LINE: " or
 * "environment ARB_X: " when it came from there, else "" (the command
 * line), to put before a message about it.
 */
const char *arb_conf_argv_where(const char *arg);

struct option;
void arb_conf_apply(struct arb_conf *c, int argc, char **argv, const char *section,
    const char *const *keys, const struct option *longopts,
    void (*apply)(int val, const char *arg, const char *origin), int (*is_list)(int val));

#endif
