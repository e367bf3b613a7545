// libpq prepared statements behind backends::Prepared, and what SQLSTATEs
// mean.
#include <cstdlib>
#include <string>

#include "backends/postgres/postgres_internal.h"

namespace strata::backends::postgres {
namespace {

ErrorKind Classify(std::string_view state, std::string_view message, bool connection_bad) {
  if (connection_bad || state.starts_with("08") || state == "57P01" || state == "57P02" ||
      state == "57P03") {
    return ErrorKind::kConnectionLost;
  }
  if (state == "23505") return ErrorKind::kUniqueViolation;
  if (state == "23503") return ErrorKind::kForeignKeyViolation;
  if (state == "23514" || state == "23502" || state.starts_with("22")) {
    return ErrorKind::kInvalidValue;
  }
  if (state == "40001" || state == "40P01") return ErrorKind::kSerializationFailure;
  if (state == "55P03") return ErrorKind::kLockTimeout;
  if (state == "42P01") return ErrorKind::kUndefinedTable;
  if (state == "42P04") return ErrorKind::kDuplicateDatabase;
  // read_only_sql_transaction: a write on a standby, or under
  // default_transaction_read_only; 0A000 "cannot set transaction read-write
  // mode during recovery" (BEGIN READ WRITE on a standby).
  if (state == "25006" || (state == "0A000" && message.find("during recovery") != message.npos)) {
    return ErrorKind::kStandby;
  }
  return ErrorKind::kOther;
}

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.empty() ? "connection lost" : line;
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

// An integer parameter's text, out of line: most statements bind text alone.
[[gnu::noinline]] void FormatInteger(Param& p) { p.text = std::to_string(p.number); }

// PQexecPrepared without its start, which looks for the results of an
// earlier query left unread (a statement here always reads them all) and
// clears the error state that PQsendQueryPrepared clears again: about 120
// instructions a statement (ADR 0030). Then PQexecPrepared's end: the last
// result, read until there is none (a query's results end with it).
PGresult* ExecPrepared(PGconn* conn, const char* name, int count, const char* const* values) {
  if (PQpipelineStatus(conn) != PQ_PIPELINE_OFF) {
    // Left in pipeline mode by a batch that failed: PQexecPrepared refuses
    // with its own message, where a send would queue the query unsynced.
    return PQexecPrepared(conn, name, count, values, nullptr, nullptr, 0);
  }
  if (PQsendQueryPrepared(conn, name, count, values, nullptr, nullptr, 0) != 1) return nullptr;
  PGresult* last = nullptr;
  while (PGresult* result = PQgetResult(conn)) {
    if (last != nullptr) PQclear(last);
    last = result;
    if (PQstatus(conn) == CONNECTION_BAD) break;
  }
  return last;
}

}  // namespace

DatabaseError ResultError(PGconn* conn, const PGresult* result) {
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
  return DatabaseError(message, Classify(code, message, PQstatus(conn) == CONNECTION_BAD), code,
                       position);
}

void ThrowResultError(PGconn* conn, PGresult* result) {
  DatabaseError error = ResultError(conn, result);
  PQclear(result);
  throw error;
}

PostgresPrepared::PostgresPrepared(PGconn* conn, const std::string& sql, std::size_t params,
                                   std::string name)
    : conn_(conn), name_(std::move(name)), values_(params) {
  std::size_t count = 0;
  const std::string numbered = NumberPlaceholders(sql, count);
  if (count != params) {
    throw std::logic_error("statement has a different number of parameters than bound: " + sql);
  }
  Check(conn_, PQprepare(conn_, name_.c_str(), numbered.c_str(), 0, nullptr));
}

const char* const* PostgresPrepared::Values(std::vector<Param>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    Param& p = params[i];
    if (p.integer && !p.null) FormatInteger(p);
    values_[i] = p.null ? nullptr : p.text.c_str();
  }
  return values_.data();
}

bool PostgresPrepared::Execute(std::vector<Param>& params) {
  if (result_ != nullptr) Finish();
  const char* const* values = Values(params);
  result_ =
      Check(conn_, ExecPrepared(conn_, name_.c_str(), static_cast<int>(values_.size()), values),
            /*keep=*/true);
  row_ = 0;
  rows_ = PQntuples(result_);
  return rows_ > 0;
}

long long PostgresPrepared::AffectedRows() const {
  return result_ == nullptr ? 0 : std::atoll(PQcmdTuples(result_));
}

void PostgresPrepared::Finish() {
  PQclear(result_);
  result_ = nullptr;
  rows_ = 0;
}

std::int64_t PostgresPrepared::GetInt(std::size_t column) const {
  // An integer's text form: an optional '-', then digits, NUL-terminated
  // ("" for NULL, read as 0). Accumulated unsigned, so that the smallest
  // bigint, whose magnitude no int64 holds, comes back exact.
  const char* text = PQgetvalue(result_, row_, static_cast<int>(column));
  const bool negative = *text == '-';
  text += negative ? 1 : 0;
  std::uint64_t magnitude = 0;
  // One comparison a digit: below '0' wraps around to a large unsigned.
  for (unsigned digit = 0; (digit = static_cast<unsigned char>(*text) - unsigned{'0'}) < 10;
       ++text) {
    magnitude = magnitude * 10 + digit;
  }
  return static_cast<std::int64_t>(negative ? 0 - magnitude : magnitude);
}

std::string_view PostgresPrepared::GetText(std::size_t column) const {
  const int c = static_cast<int>(column);
  return {PQgetvalue(result_, row_, c), static_cast<std::size_t>(PQgetlength(result_, row_, c))};
}

}  // namespace strata::backends::postgres
