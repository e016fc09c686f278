#include "config.h"

#include "log.h"
#include "util.h"
#include "ws.h"

int arb_ws_run(struct arb_feed *f, const struct arb_ws_opt *o)
{
	arb_err("the live path (WebSocket/REST) is not built yet: use --replay");
	return ARB_EXIT_FAIL;
}
