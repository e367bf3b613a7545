// Store::Open and the unit of work: a pool of connections, the schema check
// (or auto-migrate), and transactions that the thread's calls join.
#include "strata/store.h"

#include <atomic>
#include <unordered_map>

#include "connection/errors.h"
#include "connection/pool.h"
#include "migrate/engine.h"
#include "repositories/unit_of_work.h"
#include "store/calls.h"
#include "strata/error.h"
#include "strata/migrator.h"

namespace strata {
namespace {

using connection::Connection;
using repositories::Work;

constexpr const char* kTokenKeySetting = "page_token_key";
// A read's Replay (a read is never in doubt, so it is not consulted): one
// for all reads, not one built and destroyed per call.
const repositories::Replay kRead;

class StoreImpl : public Store, public repositories::UnitOfWork {
 public:
  explicit StoreImpl(const StoreOptions& options) : options_(options) {
    const bool memory =
        options.backend == Backend::kSqlite && backends::IsSqliteMemory(options.url);
    // The schema check, with auto-migrate first: on the migrator's own
    // connection, except for an in-memory database, which exists on the
    // pool's one connection alone.
    if (!memory) Migrator::Open(options)->Prepare();
    calls_ = std::make_unique<store::Calls>(options, memory ? 1 : options.pool_size);
    if (memory) {
      connection::Pool::Lease lease = calls_->primary().Acquire();
      const std::vector<migrate::Migration> set = migrate::LoadMigrations(options);
      const MigratorOptions migrator_options;
      const std::atomic<bool> never_cancelled{false};
      migrate::Engine(options, migrator_options, set, *lease, never_cancelled).Prepare();
    }
    tokens_ = std::make_unique<repositories::PageTokens>(TokenKey());
    clusters_ = repositories::MakeClusterRepository(*this);
    services_ = repositories::MakeServiceRepository(*this);
    tasks_ = repositories::MakeTaskRepository(*this);
    Log(LogLevel::kInfo, "store: opened " + options.Describe() + " with " +
                             std::to_string(memory ? 1 : options.pool_size) + " connections" +
                             (options.read_url.empty()
                                  ? ""
                                  : ", and as many for reads at " + RedactUrl(options.read_url)));
  }

  ~StoreImpl() override { Transactions().erase(this); }

  ClusterRepository& clusters() override { return *clusters_; }
  ServiceRepository& services() override { return *services_; }
  TaskRepository& tasks() override { return *tasks_; }

  void Transact(const std::function<void(Repositories&)>& work) override {
    if (Transaction* current = Current()) {
      Savepoint(*current, "transaction", [&] { work(*this); });
      return;
    }
    Transaction transaction{calls_->primary().Acquire()};
    Begin(*transaction.lease, "transaction");
    Transactions()[this] = &transaction;
    try {
      work(*this);
    } catch (...) {
      Transactions().erase(this);
      RollBack(*transaction.lease, "ROLLBACK");
      throw;
    }
    Transactions().erase(this);
    Commit(*transaction.lease, "transaction");
    calls_->NoteWrite(*transaction.lease);
  }

  Repositories& replicas() override { return replicas_; }

  // --- repositories::UnitOfWork --------------------------------------------

  using repositories::UnitOfWork::Atomic;
  using repositories::UnitOfWork::Bulk;
  using repositories::UnitOfWork::Write;

  void Read(std::string_view entity, const Work& work) override {
    Run(store::Mode::kRead, store::Route::kPrimary, entity, work, kRead);
  }
  void Write(std::string_view entity, const Work& work,
             const repositories::Replay& replay) override {
    Run(store::Mode::kWrite, store::Route::kPrimary, entity, work, replay);
  }
  void Atomic(std::string_view entity, const Work& work,
              const repositories::Replay& replay) override {
    RunAtomic(store::Mode::kAtomic, entity, work, replay);
  }
  void Bulk(std::string_view entity, const Work& work,
            const repositories::Replay& replay) override {
    RunAtomic(store::Mode::kBulk, entity, work, replay);
  }

  const repositories::PageTokens& tokens() const override { return *tokens_; }
  const backends::SqlDialect& dialect() const override {
    return backends::SqlDialect::For(options_.backend);
  }

 private:
  struct Transaction {
    connection::Pool::Lease lease;
    int savepoints = 0;
  };

  // kAtomic or kBulk: a savepoint in the thread's transaction (begun as
  // it was), else its own transaction as Calls::Run runs it.
  void RunAtomic(store::Mode mode, std::string_view entity, const Work& work,
                 const repositories::Replay& replay) {
    if (Transaction* current = Current()) {
      Savepoint(*current, entity, [&] { Execute(*current->lease, entity, work); });
      return;
    }
    calls_->Run(mode, store::Route::kPrimary, entity, work, replay);
  }

  // Runs `work` on the thread's transaction, else as Calls::Run does.
  void Run(store::Mode mode, store::Route route, std::string_view entity, const Work& work,
           const repositories::Replay& replay) {
    if (Transaction* current = Current()) {
      Execute(*current->lease, entity, work);
      return;
    }
    calls_->Run(mode, route, entity, work, replay);
  }

