// strata::Migrator: the migration engine (engine.h) on a connection of its
// own, opened on first use so that up can create a missing PostgreSQL
// database first (docs/decisions/0001), and opened again when the server
// closed it.
#include "strata/migrator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "migrate/engine.h"
#include "migrate/file_checks.h"
#include "migrate/lint.h"
#include "migrate/verify.h"
#include "strata/error.h"

namespace strata {
namespace {

class MigratorImpl : public Migrator {
 public:
  MigratorImpl(const StoreOptions& options, MigratorOptions migrator_options,
               std::vector<migrate::Migration> set)
      : options_(options), migrator_options_(std::move(migrator_options)), set_(std::move(set)) {}

  // Each migration commits with its ledger row, so after a failover a new
  // run on the new primary, under the lock taken again, applies what the
  // ledger lacks: each migration once.
  MigrationResult Up(std::optional<std::int64_t> to) override {
    return Run([&] { return AcrossFailover([&] { return Engine(true).Up(to); }); });
  }

  MigrationResult Down(int steps) override {
    if (steps < 1) throw InvalidArgumentError("down --steps must be 1 or more");
    return Run([&] { return Engine(true).Down(steps, std::nullopt); });
  }

  MigrationResult DownTo(std::int64_t version) override {
    if (version < 0) throw InvalidArgumentError("down --to must be 0 or a migration version");
    return Run([&] { return Engine(true).Down(std::nullopt, version); });
  }

  MigrationResult Redo() override {
    return Run([&] { return Engine(true).Redo(); });
  }

  MigrationResult Reset() override { return DownTo(0); }

  SchemaStatus Status() override {
    return Run([&] { return Engine(false).Status(); });
  }

  std::int64_t CurrentVersion() override { return Status().current_version; }

  std::vector<std::string> CheckFiles() const override {
    return migrate::CheckFiles(set_, options_.backend);
  }

  SchemaReport Check() override {
    SchemaReport report{Status(), {}};
    report.problems = report.status.Problems();
    for (std::string& problem : CheckFiles()) report.problems.push_back(std::move(problem));
    return report;
  }

  SchemaStatus Validate() override {
    SchemaReport report = Check();
    if (!report.problems.empty()) {
      std::string problems;
      for (const std::string& problem : report.problems) {
        problems += (problems.empty() ? "" : "; ") + problem;
      }
      throw SchemaError("the " + std::string(BackendName(options_.backend)) +
                        " schema is not ready: " + problems);
    }
    return report.status;
  }

  // Only an auto-migrating open may create the database.
  SchemaStatus Prepare() override {
    return Run([&] { return Engine(options_.auto_migrate).Prepare(); });
  }

  RepairResult Repair() override {
    return Run([&] { return Engine(false).Repair(); });
  }

  std::vector<LintFinding> Lint(bool all) override {
    return Run([&] {
      std::set<std::int64_t> pending;
      if (!all) {
        for (const MigrationStatus& s : Status().migrations) {
          if (s.state == MigrationState::kPending || s.state == MigrationState::kFailed) {
            pending.insert(s.version);
          }
        }
      }
      std::vector<const migrate::Migration*> order;
      for (const migrate::Migration& m : set_) {
        if (all || pending.count(m.version) != 0) order.push_back(&m);
      }
      std::sort(order.begin(), order.end(),
                [](const auto* a, const auto* b) { return a->version < b->version; });
      std::vector<LintFinding> findings;
      for (const migrate::Migration* m : order) {
        for (LintFinding& f : migrate::LintMigration(*m, options_.backend)) {
          findings.push_back(std::move(f));
        }
      }
      return findings;
    });
  }

  VerifyResult Verify(std::optional<std::int64_t> to) override {
    return Run([&] {
      return migrate::Translated([&] {
        // Closed before the scratch database is dropped.
        const backends::ScratchDatabase scratch(options_);
        connection::Connection db(backends::Connect(scratch.options(), /*create=*/true));
        db.native().ConfigureForMigrations(migrator_options_.lock_timeout);
        return migrate::VerifySet(db, set_, to, migrator_options_, cancelled_);
      });
    });
  }

  std::string LockHolder() override {
    return Run([&] { return Engine(false).LockHolder(); });
  }

  void Connect() override {
    Run([&] { return &Engine(true); });
  }

  void Cancel() override {
    cancelled_ = true;
    const std::lock_guard<std::mutex> hold(connection_mutex_);
    if (connection_) connection_->native().Interrupt();
  }

