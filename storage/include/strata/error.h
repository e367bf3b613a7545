// The errors strata throws: one shallow hierarchy, each type saying what the
// caller can do about it. Messages never contain passwords or bound values.
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
// not be replaced.
class ConnectionError : public Error {
 public:
  using Error::Error;
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
