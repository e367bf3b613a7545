// The repositories' query paths beside the raw C API (issue 6;
// docs/benchmarks.md). Each `<backend>/<path>/strata` calls the public API;
// its `<backend>/<path>/raw` runs the SQL that strata prepared for that call
// (captured from the store's debug log, so it cannot drift from the library)
// through sqlite3 or libpq, prepared once, with the same values bound, and
// copies every column of every row out as hand-written code would (text into
// strings, integers as integers).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bench_support.h"
#include "query_fixture.h"
#include "raw_client.h"
#include "raw_tasks.h"

namespace strata::bench {
namespace {

// --- read paths --------------------------------------------------------------

// The rows a page query read: its items, and one more when there is a next
// page (the query asks for limit + 1).
std::size_t Rows(const Page<Task>& page) {
  return page.items.size() + (page.next_token.empty() ? 0 : 1);
}

// One read path: the strata call, and the values strata binds for it.
struct ReadPath {
  const char* name;
  std::function<std::size_t(Fixture&)> strata;  // returns rows, to check the pair agrees
  std::function<std::vector<Value>(Fixture&)> values;
};

std::vector<ReadPath> ReadPaths() {
  return {
      {"find_cluster_by_name",
       [](Fixture& f) { return f.store->clusters().Find("cluster-3") ? 1u : 0u; },
       [](Fixture&) { return std::vector<Value>{std::string("cluster-3")}; }},
      {"find_cluster_by_arn",
       [](Fixture& f) {
         return f.store->clusters().Find("arn:aws:ecs:us-east-1:000000000000:cluster/cluster-3")
                    ? 1u
                    : 0u;
       },
       [](Fixture&) {
         return std::vector<Value>{
             std::string("arn:aws:ecs:us-east-1:000000000000:cluster/cluster-3")};
       }},
      {"find_task_by_arn",
       [](Fixture& f) { return f.store->tasks().Find(f.big_arn, f.some_task.arn) ? 1u : 0u; },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, f.some_task.arn};
       }},
      {"list_tasks_first_page",
       [](Fixture& f) {
         PageRequest page;
         page.limit = kPageLimit;
         return Rows(f.store->tasks().List(f.big_arn, {}, page));
       },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, std::int64_t{kPageLimit + 1}};
       }},
      {"list_tasks_deep_page",
       [](Fixture& f) { return Rows(f.store->tasks().List(f.big_arn, {}, f.deep)); },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, Micros(f.after_deep.created_at), f.after_deep.id,
                                   std::int64_t{kPageLimit + 1}};
       }},
      {"list_tasks_filtered",
       [](Fixture& f) {
         PageRequest page;
         page.limit = kPageLimit;
         return Rows(f.store->tasks().List(f.big_arn, f.filter, page));
       },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, std::string("service:service-7"),
                                   std::string("RUNNING"), std::int64_t{kPageLimit + 1}};
       }},
      {"count_tasks",
       [](Fixture& f) {
         return static_cast<std::size_t>(f.store->tasks().Count(f.big_arn, f.filter) > 0);
       },
       [](Fixture& f) {
         return std::vector<Value>{f.big_arn, std::string("service:service-7"),
                                   std::string("RUNNING")};
       }},
  };
}

void Strata(benchmark::State& state, Backend backend, const ReadPath& path) {
  Fixture& f = Seeded(backend);
  for (auto _ : state) benchmark::DoNotOptimize(path.strata(f));
}

void RawRead(benchmark::State& state, Backend backend, const ReadPath& path) {
  Fixture& f = Seeded(backend);
  const std::vector<std::string> sql = f.Capture([&] { path.strata(f); });
  // A deep page with a cluster ARN prepares only its page query; reads never
  // prepare more than one statement.
  if (sql.size() != 1) {
    state.SkipWithError(
        ("expected one statement, strata prepared " + std::to_string(sql.size())).c_str());
    return;
  }
  const std::vector<Value> values = path.values(f);
  if (Placeholders(sql[0]).size() != values.size()) {
    state.SkipWithError("the values do not match the statement's placeholders");
    return;
  }
  const std::size_t expected = path.strata(f);
  if (f.raw->Run(sql[0], values) != expected) {
    state.SkipWithError("raw and strata disagree on the rows");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(f.raw->Run(sql[0], values));
}

// --- write paths -------------------------------------------------------------

// The statements strata prepares for the write paths, captured once per
// backend; and the raw side's plans for them.
struct Writes {
  std::string find_cluster, insert, update, upsert, delete_cluster;
};

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
  Task task = SeedTask(f.writes.arn, 1);
  const std::vector<std::string> create = f.Capture([&] { task = f.store->tasks().Create(task); });
  w.find_cluster = one(create, 2, 0);
  w.insert = one(create, 2, 1);
  w.update = one(f.Capture([&] { task = f.store->tasks().Update(task); }), 1, 0);
  w.upsert = one(f.Capture([&] { task = f.store->tasks().Upsert(task); }), 2, 1);
  Cluster doomed;
  doomed.name = "cluster-doomed";
  doomed = f.store->clusters().Create(doomed);
  // Forced: the path measured is the cascade (an unforced delete of a
  // cluster with tasks is refused, ADR 0010).
  w.delete_cluster = one(f.Capture([&] { f.store->clusters().Delete(doomed.arn, {true}); }), 1, 0);
  f.store->tasks().Delete(f.writes.arn, task.arn);
  return captured[&f] = w;
}

