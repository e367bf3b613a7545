// Undoes what the harness set up even when the test binary dies without
// running destructors: SIGKILL, a ctest timeout (which kills the whole process
// tree), an abort.
//
// On construction it double-forks a watcher that calls setsid(), so it is
// neither a child of the test binary nor in its process group, and blocks
// reading a pipe whose only writer is the test binary. Every resource the
// harness creates is announced on that pipe. When the test binary finishes
// normally it cleans up itself and calls Disarm(); if the pipe reaches EOF
// without that, the test binary is gone and the watcher undoes the resources
// in reverse order, then exits.
#pragma once

#include <sys/types.h>

#include <string>

namespace strata::testing {

class CleanupGuard {
 public:
  CleanupGuard();
  ~CleanupGuard();  // closes the pipe: a guard not disarmed cleans up
  CleanupGuard(const CleanupGuard&) = delete;
  CleanupGuard& operator=(const CleanupGuard&) = delete;

  void AddDirectory(const std::string& path);
  // A postmaster started by the harness: stopped (SIGQUIT, then SIGKILL), its
  // stray children (found by `tag`, the server's cluster_name) killed, and its
  // System V shared memory segment removed.
  void AddServer(pid_t pid, const std::string& tag, const std::string& data_dir);
  void AddContainer(const std::string& id);
  // A database on a server the harness does not own: dropped WITH (FORCE).
  void AddDatabase(const std::string& admin_conninfo, const std::string& name);

  // The test binary has cleaned up everything itself.
  void Disarm();

 private:
  void Send(const std::string& line);
  int pipe_fd_ = -1;
};

// Stops a postmaster and everything that belongs to it; shared by the harness's
// normal shutdown and the watcher. Returns once no process of it is running.
void StopPostmaster(pid_t pid, const std::string& tag, const std::string& data_dir, bool is_child);

// Drops a database WITH (FORCE), if it exists; errors are ignored (cleanup).
void DropDatabase(const std::string& admin_conninfo, const std::string& name);

// docker rm -f; errors are ignored (cleanup).
void RemoveContainer(const std::string& id);

}  // namespace strata::testing
