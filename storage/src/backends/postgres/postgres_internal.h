// What the PostgreSQL backend's files share: reading libpq's errors, the
// prepared statement (whose name and values the pipeline also sends), the
// native connection.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backends/native_connection.h"

namespace strata::backends::postgres {

// The DatabaseError for a failed result (or, when `result` is null or says
// nothing, for the connection's last error), classified by SQLSTATE.
DatabaseError ResultError(PGconn* conn, const PGresult* result);

// Frees `result` and throws its ResultError.
[[noreturn, gnu::cold]] void ThrowResultError(PGconn* conn, PGresult* result);

// Throws ResultError for a failed command; returns the result when `keep`
// (the caller frees it), else frees it and returns null. Inline: every
// statement's result goes through it.
inline PGresult* Check(PGconn* conn, PGresult* result, bool keep = false) {
  const ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    ThrowResultError(conn, result);
  }
  if (keep) return result;
  PQclear(result);
  return nullptr;
}

class PostgresPrepared : public Prepared {
 public:
  // Prepares `sql` as the server-side statement `name`.
  PostgresPrepared(PGconn* conn, const std::string& sql, std::size_t params, std::string name);
  ~PostgresPrepared() override { PQclear(result_); }

  bool Execute(std::vector<Param>& params) override;
  bool Next() override { return ++row_ < rows_; }
  long long AffectedRows() const override;
  void Finish() override;
  std::int64_t GetInt(std::size_t column) const override;
  std::string_view GetText(std::size_t column) const override;
  bool IsNull(std::size_t column) const override {
    return PQgetisnull(result_, row_, static_cast<int>(column)) == 1;
  }

  const std::string& name() const { return name_; }
  // `params` as libpq's parameter values (valid while `params` is unchanged).
  const char* const* Values(std::vector<Param>& params);

 private:
  PGconn* conn_;
  std::string name_;
  std::vector<const char*> values_;
  PGresult* result_ = nullptr;
  int row_ = 0, rows_ = 0;
};

std::unique_ptr<NativeConnection> MakeNative(PGconn* conn);

}  // namespace strata::backends::postgres
