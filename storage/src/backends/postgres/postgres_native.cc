// The PGconn of a SOCI session: scripts, prepared statements, pipelined
// batches (one round trip for a whole migration) and COPY.
#include <poll.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "backends/postgres/postgres_internal.h"
#include "strata/timestamp.h"

namespace strata::backends::postgres {
namespace {

// COPY's text format, streamed to the server in pieces of about kChunk
// bytes so that a million rows never sit in memory at once.
class Copy : public BulkInsert {
 public:
  static constexpr std::size_t kChunk = 256 * 1024;

  Copy(PGconn* conn, std::string_view table, const std::vector<std::string>& columns)
      : conn_(conn) {
    std::string sql = "COPY " + std::string(table) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += (i > 0 ? ", " : "") + columns[i];
    sql += ") FROM STDIN";
    PGresult* start = PQexec(conn_, sql.c_str());
    const bool copying = PQresultStatus(start) == PGRES_COPY_IN;
    if (!copying) Check(conn_, start);  // throws: COPY did not start
    PQclear(start);
    open_ = true;
  }

  ~Copy() override {
    if (!open_) return;
    PQputCopyEnd(conn_, "strata: the bulk insert was abandoned");
    while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
  }

  BulkInsert& Null() override { return Raw("\\N"); }
  BulkInsert& Int(std::int64_t value) override { return Raw(std::to_string(value)); }
  BulkInsert& Bool(bool value) override { return Raw(value ? "t" : "f"); }
  BulkInsert& Time(std::int64_t micros) override {
    return Raw(FormatTimestamp(Timestamp(std::chrono::microseconds(micros))));
  }
  BulkInsert& Text(std::string_view text) override {
    Separate();
    for (const char c : text) {
      switch (c) {
        case '\\':
          data_ += "\\\\";
          break;
        case '\t':
          data_ += "\\t";
          break;
        case '\n':
          data_ += "\\n";
          break;
        case '\r':
          data_ += "\\r";
          break;
        default:
          data_ += c;
      }
    }
    return *this;
  }

  void EndRow() override {
    data_ += '\n';
    first_ = true;
    if (data_.size() >= kChunk) Send();
  }

  void Finish() override {
    Send();
    open_ = false;
    if (PQputCopyEnd(conn_, nullptr) != 1) throw ResultError(conn_, nullptr);
    // The COPY's own result, classified like any statement's.
    PGresult* result = PQgetResult(conn_);
    std::optional<DatabaseError> error;
    if (PQresultStatus(result) != PGRES_COMMAND_OK) error = ResultError(conn_, result);
    PQclear(result);
    while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
    if (error) throw *error;
  }

 private:
  void Separate() {
    if (!first_) data_ += '\t';
    first_ = false;
  }
  BulkInsert& Raw(std::string_view text) {
    Separate();
    data_ += text;
    return *this;
  }
  void Send() {
    if (data_.empty()) return;
    if (PQputCopyData(conn_, data_.data(), static_cast<int>(data_.size())) != 1) {
      throw ResultError(conn_, nullptr);
    }
    data_.clear();
  }

  PGconn* conn_;
  std::string data_;
  bool first_ = true;  // no value yet in the current row
  bool open_ = false;
};

class PostgresNative : public NativeConnection {
 public:
  // The cancel handle is taken now, while no other thread can use the
  // connection: PQgetCancel reads it, PQcancel does not.
  explicit PostgresNative(PGconn* conn) : conn_(conn), cancel_(PQgetCancel(conn), PQfreeCancel) {}

  Backend backend() const override { return Backend::kPostgres; }

  void Exec(std::string_view sql) override {
    Check(conn_, PQexec(conn_, std::string(sql).c_str()));
  }

  std::unique_ptr<Prepared> Prepare(const std::string& sql, std::size_t params) override {
    return std::make_unique<PostgresPrepared>(conn_, sql, params,
                                              "strata_" + std::to_string(++statements_));
  }

  // libpq pipeline mode, synced every kPipelineDepth steps so that neither
  // side's socket buffer can fill while the other waits.
  void ExecBatch(const std::vector<BatchStep>& steps) override {
    constexpr std::size_t kPipelineDepth = 64;
    for (std::size_t start = 0; start < steps.size(); start += kPipelineDepth) {
      const std::size_t end = std::min(steps.size(), start + kPipelineDepth);
      if (PQenterPipelineMode(conn_) != 1) throw BatchError(ResultError(conn_, nullptr), start);
      std::size_t sent = start;
      for (; sent < end && Send(steps[sent]); ++sent) {
      }
      const bool synced = PQpipelineSync(conn_) == 1;
      std::optional<BatchError> failure = Collect(start, sent);
      if (synced) {
        while (PGresult* result = PQgetResult(conn_)) {  // up to PGRES_PIPELINE_SYNC
          const bool sync = PQresultStatus(result) == PGRES_PIPELINE_SYNC;
          PQclear(result);
          if (sync) break;
        }
      }
      PQexitPipelineMode(conn_);
      if (failure) throw *failure;
      if (sent < end || !synced) throw BatchError(ResultError(conn_, nullptr), sent);
    }
  }

