/*
 * fuzz-venue-kraken: the kraken frame and REST parsers and its book sync,
 * fast path against tokenizer (the harness: fuzz-venue.h).
 */
#include "config.h"

#define FUZZ_VENUE_OPS arb_venue_kraken
#define FUZZ_VENUE_NAME "fuzz-venue-kraken"
#define FUZZ_VENUE_BOOK_URL "https://api.kraken.com/0/public/Depth"
#define FUZZ_VENUE_META_URL "https://api.kraken.com/0/public/AssetPairs"
#define FUZZ_VENUE_WS_URL "wss://ws.kraken.com"
#include "fuzz-venue.h"
