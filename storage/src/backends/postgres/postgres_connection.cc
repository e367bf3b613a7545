// PostgreSQL through SOCI's postgresql backend, with the native handle for
// scripts, and the maintenance-database step that creates a missing database.
#include <libpq-fe.h>
#include <pwd.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "backends/native.h"
#include "strata/error.h"

namespace strata::backends::postgres {
namespace {

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.empty() ? "connection lost" : line;
}

// Throws DatabaseError for a failed command; returns the result when `keep`.
PGresult* Check(PGconn* conn, PGresult* result, bool keep = false) {
  const ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    if (keep) return result;
    PQclear(result);
    return nullptr;
  }
  std::string message;
  std::string code;
  int position = -1;
  if (result != nullptr) {
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT);
    const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* where = PQresultErrorField(result, PG_DIAG_STATEMENT_POSITION);
    if (primary != nullptr) message = primary;
    // DETAIL is left out: it can quote row values (a unique violation's key).
    if (hint != nullptr) message += std::string(" (hint: ") + hint + ")";
    if (sqlstate != nullptr) code = sqlstate;
    if (where != nullptr) position = std::atoi(where) - 1;
  }
  if (message.empty()) message = FirstLine(PQerrorMessage(conn));
  PQclear(result);
  throw DatabaseError(message, code, position, PQstatus(conn) == CONNECTION_BAD);
}

// `sql` with its :name placeholders numbered $1, $2, ... in order; quoted
// text and `::` casts are left alone. `count` receives how many there were.
std::string NumberPlaceholders(const std::string& sql, std::size_t& count) {
  std::string out;
  out.reserve(sql.size());
  count = 0;
  const auto name_char = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
  };
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string::npos ? sql.size() : end + 1;
      out.append(sql, i, stop - i);
      i = stop - 1;
    } else if (c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
      out += "::";
      ++i;
    } else if (c == ':' && i + 1 < sql.size() && name_char(sql[i + 1], true)) {
      std::size_t end = i + 1;
      while (end < sql.size() && name_char(sql[end], false)) ++end;
      out += '$';
      out += std::to_string(++count);
      i = end - 1;
    } else {
      out += c;
    }
  }
  return out;
}

class PostgresPrepared : public Prepared {
 public:
  PostgresPrepared(PGconn* conn, const std::string& sql, std::size_t params, std::string name)
      : conn_(conn), name_(std::move(name)), values_(params) {
    std::size_t count = 0;
    const std::string numbered = NumberPlaceholders(sql, count);
    if (count != params) {
      throw std::logic_error("statement has a different number of parameters than bound: " + sql);
    }
    Check(conn_, PQprepare(conn_, name_.c_str(), numbered.c_str(), 0, nullptr));
  }
  ~PostgresPrepared() override { PQclear(result_); }

  bool Execute(std::vector<Param>& params) override {
    Finish();
    for (std::size_t i = 0; i < params.size(); ++i) {
      Param& p = params[i];
      if (p.integer && !p.null) p.text = std::to_string(p.number);
      values_[i] = p.null ? nullptr : p.text.c_str();
    }
    result_ = Check(conn_,
                    PQexecPrepared(conn_, name_.c_str(), static_cast<int>(values_.size()),
                                   values_.data(), nullptr, nullptr, 0),
                    /*keep=*/true);
    row_ = 0;
    rows_ = PQntuples(result_);
    return rows_ > 0;
  }

  bool Next() override { return ++row_ < rows_; }

  long long AffectedRows() const override {
    return result_ == nullptr ? 0 : std::atoll(PQcmdTuples(result_));
  }

  void Finish() override {
    PQclear(result_);
    result_ = nullptr;
    rows_ = 0;
  }

  std::int64_t GetInt(std::size_t column) const override {
    const std::string_view text = GetText(column);
    std::int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }

  std::string_view GetText(std::size_t column) const override {
    const int c = static_cast<int>(column);
    return {PQgetvalue(result_, row_, c), static_cast<std::size_t>(PQgetlength(result_, row_, c))};
  }

  bool IsNull(std::size_t column) const override {
    return PQgetisnull(result_, row_, static_cast<int>(column)) == 1;
  }

 private:
  PGconn* conn_;
  std::string name_;
  std::vector<const char*> values_;
  PGresult* result_ = nullptr;
  int row_ = 0, rows_ = 0;
};

class PostgresNative : public NativeConnection {
 public:
  explicit PostgresNative(PGconn* conn) : conn_(conn) {}

