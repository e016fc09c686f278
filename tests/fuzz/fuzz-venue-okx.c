/*
 * fuzz-venue-okx: the okx frame and REST parsers and its book sync,
 * fast path against tokenizer (the harness: fuzz-venue.h).
 */
#include "config.h"

#define FUZZ_VENUE_OPS arb_venue_okx
#define FUZZ_VENUE_NAME "fuzz-venue-okx"
#define FUZZ_VENUE_BOOK_URL "https://www.okx.com/api/v5/market/books"
#define FUZZ_VENUE_META_URL "https://www.okx.com/api/v5/public/instruments?instType=SPOT"
#define FUZZ_VENUE_WS_URL "wss://ws.okx.com:8443/ws/v5/public"
#include "fuzz-venue.h"
