#include "process.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <linux/magic.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace strata::testing {
namespace {

std::vector<std::string> MergedEnvironment(const std::vector<std::string>& overrides) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    vars[entry.substr(0, entry.find('='))] = entry;
  }
  for (const std::string& entry : overrides) vars[entry.substr(0, entry.find('='))] = entry;
  std::vector<std::string> merged;
  for (auto& [name, entry] : vars) merged.push_back(entry);
  return merged;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                         const std::vector<std::string>& env,
                         const std::function<void(pid_t, const std::string&)>& on_output) {
  std::vector<std::string> args = argv;
  std::vector<std::string> environment = MergedEnvironment(env);
  std::vector<char*> c_args = CStrings(args);
  std::vector<char*> c_env = CStrings(environment);

  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe2: " + std::string(strerror(errno)));
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork: " + std::string(strerror(errno)));
  if (pid == 0) {
    const int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    setpgid(0, 0);  // so that a timeout can kill the command and its children
    execvpe(c_args[0], c_args.data(), c_env.data());
    const char msg[] = "exec failed\n";
    (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  CommandResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[4096];
  // Both pipes are read as data arrives, so `output` keeps their order.
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* streams[2] = {&result.out, &result.err};
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    if (poll(fds, 2, static_cast<int>(left.count())) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        streams[i]->append(buffer, static_cast<std::size_t>(n));
        result.output.append(buffer, static_cast<std::size_t>(n));
        if (on_output) on_output(pid, result.output);
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // poll ignores negative descriptors
      }
    }
  }
  close(out[0]);
  close(err[0]);
  int status = 0;
  if (!result.timed_out) {
    // The pipe closed, but a command may have handed it to a daemon child:
    // keep honouring the deadline for the command itself.
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        result.timed_out = true;
        kill(-pid, SIGKILL);
        break;
      }
      struct timespec ten_ms = {0, 10'000'000};
      nanosleep(&ten_ms, nullptr);
    }
  }
  if (result.timed_out) waitpid(pid, &status, 0);
  result.exit_code = !result.timed_out && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

bool ProcessRunning(pid_t pid) {
  if (pid <= 0) return false;
  const std::string line = ReadFile("/proc/" + std::to_string(pid) + "/stat").value_or("");
  // pid (comm) state ...: comm may contain spaces and parentheses.
  const std::size_t close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return false;
  const char state = line[close + 2];
  return state != 'Z' && state != 'X';
}

std::string CommandLine(pid_t pid) {
  if (pid <= 0) return "";
  std::string cmdline = ReadFile("/proc/" + std::to_string(pid) + "/cmdline").value_or("");
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  return cmdline;
}

std::vector<pid_t> ProcessesMatching(const std::string& needle) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return found;
  while (const dirent* entry = readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0 || pid == getpid()) continue;
    if (CommandLine(static_cast<pid_t>(pid)).find(needle) != std::string::npos &&
        ProcessRunning(static_cast<pid_t>(pid))) {
      found.push_back(static_cast<pid_t>(pid));
    }
  }
  closedir(proc);
  return found;
}

void RemoveTree(const std::string& path) {
  nftw(
      path.c_str(),
      [](const char* file, const struct stat*, int, struct FTW*) {
        remove(file);
        return 0;
      },
      16, FTW_DEPTH | FTW_PHYS);
}

// read(2), not streams: a /proc file's process can exit while it is read, and
// libstdc++'s streambuf iterators throw on that read error (ESRCH).
std::optional<std::string> ReadFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string content;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) {
    content.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return content;
}

std::string TailOfFile(const std::string& path, int lines) {
  const std::string content = ReadFile(path).value_or("");
  std::size_t pos = content.size();
  if (pos > 0 && content[pos - 1] == '\n') --pos;
  for (int i = 0; i < lines && pos != std::string::npos && pos > 0; ++i) {
    pos = content.rfind('\n', pos - 1);
  }
  return pos == std::string::npos ? content : content.substr(pos + 1);
}

std::optional<std::string> GetEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string ScratchBase() {
  if (auto dir = GetEnv("STRATA_TEST_TMPDIR")) return *dir;
  struct statfs fs {};
  if (statfs("/dev/shm", &fs) == 0 && fs.f_type == TMPFS_MAGIC && access("/dev/shm", W_OK) == 0) {
    return "/dev/shm";
  }
  return GetEnv("TMPDIR").value_or("/tmp");
}

std::string MakeScratchDirectory(const std::string& prefix, int& lock_fd) {
  const std::string base = ScratchBase();
  std::string pattern = base + "/" + prefix + std::to_string(getpid()) + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a directory in " + base + ": " + strerror(errno));
  }
  lock_fd = open((pattern + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    throw std::runtime_error("cannot lock " + pattern + "/.lock: " + strerror(errno));
  }
  return pattern;
}

void SweepStaleScratchDirectories(const std::string& prefix,
                                  void (*sweep)(const std::string& dir)) {
  glob_t found{};
  if (glob((ScratchBase() + "/" + prefix + "*").c_str(), GLOB_ONLYDIR, nullptr, &found) != 0) {
    return;
  }
  for (std::size_t i = 0; i < found.gl_pathc; ++i) {
    const std::string dir = found.gl_pathv[i];
    const int lock = open((dir + "/.lock").c_str(), O_RDONLY | O_CLOEXEC);
    if (lock < 0) continue;  // being created right now, or not ours
    if (flock(lock, LOCK_EX | LOCK_NB) == 0) {
      if (sweep != nullptr) sweep(dir);
      RemoveTree(dir);
    }
    close(lock);
  }
  globfree(&found);
}

int PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("could not find a free port: " + std::string(strerror(errno)));
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace strata::testing
