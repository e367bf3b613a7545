// The repositories' query paths beside the raw C API (issue 6;
// docs/benchmarks.md). Each `<backend>/<path>/strata` calls the public API;
// its `<backend>/<path>/raw` runs the SQL that strata prepared for that call
// (captured from the store's debug log, so it cannot drift from the library)
// through sqlite3 or libpq, prepared once, with the same values bound, and
// copies every column of every row out as hand-written code would (text into
// strings, integers as integers).
#include <libpq-fe.h>
#include <sqlite3.h>

#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
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

// A bound value: NULL, an integer, or text.
using Value = std::variant<std::monostate, std::int64_t, std::string>;

// A placeholder of a strata statement and where it stands in the SQL.
struct Placeholder {
  std::string name;  // ":c3"
  std::size_t at;
};

// `:name` placeholders of a strata statement, in order of appearance.
std::vector<Placeholder> Placeholders(const std::string& sql) {
  std::vector<Placeholder> names;
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
    names.push_back({sql.substr(i, end - i), i});
    i = end - 1;
  }
  return names;
}

// The raw side: statements prepared once by SQL text; values bound in the
// order strata binds them (one per placeholder occurrence).
class Raw {
 public:
  virtual ~Raw() = default;
  // Runs `sql`: the rows it returned, each column copied out, or for a
  // statement without columns the rows it changed.
  virtual std::size_t Run(const std::string& sql, const std::vector<Value>& values) = 0;
  // A statement without values or rows: BEGIN, COMMIT.
  virtual void Exec(const char* sql) = 0;
  // PostgreSQL: `copy` (COPY ... FROM STDIN) with `data` in text format.
  virtual void Copy(const std::string& copy, const std::string& data) = 0;
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
      for (const Placeholder& placeholder : Placeholders(sql)) {
        p.index.push_back(sqlite3_bind_parameter_index(p.stmt, placeholder.name.c_str()));
      }
      // Hand-written code knows its columns' types: integers are read as
      // integers, not converted to text.
      for (int c = 0; c < sqlite3_column_count(p.stmt); ++c) {
        const char* type = sqlite3_column_decltype(p.stmt, c);
        p.integer.push_back(type != nullptr &&
                            std::string_view(type).find("INT") != std::string_view::npos);
      }
      it = statements_.emplace(sql, p).first;
    }
    sqlite3_stmt* stmt = it->second.stmt;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int index = it->second.index.at(i);
      if (const auto* n = std::get_if<std::int64_t>(&values[i])) {
        sqlite3_bind_int64(stmt, index, *n);
      } else if (const auto* s = std::get_if<std::string>(&values[i])) {
        sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
      } else {
        sqlite3_bind_null(stmt, index);
      }
    }
    std::size_t rows = 0;
    int rc;
    const std::vector<bool>& integer = it->second.integer;
    row_.resize(integer.size());
    numbers_.resize(integer.size());
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      for (std::size_t c = 0; c < integer.size(); ++c) {
        const int column = static_cast<int>(c);
        if (integer[c]) {
          numbers_[c] = sqlite3_column_int64(stmt, column);
          continue;
        }
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
        row_[c].assign(text != nullptr ? text : "",
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
      }
      ++rows;
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
    if (sqlite3_column_count(stmt) == 0) rows = static_cast<std::size_t>(sqlite3_changes(db_));
    return rows;
  }

  void Exec(const char* sql) override {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
  }

  void Copy(const std::string&, const std::string&) override {
    throw std::logic_error("SQLite has no COPY");
  }

 private:
  struct Prepared {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int> index;
    std::vector<bool> integer;  // per column: declared INTEGER
  };
  sqlite3* db_ = nullptr;
  std::map<std::string, Prepared> statements_;
  std::vector<std::string> row_;
  std::vector<std::int64_t> numbers_;
};