  Backend backend() const override { return Backend::kPostgres; }

  void Exec(std::string_view sql) override { Check(PQexec(conn_, std::string(sql).c_str())); }

  std::vector<Row> Query(const std::string& sql, const std::vector<Value>& params) override {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Value& value : params) values.push_back(value ? value->c_str() : nullptr);
    PGresult* result = Check(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()),
                                          nullptr, values.data(), nullptr, nullptr, 0),
                             /*keep=*/true);
    std::unique_ptr<PGresult, decltype(&PQclear)> owned(result, &PQclear);
    std::vector<Row> rows;
    const int tuples = PQntuples(result);
    const int fields = PQnfields(result);
    rows.reserve(static_cast<std::size_t>(tuples));
    for (int r = 0; r < tuples; ++r) {
      Row row;
      row.reserve(static_cast<std::size_t>(fields));
      for (int f = 0; f < fields; ++f) {
        if (PQgetisnull(result, r, f)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(PQgetvalue(result, r, f),
                                       static_cast<std::size_t>(PQgetlength(result, r, f))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  std::unique_ptr<Prepared> Prepare(const std::string& sql, std::size_t params) override {
    return std::make_unique<PostgresPrepared>(conn_, sql, params,
                                              "strata_" + std::to_string(++statements_));
  }

  bool IsUndefinedTable(const DatabaseError& error) const override {
    return error.code() == "42P01";
  }

  // libpq pipeline mode, synced every kPipelineDepth statements so that
  // neither side's socket buffer can fill while the other waits.
  void ExecBatch(const std::vector<BatchItem>& items) override {
    constexpr std::size_t kPipelineDepth = 64;
    for (std::size_t start = 0; start < items.size(); start += kPipelineDepth) {
      const std::size_t end = std::min(items.size(), start + kPipelineDepth);
      if (PQenterPipelineMode(conn_) != 1) Check(nullptr);
      std::optional<BatchError> failure;
      std::size_t sent = start;
      for (; sent < end; ++sent) {
        std::vector<const char*> values;
        for (const Value& value : items[sent].params)
          values.push_back(value ? value->c_str() : nullptr);
        if (PQsendQueryParams(conn_, items[sent].sql.c_str(), static_cast<int>(values.size()),
                              nullptr, values.data(), nullptr, nullptr, 0) != 1) {
          break;
        }
      }
      const bool synced = PQpipelineSync(conn_) == 1;
      for (std::size_t i = start; i < sent; ++i) {
        while (PGresult* result = PQgetResult(conn_)) {
          const ExecStatusType status = PQresultStatus(result);
          if (!failure && status != PGRES_PIPELINE_ABORTED) {
            try {
              Check(result);
              result = nullptr;  // Check freed it
            } catch (const DatabaseError& e) {
              failure.emplace(e, i);
              result = nullptr;
            }
          }
          PQclear(result);
        }
      }
      if (synced) {
        while (PGresult* result = PQgetResult(conn_)) {  // PGRES_PIPELINE_SYNC
          const bool sync = PQresultStatus(result) == PGRES_PIPELINE_SYNC;
          PQclear(result);
          if (sync) break;
        }
      }
      PQexitPipelineMode(conn_);
      if (failure) throw *failure;
      if (sent < end || !synced) {
        throw BatchError(DatabaseError(FirstLine(PQerrorMessage(conn_)), "", -1,
                                       PQstatus(conn_) == CONNECTION_BAD),
                         sent);
      }
    }
  }

  void SetBusyTimeout(std::chrono::milliseconds) override {}

 private:
  PGresult* Check(PGresult* result, bool keep = false) {
    return postgres::Check(conn_, result, keep);
  }
  static std::string FirstLine(const std::string& text) { return postgres::FirstLine(text); }

  PGconn* conn_;
  std::size_t statements_ = 0;  // names strata_1, strata_2, ... on this connection
};

using Params = std::map<std::string, std::string>;

// The URL's settings, as libpq reads them. The URL is never echoed: it may
// hold a password.
Params ParseUrl(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    if (error != nullptr) PQfreemem(error);
    throw InvalidArgumentError(
        "the PostgreSQL database URL does not parse: give a postgresql://user@host:5432/db URI "
        "or a 'host=... dbname=...' conninfo");
  }
  Params params;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val != nullptr) params[option->keyword] = option->val;
  }
  PQconninfoFree(options);
  return params;
}

