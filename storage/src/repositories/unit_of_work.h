// What a repository needs from the store: a connection to run each call on
// (the thread's transaction's, or a pooled one), atomic sections, page
// tokens and the backend's SQL dialect.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "backends/sql_dialect.h"
#include "connection/connection.h"
#include "repositories/page_token.h"
#include "strata/repositories.h"

namespace strata::repositories {

using Work = std::function<void(connection::Connection&)>;

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;
  // Runs `work` on the thread's transaction's connection, else on a pooled
  // one in autocommit mode. Database errors become strata errors naming
  // `entity` (connection/errors.h). Outside a transaction, a read whose
  // connection was lost is retried once on a new connection.
  virtual void Read(const std::string& entity, const Work& work) = 0;
  // As Read, never retried: a write may have been applied.
  virtual void Write(const std::string& entity, const Work& work) = 0;
  // As Write, with `work` all or nothing: its own transaction, or a
  // savepoint inside the thread's transaction.
  virtual void Atomic(const std::string& entity, const Work& work) = 0;
  virtual const PageTokens& tokens() const = 0;
  virtual const backends::SqlDialect& dialect() const = 0;
};

std::unique_ptr<ClusterRepository> MakeClusterRepository(UnitOfWork& unit);
std::unique_ptr<ServiceRepository> MakeServiceRepository(UnitOfWork& unit);
std::unique_ptr<TaskRepository> MakeTaskRepository(UnitOfWork& unit);

}  // namespace strata::repositories