class RawPostgres : public Raw {
 public:
  explicit RawPostgres(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_));
    Exec("SET TIME ZONE 'UTC'");
  }
  ~RawPostgres() override { PQfinish(conn_); }

  std::size_t Run(const std::string& sql, const std::vector<Value>& values) override {
    auto it = names_.find(sql);
    if (it == names_.end()) {
      // :name occurrences become $1, $2, ... in order, as SOCI sends them.
      std::string text = sql;
      int n = 0;
      for (const Placeholder& p : Placeholders(sql)) {
        text.replace(text.find(p.name), p.name.size(), "$" + std::to_string(++n));
      }
      const std::string name = "s" + std::to_string(names_.size());
      Check(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
      it = names_.emplace(sql, name).first;
    }
    text_.resize(values.size());
    params_.resize(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (const auto* n = std::get_if<std::int64_t>(&values[i])) {
        text_[i] = std::to_string(*n);
        params_[i] = text_[i].c_str();
      } else if (const auto* s = std::get_if<std::string>(&values[i])) {
        params_[i] = s->c_str();
      } else {
        params_[i] = nullptr;
      }
    }
    PGresult* r = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params_.size()),
                                 params_.data(), nullptr, nullptr, 0);
    if (PQresultStatus(r) == PGRES_COMMAND_OK) {
      const std::size_t changed = std::stoul(PQcmdTuples(r));
      PQclear(r);
      return changed;
    }
    Check(r, PGRES_TUPLES_OK, false);
    const int rows = PQntuples(r);
    const int columns = PQnfields(r);
    row_.resize(static_cast<std::size_t>(columns));
    numbers_.resize(static_cast<std::size_t>(columns));
    for (int i = 0; i < rows; ++i) {
      for (int c = 0; c < columns; ++c) {
        const char* value = PQgetvalue(r, i, c);
        const auto length = static_cast<std::size_t>(PQgetlength(r, i, c));
        const Oid type = PQftype(r, c);
        if (type == kInt8 || type == kInt4 || type == kInt2) {
          // Integers parsed, as hand-written code would.
          std::from_chars(value, value + length, numbers_[static_cast<std::size_t>(c)]);
        } else {
          row_[static_cast<std::size_t>(c)].assign(value, length);
        }
      }
    }
    PQclear(r);
    return static_cast<std::size_t>(rows);
  }

  void Exec(const char* sql) override { Check(PQexec(conn_, sql)); }

  void Copy(const std::string& copy, const std::string& data) override {
    Check(PQexec(conn_, copy.c_str()), PGRES_COPY_IN);
    if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1 ||
        PQputCopyEnd(conn_, nullptr) != 1) {
      throw std::runtime_error(PQerrorMessage(conn_));
    }
    Check(PQgetResult(conn_));
    while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
  }

 private:
  // Clears `r` unless `clear` is false; throws unless its status is `want`.
  void Check(PGresult* r, ExecStatusType want = PGRES_COMMAND_OK, bool clear = true) {
    const bool ok = PQresultStatus(r) == want;
    if (!ok) {
      const std::string error = PQerrorMessage(conn_);
      PQclear(r);
      throw std::runtime_error(error);
    }
    if (clear) PQclear(r);
  }

  static constexpr Oid kInt8 = 20, kInt2 = 21, kInt4 = 23;  // pg_type OIDs

  PGconn* conn_;
  std::map<std::string, std::string> names_;
  std::vector<std::int64_t> numbers_;
  std::vector<std::string> row_, text_;
  std::vector<const char*> params_;
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
  Cluster writes;       // where the write paths create their tasks

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

