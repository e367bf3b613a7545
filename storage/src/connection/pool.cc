#include "connection/pool.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "strata/error.h"

namespace strata::connection {

PooledConnection::PooledConnection(backends::Connection connection)
    : connection_(std::move(connection)) {}

PooledConnection::~PooledConnection() { statements_.clear(); }

Statement& PooledConnection::Prepare(const std::string& sql, const std::vector<Type>& params,
                                     const std::vector<Type>& columns) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    // SQL text only: values are always bound, never part of it.
    if (connection_.logger) (*connection_.logger)(LogLevel::kDebug, "prepared: " + sql);
    it = statements_
             .emplace(sql, std::make_unique<Statement>(*connection_.native, sql, params, columns,
                                                       &active_))
             .first;
  }
  return *it->second;
}

void PooledConnection::FinishActive() {
  for (Statement* statement : active_) statement->Finish();
  active_.clear();
}

bool PooledConnection::Broken() const {
  if (connection_.native->backend() != Backend::kPostgres) return false;
  auto* backend =
      static_cast<soci::postgresql_session_backend*>(connection_.session->get_backend());
  return PQstatus(backend->conn_) == CONNECTION_BAD;
}

Pool::Pool(const StoreOptions& options, std::size_t size) : options_(options), size_(size) {
  idle_.push_back(Open());
  open_ = 1;
}

Pool::~Pool() = default;

std::unique_ptr<PooledConnection> Pool::Open() {
  return std::make_unique<PooledConnection>(backends::Connect(options_));
}

Pool::Lease Pool::Acquire() {
  std::unique_lock lock(mutex_);
  if (!available_.wait_for(lock, wait_, [&] { return !idle_.empty() || open_ < size_; })) {
    throw ConnectionError("no database connection came free in " +
                          std::to_string(wait_.count() / 1000) + " s (pool_size " +
                          std::to_string(size_) +
                          "): raise --pool-size, or look for calls that hold a connection (a "
                          "long Transact)");
  }
  if (!idle_.empty()) {
    std::unique_ptr<PooledConnection> connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(this, Open());
  } catch (...) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw;
  }
}

void Pool::Release(std::unique_ptr<PooledConnection> connection) {
  std::lock_guard lock(mutex_);
  if (connection && !connection->Broken()) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;  // a broken one is closed; the next Acquire opens a new one
  }
  available_.notify_one();
}

Pool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(std::move(connection_));
}

void Pool::Lease::Replace() {
  connection_.reset();  // statements, then the session
  connection_ = pool_->Open();
}

}  // namespace strata::connection
