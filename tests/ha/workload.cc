#include "workload.h"

#include <cstdio>
#include <random>

#include "strata/error.h"

namespace strata::testing {
namespace {

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Task NewTask(const std::string& cluster) {
  Task t;
  t.cluster_arn = cluster;
  t.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
  t.containers = R"([{"name":"app","image":"nginx"}])";
  return t;
}

}  // namespace

std::string WorkloadReport::Line(const std::string& scenario) const {
  char text[512];
  std::snprintf(text, sizeof text,
                "strata-ha: %s: attempted %lld committed %lld failed-known %lld failed-unknown "
                "%lld lost %lld applied-twice %lld reads %lld (failed %lld, stale %lld) "
                "kill-to-first-write %.0f ms",
                scenario.c_str(), static_cast<long long>(attempted),
                static_cast<long long>(committed), static_cast<long long>(failed_known),
                static_cast<long long>(failed_unknown), static_cast<long long>(lost),
                static_cast<long long>(applied_twice), static_cast<long long>(reads),
                static_cast<long long>(reads_failed), static_cast<long long>(stale_reads),
                first_write_after_fault_ms);
  return text;
}

Workload::Workload(Store& store, std::string cluster, int threads)
    : store_(store), cluster_(std::move(cluster)), states_(threads) {}

Workload::~Workload() { Stop(); }

void Workload::Start() {
  for (std::size_t i = 0; i < states_.size(); ++i) {
    threads_.emplace_back([this, i] { Run(static_cast<int>(i)); });
  }
}

void Workload::Stop() {
  stop_ = true;
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void Workload::MarkFault() {
  recovered_at_ns_ = 0;
  fault_at_ns_ = NowNs();
}

bool Workload::WaitForRecovery(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (recovered_at_ns_ == 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void Workload::Committed(std::int64_t started_ns) {
  const std::int64_t fault = fault_at_ns_;
  if (fault == 0 || started_ns < fault || recovered_at_ns_ != 0) return;
  std::int64_t none = 0;
  recovered_at_ns_.compare_exchange_strong(none, NowNs());
}

void Workload::Run(int index) {
  ThreadState& state = states_[index];
  WorkloadReport& n = state.counts;
  std::mt19937 rng(static_cast<unsigned>(index) * 7919u + 1u);
  TaskRepository& tasks = store_.tasks();
  std::int64_t serial = 0;
  while (!stop_) {
    // 4 in 10 creates, 3 updates, 1 delete, 2 reads.
    const unsigned dice = rng() % 10;
    if (dice < 4 || state.tasks.empty()) {
      // A create: the store makes up the id, so that running it again is safe.
      ++n.attempted;
      const std::int64_t started = NowNs();
      TaskRecord record;
      try {
        record.last = tasks.Create(NewTask(cluster_));
        record.arn = record.last.arn;
        record.create_committed = record.last_known = true;
        ++n.committed;
        Committed(started);
      } catch (const OutcomeUnknownError&) {
        ++n.failed_unknown;  // its ARN is unknown too: counted, not checked
      } catch (const Error&) {
        ++n.failed_known;
      }
      if (record.create_committed) state.tasks.push_back(std::move(record));
      continue;
    }
    TaskRecord& record = state.tasks[rng() % state.tasks.size()];
    if (record.deleted || record.maybe_deleted) continue;
    if (dice == 7) {
      ++n.attempted;
      const std::int64_t started = NowNs();
      try {
        tasks.Delete(cluster_, record.arn);
        record.deleted = true;
        ++n.committed;
        Committed(started);
      } catch (const OutcomeUnknownError&) {
        ++n.failed_unknown;
        record.maybe_deleted = true;
      } catch (const Error&) {
        ++n.failed_known;
      }
      continue;
    }
    if (dice < 7) {
      // A versioned update of a task this thread owns: no one else changes it.
      if (!record.last_known) {
        try {
          std::optional<Task> found = tasks.Find(cluster_, record.arn);
          if (!found) continue;  // counted by Verify
          record.last = *found;
          record.last_known = true;
        } catch (const Error&) {
          continue;
        }
      }
      ++n.attempted;
      const std::int64_t started = NowNs();
      Task update = record.last;
      update.started_by = "w" + std::to_string(index) + "-" + std::to_string(++serial);
      try {
        record.last = tasks.Update(update);
        ++record.committed_updates;
        ++n.committed;
        Committed(started);
      } catch (const OutcomeUnknownError&) {
        ++n.failed_unknown;
        ++record.unknown_updates;
        record.last_known = false;
      } catch (const Error&) {
        ++n.failed_known;
      }
      continue;
    }
    // A read of a committed task: it must be there, at least as new as the
    // last version this thread saw committed.
    ++n.reads;
    try {
      const std::optional<Task> found = tasks.Find(cluster_, record.arn);
      if (!found || (record.last_known && found->version < record.last.version)) {
        ++n.stale_reads;
        n.problems.push_back("read of " + record.arn + " missed a committed write");
      }
    } catch (const Error&) {
      ++n.reads_failed;
    }
  }
}

WorkloadReport Workload::Verify(Store& verifier) {
  WorkloadReport total;
  for (ThreadState& state : states_) {
    const WorkloadReport& n = state.counts;
    total.attempted += n.attempted;
    total.committed += n.committed;
    total.failed_known += n.failed_known;
    total.failed_unknown += n.failed_unknown;
    total.reads += n.reads;
    total.reads_failed += n.reads_failed;
    total.stale_reads += n.stale_reads;
    total.problems.insert(total.problems.end(), n.problems.begin(), n.problems.end());
    for (const TaskRecord& record : state.tasks) {
      const std::optional<Task> stored = verifier.tasks().Find(cluster_, record.arn);
      if (record.deleted && stored) {
        ++total.lost;
        total.problems.push_back("deleted and still there: " + record.arn);
        continue;
      }
      if (record.deleted || (record.maybe_deleted && !stored)) continue;
      if (!stored) {
        ++total.lost;
        total.problems.push_back("created and lost: " + record.arn);
        continue;
      }
      // Version 1 at creation, plus one per applied update.
      const std::int64_t low = 1 + record.committed_updates;
      const std::int64_t high = low + record.unknown_updates;
      if (stored->version < low) {
        ++total.lost;
        total.problems.push_back(record.arn + " lost an update: version " +
                                 std::to_string(stored->version) + " < " + std::to_string(low));
      } else if (stored->version > high) {
        ++total.applied_twice;
        total.problems.push_back(record.arn + " has an update applied twice: version " +
                                 std::to_string(stored->version) + " > " + std::to_string(high));
      }
    }
  }
  if (fault_at_ns_ != 0 && recovered_at_ns_ != 0) {
    total.first_write_after_fault_ms = static_cast<double>(recovered_at_ns_ - fault_at_ns_) / 1e6;
  }
  return total;
}

}  // namespace strata::testing
