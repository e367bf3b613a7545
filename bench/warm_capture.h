// The statements a call runs on a store whose own caches are warm: what a
// long-running service's calls run, which may be fewer than a cold store's
// first call (a store that remembers clusters need not look one up before
// each insert).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "strata/store.h"

namespace strata::bench {

// Every statement `call` runs, in order, on a store (`options`, with a pool
// of 2 and a logger of its own) that has first made `warm_up`.
//
// The store logs a statement when a connection prepares it, not when it
// runs, so `call` must land on a connection that has prepared nothing: it
// runs on a thread of its own, which the pool gives a connection of its own
// (a thread gets another thread's connection only when no more may be
// opened), while `warm_up` ran on this thread's. The store's own caches are
// shared by its connections, so they stay warm. What `call` throws is
// rethrown here.
std::vector<std::string> CaptureWarm(StoreOptions options,
                                     const std::function<void(Store&)>& warm_up,
                                     const std::function<void(Store&)>& call);

}  // namespace strata::bench
