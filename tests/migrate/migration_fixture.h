// Shared pieces of the migration tests: an unmigrated database per test and a
// migration set written to a scratch directory.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "environment.h"
#include "process.h"
#include "strata/strata.h"
#include "strata_cli.h"

namespace strata::testing {

class MigrationTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    db().DropAll();
    root_ = TestEnvironment::Get().MakeGuardedDirectory("strata-migrations-");
    std::filesystem::create_directories(dir());
  }
  void TearDown() override {
    if (!root_.empty()) RemoveTree(root_);
  }

  const std::string& root() const { return root_; }
  // The backend's set: ROOT/sqlite or ROOT/postgres.
  std::string dir() const { return root_ + "/" + std::string(BackendName(backend())); }
  bool postgres() const { return backend() == Backend::kPostgres; }

  // Writes ROOT/<backend>/<file>.
  void Write(const std::string& file, const std::string& content) {
    std::ofstream(dir() + "/" + file, std::ios::binary) << content;
  }
  void Remove(const std::string& file) { std::filesystem::remove(dir() + "/" + file); }

  // Runs the CLI against this test's database and migration set. The URL
  // goes through the environment, as in a deployment manifest.
  CommandResult Strata(std::vector<std::string> args,
                       const std::function<void(pid_t, const std::string&)>& on_output = {},
                       std::vector<std::string> env = {}) {
    env.insert(env.begin(),
               {"STRATA_STORAGE=" + std::string(BackendName(backend())),
                "STRATA_DATABASE_URL=" + options().url, "STRATA_MIGRATIONS_DIR=" + root()});
    return RunStrata(std::move(args), env, std::chrono::seconds(60), on_output);
  }

  StoreOptions migration_options() const {
    StoreOptions o = options();
    o.migrations_dir = root_;
    return o;
  }
  std::unique_ptr<Migrator> Open(MigratorOptions m = {}) {
    return Migrator::Open(migration_options(), std::move(m));
  }

  std::vector<std::string> Tables() {
    std::vector<std::string> tables = db().Tables();
    std::erase(tables, std::string(kLedgerTable));
    return tables;
  }
  std::int64_t LedgerCount() {
    return db().QueryInt("SELECT count(*) FROM strata_schema_migrations");
  }

 private:
  std::string root_;
};

}  // namespace strata::testing