const std::map<std::string, Plan::Get> kClusterKey = {
    {":key", [](const Task& t, Value& v) { SetText(v, t.cluster_arn); }}};

// Removes the tasks the write paths created (outside the timing).
void ClearWrites(Fixture& f) {
  f.raw->Run("DELETE FROM tasks WHERE cluster_arn = :c", {f.writes.arn});
}

void CreateTask(benchmark::State& state, Backend backend, bool raw) {
  Fixture& f = Seeded(backend);
  const Writes& w = CapturedWrites(f);
  const Task seed = SeedTask(f.writes.arn, 7);
  if (raw) {
    Plan find(w.find_cluster, kClusterKey), insert(w.insert, {});
    RawTasks tasks(f.writes);
    for (auto _ : state) {
      Task t = seed;
      tasks.Complete(t);
      if (find.Run(*f.raw, t) != 1 || insert.Run(*f.raw, t) != 1) {
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

void UpsertTask(benchmark::State& state, Backend backend, bool raw) {
  Fixture& f = Seeded(backend);
  const Writes& w = CapturedWrites(f);
  Task t = f.store->tasks().Create(SeedTask(f.writes.arn, 9));
  if (raw) {
    Plan find(w.find_cluster, kClusterKey), upsert(w.upsert, {});
    for (auto _ : state) {
      t.version = 1;
      t.created_at = t.updated_at = Now();
      if (find.Run(*f.raw, t) != 1 || upsert.Run(*f.raw, t) != 1) {
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
  Plan find(w.find_cluster, kClusterKey), insert(w.insert, {});
  RawTasks tasks(f.writes);
  std::vector<std::pair<ColumnKind, std::function<void(const Task&, Value&)>>> columns;
  std::string copy = "COPY tasks (";
  for (const std::string& column : InsertColumns(w.insert)) {
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
  Plan remove(w.delete_cluster, kClusterKey);
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
      if (remove.Run(*f.raw, key) != 1) state.SkipWithError("raw delete matched no cluster");
    } else {
      f.store->clusters().Delete(c.arn, {true});
    }
  }
  state.SetItemsProcessed(state.iterations() * kDoomedTasks);
}

struct WritePath {
  const char* name;
  void (*run)(benchmark::State&, Backend, bool);
};

const WritePath kWritePaths[] = {
    {"create_task", CreateTask},
    {"update_task", UpdateTask},
    {"upsert_task", UpsertTask},
    {"create_many_10000", CreateMany},
    {"delete_cluster_1000_tasks", DeleteCluster},
};

// --- registration ------------------------------------------------------------

// Each pair is measured 5 times, the repetitions of all pairs interleaved at
// random (bench_support.cc); ratios use the medians.
constexpr int kRepetitions = 5;

// How every pair is run.
void Configure(benchmark::internal::Benchmark* bench) {
  bench->Unit(benchmark::kMicrosecond)
      ->MinTime(0.2)
      ->Repetitions(kRepetitions)
      ->ReportAggregatesOnly(true)
      ->UseRealTime();
}

void Register() {
  static const std::vector<ReadPath> paths = ReadPaths();
  for (const Backend backend : {Backend::kSqlite, Backend::kPostgres}) {
    if (!Selected(backend)) continue;
    const std::string b(BackendName(backend));
    const auto name = [&](const char* path, bool raw) {
      return b + "/" + path + (raw ? "/raw" : "/strata");
    };
    for (const bool raw : {true, false}) {
      for (const WritePath& path : kWritePaths) {
        Configure(
            benchmark::RegisterBenchmark(name(path.name, raw).c_str(), path.run, backend, raw));
      }
      for (const ReadPath& path : paths) {
        Configure(benchmark::RegisterBenchmark(name(path.name, raw).c_str(), raw ? RawRead : Strata,
                                               backend, std::cref(path)));
      }
    }
  }
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  strata::bench::Register();
  return strata::bench::Main(argc, argv);
}
