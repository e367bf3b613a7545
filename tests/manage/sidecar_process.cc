#include "sidecar_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "process.h"

namespace strata::testing {

using std::chrono::milliseconds;

HttpReply HttpRequest(int port, const std::string& method, const std::string& path,
                      milliseconds timeout) {
  HttpReply reply;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return reply;
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string raw;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request =
        method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      char buffer[8192];
      ssize_t n = 0;
      while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0)
        raw.append(buffer, static_cast<std::size_t>(n));
    }
  }
  close(fd);
  const std::size_t end = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.") || end == std::string::npos) return reply;
  reply.status = std::stoi(raw.substr(9, 3));
  reply.headers = raw.substr(0, end);
  reply.body = raw.substr(end + 4);
  return reply;
}

SidecarProcess::SidecarProcess(const std::vector<std::string>& args,
                               const std::vector<std::string>& env, const std::string& log_path)
    : log_path_(log_path) {
  std::vector<std::string> argv = {STRATA_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (std::string& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  std::vector<std::string> environment;
  for (char** e = environ; *e != nullptr; ++e) environment.emplace_back(*e);
  for (const std::string& e : env) environment.push_back(e);
  std::vector<char*> c_env;
  for (std::string& e : environment) c_env.push_back(e.data());
  c_env.push_back(nullptr);
  const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) throw std::runtime_error("cannot open " + log_path);
  pid_ = fork();
  if (pid_ == 0) {
    const int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    execve(c_argv[0], c_argv.data(), c_env.data());
    _exit(127);
  }
  close(log);
  if (pid_ < 0) throw std::runtime_error("fork failed");
  const std::regex listening("listening on [^ ]*:([0-9]+)");
  const bool up = WaitFor(milliseconds(20'000), [&] {
    std::smatch match;
    const std::string text = Log();
    if (std::regex_search(text, match, listening)) {
      port_ = std::stoi(match[1]);
      return true;
    }
    return WaitForExit(milliseconds(0)).has_value();
  });
  if (!up || port_ == 0) {
    throw std::runtime_error("strata manage did not start listening; its log:\n" + Log());
  }
}

SidecarProcess::~SidecarProcess() {
  if (exit_code_ || pid_ <= 0) return;
  // Politely first: a sidecar that exits writes its coverage data.
  kill(pid_, SIGTERM);
  if (WaitForExit(milliseconds(5000))) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

std::string SidecarProcess::Log() const { return ReadFile(log_path_).value_or(""); }

int SidecarProcess::CountInLog(const std::string& needle) const {
  std::istringstream lines(Log());
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    count += line.find(needle) != std::string::npos ? 1 : 0;
  }
  return count;
}

bool SidecarProcess::WaitForLog(const std::string& needle, milliseconds timeout, int times) const {
  return WaitFor(timeout, [&] { return CountInLog(needle) >= times; });
}

bool SidecarProcess::WaitForStatus(const std::string& path, int status,
                                   milliseconds timeout) const {
  return WaitFor(timeout, [&] { return HttpGet(port_, path).status == status; });
}

void SidecarProcess::Signal(int signal) const {
  if (!exit_code_) kill(pid_, signal);
}

std::optional<int> SidecarProcess::WaitForExit(milliseconds timeout) {
  if (exit_code_) return exit_code_;
  WaitFor(timeout, [&] {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return true;
  });
  return exit_code_;
}

}  // namespace strata::testing