  // The repositories of replicas(): reads may go to the read URL's server.
  class Replicas : public Repositories, public repositories::UnitOfWork {
   public:
    explicit Replicas(StoreImpl& store)
        : store_(store),
          clusters_(repositories::MakeClusterRepository(*this)),
          services_(repositories::MakeServiceRepository(*this)),
          tasks_(repositories::MakeTaskRepository(*this)) {}
    ClusterRepository& clusters() override { return *clusters_; }
    ServiceRepository& services() override { return *services_; }
    TaskRepository& tasks() override { return *tasks_; }
    void Read(std::string_view entity, const Work& work) override {
      store_.Run(store::Mode::kRead, store::Route::kMayLag, entity, work, kRead);
    }
    void Write(std::string_view entity, const Work& work,
               const repositories::Replay& replay) override {
      store_.Write(entity, work, replay);
    }
    void Atomic(std::string_view entity, const Work& work,
                const repositories::Replay& replay) override {
      store_.Atomic(entity, work, replay);
    }
    void Bulk(std::string_view entity, const Work& work,
              const repositories::Replay& replay) override {
      store_.Bulk(entity, work, replay);
    }
    const repositories::PageTokens& tokens() const override { return store_.tokens(); }
    const backends::SqlDialect& dialect() const override { return store_.dialect(); }

   private:
    StoreImpl& store_;
    std::unique_ptr<ClusterRepository> clusters_;
    std::unique_ptr<ServiceRepository> services_;
    std::unique_ptr<TaskRepository> tasks_;
  };

  void Log(LogLevel level, const std::string& message) const {
    if (options_.logger) options_.logger(level, message);
  }

  // The transactions open on this thread, by store.
  static std::unordered_map<const StoreImpl*, Transaction*>& Transactions() {
    thread_local std::unordered_map<const StoreImpl*, Transaction*> open;
    return open;
  }
  Transaction* Current() const {
    auto& open = Transactions();
    if (open.empty()) return nullptr;  // most calls: no hash, no division
    auto it = open.find(this);
    return it == open.end() ? nullptr : it->second;
  }

  // Runs `work`, finishes its statements and translates what it threw.
  static void Execute(Connection& c, std::string_view entity, const Work& work) {
    try {
      work(c);
    } catch (...) {
      c.FinishActive();
      connection::RethrowTranslated(c, entity);
    }
    c.FinishActive();
  }

  static void Begin(Connection& c, std::string_view entity) {
    Execute(c, entity, [](Connection& conn) { conn.BeginWrite(); });
  }

  // A failed COMMIT is rolled back, so the connection goes back to the pool
  // outside any transaction. A COMMIT whose connection was lost may have
  // been applied.
  static void Commit(Connection& c, std::string_view entity) {
    try {
      Execute(c, entity, [](Connection& conn) { conn.Exec("COMMIT"); });
    } catch (const ConnectionError& e) {
      if (!c.Broken()) throw;
      throw OutcomeUnknownError("the connection was lost while the " + std::string(entity) +
                                " was committing, so it may or may not have been applied (" +
                                e.what() + "): read it back to find out");
    } catch (...) {
      RollBack(c, "ROLLBACK");
      throw;
    }
  }

  static void RollBack(Connection& c, const std::string& sql) {
    try {
      c.Exec(sql);
    } catch (const backends::DatabaseError&) {
      // The connection is gone: the server rolled back.
    }
  }

  // Runs `body` in a savepoint of the thread's transaction: on a throw, its
  // changes alone are undone and the exception passes on unchanged.
  void Savepoint(Transaction& t, std::string_view entity, const std::function<void()>& body) {
    const std::string name = "strata_" + std::to_string(++t.savepoints);
    Connection& c = *t.lease;
    Execute(c, entity, [&](Connection& conn) { conn.Exec("SAVEPOINT " + name); });
    try {
      body();
    } catch (...) {
      c.FinishActive();
      RollBack(c, "ROLLBACK TO SAVEPOINT " + name);
      RollBack(c, "RELEASE SAVEPOINT " + name);
      --t.savepoints;
      throw;
    }
    --t.savepoints;
    Execute(c, entity, [&](Connection& conn) { conn.Exec("RELEASE SAVEPOINT " + name); });
  }

  // The key that signs page tokens, created by the first store to open the
  // database (every replica then shares it). A store on a database it may
  // only read, where no writer has created the key yet, signs with a key of
  // its own: its tokens are good for this store only.
  std::string TokenKey() {
    using connection::Type;
    const auto select = [](Connection& c, std::string& key) {
      connection::Statement& st = c.Prepare("SELECT value FROM strata_settings WHERE name = :name",
                                            {Type::kText}, {Type::kText});
      st.Text(kTokenKeySetting);
      if (st.Execute()) key = st.GetText(0);
      st.Finish();
    };
    std::string key;
    Read("setting", [&](Connection& c) { select(c, key); });
    if (!key.empty()) return key;
    if (calls_->primary().Acquire()->native().ReadOnly()) {
      return repositories::PageTokens::NewKey();
    }
    Write("setting", [&](Connection& c) {
      connection::Statement& insert = c.Prepare(
          "INSERT INTO strata_settings (name, value) VALUES (:name, :value) "
          "ON CONFLICT (name) DO NOTHING",
          {Type::kText, Type::kText}, {});
      insert.Text(kTokenKeySetting).Text(repositories::PageTokens::NewKey());
      insert.Execute();
      select(c, key);
    });
    return key;
  }

  StoreOptions options_;
  std::unique_ptr<store::Calls> calls_;
  std::unique_ptr<repositories::PageTokens> tokens_;
  std::unique_ptr<ClusterRepository> clusters_;
  std::unique_ptr<ServiceRepository> services_;
  std::unique_ptr<TaskRepository> tasks_;
  Replicas replicas_{*this};
};

}  // namespace

std::unique_ptr<Store> Store::Open(const StoreOptions& options) {
  options.Validate();
  return std::make_unique<StoreImpl>(options);
}

}  // namespace strata
