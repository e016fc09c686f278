/*
 * fuzz-venue-coinbase: the coinbase frame and REST parsers and its book sync,
 * fast path against tokenizer (the harness: fuzz-venue.h).
 */
#include "config.h"

#define FUZZ_VENUE_OPS arb_venue_coinbase
#define FUZZ_VENUE_NAME "fuzz-venue-coinbase"
#define FUZZ_VENUE_BOOK_URL "https://api.exchange.coinbase.com/products/BTC-USD/book"
#define FUZZ_VENUE_META_URL "https://api.pro.coinbase.com/products"
#define FUZZ_VENUE_WS_URL "wss://ws-feed.exchange.coinbase.com"
#include "fuzz-venue.h"
