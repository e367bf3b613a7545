// The fault suite's workload: threads doing creates, versioned updates,
// deletes (a write that cannot safely run twice) and reads on one store while a test breaks the
// database under them, and the bookkeeping that proves afterwards that no write the store reported
// committed was lost and none was applied twice.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "strata/store.h"

namespace strata::testing {

struct WorkloadReport {
  std::int64_t attempted = 0;       // write calls made
  std::int64_t committed = 0;       // returned normally
  std::int64_t failed_known = 0;    // threw a strata::Error that says nothing was changed
  std::int64_t failed_unknown = 0;  // threw OutcomeUnknownError
  std::int64_t reads = 0, reads_failed = 0;
  std::int64_t lost = 0;              // committed, and not there afterwards
  std::int64_t applied_twice = 0;     // a version above every update that may have been applied
  std::int64_t stale_reads = 0;       // a thread's read missed its own committed write
  std::vector<std::string> problems;  // what `lost`, `applied_twice` and `stale_reads` counted
  double first_write_after_fault_ms = -1;  // -1: none succeeded after the fault
  std::string Line(const std::string& scenario) const;
};

class Workload {
 public:
  Workload(Store& store, std::string cluster, int threads);
  ~Workload();  // stops the threads

  void Start();
  // From now on, the first write that starts and commits counts as the
  // recovery.
  void MarkFault();
  // Waits until a write commits after the fault, at most `timeout`; false
  // when none did.
  bool WaitForRecovery(std::chrono::milliseconds timeout);
  void Stop();
  // Reads every task the threads tried to create through `verifier` (a
  // store on the database as it is now) and counts what was lost or
  // applied twice.
  WorkloadReport Verify(Store& verifier);

 private:
  struct TaskRecord {
    std::string arn;
    bool create_committed = false;
    std::int64_t committed_updates = 0;
    std::int64_t unknown_updates = 0;
    bool deleted = false;        // a delete of it committed
    bool maybe_deleted = false;  // a delete of it ended in OutcomeUnknownError
    Task last;                   // as last returned by the store
    bool last_known = false;     // `last` is its stored version
  };
  struct ThreadState {
    std::vector<TaskRecord> tasks;
    WorkloadReport counts;
  };
  void Run(int index);
  void Committed(std::int64_t started_ns);

  Store& store_;
  std::string cluster_;
  std::vector<ThreadState> states_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> fault_at_ns_{0};
  std::atomic<std::int64_t> recovered_at_ns_{0};
};

}  // namespace strata::testing
