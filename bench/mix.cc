// The mix's operations through strata and through the raw C API (mix.h).
#include "mix.h"

#include <deque>
#include <map>
#include <stdexcept>
#include <utility>

#include "query_fixture.h"
#include "raw_tasks.h"
#include "warm_capture.h"

namespace strata::bench {
namespace {

constexpr int kWeights[kOps] = {40, 20, 5, 15, 15, 5};  // percent, in Op order
constexpr int kOwnTasks = 4;                            // PENDING tasks each thread starts with

// A PENDING task for the writes cluster.
Task Pending(const MixData& data) {
  Task t = SeedTask(data.writes.arn, 3);
  t.last_status = "PENDING";
  t.started_at.reset();
  return t;
}

PageRequest FirstPage() {
  PageRequest page;
  page.limit = kPageLimit;
  return page;
}

// A thread's own tasks: those it advances (oldest first) and the one it
// upserts. Creates (15 %) refill the queue faster than transitions (15 %, two
// per task) drain it; should a run of transitions empty it all the same, the
// next transition creates a task instead, on both sides alike.
struct OwnTasks {
  std::deque<Task> life;
  Task upserted;

  OwnTasks(Store& setup, const MixData& data) {
    std::vector<Task> batch(kOwnTasks + 1, Pending(data));
    batch = setup.tasks().CreateMany(std::move(batch));
    upserted = batch.back();
    batch.pop_back();
    life.assign(batch.begin(), batch.end());
  }

  // The state the oldest task moves to next.
  const char* Next() const { return life.front().last_status == "PENDING" ? "RUNNING" : "STOPPED"; }
  void Moved(Task t) {
    if (t.last_status == "STOPPED") {
      life.pop_front();
    } else {
      life.front() = std::move(t);
    }
  }
};

class Strata : public MixSide {
 public:
  Strata(Store& store, Store& setup, const MixData& data)
      : store_(store), data_(data), own_(setup, data), seed_(Pending(data)) {}

  bool Run(Op op, std::mt19937_64& random) override {
    TaskRepository& tasks = store_.tasks();
    switch (op) {
      case Op::kFind:
        return tasks.Find(data_.reads.arn, data_.task_arns[random() % data_.task_arns.size()])
            .has_value();
      case Op::kPage:
        // Into the previous page, as a control plane polling its tasks would.
        tasks.ListInto(data_.reads.arn, data_.filter, FirstPage(), page_);
        return page_.items.size() == static_cast<std::size_t>(kPageLimit);
      case Op::kCount:
        return tasks.Count(data_.reads.arn, data_.filter) > 0;
      case Op::kCreate:
        own_.life.push_back(tasks.Create(seed_));
        return true;
      case Op::kAdvance:
        if (own_.life.empty()) return Run(Op::kCreate, random);
        own_.Moved(tasks.AdvanceStatus(data_.writes.arn, own_.life.front().arn, {own_.Next(), ""}));
        return true;
      case Op::kUpsert:
        return tasks.Upsert(own_.upserted).arn == own_.upserted.arn;
    }
    return false;
  }

 private:
  Store& store_;
  const MixData& data_;
  OwnTasks own_;
  const Task seed_;
  Page<Task> page_;
};

const std::map<std::string, Plan::Get> kClusterKey = {
    {":key", [](const Task& t, Value& v) { SetText(v, t.cluster_arn); }}};
const std::map<std::string, Plan::Get> kVersionedKey = {
    {":key", [](const Task& t, Value& v) { SetText(v, t.arn); }},
    {":version", [](const Task& t, Value& v) { v = t.version; }}};

// `sql`'s plans for tasks of `cluster` (the lookup by key, or the guard of
// a one-statement write).
std::vector<Plan> Plans(const std::vector<std::string>& sql, const Cluster& cluster) {
  const Named named = WithClusterGuard(cluster, kClusterKey);
  std::vector<Plan> plans;
  for (const std::string& s : sql) plans.emplace_back(s, named);
  return plans;
}

// Runs every plan for `t`; each must match one row.
bool RunAll(std::vector<Plan>& plans, Raw& raw, const Task& t) {
  for (Plan& plan : plans) {
    if (plan.Run(raw, t) != 1) return false;
  }
  return true;
}

class RawMix : public MixSide {
 public:
  RawMix(Raw& raw, Store& setup, const MixData& data, const MixSql& sql)
      : raw_(raw),
        data_(data),
        sql_(sql),
        own_(setup, data),
        seed_(Pending(data)),
        completer_(data.writes),
        create_(Plans(sql.create, data.writes)),
        upsert_(Plans(sql.upsert, data.writes)),
        advance_(sql.advance.back(), kVersionedKey) {
    const std::string group = "service:" + data.filter.service_name;
    key_ = {data.reads.arn, std::string()};
    own_key_ = {data.writes.arn, std::string()};
    page_ = {data.reads.arn, group, data.filter.desired_status, std::int64_t{kPageLimit + 1}};
    count_ = {data.reads.arn, group, data.filter.desired_status};
  }

