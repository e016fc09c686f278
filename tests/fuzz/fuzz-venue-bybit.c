/*
 * fuzz-venue-bybit: the bybit frame and REST parsers and its book sync,
 * fast path against tokenizer (the harness: fuzz-venue.h).
 */
#include "config.h"

#define FUZZ_VENUE_OPS arb_venue_bybit
#define FUZZ_VENUE_NAME "fuzz-venue-bybit"
#define FUZZ_VENUE_BOOK_URL "https://api.bybit.com/v5/market/orderbook"
#define FUZZ_VENUE_META_URL "https://api.bybit.com/v5/market/instruments-info?category=spot"
#define FUZZ_VENUE_WS_URL "wss://stream.bybit.com/v5/public/linear"
#include "fuzz-venue.h"
