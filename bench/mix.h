// throughput_bench's control-plane mix (docs/benchmarks/throughput-and-gate.md):
// the operations, their weights, the statements strata runs for each on a
// warm store, and one thread's side of the mix, through strata or through
// the raw C API running those same statements.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "raw_client.h"
#include "strata/store.h"

namespace strata::bench {

enum class Op : std::uint8_t { kFind, kPage, kCount, kCreate, kAdvance, kUpsert };
constexpr int kOps = 6;

// "find", "page", "count", "create", "advance", "upsert".
const char* OpName(Op op);

// An operation drawn at random with the mix's weights: find a task by ARN
// 40 %, the first page of a filtered list 20 %, count with that filter 5 %,
// create a task 15 %, advance one of the thread's tasks 15 %, upsert 5 %.
Op PickOp(std::mt19937_64& random);

// What the mix runs on: a cluster that is read (`reads`, its tasks' ARNs)
// and one that is written (`writes`).
struct MixData {
  StoreOptions options;
  Cluster reads, writes;
  std::vector<std::string> task_arns;  // the tasks of `reads`
  TaskFilter filter;                   // service + desired status
};

// The statements strata runs for each operation on a warm store (captured
// with CaptureWarm): one for each read, a list for each write.
struct MixSql {
  std::string find, page, count;
  std::vector<std::string> create, upsert, advance;
};

// Captures MixSql on `data`'s database; throws std::runtime_error when a
// statement's shape is not what the raw side can bind.
MixSql CaptureMixSql(const MixData& data);

// One thread's side of the mix. Its constructor creates, through `setup`,
// the thread's own tasks (a few PENDING ones to advance and one to upsert),
// outside any timing.
class MixSide {
 public:
  virtual ~MixSide() = default;
  // Runs `op`; false when it did not do what it should have (a row missing,
  // a count of 0). Throws what the call threw.
  virtual bool Run(Op op, std::mt19937_64& random) = 0;
};

// Through `store`, the store measured.
std::unique_ptr<MixSide> StrataSide(Store& store, Store& setup, const MixData& data);

// Through `raw`, the thread's own connection, running `sql` with the values
// strata would bind.
std::unique_ptr<MixSide> RawSide(Raw& raw, Store& setup, const MixData& data, const MixSql& sql);

}  // namespace strata::bench