 private:
  // Runs a call, saying so when it ended because of Cancel.
  template <typename Work>
  auto Run(const Work& work) -> decltype(work()) {
    if (cancelled_) throw Error("the migrator was cancelled");
    try {
      return work();
    } catch (const Error& e) {
      if (!cancelled_) throw;
      throw Error(std::string("cancelled: ") + e.what());
    }
  }

  // Runs `work` again on a new connection while it fails because the
  // connection was lost or, after one was made, no primary takes
  // connections yet, until
  // failover_timeout: a lost session loses the migration lock with it, and
  // the next run takes it again before anything else.
  template <typename Work>
  auto AcrossFailover(const Work& work) -> decltype(work()) {
    const auto start = std::chrono::steady_clock::now();
    std::chrono::milliseconds backoff{100};
    for (;;) {
      try {
        return work();
      } catch (const ConnectionError& e) {
        // A server that was never reached is a wrong URL or a server that
        // is down: that is said at once, as before any failover.
        const bool failover =
            (connected_ && dynamic_cast<const backends::UnavailableError*>(&e) != nullptr) ||
            (connection_ && connection_->Broken());
        if (!failover || cancelled_ || options_.backend != Backend::kPostgres ||
            std::chrono::steady_clock::now() - start + backoff > options_.failover_timeout) {
          throw;
        }
        if (options_.logger) {
          options_.logger(LogLevel::kWarn, std::string("migrate: ") + e.what() +
                                               "; connecting again to take the lock and go on");
        }
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
      }
    }
  }

  // The engine on this migrator's connection, connecting on first use and
  // again after the server closed it. PostgreSQL with `create_database`: a
  // missing target database is created first (MigratorOptions::create_database).
  migrate::Engine& Engine(bool create_database) {
    if (connection_ && connection_->Broken()) {
      const std::lock_guard<std::mutex> hold(connection_mutex_);
      engine_.reset();
      connection_.reset();
    }
    if (!engine_) {
      migrate::Translated([&] {
        backends::Session session = Connect(create_database && migrator_options_.create_database);
        const std::lock_guard<std::mutex> hold(connection_mutex_);
        connection_.emplace(std::move(session));
        connected_ = true;
        connection_->native().ConfigureForMigrations(migrator_options_.lock_timeout);
      });
      engine_.emplace(options_, migrator_options_, set_, *connection_, cancelled_);
    }
    return *engine_;
  }

  backends::Session Connect(bool create_database) {
    try {
      return backends::Connect(options_, create_database);
    } catch (const backends::UnreachableError&) {
      throw;  // the maintenance database is on the same server
    } catch (const ConnectionError&) {
      if (!create_database || options_.backend != Backend::kPostgres ||
          !migrator_options_.create_database) {
        throw;
      }
      const backends::DatabaseCreation creation = backends::EnsurePostgresDatabase(options_);
      if (creation == backends::DatabaseCreation::kUnreachable) throw;  // the first error stands
      if (creation == backends::DatabaseCreation::kCreated) {
        MigrationEvent event;
        event.kind = MigrationEvent::Kind::kCreatedDatabase;
        event.detail = backends::PostgresDatabaseName(options_.url);
        migrate::Emit(options_, migrator_options_, event);
      }
      return backends::Connect(options_);
    }
  }

  StoreOptions options_;
  MigratorOptions migrator_options_;
  std::vector<migrate::Migration> set_;
  std::atomic<bool> cancelled_{false};
  std::mutex connection_mutex_;  // the connection's lifetime against Cancel
  std::optional<connection::Connection> connection_;
  bool connected_ = false;  // once: a connection failure may be a failover
  std::optional<migrate::Engine> engine_;
};

}  // namespace

std::unique_ptr<Migrator> Migrator::Open(const StoreOptions& options,
                                         MigratorOptions migrator_options) {
  options.Validate();
  return std::make_unique<MigratorImpl>(options, std::move(migrator_options),
                                        migrate::LoadMigrations(options));
}

namespace migrate {

std::unique_ptr<Migrator> OpenMigrator(const StoreOptions& options,
                                       MigratorOptions migrator_options,
                                       std::vector<Migration> set) {
  options.Validate();
  return std::make_unique<MigratorImpl>(options, std::move(migrator_options), std::move(set));
}

}  // namespace migrate
}  // namespace strata
