// The task write paths (write_paths.h), moved out of query_bench.cc so that
// counters_bench measures the same code with and without the counting
// triggers.
#include "write_paths.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "query_fixture.h"
#include "raw_client.h"
#include "raw_tasks.h"

namespace strata::bench {
namespace {

// The statements strata prepares for the write paths, captured once per
// backend; and the raw side's plans for them.
struct Writes {
  std::string find_cluster, update;
  // Guarded by the cluster (INSERT ... SELECT ... FROM clusters WHERE), as
  // strata runs them once it knows the cluster: one statement per write.
  std::string insert, upsert;
  // The same after a lookup of the cluster, as hand-written code does them:
  // INSERT ... VALUES.
  std::string plain_insert, plain_upsert;
  std::vector<std::string> delete_cluster;  // lock, archive, delete; or the move
};

// `sql`, an INSERT ... SELECT <values> FROM clusters WHERE <the cluster>
// [rest], as INSERT ... VALUES (<values>) [rest]; an INSERT ... VALUES (what
// strata runs on SQLite, after its lookup) as it is.
std::string Unguarded(const std::string& sql) {
  const std::string select = " SELECT ", guard = " FROM clusters WHERE ", last = ":cluster_account";
  const std::size_t values = sql.find(") SELECT ") + 1;
  const std::size_t from = sql.find(guard, values);
  const std::size_t end = sql.find(last, from);
  if (values == 0 || from == std::string::npos || end == std::string::npos) {
    if (sql.find(") VALUES (") == std::string::npos)
      throw std::runtime_error("not an INSERT: " + sql);
    return sql;
  }
  return sql.substr(0, values) + " VALUES (" +
         sql.substr(values + select.size(), from - values - select.size()) + ")" +
         sql.substr(end + last.size());
}

Writes& CapturedWrites(Fixture& f) {
  static std::map<Fixture*, Writes> captured;
  if (const auto it = captured.find(&f); it != captured.end()) return it->second;
  Writes w;
  const auto one = [](const std::vector<std::string>& sql, std::size_t want, std::size_t i) {
    if (sql.size() != want) {
      throw std::runtime_error("expected " + std::to_string(want) +
                               " statements, strata prepared " + std::to_string(sql.size()));
    }
    return sql[i];
  };
  // Each capture is on a store of its own, which does not know the cluster
  // yet: it looks it up first.
  Task task = SeedTask(f.writes.arn, 1);
  const std::vector<std::string> create = f.Capture([&] { task = f.store->tasks().Create(task); });
  w.find_cluster = one(create, 2, 0);
  w.insert = one(create, 2, 1);
  w.update = one(f.Capture([&] { task = f.store->tasks().Update(task); }), 1, 0);
  w.upsert = one(f.Capture([&] { task = f.store->tasks().Upsert(task); }), 2, 1);
  w.plain_insert = Unguarded(w.insert);
  w.plain_upsert = Unguarded(w.upsert);
  Cluster doomed;
  doomed.name = "cluster-doomed";
  doomed = f.store->clusters().Create(doomed);
  // Forced: the path measured is the cascade (an unforced delete of a
  // cluster with tasks is refused, ADR 0010).
  w.delete_cluster = f.Capture([&] { f.store->clusters().Delete(doomed.arn, {true}); });
  // PostgreSQL moves the row in one statement, SQLite in three.
  one(w.delete_cluster, f.options.backend == Backend::kPostgres ? 1 : 3, 0);
  f.store->tasks().Delete(f.writes.arn, task.arn);
  return captured[&f] = w;
}

const std::map<std::string, Plan::Get> kClusterKey = {
    {":key", [](const Task& t, Value& v) { SetText(v, t.cluster_arn); }}};
// A cluster delete's statements: the cluster by ARN, the deletion time.
const std::map<std::string, Plan::Get> kClusterDelete = {
    {":key", [](const Task& t, Value& v) { SetText(v, t.cluster_arn); }},
    {":arn", [](const Task& t, Value& v) { SetText(v, t.cluster_arn); }},
    {":now", [](const Task&, Value& v) { v = Micros(Now()); }}};

// Which side a create or upsert runs.
enum class Side { kStrata, kRaw, kRawOneStatement };

// Removes the tasks the write paths created (outside the timing).
void ClearWrites(Fixture& f) {
  f.raw->Run("DELETE FROM tasks WHERE cluster_arn = :c", {f.writes.arn});
}

// Raw: the cluster lookup, then INSERT ... VALUES (two round trips on
// PostgreSQL); raw_one_statement (OneStatementPaths): strata's guarded
// INSERT ... SELECT alone.
void CreateTask(benchmark::State& state, Backend backend, Side side) {
  Fixture& f = Seeded(backend);
  const Writes& w = CapturedWrites(f);
  const Task seed = SeedTask(f.writes.arn, 7);
  if (side != Side::kStrata) {
    const bool two = side == Side::kRaw;
    Plan find(w.find_cluster, kClusterKey),
        insert(two ? w.plain_insert : w.insert, WithClusterGuard(f.writes));
    RawTasks tasks(f.writes);
    for (auto _ : state) {
      Task t = seed;
      tasks.Complete(t);
      if ((two && find.Run(*f.raw, t) != 1) || insert.Run(*f.raw, t) != 1) {
        state.SkipWithError("raw create failed");
      }
    }
  } else {
    for (auto _ : state) benchmark::DoNotOptimize(f.store->tasks().Create(seed));
  }
  state.SetItemsProcessed(state.iterations());
  ClearWrites(f);
}

void UpdateTask(benchmark::State& state, Backend backend, bool raw) {
  Fixture& f = Seeded(backend);
  const Writes& w = CapturedWrites(f);
  Task t = f.store->tasks().Create(SeedTask(f.writes.arn, 8));
  const char* status[] = {"RUNNING", "STOPPED"};
  if (raw) {
    Plan update(w.update, {{":key", [](const Task& task, Value& v) { SetText(v, task.arn); }},
                           {":version", [](const Task& task, Value& v) { v = task.version; }}});
    for (auto _ : state) {
      t.desired_status = status[t.version % 2];
      t.updated_at = Now();
      if (update.Run(*f.raw, t) != 1) state.SkipWithError("raw update matched no row");
      ++t.version;
    }
  } else {
    for (auto _ : state) {
      t.desired_status = status[t.version % 2];
      t = f.store->tasks().Update(t);
    }
  }
  ClearWrites(f);
}

// Raw and raw_one_statement as for CreateTask.
void UpsertTask(benchmark::State& state, Backend backend, Side side) {
  Fixture& f = Seeded(backend);
  const Writes& w = CapturedWrites(f);
  Task t = f.store->tasks().Create(SeedTask(f.writes.arn, 9));
  if (side != Side::kStrata) {
    const bool two = side == Side::kRaw;
    Plan find(w.find_cluster, kClusterKey),
        upsert(two ? w.plain_upsert : w.upsert, WithClusterGuard(f.writes));
    for (auto _ : state) {
      t.version = 1;
      t.created_at = t.updated_at = Now();
      if ((two && find.Run(*f.raw, t) != 1) || upsert.Run(*f.raw, t) != 1) {
        state.SkipWithError("raw upsert failed");
      }
    }
  } else {
    for (auto _ : state) benchmark::DoNotOptimize(f.store->tasks().Upsert(t));
  }
  ClearWrites(f);
}

constexpr int kCreateMany = 10'000;

// CreateMany of 10,000 tasks. Raw: on SQLite the same transaction of
// INSERTs strata runs; on PostgreSQL a COPY of the same rows, the fastest
// way in (strata's CreateMany is a COPY too, in a transaction with its
// cluster check).
void CreateMany(benchmark::State& state, Backend backend, bool raw) {
  Fixture& f = Seeded(backend);
  const Writes& w = CapturedWrites(f);
  std::vector<Task> seeds;
  for (int i = 0; i < kCreateMany; ++i) seeds.push_back(SeedTask(f.writes.arn, i));
  Plan find(w.find_cluster, kClusterKey), insert(w.plain_insert, {});
  RawTasks tasks(f.writes);
  std::vector<std::pair<ColumnKind, std::function<void(const Task&, Value&)>>> columns;
  std::string copy = "COPY tasks (";
  for (const std::string& column : InsertColumns(w.plain_insert)) {
    columns.emplace_back(TaskColumn(column).kind, TaskColumn(column).get);
    copy += (columns.size() > 1 ? ", " : "") + column;
  }
  copy += ") FROM STDIN";
  std::string data;
  Value value;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<Task> batch = seeds;
    ClearWrites(f);
    state.ResumeTiming();
    if (!raw) {
      benchmark::DoNotOptimize(f.store->tasks().CreateMany(std::move(batch)));
    } else if (backend == Backend::kSqlite) {
      f.raw->Exec("BEGIN IMMEDIATE");
      find.Run(*f.raw, batch.front());
      for (Task& t : batch) {
        tasks.Complete(t);
        insert.Run(*f.raw, t);
      }
      f.raw->Exec("COMMIT");
    } else {
      data.clear();
      for (Task& t : batch) {
        tasks.Complete(t);
        for (std::size_t c = 0; c < columns.size(); ++c) {
          if (c > 0) data += '\t';
          columns[c].second(t, value);
          AppendCopy(data, columns[c].first, value);
        }
        data += '\n';
      }
      f.raw->Copy(copy, data);
    }
  }
  state.SetItemsProcessed(state.iterations() * kCreateMany);
  ClearWrites(f);
}

constexpr int kDoomedTasks = 1'000;

// Deleting a cluster deletes its tasks (ON DELETE CASCADE); each iteration
// first creates a cluster with 1,000 tasks through strata, untimed.
void DeleteCluster(benchmark::State& state, Backend backend, bool raw) {
  Fixture& f = Seeded(backend);
  const Writes& w = CapturedWrites(f);
  // Raw: strata's statements, as hand-written code that keeps a deleted
  // cluster (INACTIVE) would run them: several in one transaction.
  std::vector<Plan> remove;
  for (const std::string& sql : w.delete_cluster) remove.emplace_back(sql, kClusterDelete);
  const char* begin = backend == Backend::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN";
  static int next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Cluster c;
    c.name = "doomed-" + std::to_string(++next);
    c = f.store->clusters().Create(c);
    std::vector<Task> batch;
    for (int i = 0; i < kDoomedTasks; ++i) batch.push_back(SeedTask(c.arn, i));
    f.store->tasks().CreateMany(std::move(batch));
    Task key;
    key.cluster_arn = c.arn;
    state.ResumeTiming();
    if (raw) {
      const bool one = remove.size() == 1;  // autocommit
      if (!one) f.raw->Exec(begin);
      if (remove[0].Run(*f.raw, key) != 1) state.SkipWithError("raw delete matched no cluster");
      for (std::size_t i = 1; i < remove.size(); ++i) remove[i].Run(*f.raw, key);
      if (!one) f.raw->Exec("COMMIT");
    } else {
      f.store->clusters().Delete(c.arn, {true});
    }
  }
  state.SetItemsProcessed(state.iterations() * kDoomedTasks);
}

