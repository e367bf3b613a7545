// The errors strata throws: one shallow hierarchy, each type saying what the
// caller can do about it. Messages never contain passwords or bound values.
//
// Whether a failed call changed anything: every error but
// OutcomeUnknownError means it changed nothing (a write that failed was not
// applied, or was rolled back). OutcomeUnknownError alone says "it may have".
#pragma once

#include <stdexcept>
#include <string>

namespace strata {

// Base of every error strata throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The named row does not exist (Update, Delete). Find returns std::nullopt instead.
class NotFoundError : public Error {
 public:
  using Error::Error;
};

// A row with the same unique key (name, ARN) already exists.
class AlreadyExistsError : public Error {
 public:
  using Error::Error;
};

// The caller's version is stale: re-read the row and retry.
class ConflictError : public Error {
 public:
  using Error::Error;
};

// Input rejected before any SQL ran: bad names, limits, page tokens, JSON,
// option values.
class InvalidArgumentError : public Error {
 public:
  using Error::Error;
};

// The database could not be reached, or the connection was lost and could
// not be replaced: after a failover, once StoreOptions::failover_timeout
// has passed without a primary that takes the call. Nothing was changed.
class ConnectionError : public Error {
 public:
  using Error::Error;
};

// The connection was lost while a write (or its COMMIT) was on its way and
// running it again could have applied it twice, so the store did not: the
// write may or may not have been applied. Re-read to find out. The writes
// that the store can safely run again (versioned updates, upserts, status
// transitions, creates of a new id) never end in it unless the store
// still could not tell after its retries; see docs/operations.md.
class OutcomeUnknownError : public ConnectionError {
 public:
  using ConnectionError::ConnectionError;
};

// The schema is not ready to serve: pending, edited, unknown or failed
// migrations, or an invalid migration set. The message names the fix.
class SchemaError : public Error {
 public:
  using Error::Error;
};

// A migration failed; the message names its version, file and line.
class MigrationError : public Error {
 public:
  using Error::Error;
};

}  // namespace strata