  bool Run(Op op, std::mt19937_64& random) override {
    switch (op) {
      case Op::kFind:
        SetText(key_[1], data_.task_arns[random() % data_.task_arns.size()]);
        // Into a new result, as Find hands over a new task (ADR 0020); the
        // page below is read into the previous one on both sides.
        return raw_.RunNew(sql_.find, key_, 1) == 1;
      case Op::kPage:
        return raw_.Run(sql_.page, page_) == static_cast<std::size_t>(kPageLimit) + 1;
      case Op::kCount:
        return raw_.Run(sql_.count, count_) == 1;
      case Op::kCreate: {
        Task t = seed_;
        completer_.Complete(t);
        own_.life.push_back(std::move(t));
        return RunAll(create_, raw_, own_.life.back());
      }
      case Op::kAdvance:
        if (own_.life.empty()) return Run(Op::kCreate, random);
        return Advance();
      case Op::kUpsert:
        own_.upserted.version = 1;
        own_.upserted.created_at = own_.upserted.updated_at = Now();
        return RunAll(upsert_, raw_, own_.upserted);
    }
    return false;
  }

 private:
  // The find AdvanceStatus runs, then its versioned update.
  bool Advance() {
    Task t = own_.life.front();
    SetText(own_key_[1], t.arn);
    for (std::size_t i = 0; i + 1 < sql_.advance.size(); ++i) {
      if (raw_.Run(sql_.advance[i], own_key_) != 1) return false;
    }
    AdvanceByHand(t, own_.Next(), Now());
    if (advance_.Run(raw_, t) != 1) return false;
    ++t.version;
    own_.Moved(std::move(t));
    return true;
  }

  Raw& raw_;
  const MixData& data_;
  const MixSql& sql_;
  OwnTasks own_;
  const Task seed_;
  RawTasks completer_;
  std::vector<Plan> create_, upsert_;
  Plan advance_;
  std::vector<Value> key_, own_key_, page_, count_;
};

// The one statement of a read; throws unless it has `placeholders` values.
std::string OneRead(const std::vector<std::string>& sql, std::size_t placeholders,
                    const char* what) {
  if (sql.size() != 1 || Placeholders(sql[0]).size() != placeholders) {
    throw std::runtime_error(std::string(what) + ": expected one statement with " +
                             std::to_string(placeholders) + " values, strata ran " +
                             std::to_string(sql.size()));
  }
  return sql[0];
}

}  // namespace

const char* OpName(Op op) {
  static const char* const kNames[kOps] = {"find", "page", "count", "create", "advance", "upsert"};
  return kNames[static_cast<int>(op)];
}

Op PickOp(std::mt19937_64& random) {
  int roll = static_cast<int>(random() % 100);
  for (int op = 0; op < kOps; ++op) {
    if (roll < kWeights[op]) return static_cast<Op>(op);
    roll -= kWeights[op];
  }
  return Op::kFind;
}

MixSql CaptureMixSql(const MixData& data) {
  const auto same = [&](const std::function<void(Store&)>& call) {
    return CaptureWarm(data.options, call, call);
  };
  MixSql sql;
  sql.find = OneRead(same([&](Store& s) { s.tasks().Find(data.reads.arn, data.task_arns[1]); }), 2,
                     "find");
  sql.page = OneRead(
      same([&](Store& s) { s.tasks().List(data.reads.arn, data.filter, FirstPage()); }), 4, "page");
  sql.count =
      OneRead(same([&](Store& s) { s.tasks().Count(data.reads.arn, data.filter); }), 3, "count");
  sql.create = same([&](Store& s) { s.tasks().Create(Pending(data)); });
  Task upserted;
  sql.upsert = CaptureWarm(
      data.options, [&](Store& s) { upserted = s.tasks().Upsert(s.tasks().Create(Pending(data))); },
      [&](Store& s) { s.tasks().Upsert(upserted); });
  Task second;
  sql.advance = CaptureWarm(
      data.options,
      [&](Store& s) {
        const Task first = s.tasks().Create(Pending(data));
        second = s.tasks().Create(Pending(data));
        s.tasks().AdvanceStatus(data.writes.arn, first.arn, {"RUNNING", ""});
      },
      [&](Store& s) {
        s.tasks().AdvanceStatus(data.writes.arn, second.arn, {"RUNNING", ""});
      });
  if (sql.advance.size() != 2 || Placeholders(sql.advance[0]).size() != 2) {
    throw std::runtime_error("AdvanceStatus: expected a find and the update, strata ran " +
                             std::to_string(sql.advance.size()) + " statements");
  }
  if (sql.create.empty() || sql.upsert.empty()) {
    throw std::runtime_error("Create or Upsert ran no statement");
  }
  return sql;
}

std::unique_ptr<MixSide> StrataSide(Store& store, Store& setup, const MixData& data) {
  return std::make_unique<Strata>(store, setup, data);
}

std::unique_ptr<MixSide> RawSide(Raw& raw, Store& setup, const MixData& data, const MixSql& sql) {
  return std::make_unique<RawMix>(raw, setup, data, sql);
}

}  // namespace strata::bench
