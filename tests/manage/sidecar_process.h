// The real `strata manage` binary as a child process, and a plain HTTP/1.1
// client for its endpoints: what the sidecar tests drive.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace strata::testing {

struct HttpReply {
  int status = 0;  // 0: no answer (refused, reset or timed out)
  std::string body;
  std::string headers;
};

// One request on a new connection to 127.0.0.1:`port`, at most `timeout`.
HttpReply HttpRequest(int port, const std::string& method, const std::string& path,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
inline HttpReply HttpGet(int port, const std::string& path) {
  return HttpRequest(port, "GET", path);
}

class SidecarProcess {
 public:
  // Starts STRATA_CLI with `args` (after the binary) and `env` (NAME=VALUE,
  // added to this environment); its stderr and stdout go to `log_path`.
  // Waits until the log names the port it listens on (std::runtime_error
  // with the log if it exits or 20 s pass first).
  SidecarProcess(const std::vector<std::string>& args, const std::vector<std::string>& env,
                 const std::string& log_path);
  ~SidecarProcess();  // SIGTERM if still running, SIGKILL 5 s later
  SidecarProcess(const SidecarProcess&) = delete;
  SidecarProcess& operator=(const SidecarProcess&) = delete;

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  std::string Log() const;
  // How many log lines contain `needle`.
  int CountInLog(const std::string& needle) const;
  // Waits until the log holds `needle` `times` times.
  bool WaitForLog(const std::string& needle, std::chrono::milliseconds timeout,
                  int times = 1) const;
  // Polls GET `path` until it answers `status`.
  bool WaitForStatus(const std::string& path, int status, std::chrono::milliseconds timeout) const;
  void Signal(int signal) const;
  // The exit code once it exits within `timeout`; nullopt if it is still
  // running; -signal when a signal ended it.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
  std::optional<int> exit_code_;
};

}  // namespace strata::testing
