// What a repository needs from the store: a connection to run each call on
// (the thread's transaction's, or a pooled one), atomic sections, page
// tokens and the backend's SQL dialect.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "backends/sql_dialect.h"
#include "base/function_ref.h"
#include "connection/connection.h"
#include "repositories/page_token.h"
#include "strata/repositories.h"

namespace strata::repositories {

// Called during the call it is given to, never kept (base::FunctionRef).
using Work = base::FunctionRef<void(connection::Connection&)>;

// Whether a write may run again after its connection was lost while the
// write (or its COMMIT) was in flight, so that it may have been applied.
struct Replay {
  // False: a second run could apply it twice (a delete that counts, a
  // purge): the call ends in OutcomeUnknownError instead.
  bool safe = false;
  // For a safe write whose second run fails with AlreadyExistsError,
  // ConflictError or NotFoundError, which the first run may have caused:
  // reads the row on `conn` and returns true, with the call's result filled
  // in, when it is the first run's write. False (or no check): the call ends
  // in OutcomeUnknownError.
  std::function<bool(connection::Connection& conn)> applied;
};

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;
  // Runs `work` on the thread's transaction's connection, else on a pooled
  // one in autocommit mode. Database errors become strata errors naming
  // `entity` (connection/errors.h). Outside a transaction, a call that a
  // failover interrupted (the connection lost, the server turned standby)
  // runs again on a new connection until StoreOptions::failover_timeout:
  // reads always, writes as `replay` allows.
  virtual void Read(std::string_view entity, const Work& work) = 0;
  virtual void Write(std::string_view entity, const Work& work, const Replay& replay) = 0;
  void Write(std::string_view entity, const Work& work) { Write(entity, work, Replay{}); }
  // As Write, with `work` all or nothing: its own transaction, or a
  // savepoint inside the thread's transaction. A failure before its COMMIT
  // applied nothing, so it runs again whatever `replay` says.
  virtual void Atomic(std::string_view entity, const Work& work, const Replay& replay) = 0;
  void Atomic(std::string_view entity, const Work& work) { Atomic(entity, work, Replay{}); }
  // As Atomic, for `work` that inserts many rows through a BulkInsert: the
  // backend may journal its statements in memory
  // (backends::NativeConnection::SetBulkTransaction).
  virtual void Bulk(std::string_view entity, const Work& work, const Replay& replay) = 0;
  void Bulk(std::string_view entity, const Work& work) { Bulk(entity, work, Replay{}); }
  virtual const PageTokens& tokens() const = 0;
  virtual const backends::SqlDialect& dialect() const = 0;
};

std::unique_ptr<ClusterRepository> MakeClusterRepository(UnitOfWork& unit);
std::unique_ptr<ServiceRepository> MakeServiceRepository(UnitOfWork& unit);
std::unique_ptr<TaskRepository> MakeTaskRepository(UnitOfWork& unit);

}  // namespace strata::repositories