// key='value' pairs, quoted the way libpq reads them.
std::string Conninfo(const Params& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += ' ';
    out += key + "='";
    for (char c : value) {
      if (c == '\\' || c == '\'') out += '\\';
      out += c;
    }
    out += '\'';
  }
  return out;
}

std::string Flatten(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (std::size_t pos; (pos = text.find('\n')) != std::string::npos;) {
    const std::size_t end = text.find_first_not_of("\n\t ", pos);
    text.replace(pos, end == std::string::npos ? std::string::npos : end - pos, "; ");
  }
  return text;
}

// The database libpq connects to when the URL names none: PGDATABASE, else
// the user name.
std::string TargetDatabase(const Params& params) {
  for (const char* key : {"dbname", "user"}) {
    if (auto it = params.find(key); it != params.end() && !it->second.empty()) return it->second;
  }
  for (const char* env : {"PGDATABASE", "PGUSER"}) {
    if (const char* value = std::getenv(env); value != nullptr && *value != '\0') return value;
  }
  const passwd* pw = getpwuid(geteuid());
  return pw != nullptr ? pw->pw_name : "postgres";
}

// libpq's notice receiver: one log line per notice, its primary message only
// (a DETAIL line may quote values), at the level its severity maps to.
void ReceiveNotice(void* arg, const PGresult* result) {
  const char* severity = PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const std::string_view level_name = severity != nullptr ? severity : "NOTICE";
  LogLevel level = LogLevel::kDebug;  // DEBUG1..5, LOG
  if (level_name == "WARNING") {
    level = LogLevel::kWarn;
  } else if (level_name == "NOTICE" || level_name == "INFO") {
    level = LogLevel::kInfo;
  }
  (*static_cast<const Logger*>(arg))(
      level, "PostgreSQL " + std::string(level_name) + ": " + (primary != nullptr ? primary : ""));
}

}  // namespace

Connection Connect(const std::string& url, const Logger& logger) {
  Params params = ParseUrl(url);
  params.try_emplace("application_name", "strata");
  Connection connection;
  try {
    connection.session = std::make_unique<soci::session>(soci::postgresql, Conninfo(params));
  } catch (const soci::soci_error& e) {
    // SOCI's message is a fixed sentence and libpq's, which names host, port,
    // user and database but never the password.
    std::string message = e.get_error_message();
    const std::string fixed = "Cannot establish connection to the database.";
    if (message.starts_with(fixed)) message.erase(0, fixed.size());
    throw ConnectionError("cannot connect to PostgreSQL '" + RedactUrl(url) +
                          "': " + Flatten(message.substr(message.find_first_not_of('\n'))));
  }
  auto* backend = static_cast<soci::postgresql_session_backend*>(connection.session->get_backend());
  if (logger) {
    connection.logger = std::make_unique<Logger>(logger);
    PQsetNoticeReceiver(backend->conn_, &ReceiveNotice, connection.logger.get());
  } else {
    PQsetNoticeProcessor(
        backend->conn_, [](void*, const char*) {}, nullptr);
  }
  auto native = std::make_unique<PostgresNative>(backend->conn_);
  native->Exec("SET TIME ZONE 'UTC'");
  connection.native = std::move(native);
  return connection;
}

}  // namespace strata::backends::postgres

namespace strata::backends {

std::optional<std::string> EnsurePostgresDatabase(const std::string& url) {
  postgres::Params params = postgres::ParseUrl(url);
  const std::string target = postgres::TargetDatabase(params);
  params["dbname"] = "postgres";
  params.try_emplace("application_name", "strata");
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(postgres::Conninfo(params).c_str()),
                                                    &PQfinish);
  // Unreachable too: the caller's own connection error says more.
  if (PQstatus(conn.get()) != CONNECTION_OK) return std::nullopt;
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  postgres::PostgresNative native(conn.get());
  if (!native.Query("SELECT 1 FROM pg_database WHERE datname = $1", {target}).empty()) {
    return std::nullopt;
  }
  // An identifier cannot be bound: it is quoted by libpq instead.
  std::unique_ptr<char, decltype(&PQfreemem)> quoted(
      PQescapeIdentifier(conn.get(), target.c_str(), target.size()), &PQfreemem);
  try {
    native.Exec("CREATE DATABASE " + std::string(quoted.get()));
  } catch (const DatabaseError& e) {
    if (e.code() == "42P04") return std::nullopt;  // another runner created it first
    throw ConnectionError("cannot create database '" + target + "': " + e.what() +
                          "; create it by hand or grant CREATEDB");
  }
  return target;
}

}  // namespace strata::backends
