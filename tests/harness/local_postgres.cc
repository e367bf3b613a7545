#include "local_postgres.h"

#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "process.h"

namespace strata::testing {
namespace {

using std::chrono::milliseconds;

std::runtime_error Failure(const std::string& what) {
  return std::runtime_error("test PostgreSQL: " + what);
}

}  // namespace

milliseconds ReadyTimeout() {
  const int seconds =
      std::atoi(GetEnv("STRATA_TEST_POSTGRES_READY_TIMEOUT").value_or("60").c_str());
  return milliseconds(1000LL * (seconds > 0 ? seconds : 60));
}

std::string FindBinDir() {
  if (auto dir = GetEnv("STRATA_TEST_POSTGRES_BINDIR")) return *dir;
  glob_t found{};
  std::vector<std::string> dirs;
  if (glob("/usr/lib/postgresql/*/bin/postgres", 0, nullptr, &found) == 0) {
    for (std::size_t i = 0; i < found.gl_pathc; ++i) dirs.emplace_back(found.gl_pathv[i]);
  }
  globfree(&found);
  // Highest major version first: compare numerically, "9" < "15".
  std::sort(dirs.begin(), dirs.end(), [](const std::string& a, const std::string& b) {
    const auto version = [](const std::string& p) { return std::atoi(p.c_str() + 19); };
    return version(a) > version(b);
  });
  if (!dirs.empty()) return dirs.front().substr(0, dirs.front().rfind('/'));
  const CommandResult pg_config = RunCommand({"pg_config", "--bindir"}, milliseconds(5000));
  if (pg_config.exit_code == 0) return pg_config.output.substr(0, pg_config.output.find('\n'));
  throw Failure(
      "no PostgreSQL server binaries: install Debian's postgresql package (scripts/setup), set "
      "STRATA_TEST_POSTGRES_BINDIR, or point STRATA_TEST_POSTGRES_URL at a server");
}

Account ServerAccount() {
  Account account;
  if (geteuid() != 0) return account;
  const passwd* pw = getpwnam("postgres");
  if (pw == nullptr) {
    throw Failure(
        "running as root needs a 'postgres' user to run the server as "
        "(Debian's postgresql package creates it)");
  }
  account.switch_user = true;
  account.uid = pw->pw_uid;
  account.gid = pw->pw_gid;
  return account;
}

// fork + exec as `account`, output to `log_path`. Everything the child needs
// is prepared before fork: between fork and exec only async-signal-safe calls.
pid_t Spawn(const Account& account, const std::vector<std::string>& argv,
            const std::string& log_path, const std::string& cwd, bool die_with_parent) {
  std::vector<std::string> args = argv;
  std::vector<char*> c_args;
  for (std::string& a : args) c_args.push_back(a.data());
  c_args.push_back(nullptr);
  const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) throw Failure("cannot open " + log_path + ": " + strerror(errno));
  if (account.switch_user && fchown(log, account.uid, account.gid) != 0) {
    close(log);
    throw Failure("cannot chown " + log_path + ": " + strerror(errno));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(log);
    throw Failure(std::string("fork: ") + strerror(errno));
  }
  if (pid == 0) {
    setpgid(0, 0);  // the terminal's Ctrl-C is the harness's to handle, not the server's
    const int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);  // never the caller's stdout: a captured pipe would hang
    dup2(log, STDERR_FILENO);
    if (account.switch_user &&
        (setgroups(0, nullptr) != 0 || setgid(account.gid) != 0 || setuid(account.uid) != 0)) {
      _exit(126);
    }
    // After the uid change, which clears it: the server dies with the test
    // binary even when nothing else cleans up.
    if (die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || getppid() != parent)) {
      _exit(125);
    }
    if (chdir(cwd.c_str()) != 0) _exit(124);
    execv(c_args[0], c_args.data());
    _exit(127);
  }
  close(log);
  return pid;
}

