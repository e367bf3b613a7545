#include "cleanup_guard.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "process.h"

namespace strata::testing {
namespace {

using std::chrono::milliseconds;

constexpr int kWatcherPipeFd = 3;

void RemoveSharedMemory(const std::string& data_dir) {
  // postmaster.pid, line 7: "<key> <shmid>" of the System V segment. A clean
  // shutdown removes the file and the segment; a killed postmaster leaves both.
  std::istringstream pid_file(ReadFile(data_dir + "/postmaster.pid").value_or(""));
  std::string line;
  for (int i = 0; i < 7 && std::getline(pid_file, line); ++i) {
  }
  long key = 0;
  int shmid = -1;
  if (std::istringstream(line) >> key >> shmid && shmid >= 0) shmctl(shmid, IPC_RMID, nullptr);
}

// The watcher's whole life: collect resources until EOF, then undo them.
[[noreturn]] void Watch() {
  std::vector<std::string> resources;
  std::string pending;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(kWatcherPipeFd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
      resources.push_back(pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
  }
  if (!resources.empty() && resources.back() == "done") _exit(0);
  for (auto it = resources.rbegin(); it != resources.rend(); ++it) {
    std::istringstream words(*it);
    std::string kind;
    words >> kind;
    if (kind == "dir") {
      std::string path;
      std::getline(words >> std::ws, path);
      RemoveTree(path);
    } else if (kind == "server") {
      pid_t pid = 0;
      std::string tag, data_dir;
      words >> pid >> tag >> std::ws;
      std::getline(words, data_dir);
      StopPostmaster(pid, tag, data_dir, /*is_child=*/false);
    } else if (kind == "container") {
      std::string id;
      words >> id;
      RemoveContainer(id);
    } else if (kind == "database") {
      std::string name, conninfo;
      words >> name >> std::ws;
      std::getline(words, conninfo);
      DropDatabase(conninfo, name);
    }
  }
  _exit(0);
}

}  // namespace

void DropDatabase(const std::string& admin_conninfo, const std::string& name) {
  PGconn* conn = PQconnectdb(admin_conninfo.c_str());
  if (PQstatus(conn) == CONNECTION_OK) {
    char* ident = PQescapeIdentifier(conn, name.c_str(), name.size());
    if (ident != nullptr) {
      PQclear(PQexec(conn,
                     ("DROP DATABASE IF EXISTS " + std::string(ident) + " WITH (FORCE)").c_str()));
      PQfreemem(ident);
    }
  }
  PQfinish(conn);
}

void RemoveContainer(const std::string& id) {
  RunCommand({"docker", "rm", "-f", id}, milliseconds(60'000));
}

void StopPostmaster(pid_t pid, const std::string& tag, const std::string& data_dir, bool is_child) {
  const auto gone = [&] {
    if (is_child) return waitpid(pid, nullptr, WNOHANG) != 0;
    return !ProcessRunning(pid);
  };
  // Guard against PID reuse: only signal a process that still serves data_dir.
  const bool ours = is_child || CommandLine(pid).find(data_dir) != std::string::npos;
  if (ours && !gone()) {
    kill(pid, SIGQUIT);  // immediate shutdown: children told, shared memory released
    if (!WaitFor(milliseconds(3000), gone)) {
      kill(pid, SIGKILL);
      WaitFor(milliseconds(3000), gone);
    }
  }
  // Backends outlive a killed postmaster for a moment; cluster_name tags them.
  const std::string needle = "postgres: " + tag + ":";
  for (pid_t stray : ProcessesMatching(needle)) kill(stray, SIGKILL);
  WaitFor(milliseconds(2000), [&] { return ProcessesMatching(needle).empty(); });
  RemoveSharedMemory(data_dir);
}

CleanupGuard::CleanupGuard() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe2: " + std::string(strerror(errno)));
  const pid_t first = fork();
  if (first < 0) throw std::runtime_error("fork: " + std::string(strerror(errno)));
  if (first == 0) {
    setsid();
    if (fork() != 0) _exit(0);  // the watcher is reparented: not in the test's process tree
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    // Keep only the pipe's read end: an inherited stdout would keep ctest or
    // a caller's pipe open until the watcher exits.
    dup2(fds[0], kWatcherPipeFd);
    const int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, STDIN_FILENO);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    close_range(kWatcherPipeFd + 1, ~0U, 0);
    Watch();
  }
  close(fds[0]);
  waitpid(first, nullptr, 0);
  pipe_fd_ = fds[1];
}

CleanupGuard::~CleanupGuard() {
  if (pipe_fd_ >= 0) close(pipe_fd_);
}

void CleanupGuard::Send(const std::string& line) {
  const std::string message = line + "\n";
  if (write(pipe_fd_, message.data(), message.size()) != static_cast<ssize_t>(message.size())) {
    throw std::runtime_error("cleanup watcher is gone: " + std::string(strerror(errno)));
  }
}

void CleanupGuard::AddDirectory(const std::string& path) { Send("dir " + path); }

void CleanupGuard::AddServer(pid_t pid, const std::string& tag, const std::string& data_dir) {
  Send("server " + std::to_string(pid) + " " + tag + " " + data_dir);
}

void CleanupGuard::AddContainer(const std::string& id) { Send("container " + id); }

void CleanupGuard::AddDatabase(const std::string& admin_conninfo, const std::string& name) {
  Send("database " + name + " " + admin_conninfo);
}

void CleanupGuard::Disarm() {
  Send("done");
  close(pipe_fd_);
  pipe_fd_ = -1;
}

}  // namespace strata::testing
