// What a repository needs from the store: a connection to run on (the
// thread's transaction's, or a pooled one), atomic sections, page tokens.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "connection/pool.h"
#include "repositories/page_token.h"
#include "strata/repositories.h"

namespace strata::repositories {

using Work = std::function<void(connection::PooledConnection&)>;

class Context {
 public:
  virtual ~Context() = default;
  // Runs `work` on the thread's transaction's connection, else on a pooled
  // one in autocommit mode. Database errors become strata errors naming
  // `entity`. A read (`read`) outside a transaction whose connection was
  // lost is retried once on a new connection.
  virtual void Run(bool read, const std::string& entity, const Work& work) = 0;
  // As Run, with `work` all or nothing: its own transaction, or a savepoint
  // inside the thread's transaction.
  virtual void Atomic(const std::string& entity, const Work& work) = 0;
  virtual const PageTokens& tokens() const = 0;
  virtual Backend backend() const = 0;
};

std::unique_ptr<ClusterRepository> MakeClusterRepository(Context& context);
std::unique_ptr<ServiceRepository> MakeServiceRepository(Context& context);
std::unique_ptr<TaskRepository> MakeTaskRepository(Context& context);

}  // namespace strata::repositories
