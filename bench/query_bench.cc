// The repositories' query paths beside the raw C API (issue 6;
// docs/benchmarks.md). Each `<backend>/<path>/strata` calls the public API;
// its `<backend>/<path>/raw` runs the SQL that strata prepared for that call
// (captured from the store's debug log, so it cannot drift from the library)
// through sqlite3 or libpq, prepared once, with the same values bound, and
// copies every column of every row into strings as hand-written code would.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "bench_support.h"
#include "strata/store.h"

namespace strata::bench {
namespace {

constexpr int kClusters = 10;
constexpr int kServicesPerCluster = 20;
constexpr int kTasksInBigCluster = 91'000;  // the deep page starts after 90,000
constexpr int kTasksPerOtherCluster = 1'000;
constexpr int kPageLimit = 100;

using Value = std::variant<std::int64_t, std::string>;

// `:name` placeholders of a strata statement, in order of appearance.
std::vector<std::string> Placeholders(const std::string& sql) {
  std::vector<std::string> names;
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '\'') quoted = !quoted;
    if (quoted || sql[i] != ':' || (i > 0 && sql[i - 1] == ':') || i + 1 >= sql.size() ||
        !(std::isalpha(static_cast<unsigned char>(sql[i + 1])) || sql[i + 1] == '_')) {
      continue;
    }
    std::size_t end = i + 1;
    while (end < sql.size() &&
           (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) {
      ++end;
    }
    names.push_back(sql.substr(i, end - i));
    i = end - 1;
  }
  return names;
}

// The raw side: statements prepared once by SQL text; values bound in the
// order strata binds them (one per placeholder occurrence).
class Raw {
 public:
  virtual ~Raw() = default;
  // Runs `sql`; returns the number of rows, each column copied out.
  virtual std::size_t Run(const std::string& sql, const std::vector<Value>& values) = 0;
};

class RawSqlite : public Raw {
 public:
  explicit RawSqlite(const std::string& path) {
    sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_exec(db_, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawSqlite() override {
    for (auto& [sql, st] : statements_) sqlite3_finalize(st.stmt);
    sqlite3_close(db_);
  }

  std::size_t Run(const std::string& sql, const std::vector<Value>& values) override {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      Prepared p;
      if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &p.stmt, nullptr) !=
          SQLITE_OK) {
        throw std::runtime_error(sqlite3_errmsg(db_));
      }
      for (const std::string& name : Placeholders(sql)) {
        p.index.push_back(sqlite3_bind_parameter_index(p.stmt, name.c_str()));
      }
      it = statements_.emplace(sql, p).first;
    }
    sqlite3_stmt* stmt = it->second.stmt;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int index = it->second.index.at(i);
      if (const auto* n = std::get_if<std::int64_t>(&values[i])) {
        sqlite3_bind_int64(stmt, index, *n);
      } else {
        const std::string& s = std::get<std::string>(values[i]);
        sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
      }
    }
    std::size_t rows = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      row_.resize(static_cast<std::size_t>(sqlite3_column_count(stmt)));
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        row_[static_cast<std::size_t>(c)].assign(
            text != nullptr ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)));
      }
      ++rows;
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
    return rows;
  }

 private:
  struct Prepared {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int> index;
  };
  sqlite3* db_ = nullptr;
  std::map<std::string, Prepared> statements_;
  std::vector<std::string> row_;
};

class RawPostgres : public Raw {
 public:
  explicit RawPostgres(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_));
    PQclear(PQexec(conn_, "SET TIME ZONE 'UTC'"));
  }
  ~RawPostgres() override { PQfinish(conn_); }

  std::size_t Run(const std::string& sql, const std::vector<Value>& values) override {
    auto it = names_.find(sql);
    if (it == names_.end()) {
      // :name occurrences become $1, $2, ... in order, as SOCI sends them.
      std::string text = sql;
      int n = 0;
      for (const std::string& name : Placeholders(sql)) {
        text.replace(text.find(name), name.size(), "$" + std::to_string(++n));
      }
      const std::string name = "s" + std::to_string(names_.size());
      PGresult* r = PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr);
      const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
      if (!ok) throw std::runtime_error(PQerrorMessage(conn_));
      it = names_.emplace(sql, name).first;
    }
    std::vector<std::string> text(values.size());
    std::vector<const char*> params(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (const auto* n = std::get_if<std::int64_t>(&values[i])) {
        text[i] = std::to_string(*n);
      } else {
        text[i] = std::get<std::string>(values[i]);
      }
      params[i] = text[i].c_str();
    }
    PGresult* r = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                                 params.data(), nullptr, nullptr, 0);
    const ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      const std::string error = PQerrorMessage(conn_);
      PQclear(r);
      throw std::runtime_error(error);
    }
    const int rows = PQntuples(r);
    const int columns = PQnfields(r);
    row_.resize(static_cast<std::size_t>(columns));
    for (int i = 0; i < rows; ++i) {
      for (int c = 0; c < columns; ++c) {
        row_[static_cast<std::size_t>(c)].assign(PQgetvalue(r, i, c),
                                                 static_cast<std::size_t>(PQgetlength(r, i, c)));
      }
    }
    PQclear(r);
    return static_cast<std::size_t>(rows);
  }

 private:
  PGconn* conn_;
  std::map<std::string, std::string> names_;
  std::vector<std::string> row_;
};

