// The store: a pool of connections to one database, and the repositories over it.
#pragma once

#include <functional>
#include <memory>

#include "strata/options.h"
#include "strata/repositories.h"

namespace strata {

class Store : public Repositories {
 public:
  // Connects (ConnectionError) and checks the schema in one query. With
  // options.auto_migrate it first applies pending migrations under the
  // migration lock (MigrationError when one fails); without it, a schema that
  // is not fully migrated is a SchemaError naming what is pending, edited,
  // unknown or failed and the command that fixes it. InvalidArgumentError for
  // invalid options. A SQLite ":memory:" database lives on one connection:
  // its pool has one connection whatever pool_size says.
  static std::unique_ptr<Store> Open(const StoreOptions& options);

  // Runs `work` on one connection in one transaction: commits when it
  // returns, rolls back and rethrows what it threw, unchanged. While `work`
  // runs, the Store's own calls on that thread join the transaction too, and
  // a nested Transact is a savepoint that rolls back alone. On SQLite the
  // transaction takes the write lock at BEGIN (BEGIN IMMEDIATE).
  virtual void Transact(const std::function<void(Repositories&)>& work) = 0;

  // The same repositories, for reads that may be served by a standby: with
  // StoreOptions::read_url, their reads go to that server once it has
  // replayed every write this store made (its WAL position, checked when a
  // write is newer than the last position seen), and to the primary until
  // then, so they always see the store's own writes; another store's
  // writes may show up late. Without read_url, the store itself. Their
  // writes, and every call inside Transact, go to the primary.
  virtual Repositories& replicas() = 0;
};

}  // namespace strata
