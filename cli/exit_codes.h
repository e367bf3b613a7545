// The CLI's exit codes, a contract with scripts and CI jobs (docs/cli.md).
#pragma once

namespace strata::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,           // anything not listed below
  kExitUsage = 2,           // unknown option or command, missing or malformed argument
  kExitNotFound = 3,        // the named resource does not exist
  kExitConflict = 4,        // already exists, or a stale --expected-version
  kExitSchemaNotReady = 5,  // pending, edited, unknown or failed migrations; invalid set
  kExitConnection = 6,      // the database could not be reached
  kExitMigrationFailed = 7,
  kExitOutcomeUnknown = 8,  // the connection was lost while a write was in flight
};

}  // namespace strata::cli