// The seeded database of one backend, its store, the SQL that store
// prepared, and a raw connection beside it.
struct Fixture {
  StoreOptions options;
  std::unique_ptr<Store> store;
  std::unique_ptr<Raw> raw;
  std::mutex mutex;
  std::vector<std::string> prepared;  // "prepared: " lines of the debug log

  std::string big_arn;  // the cluster with 91,000 tasks
  Task some_task;       // one of them, for point reads
  PageRequest deep;     // the page after row 90,000
  Task after_deep;      // the last row before it
  TaskFilter filter;    // desired status + service

  // The SQL that `call` prepares, on a store of its own with an empty
  // statement cache (the main store's may already hold it), on the same
  // database and logger.
  std::vector<std::string> Capture(const std::function<void()>& call) {
    std::unique_ptr<Store> fresh = Store::Open(options);
    {
      const std::lock_guard lock(mutex);
      prepared.clear();
    }
    std::swap(fresh, store);
    call();
    std::swap(fresh, store);
    const std::lock_guard lock(mutex);
    return prepared;
  }
};

Fixture& Seeded(Backend backend) {
  static std::map<Backend, std::unique_ptr<Fixture>> fixtures;
  auto& slot = fixtures[backend];
  if (slot) return *slot;
  slot = std::make_unique<Fixture>();
  Fixture& f = *slot;
  f.options = Options(backend, "query.db");
  EmptyDatabase(f.options);
  f.options.auto_migrate = true;
  f.options.pool_size = 1;  // one connection: the first call of a path prepares its SQL
  f.options.logger = [&f](LogLevel level, std::string_view message) {
    if (level == LogLevel::kDebug && message.starts_with("prepared: ")) {
      const std::lock_guard lock(f.mutex);
      f.prepared.emplace_back(message.substr(10));
    }
  };
  f.store = Store::Open(f.options);
  const std::string td = "arn:aws:ecs:us-east-1:000000000000:task-definition/";
  for (int c = 0; c < kClusters; ++c) {
    Cluster cluster;
    cluster.name = "cluster-" + std::to_string(c);
    cluster = f.store->clusters().Create(cluster);
    if (c == 0) f.big_arn = cluster.arn;
    for (int s = 0; s < kServicesPerCluster; ++s) {
      Service service;
      service.cluster_arn = cluster.arn;
      service.name = "service-" + std::to_string(s);
      service.task_definition_arn = td + service.name + ":1";
      f.store->services().Create(service);
    }
    const int tasks = c == 0 ? kTasksInBigCluster : kTasksPerOtherCluster;
    std::vector<Task> batch;
    for (int t = 0; t < tasks; ++t) {
      Task task;
      task.cluster_arn = cluster.arn;
      const int s = t % kServicesPerCluster;
      task.task_definition_arn = td + "service-" + std::to_string(s) + ":1";
      task.group = "service:service-" + std::to_string(s);
      task.desired_status = t % 10 == 0 ? "STOPPED" : "RUNNING";
      task.last_status = t % 10 == 0 ? "STOPPED" : "RUNNING";
      task.started_by = "ecs-svc/" + std::to_string(s);
      task.cpu = "256";
      task.memory = "512";
      task.containers = R"([{"name":"app","image":"nginx:1.25","cpu":256,"memory":512}])";
      batch.push_back(std::move(task));
      if (batch.size() == 10'000 || t + 1 == tasks) {
        std::vector<Task> created = f.store->tasks().CreateMany(std::move(batch));
        if (c == 0 && t < 10'000) f.some_task = created[4321];
        batch.clear();
      }
    }
  }
  // The token and position after 90,000 rows of the big cluster.
  PageRequest page;
  page.limit = 1000;
  for (int i = 0; i < 90; ++i) {
    Page<Task> p = f.store->tasks().List(f.big_arn, {}, page);
    f.after_deep = p.items.back();
    page.next_token = p.next_token;
  }
  f.deep.limit = kPageLimit;
  f.deep.next_token = page.next_token;
  f.filter.desired_status = "RUNNING";
  f.filter.service_name = "service-7";
  if (backend == Backend::kSqlite) {
    f.raw = std::make_unique<RawSqlite>(f.options.url);
  } else {
    f.raw = std::make_unique<RawPostgres>(f.options.url);
  }
  return f;
}

std::int64_t Micros(Timestamp t) { return t.time_since_epoch().count(); }

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

void Register() {
  static const std::vector<ReadPath> paths = ReadPaths();
  for (const Backend backend : {Backend::kSqlite, Backend::kPostgres}) {
    if (!Selected(backend)) continue;
    const std::string b(BackendName(backend));
    for (const ReadPath& path : paths) {
      for (const bool raw : {true, false}) {
        benchmark::RegisterBenchmark((b + "/" + path.name + (raw ? "/raw" : "/strata")).c_str(),
                                     raw ? RawRead : Strata, backend, std::cref(path))
            ->Unit(benchmark::kMicrosecond)
            ->UseRealTime();
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
