#include "postgres_server.h"

#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "local_postgres.h"
#include "process.h"

namespace strata::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kDirPrefix = "strata-pg-";

std::runtime_error Failure(const std::string& what) {
  return std::runtime_error("test PostgreSQL: " + what);
}

std::string RandomSuffix() {
  std::random_device device;
  std::mt19937_64 rng(device());
  std::ostringstream out;
  out << std::hex << (rng() & 0xffffffffULL);
  return out.str();
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string Identifier(PgConnection& c, const std::string& name) {
  char* quoted = PQescapeIdentifier(c.conn, name.c_str(), name.size());
  std::string out = quoted;
  PQfreemem(quoted);
  return out;
}

// Rebuilds a URI or conninfo as key=value, with dbname replaced.
std::string ConninfoWithDatabase(const std::string& url, const std::string& database) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    const std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    throw Failure("STRATA_TEST_POSTGRES_URL does not parse: " + message);
  }
  std::string out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "dbname") == 0 || o->val == nullptr) continue;
    out += std::string(o->keyword) + "=" + QuoteConninfoValue(o->val) + " ";
  }
  PQconninfoFree(options);
  return out + "dbname=" + QuoteConninfoValue(database);
}

std::string NewDatabaseName() {
  return "strata_test_" + std::to_string(getpid()) + "_" + RandomSuffix();
}

// Creates the private database on a ready server and fills in the conninfo.
void CreatePrivateDatabase(PostgresServerInfo& info, const std::string& admin_conninfo) {
  PgConnection admin(admin_conninfo);
  if (!admin.ok()) throw Failure("cannot connect: " + admin.error());
  info.admin_conninfo = ConninfoWithDatabase(admin_conninfo, PQdb(admin.conn));
  info.database = NewDatabaseName();
  admin.Query("CREATE DATABASE " + Identifier(admin, info.database));
  info.version = admin.Query("SHOW server_version");
  info.conninfo = ConninfoWithDatabase(admin_conninfo, info.database);
}

// ---- an existing server ---------------------------------------------------

class ExistingServer : public PostgresServer {
 public:
  ExistingServer(const std::string& url, CleanupGuard& guard) {
    const auto start = Clock::now();
    info_.source = "url";
    info_.location = "STRATA_TEST_POSTGRES_URL";
    CreatePrivateDatabase(info_, url);
    guard.AddDatabase(info_.admin_conninfo, info_.database);
    info_.start_seconds = SecondsSince(start);
  }
  ~ExistingServer() override { Stop(); }
  void Stop() override {
    if (stopped_) return;
    stopped_ = true;
    DropDatabase(info_.admin_conninfo, info_.database);
  }

 private:
  bool stopped_ = false;
};

// ---- a container ----------------------------------------------------------

bool DockerEngineAnswers() {
  const CommandResult result =
      RunCommand({"docker", "version", "--format", "{{.Server.Version}}"}, milliseconds(5000));
  return result.exit_code == 0 && !result.output.empty();
}

// "127.0.0.1:49153\n[::]:49153\n" -> 49153
int ParseDockerPort(const std::string& output) {
  const std::size_t colon = output.find(':');
  const std::size_t end = output.find_first_not_of("0123456789", colon + 1);
  if (colon == std::string::npos) return 0;
  return std::atoi(output.substr(colon + 1, end - colon - 1).c_str());
}

