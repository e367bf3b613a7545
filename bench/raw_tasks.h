// The raw side's own mapping of a task to its columns' values, written out by
// hand as code on the C APIs would (independent of strata's row mapping), so
// that the write paths' raw side can bind the statements strata prepared
// without borrowing strata's code for it.
#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "raw_client.h"
#include "strata/entities.h"
#include "strata/timestamp.h"

namespace strata::bench {

// Sets `value` to `text`.
inline void SetText(Value& value, std::string_view text) {
  if (auto* s = std::get_if<std::string>(&value)) {
    s->assign(text);  // keeps the capacity: no allocation per row
  } else {
    value = std::string(text);
  }
}

// How the raw side gets a task's value for a column.
struct Column {
  ColumnKind kind;
  std::function<void(const Task&, Value&)> get;
};

// The column `name` of the tasks table; throws for a column it does not know.
const Column& TaskColumn(const std::string& name);

// The column list of "INSERT INTO t (a, b, ...) VALUES ...".
std::vector<std::string> InsertColumns(const std::string& sql);

// One captured statement with, for each of its placeholders, where the raw
// side takes the value from: strata's INSERT binds column N as :cN and its
// UPDATE binds "column = ... :uN ..."; other names come from `named`.
class Plan {
 public:
  using Get = std::function<void(const Task&, Value&)>;

  Plan(std::string sql, const std::map<std::string, Get>& named);

  const std::string& sql() const { return sql_; }

  std::size_t Run(Raw& raw, const Task& task) {
    for (std::size_t i = 0; i < get_.size(); ++i) get_[i](task, values_[i]);
    return raw.Run(sql_, values_);
  }

 private:
  std::string sql_;
  std::vector<Get> get_;
  std::vector<Value> values_;
};

// What AdvanceStatus sets when a task reaches `status` (PENDING, RUNNING or
// STOPPED, the moves the benchmarks make), done by hand on the raw side:
// started_at on RUNNING, stopping_at, stopped_at and the desired status on
// STOPPED (the times only when unset), and the update time. The version is
// the caller's to add 1 to, after the update matched.
inline void AdvanceByHand(Task& t, std::string_view status, Timestamp now) {
  t.last_status = status;
  if (status == "RUNNING" && !t.started_at) t.started_at = now;
  if (status == "STOPPED") {
    if (!t.stopping_at) t.stopping_at = now;
    if (!t.stopped_at) t.stopped_at = now;
    t.desired_status = "STOPPED";
  }
  t.updated_at = now;
}

// The values of a statement's placeholders that `Plan` cannot derive from the
// task, by placeholder name.
using Named = std::map<std::string, Plan::Get>;

// `named` and the cluster of a guarded write (strata's INSERT ... SELECT ...
// FROM clusters WHERE arn = :cluster_arn AND name = :cluster_name ...): `c`,
// which must outlive the plans made with them.
inline Named WithClusterGuard(const Cluster& c, Named named = {}) {
  named.emplace(":cluster_arn", [&c](const Task&, Value& v) { SetText(v, c.arn); });
  named.emplace(":cluster_name", [&c](const Task&, Value& v) { SetText(v, c.name); });
  named.emplace(":cluster_region", [&c](const Task&, Value& v) { SetText(v, c.region); });
  named.emplace(":cluster_account", [&c](const Task&, Value& v) { SetText(v, c.account_id); });
  return named;
}

// What strata's Create fills in, done by hand on the raw side.
class RawTasks {
 public:
  explicit RawTasks(const Cluster& cluster) : cluster_(cluster) {}

  void Complete(Task& t) {
    // Random like strata's: where new keys land in the id and ARN indexes
    // (scattered, not appended) costs the database more than making them.
    char id[33];
    std::snprintf(id, sizeof id, "%016llx%016llx", static_cast<unsigned long long>(random_()),
                  static_cast<unsigned long long>(random_()));
    t.id = id;
    t.cluster_arn = cluster_.arn;
    t.region = cluster_.region;
    t.account_id = cluster_.account_id;
    t.arn = "arn:aws:ecs:" + t.region + ":" + t.account_id + ":task/" + cluster_.name + "/" + t.id;
    t.version = 1;
    t.created_at = t.updated_at = Now();
  }

 private:
  const Cluster& cluster_;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace strata::bench