// The `t`th task of a seeded cluster: one service in 20, one task in 10 stopped.
Task SeedTask(const std::string& cluster_arn, int t) {
  const int s = t % kServicesPerCluster;
  Task task;
  task.cluster_arn = cluster_arn;
  task.task_definition_arn =
      "arn:aws:ecs:us-east-1:000000000000:task-definition/service-" + std::to_string(s) + ":1";
  task.group = "service:service-" + std::to_string(s);
  task.desired_status = t % 10 == 0 ? "STOPPED" : "RUNNING";
  task.last_status = t % 10 == 0 ? "STOPPED" : "RUNNING";
  task.started_by = "ecs-svc/" + std::to_string(s);
  task.cpu = "256";
  task.memory = "512";
  task.containers = R"([{"name":"app","image":"nginx:1.25","cpu":256,"memory":512}])";
  task.started_at = Timestamp(std::chrono::microseconds(1'790'000'000'000'000));
  return task;
}

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
      batch.push_back(SeedTask(cluster.arn, t));
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
  Cluster writes;
  writes.name = "cluster-writes";
  f.writes = f.store->clusters().Create(writes);
  f.filter.desired_status = "RUNNING";
  f.filter.service_name = "service-7";
  if (backend == Backend::kSqlite) {
    f.raw = std::make_unique<RawSqlite>(f.options.url);
  } else {
    f.raw = std::make_unique<RawPostgres>(f.options.url);
    // What autovacuum would do soon after the bulk load, done now so that
    // it does not run in the middle of a measurement.
    f.raw->Exec("VACUUM ANALYZE");
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

// --- write paths -------------------------------------------------------------

// How the raw side gets a task's value for a column, written out by hand
// as code on the C APIs would (independent of strata's own row mapping).
enum class ColumnKind { kText, kJson, kInt, kBool, kTime, kOptionalTime };

struct Column {
  ColumnKind kind;
  std::function<void(const Task&, Value&)> get;
};

void SetText(Value& value, std::string_view text) {
  if (auto* s = std::get_if<std::string>(&value)) {
    s->assign(text);  // keeps the capacity: no allocation per row
  } else {
    value = std::string(text);
  }
}

Column Text(std::string Task::*m) {
  return {ColumnKind::kText, [m](const Task& t, Value& v) { SetText(v, t.*m); }};
}
Column Json(std::string Task::*m) {
  return {ColumnKind::kJson, [m](const Task& t, Value& v) {
            if ((t.*m).empty()) {
              v = std::monostate{};
            } else {
              SetText(v, t.*m);
            }
          }};
}
Column Time(Timestamp Task::*m) {
  return {ColumnKind::kTime, [m](const Task& t, Value& v) { v = Micros(t.*m); }};
}
Column OptionalTime(std::optional<Timestamp> Task::*m) {
  return {ColumnKind::kOptionalTime, [m](const Task& t, Value& v) {
            if (t.*m) {
              v = Micros(*(t.*m));
            } else {
              v = std::monostate{};
            }
          }};
}

// "family" from ".../task-definition/family:revision".
std::string_view Family(std::string_view task_definition) {
  task_definition.remove_prefix(task_definition.rfind('/') + 1);
  return task_definition.substr(0, task_definition.rfind(':'));
}

const std::map<std::string, Column>& TaskColumns() {
  using T = Task;
  static const std::map<std::string, Column> columns = {
      {"id", Text(&T::id)},
      {"arn", Text(&T::arn)},
      {"cluster_arn", Text(&T::cluster_arn)},
      {"task_definition_arn", Text(&T::task_definition_arn)},
      {"family",
       {ColumnKind::kText,
        [](const Task& t, Value& v) { SetText(v, Family(t.task_definition_arn)); }}},
      {"container_instance_arn", Text(&T::container_instance_arn)},
      {"last_status", Text(&T::last_status)},
      {"desired_status", Text(&T::desired_status)},
      {"cpu", Text(&T::cpu)},
      {"memory", Text(&T::memory)},
      {"task_group", Text(&T::group)},
      {"started_by", Text(&T::started_by)},
      {"launch_type", Text(&T::launch_type)},
      {"platform_version", Text(&T::platform_version)},
      {"platform_family", Text(&T::platform_family)},
      {"connectivity", Text(&T::connectivity)},
      {"health_status", Text(&T::health_status)},
      {"stop_code", Text(&T::stop_code)},
      {"stopped_reason", Text(&T::stopped_reason)},
      {"capacity_provider_name", Text(&T::capacity_provider_name)},
      {"enable_execute_command",
       {ColumnKind::kBool,
        [](const Task& t, Value& v) { v = std::int64_t{t.enable_execute_command ? 1 : 0}; }}},
      {"region", Text(&T::region)},
      {"account_id", Text(&T::account_id)},
      {"containers", Json(&T::containers)},
      {"overrides", Json(&T::overrides)},
      {"attachments", Json(&T::attachments)},
      {"attributes", Json(&T::attributes)},
      {"tags", Json(&T::tags)},
      {"started_at", OptionalTime(&T::started_at)},
      {"stopping_at", OptionalTime(&T::stopping_at)},
      {"stopped_at", OptionalTime(&T::stopped_at)},
      {"connectivity_at", OptionalTime(&T::connectivity_at)},
      {"pull_started_at", OptionalTime(&T::pull_started_at)},
      {"pull_stopped_at", OptionalTime(&T::pull_stopped_at)},
      {"execution_stopped_at", OptionalTime(&T::execution_stopped_at)},
      {"version", {ColumnKind::kInt, [](const Task& t, Value& v) { v = t.version; }}},
      {"created_at", Time(&T::created_at)},
      {"updated_at", Time(&T::updated_at)},
  };
  return columns;
}

const Column& TaskColumn(const std::string& name) {
  const auto it = TaskColumns().find(name);
  if (it == TaskColumns().end()) {
    throw std::runtime_error("the benchmark has no value for tasks." + name + ": add it");
  }
  return it->second;
}

// The column list of "INSERT INTO t (a, b, ...) VALUES ...".
std::vector<std::string> InsertColumns(const std::string& sql) {
  const std::size_t open = sql.find('(');
  const std::string list = sql.substr(open + 1, sql.find(')', open) - open - 1);
  std::vector<std::string> columns;
  for (std::size_t start = 0; start <= list.size();) {
    const std::size_t comma = std::min(list.find(", ", start), list.size());
    columns.push_back(list.substr(start, comma - start));
    start = comma + 2;
  }
  return columns;
}

// One captured statement with, for each of its placeholders, where the raw
// side takes the value from: strata's INSERT binds column N as :cN and its
// UPDATE binds "column = ... :uN ..."; other names come from `named`.
class Plan {
 public:
  using Get = std::function<void(const Task&, Value&)>;

  Plan(std::string sql, const std::map<std::string, Get>& named) : sql_(std::move(sql)) {
    for (const Placeholder& p : Placeholders(sql_)) {
      if (const auto it = named.find(p.name); it != named.end()) {
        get_.push_back(it->second);
      } else if (p.name.starts_with(":c")) {
        get_.push_back(TaskColumn(InsertColumns(sql_).at(std::stoul(p.name.substr(2)))).get);
      } else if (p.name.starts_with(":u")) {
        const std::size_t equals = sql_.rfind(" = ", p.at);
        const std::size_t start = sql_.find_last_of(" ,", equals - 1) + 1;
        get_.push_back(TaskColumn(sql_.substr(start, equals - start)).get);
      } else {
        throw std::runtime_error("no value for " + p.name + " in: " + sql_);
      }
    }
    values_.resize(get_.size());
  }

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

// COPY's text format for `value` of a column of `kind`.
void AppendCopy(std::string& out, ColumnKind kind, const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) {
    out += "\\N";
  } else if (kind == ColumnKind::kBool) {
    out += std::get<std::int64_t>(value) != 0 ? 't' : 'f';
  } else if (kind == ColumnKind::kTime || kind == ColumnKind::kOptionalTime) {
    out += FormatTimestamp(Timestamp(std::chrono::microseconds(std::get<std::int64_t>(value))));
  } else if (const auto* n = std::get_if<std::int64_t>(&value)) {
    out += std::to_string(*n);
  } else {
    for (const char c : std::get<std::string>(value)) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          out += c;
      }
    }
  }
}

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
  w.delete_cluster = one(f.Capture([&] { f.store->clusters().Delete(doomed.arn); }), 1, 0);
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
      f.store->clusters().Delete(c.arn);
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