class ContainerServer : public PostgresServer {
 public:
  explicit ContainerServer(CleanupGuard& guard) {
    const auto start = Clock::now();
    info_.source = "docker";
    const std::string image = GetEnv("STRATA_TEST_POSTGRES_IMAGE").value_or("postgres:15");
    const CommandResult run = RunCommand(
        {"docker", "run", "-d", "--rm", "-e", "POSTGRES_HOST_AUTH_METHOD=trust", "-p",
         "127.0.0.1::5432", "--tmpfs", "/var/lib/postgresql/data", image, "-c", "fsync=off", "-c",
         "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "timezone=UTC"},
        milliseconds(300'000));
    std::string id = run.output.substr(0, run.output.find_first_of("\r\n"));
    if (run.exit_code != 0 || id.empty()) {
      throw Failure("docker run " + image + " failed: " + run.output);
    }
    info_.container_id = id;
    info_.location = "container " + id.substr(0, 12);
    guard.AddContainer(id);
    try {
      const CommandResult port =
          RunCommand({"docker", "port", id, "5432/tcp"}, milliseconds(30'000));
      info_.port = ParseDockerPort(port.output);
      if (port.exit_code != 0 || info_.port == 0) {
        throw Failure("docker port " + id + " gave no port: " + port.output);
      }
      // The image runs a temporary server for its init scripts before the real
      // one, on a Unix socket only: a TCP connection that works means ready.
      const std::string admin = "host=127.0.0.1 port=" + std::to_string(info_.port) +
                                " user=postgres dbname=postgres connect_timeout=2";
      const bool ready = WaitFor(ReadyTimeout(), [&] {
        PgConnection probe(admin);
        return probe.ok();
      });
      if (!ready) {
        const CommandResult logs =
            RunCommand({"docker", "logs", "--tail", "30", id}, milliseconds(10'000));
        throw Failure("container " + id + " did not accept connections on port " +
                      std::to_string(info_.port) + " in time; its log ends:\n" + logs.output);
      }
      CreatePrivateDatabase(info_, admin);
    } catch (...) {
      Stop();
      throw;
    }
    info_.start_seconds = SecondsSince(start);
  }
  ~ContainerServer() override { Stop(); }
  void Stop() override {
    if (stopped_) return;
    stopped_ = true;
    RemoveContainer(info_.container_id);
  }

 private:
  bool stopped_ = false;
};

// ---- local binaries -------------------------------------------------------

// A postmaster of a test binary that died unwatched: stop it before its
// directory goes.
void StopStalePostmaster(const std::string& dir) {
  std::istringstream pid_file(ReadFile(dir + "/data/postmaster.pid").value_or(""));
  pid_t pid = 0;
  pid_file >> pid;
  StopPostmaster(pid, dir.substr(dir.rfind('/') + 1), dir + "/data", /*is_child=*/false);
}

class LocalServer : public PostgresServer {
 public:
  explicit LocalServer(CleanupGuard& guard) : guard_(&guard) {
    const auto start = Clock::now();
    info_.source = "local";
    const std::string bindir = FindBinDir();
    const Account account = ServerAccount();
    SweepStaleScratchDirectories(kDirPrefix, StopStalePostmaster);
    dir_ = MakeServerDirectory(kDirPrefix, account, guard, lock_fd_);
    info_.tag = dir_.substr(dir_.rfind('/') + 1);
    const std::string data = dir_ + "/data";
    info_.location = data;
    log_ = dir_ + "/server.log";

    auto phase_start = Clock::now();
    const auto phase = [&](const char* name) {
      char text[64];
      std::snprintf(text, sizeof text, "%s%s %.2f s", info_.phases.empty() ? "" : ", ", name,
                    SecondsSince(phase_start));
      info_.phases += text;
      phase_start = Clock::now();
    };
    InitDb(account, bindir, data);
    phase("initdb");
    StartPostmaster(account, bindir, data, guard);
    phase("postgres up");
    CreatePrivateDatabase(info_, "host=" + dir_ + " port=" + std::to_string(info_.port) +
                                     " user=postgres dbname=postgres");
    phase("create database");
    info_.start_seconds = SecondsSince(start);
  }

  ~LocalServer() override { Stop(); }

  void Halt() override {
    if (info_.pid > 0) StopPostmaster(info_.pid, info_.tag, dir_ + "/data", /*is_child=*/true);
    info_.pid = -1;
  }

  void Resume() override {
    if (info_.pid > 0) return;
    Launch(ServerAccount(), FindBinDir(), dir_ + "/data", *guard_, info_.port);
    if (info_.pid <= 0) throw Failure("postgres did not start again (log " + log_ + ")");
  }

  void Stop() override {
    if (dir_.empty()) return;
    if (info_.pid > 0) StopPostmaster(info_.pid, info_.tag, dir_ + "/data", /*is_child=*/true);
    RemoveTree(dir_);
    if (lock_fd_ >= 0) close(lock_fd_);
    dir_.clear();
  }

 private:
  void InitDb(const Account& account, const std::string& bindir, const std::string& data) {
    InitDataDirectory(account, bindir, dir_, data, info_.tag,
                      "synchronous_commit = off\nwal_level = minimal\nmax_wal_senders = 0\n");
  }

  void StartPostmaster(const Account& account, const std::string& bindir, const std::string& data,
                       CleanupGuard& guard) {
    // The port was free a moment ago; another server may take it first: retry.
    for (int attempt = 1; attempt <= 5; ++attempt) {
      if (Launch(account, bindir, data, guard, PickFreePort())) return;
    }
    throw Failure("no free port after 5 attempts (log " + log_ + ")");
  }

  // Starts postgres on `port`; false when the port was taken.
  bool Launch(const Account& account, const std::string& bindir, const std::string& data,
              CleanupGuard& guard, int port_number) {
    info_.port = port_number;
    info_.pid = LaunchPostmaster(account, bindir, dir_, data, log_, info_.tag, port_number, guard);
    return info_.pid > 0;
  }

  CleanupGuard* guard_;
  std::string dir_;
  std::string log_;
  int lock_fd_ = -1;
};

}  // namespace

void PostgresServer::Halt() {
  throw Failure("stopping and restarting the server needs STRATA_TEST_POSTGRES_SOURCE=local (the " +
                info_.source + " source cannot)");
}

void PostgresServer::Resume() { Halt(); }

std::string QuoteConninfoValue(const std::string& value) {
  std::string out = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::unique_ptr<PostgresServer> PostgresServer::Start(CleanupGuard& guard) {
  const std::string source = GetEnv("STRATA_TEST_POSTGRES_SOURCE").value_or("auto");
  const auto url = GetEnv("STRATA_TEST_POSTGRES_URL");
  if (source == "url" || (source == "auto" && url)) {
    if (!url) throw Failure("STRATA_TEST_POSTGRES_SOURCE=url needs STRATA_TEST_POSTGRES_URL");
    return std::make_unique<ExistingServer>(*url, guard);
  }
  if (source == "docker" || (source == "auto" && DockerEngineAnswers())) {
    return std::make_unique<ContainerServer>(guard);
  }
  if (source == "local" || source == "auto") return std::make_unique<LocalServer>(guard);
  throw Failure("STRATA_TEST_POSTGRES_SOURCE must be auto, url, docker or local, not '" + source +
                "'");
}

}  // namespace strata::testing