  std::unique_ptr<BulkInsert> BulkInsertInto(std::string_view table,
                                             const std::vector<std::string>& columns) override {
    return std::make_unique<Copy>(conn_, table, columns);
  }

  bool IsBroken() const override { return PQstatus(conn_) == CONNECTION_BAD; }

  // An idle connection has nothing to read unless the server closed it, or
  // is closing it (a FATAL message first, the end of the stream a moment
  // later), or reported a change such as in_hot_standby after a promotion:
  // one poll(2), and anything to read retires the connection.
  bool Usable() override {
    pollfd socket{PQsocket(conn_), POLLIN, 0};
    return socket.fd >= 0 && PQstatus(conn_) == CONNECTION_OK && poll(&socket, 1, 0) == 0;
  }

  bool InRecovery() override { return Value("SELECT pg_is_in_recovery()") == "t"; }

  // "16/B374D848": two hex numbers, the high and low 32 bits.
  std::optional<std::uint64_t> WalPosition() override {
    const std::string lsn = Value(
        "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
        "ELSE pg_current_wal_insert_lsn() END");
    const std::size_t slash = lsn.find('/');
    if (slash == std::string::npos) return std::nullopt;
    return (std::stoull(lsn.substr(0, slash), nullptr, 16) << 32) |
           std::stoull(lsn.substr(slash + 1), nullptr, 16);
  }

  void SetBusyTimeout(std::chrono::milliseconds) override {}

  // Best effort: a connection that is lost ends its statement anyway.
  void Interrupt() override {
    char error[256];
    if (cancel_) PQcancel(cancel_.get(), error, sizeof error);
  }

  void ConfigureForMigrations(std::chrono::milliseconds) override {
    // A runner killed mid-statement: without this its server process runs
    // the statement to the end, holding the lock and the transaction.
    try {
      Exec("SET client_connection_check_interval = '1s'");
    } catch (const DatabaseError&) {
      // PostgreSQL before 14: the lock is released when the statement ends.
    }
  }

 private:
  // The first column of the first row of a query without parameters.
  std::string Value(const char* sql) {
    PGresult* result = Check(conn_, PQexec(conn_, sql), /*keep=*/true);
    std::string value = PQntuples(result) > 0 && !PQgetisnull(result, 0, 0)
                            ? std::string(PQgetvalue(result, 0, 0))
                            : std::string();
    PQclear(result);
    return value;
  }

  bool Send(const BatchStep& step) {
    if (step.prepared == nullptr) {
      return PQsendQueryParams(conn_, std::string(step.sql).c_str(), 0, nullptr, nullptr, nullptr,
                               nullptr, 0) == 1;
    }
    auto& prepared = static_cast<PostgresPrepared&>(*step.prepared);
    return PQsendQueryPrepared(conn_, prepared.name().c_str(),
                               static_cast<int>(step.params->size()), prepared.Values(*step.params),
                               nullptr, nullptr, 0) == 1;
  }

  // Reads the results of steps [start, sent); the first failure, if any.
  std::optional<BatchError> Collect(std::size_t start, std::size_t sent) {
    std::optional<BatchError> failure;
    for (std::size_t i = start; i < sent; ++i) {
      while (PGresult* result = PQgetResult(conn_)) {
        const ExecStatusType status = PQresultStatus(result);
        if (!failure && status != PGRES_PIPELINE_ABORTED && status != PGRES_COMMAND_OK &&
            status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
          failure.emplace(ResultError(conn_, result), i);
        }
        PQclear(result);
      }
    }
    return failure;
  }

  PGconn* conn_;
  std::unique_ptr<PGcancel, decltype(&PQfreeCancel)> cancel_;
  std::size_t statements_ = 0;  // names strata_1, strata_2, ... on this connection
};

}  // namespace

std::unique_ptr<NativeConnection> MakeNative(PGconn* conn) {
  return std::make_unique<PostgresNative>(conn);
}

}  // namespace strata::backends::postgres