// One task's life through AdvanceStatus: 3 changes after PROVISIONING.
constexpr const char* kLife[] = {"PENDING", "RUNNING", "STOPPED"};
constexpr int kAdvanceBatch = 1'000;

// kAdvanceBatch PROVISIONING tasks in the writes cluster, created through
// strata (untimed by the caller).
std::vector<Task> Provisioning(Fixture& f) {
  std::vector<Task> batch;
  for (int i = 0; i < kAdvanceBatch; ++i) {
    Task t = SeedTask(f.writes.arn, i);
    t.last_status = "PROVISIONING";
    t.started_at.reset();
    batch.push_back(std::move(t));
  }
  return f.store->tasks().CreateMany(std::move(batch));
}

// Raw: what AdvanceStatus runs for each change, the task's find and the
// versioned update (captured), with the fields it sets filled in by hand.
void AdvanceStatus(benchmark::State& state, Backend backend, bool raw) {
  Fixture& f = Seeded(backend);
  const Writes& w = CapturedWrites(f);
  std::vector<Task> tasks = Provisioning(f);
  std::vector<std::string> sql = f.Capture([&] {
    tasks[0] = f.store->tasks().AdvanceStatus(f.writes.arn, tasks[0].arn, {"PENDING", ""});
  });
  if (sql.size() != 2 || sql[1] != w.update || Placeholders(sql[0]).size() != 2) {
    state.SkipWithError("AdvanceStatus prepared other statements than a find and the update");
    ClearWrites(f);
    return;
  }
  Plan update(w.update, {{":key", [](const Task& task, Value& v) { SetText(v, task.arn); }},
                         {":version", [](const Task& task, Value& v) { v = task.version; }}});
  std::vector<Value> key = {f.writes.arn, std::string()};
  std::size_t next = 1;  // tasks[0] has moved on
  for (auto _ : state) {
    if (next == tasks.size()) {
      state.PauseTiming();
      tasks = Provisioning(f);
      next = 0;
      state.ResumeTiming();
    }
    Task& t = tasks[next++];
    for (const std::string status : kLife) {
      if (!raw) {
        t = f.store->tasks().AdvanceStatus(f.writes.arn, t.arn, {status, ""});
        continue;
      }
      SetText(key[1], t.arn);
      if (f.raw->Run(sql[0], key) != 1) state.SkipWithError("raw find matched no task");
      AdvanceByHand(t, status, Now());
      if (update.Run(*f.raw, t) != 1) state.SkipWithError("raw update matched no row");
      ++t.version;
    }
  }
  state.SetItemsProcessed(state.iterations() * 3);
  ClearWrites(f);
}

}  // namespace

const std::vector<WritePath>& WritePaths() {
  static const std::vector<WritePath> paths = {
      {"create_task", [](benchmark::State& s, Backend b,
                         bool raw) { CreateTask(s, b, raw ? Side::kRaw : Side::kStrata); }},
      {"update_task", UpdateTask},
      {"upsert_task", [](benchmark::State& s, Backend b,
                         bool raw) { UpsertTask(s, b, raw ? Side::kRaw : Side::kStrata); }},
      {"create_many_10000", CreateMany},
      {"delete_cluster_1000_tasks", DeleteCluster},
  };
  return paths;
}

const std::vector<WritePath>& OneStatementPaths() {
  static const std::vector<WritePath> paths = {
      {"create_task",
       [](benchmark::State& s, Backend b, bool) { CreateTask(s, b, Side::kRawOneStatement); }},
      {"upsert_task",
       [](benchmark::State& s, Backend b, bool) { UpsertTask(s, b, Side::kRawOneStatement); }},
  };
  return paths;
}

const WritePath& AdvanceStatusPath() {
  static const WritePath path = {"advance_status_3", AdvanceStatus};
  return path;
}

}  // namespace strata::bench
