/*
 * fuzz-venue-binance: the binance frame and REST parsers and its book sync,
 * fast path against tokenizer (the harness: fuzz-venue.h).
 */
#include "config.h"

#define FUZZ_VENUE_OPS arb_venue_binance
#define FUZZ_VENUE_NAME "fuzz-venue-binance"
#define FUZZ_VENUE_BOOK_URL "https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000"
#define FUZZ_VENUE_META_URL "https://api.binance.com/api/v3/exchangeInfo"
#define FUZZ_VENUE_WS_URL "wss://stream.binance.com:9443/stream?streams=btcusdt@depth@100ms"
#include "fuzz-venue.h"
