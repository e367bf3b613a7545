// How a store or migrator is opened: which backend, where, and how.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace strata {

enum class Backend { kSqlite, kPostgres };

// "sqlite" or "postgres": the spelling used by the CLI, the environment and logs.
std::string_view BackendName(Backend backend);

// Parses "sqlite" (or "sqlite3") and "postgres" (or "postgresql").
// Throws InvalidArgumentError naming the accepted values otherwise.
Backend ParseBackend(std::string_view name);

// The backend a database URL names by its form: kPostgres for a
// postgres:// or postgresql:// URI and for a key=value conninfo string
// ("host=db dbname=app"); kSqlite for ":memory:", a file: URI or a path;
// nullopt for "". A relative SQLite path that starts with `word=` reads as
// conninfo: write it as ./word=... or a file: URI.
std::optional<Backend> InferBackend(std::string_view url);

// How much a logger is told; a message's level is one of these.
enum class LogLevel { kError, kWarn, kInfo, kDebug };

// "error", "warn", "info", "debug".
std::string_view LogLevelName(LogLevel level);

// Receives the library's log lines: PostgreSQL notices and warnings (a
// migration's RAISE NOTICE, "table does not exist, skipping") and what the
// store does on its own (a lost connection replaced). Messages never carry
// passwords or bound values. Called on the thread that made the call that
// caused it, possibly from several threads at once.
using Logger = std::function<void(LogLevel level, std::string_view message)>;

struct StoreOptions {
  static constexpr std::size_t kMaxPoolSize = 1024;

  Backend backend = Backend::kSqlite;
  // sqlite: a file path, or ":memory:" (one in-memory database shared by the pool).
  // postgres: a postgresql:// URI or a key=value conninfo string; empty means
  // libpq's own defaults (PGHOST, PGDATABASE, ...).
  std::string url = "strata.db";
  // Opt-in: apply pending migrations when the store opens.
  bool auto_migrate = false;
  std::size_t pool_size = 4;
  // PostgreSQL: how long one connection attempt may take before it fails
  // with ConnectionError (libpq's connect_timeout; a connect_timeout in the
  // URL wins). TCP keepalives are on too, so a peer that vanishes later is
  // noticed. At least 2 s, at most kMaxConnectTimeout. SQLite ignores it.
  std::chrono::seconds connect_timeout{10};
  static constexpr std::chrono::seconds kMaxConnectTimeout{3600};
  // PostgreSQL: how long a call keeps trying after a failover condition (the
  // connection lost, the server read-only or shutting down, no server
  // accepting connections) before it gives up with ConnectionError. Each
  // retry is on a new connection, after a backoff from 50 ms up to 1 s. 0
  // turns retries off. At most kMaxFailoverTimeout. SQLite ignores it.
  std::chrono::milliseconds failover_timeout{std::chrono::seconds(30)};
  static constexpr std::chrono::milliseconds kMaxFailoverTimeout{std::chrono::hours(1)};
  // PostgreSQL, optional: where the reads made through Store::replicas() go,
  // e.g. a standby, or a multi-host URL with target_session_attrs=
  // prefer-standby. Such a read still sees the store's own writes: it goes to
  // the primary while the standby has not replayed them. Empty: every read
  // goes to `url`.
  std::string read_url;
  // Empty: the migration sets embedded in the library. Otherwise a root laid out
  // like the repository's migrations/: DIR/sqlite and DIR/postgres.
  std::string migrations_dir;
  // Empty: log nothing. Not one of kSettings: an application wires its own.
  Logger logger;

  // The settings that FromEnvironment reads and the CLI's global flags set, in
  // the order they are applied: "storage" comes first because it resets `url`
  // to the chosen backend's default.
  static constexpr std::array<std::string_view, 8> kSettings = {
      "storage",        "database-url",    "auto-migrate",     "pool-size",
      "migrations-dir", "connect-timeout", "failover-timeout", "read-database-url"};

  // "pool-size" -> "STRATA_POOL_SIZE".
  static std::string EnvironmentVariable(std::string_view setting);

  // Sets one of kSettings from its text form. `source` names where the value
  // came from ("--pool-size", "STRATA_POOL_SIZE") in the InvalidArgumentError
  // thrown for a value that does not parse; URLs are never echoed.
  void Set(std::string_view setting, std::string_view value, std::string_view source);

  // One setting's text and where it came from ("--pool-size",
  // "STRATA_POOL_SIZE"), keyed by its name in kSettings.
  struct SettingValue {
    std::string value;
    std::string source;
  };
  using Settings = std::map<std::string, SettingValue, std::less<>>;

  // The options that `settings` describe, applied in kSettings order over the
  // defaults above (names outside kSettings are ignored), then Validate()d.
  // Without "storage" the backend follows the URL (InferBackend);
  // "storage" postgres without a URL leaves `url` empty (libpq defaults).
  // Throws InvalidArgumentError naming the source of a value that does not
  // parse, or the contradiction; a URL is never echoed.
  static StoreOptions FromSettings(const Settings& settings);

  // FromSettings over the STRATA_<SETTING> variables (EnvironmentVariable);
  // unset or empty variables count as not given.
  static StoreOptions FromEnvironment();

  // Throws InvalidArgumentError when pool_size is outside 1..kMaxPoolSize,
  // connect_timeout outside 2 s..kMaxConnectTimeout, failover_timeout
  // outside 0..kMaxFailoverTimeout, a read_url is given for SQLite or is not
  // a PostgreSQL URL, a sqlite url is empty,
  // or the url's form names the other backend (a PostgreSQL URL with
  // backend kSqlite, a file path with kPostgres): the message says which
  // setting to change and never echoes the URL.
  void Validate() const;

  // "sqlite strata.db", "postgres postgresql://app:***@db/prod": for logs and
  // error messages. Passwords in URIs and conninfo strings are masked.
  std::string Describe() const;
};

// Masks the password of a postgresql:// URI or a key=value conninfo string.
std::string RedactUrl(std::string_view url);

// Parses a duration: a whole number and a unit, ms, s, m, h or d ("500ms",
// "30s", "7d"); a bare number is seconds unless `unit_required`. Throws
// InvalidArgumentError naming `what` and the range [min, max] otherwise.
std::chrono::milliseconds ParseDuration(std::string_view what, std::string_view text,
                                        std::chrono::milliseconds min,
                                        std::chrono::milliseconds max, bool unit_required = false);

// Parses a whole number from `min` to `max` (`unit`, e.g. " s", follows the
// range in the message). Throws InvalidArgumentError naming `what` otherwise.
std::size_t ParseCount(std::string_view what, std::string_view text, std::size_t min,
                       std::size_t max, std::string_view unit = "");

// Parses a boolean option value: 1/0, true/false, yes/no, on/off (any case).
// Throws InvalidArgumentError naming `what` otherwise.
bool ParseBoolOption(std::string_view what, std::string_view value);

}  // namespace strata
