// One open database connection with the statements prepared on it: what the
// repositories run on (from the pool) and what the migration engine runs on
// (its own).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "backends/session.h"
#include "backends/sql_dialect.h"
#include "connection/statement.h"

namespace strata::connection {

// A statement's SQL text with an id that no other text in the process has
// (ids are never reused): Connection::Prepare finds its statement by the id,
// without comparing or hashing the text, which was about 110 instructions of
// a PostgreSQL count. For texts built once and kept (SqlVariants).
class StatementText {
 public:
  explicit StatementText(std::string sql) : sql_(std::move(sql)), id_(next_id_.fetch_add(1)) {}
  const std::string& sql() const { return sql_; }
  std::uint64_t id() const { return id_; }

 private:
  static inline std::atomic<std::uint64_t> next_id_{1};
  std::string sql_;
  std::uint64_t id_;
};

class Connection {
 public:
  explicit Connection(backends::Session session);
  ~Connection();  // statements first: none may outlive the handle
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Backend backend() const { return session_.native->backend(); }
  const backends::SqlDialect& dialect() const { return backends::SqlDialect::For(backend()); }
  backends::NativeConnection& native() { return *session_.native; }

  // The statement for `sql`, prepared on first use and kept while the
  // connection lives. `sql` is the cache key: it must be built from
  // constants. backends::DatabaseError when it does not prepare.
  Statement& Prepare(const std::string& sql, const std::vector<Type>& params,
                     const std::vector<Type>& columns);
  // The same for a kept text, found by its id after its first use.
  Statement& Prepare(const StatementText& text, const std::vector<Type>& params,
                     const std::vector<Type>& columns) {
    const auto it = by_id_.find(text.id());
    return it != by_id_.end() ? *it->second : PrepareText(text, params, columns);
  }
  // Runs SQL without parameters (BEGIN, COMMIT, SAVEPOINT, a migration's
  // statement). backends::DatabaseError on failure.
  void Exec(std::string_view sql) { session_.native->Exec(sql); }
  // Begins a transaction that will write (SqlDialect::BeginWrite); `bulk`
  // as NativeConnection::SetBulkTransaction says.
  void BeginWrite(bool bulk = false) {
    session_.native->SetBulkTransaction(bulk);
    Exec(dialect().BeginWrite());
  }
  // After a bulk transaction committed or rolled back: the connection's
  // other transactions journal as before. Never throws: a connection that
  // cannot answer is broken, and the pool closes it.
  void EndBulkWrite() noexcept;
  // A PostgreSQL connection whose server went away.
  bool Broken() const { return session_.native->IsBroken(); }
  // Finishes the statements executed since the last call (Statement::Finish);
  // run after every repository call, also when it threw. Inline for none,
  // the common case: a statement finished takes itself off the list.
  void FinishActive() {
    if (!active_.empty()) FinishEachActive();
  }

 private:
  backends::Session session_;
  Statement& PrepareText(const StatementText& text, const std::vector<Type>& params,
                         const std::vector<Type>& columns);
  void FinishEachActive();

  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
  std::unordered_map<std::uint64_t, Statement*> by_id_;  // into statements_
  std::vector<Statement*> active_;
};

}  // namespace strata::connection
