/*
 * fuzz-venue-bitstamp: the bitstamp frame and REST parsers and its book sync,
 * fast path against tokenizer (the harness: fuzz-venue.h).
 */
#include "config.h"

#define FUZZ_VENUE_OPS arb_venue_bitstamp
#define FUZZ_VENUE_NAME "fuzz-venue-bitstamp"
#define FUZZ_VENUE_BOOK_URL "https://www.bitstamp.net/api/v2/order_book/btcusd"
#define FUZZ_VENUE_META_URL "https://www.bitstamp.net/api/v2/trading-pairs-info/"
#define FUZZ_VENUE_WS_URL "wss://ws.bitstamp.net"
#include "fuzz-venue.h"