void RunAsServer(const Account& account, const std::vector<std::string>& argv,
                 const std::string& log_path, const std::string& cwd) {
  const pid_t pid = Spawn(account, argv, log_path, cwd, /*die_with_parent=*/true);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Failure(argv[0].substr(argv[0].rfind('/') + 1) + " failed (see " + log_path + "):\n" +
                  TailOfFile(log_path, 20));
  }
}

void InitDataDirectory(const Account& account, const std::string& bindir,
                       const std::string& socket_dir, const std::string& data,
                       const std::string& tag, const std::string& extra) {
  RunAsServer(account,
              {bindir + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
               "--locale=C", "--no-sync", "--no-instructions"},
              socket_dir + "/initdb.log", socket_dir);
  std::ofstream conf(data + "/postgresql.conf", std::ios::app);
  conf << "\n# strata test harness: throwaway server, durability off\n"
          "fsync = off\nfull_page_writes = off\n"
          "timezone = 'UTC'\nlog_timezone = 'UTC'\nlisten_addresses = '127.0.0.1'\n"
          "unix_socket_directories = '"
       << socket_dir
       << "'\nlogging_collector = off\n"
          "dynamic_shared_memory_type = mmap\n"  // a killed server leaks nothing in /dev/shm
          "max_wal_size = 64MB\nmin_wal_size = 32MB\n"
          "cluster_name = '"
       << tag << "'\n"
       << extra;
  if (!conf) throw Failure("cannot write " + data + "/postgresql.conf");
}

pid_t LaunchPostmaster(const Account& account, const std::string& bindir,
                       const std::string& socket_dir, const std::string& data,
                       const std::string& log, const std::string& tag, int port,
                       CleanupGuard& guard) {
  const std::string port_text = std::to_string(port);
  const pid_t pid = Spawn(account, {bindir + "/postgres", "-D", data, "-p", port_text}, log,
                          socket_dir, /*die_with_parent=*/true);
  guard.AddServer(pid, tag, data);
  const std::string ping =
      "host=" + socket_dir + " port=" + port_text + " user=postgres dbname=postgres";
  bool exited = false;
  const bool ready = WaitFor(ReadyTimeout(), [&] {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return exited = true;
    return PQping(ping.c_str()) == PQPING_OK;
  });
  if (ready && !exited) return pid;
  const std::string tail = TailOfFile(log, 20);
  if (!exited) StopPostmaster(pid, tag, data, /*is_child=*/true);
  if (tail.find("could not bind") == std::string::npos &&
      tail.find("already in use") == std::string::npos) {
    throw Failure(std::string(exited ? "postgres exited" : "postgres did not start in time") +
                  " (log " + log + "):\n" + tail);
  }
  return -1;
}

std::string MakeServerDirectory(const std::string& prefix, const Account& account,
                                CleanupGuard& guard, int& lock_fd) {
  const std::string dir = MakeScratchDirectory(prefix, lock_fd);
  guard.AddDirectory(dir);
  if (account.switch_user && chown(dir.c_str(), account.uid, account.gid) != 0) {
    throw Failure("cannot chown " + dir + " to postgres: " + strerror(errno));
  }
  return dir;
}

PgConnection::PgConnection(const std::string& conninfo) : conn(PQconnectdb(conninfo.c_str())) {}

PgConnection::~PgConnection() { PQfinish(conn); }

bool PgConnection::ok() const { return PQstatus(conn) == CONNECTION_OK; }

std::string PgConnection::error() const { return PQerrorMessage(conn); }

std::string PgConnection::Query(const std::string& sql) {
  PGresult* result = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  std::string value;
  if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) value = PQgetvalue(result, 0, 0);
  const std::string message = PQresultErrorMessage(result);
  PQclear(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) throw Failure(message);
  return value;
}

std::string QueryOne(const std::string& conninfo, const std::string& sql) {
  PgConnection connection(conninfo);
  if (!connection.ok()) throw Failure(connection.error());
  try {
    return connection.Query(sql);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + " (in: " + sql + ")");
  }
}

}  // namespace strata::testing
