// The sidecar tests' fixture: the project's own migration sets mounted as an
// operator would, and `strata manage` started through the real binary on a
// free loopback port.
#pragma once

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../migrate/migration_fixture.h"
#include "shipped_migrations.h"
#include "sidecar_process.h"

namespace strata::testing {

class ManageTest : public MigrationTest {
 protected:
  // A migration after the shipped ones: its up file's name, and how the
  // sidecar's log names it ("10 add_note").
  static std::string NextFile(const std::string& name) {
    return std::to_string(kShippedVersion + 1) + "_" + name + ".up.sql";
  }
  static std::string NextId(const std::string& name) {
    return std::to_string(kShippedVersion + 1) + " " + name;
  }
  void SetUp() override {
    MigrationTest::SetUp();
    if (HasFatalFailure()) return;
    // The project's own set, both backends, as an operator would mount it.
    for (const char* set : {"sqlite", "postgres"}) {
      std::filesystem::create_directories(root() + "/" + set);
      for (const auto& entry : std::filesystem::directory_iterator(
               std::filesystem::path(STRATA_MIGRATIONS_SOURCE) / set)) {
        std::filesystem::copy_file(entry.path(),
                                   std::filesystem::path(root()) / set / entry.path().filename(),
                                   std::filesystem::copy_options::overwrite_existing);
      }
    }
  }

  // The flags every test passes: a free port on loopback, quick checks.
  std::vector<std::string> Args(const std::vector<std::string>& extra,
                                const std::string& url = "") const {
    std::vector<std::string> args = {"--database-url",
                                     url.empty() ? options().url : url,
                                     "--migrations-dir",
                                     root(),
                                     "manage",
                                     "--health-port",
                                     "0",
                                     "--health-address",
                                     "127.0.0.1",
                                     "--check-interval",
                                     "200ms",
                                     "--max-backoff",
                                     "1s"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::unique_ptr<SidecarProcess> Start(const std::vector<std::string>& extra,
                                        const std::string& url = "") {
    const std::string log = root() + "/sidecar-" + std::to_string(++started_) + ".log";
    return std::make_unique<SidecarProcess>(Args(extra, url), std::vector<std::string>{}, log);
  }

  static nlohmann::json Status(const SidecarProcess& sidecar) {
    const HttpReply reply = HttpGet(sidecar.port(), "/status");
    EXPECT_EQ(reply.status, 200);
    return nlohmann::json::parse(reply.body);
  }

  // A metric's value in /metrics, or -1 when it is not there.
  static double Metric(const SidecarProcess& sidecar, const std::string& name) {
    const std::string text = HttpGet(sidecar.port(), "/metrics").body;
    const std::size_t at = text.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + name.size() + 2));
  }

  // A migration that runs for a while: long enough to be interrupted.
  std::string SlowMigration(int seconds_to_run) const {
    if (postgres()) {
      return "CREATE TABLE slow_marker (x integer);\nSELECT pg_sleep(" +
             std::to_string(seconds_to_run) + ");\n";
    }
    return "CREATE TABLE slow_marker (x INTEGER);\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
           "SELECT x + 1 FROM c WHERE x < " +
           std::to_string(seconds_to_run * 4'000'000) + ") SELECT count(*) FROM c;\n";
  }

  bool HasTable(const std::string& table) {
    const std::vector<std::string> tables = db().Tables();
    return std::find(tables.begin(), tables.end(), table) != tables.end();
  }

  int started_ = 0;
};

}  // namespace strata::testing
