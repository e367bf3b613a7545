// PostgreSQL through SOCI's postgresql backend: parsing the URL (never
// echoing it), connecting with strata's session settings, notices to the
// logger, and the maintenance-database step that creates a missing database.
#include <libpq-fe.h>
#include <pwd.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "backends/backend_sessions.h"
#include "backends/postgres/postgres_internal.h"
#include "strata/error.h"

namespace strata::backends::postgres {
namespace {

using Params = std::map<std::string, std::string>;

// The URL's settings, as libpq reads them. The URL is never echoed: it may
// hold a password.
Params ParseUrl(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    if (error != nullptr) PQfreemem(error);
    throw InvalidArgumentError(
        "the PostgreSQL database URL does not parse: give a postgresql://user@host:5432/db URI "
        "or a 'host=... dbname=...' conninfo");
  }
  Params params;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val != nullptr) params[option->keyword] = option->val;
  }
  PQconninfoFree(options);
  return params;
}

// key='value' pairs, quoted the way libpq reads them.
std::string Conninfo(const Params& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += ' ';
    out += key + "='";
    for (char c : value) {
      if (c == '\\' || c == '\'') out += '\\';
      out += c;
    }
    out += '\'';
  }
  return out;
}

std::string Flatten(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (std::size_t pos; (pos = text.find('\n')) != std::string::npos;) {
    const std::size_t end = text.find_first_not_of("\n\t ", pos);
    text.replace(pos, end == std::string::npos ? std::string::npos : end - pos, "; ");
  }
  return text;
}

// The database libpq connects to when the URL names none: PGDATABASE, else
// the user name.
std::string TargetDatabase(const Params& params) {
  for (const char* key : {"dbname", "user"}) {
    if (auto it = params.find(key); it != params.end() && !it->second.empty()) return it->second;
  }
  for (const char* env : {"PGDATABASE", "PGUSER"}) {
    if (const char* value = std::getenv(env); value != nullptr && *value != '\0') return value;
  }
  const passwd* pw = getpwuid(geteuid());
  return pw != nullptr ? pw->pw_name : "postgres";
}

// libpq's notice receiver: one log line per notice, its primary message only
// (a DETAIL line may quote values), at the level its severity maps to.
void ReceiveNotice(void* arg, const PGresult* result) {
  const char* severity = PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const std::string_view level_name = severity != nullptr ? severity : "NOTICE";
  LogLevel level = LogLevel::kDebug;  // DEBUG1..5, LOG
  if (level_name == "WARNING") {
    level = LogLevel::kWarn;
  } else if (level_name == "NOTICE" || level_name == "INFO") {
    level = LogLevel::kInfo;
  }
  (*static_cast<const Logger*>(arg))(
      level, "PostgreSQL " + std::string(level_name) + ": " + (primary != nullptr ? primary : ""));
}

// libpq's own words (never localized: strata does not call setlocale) for
// a server that could not be reached at all.
bool Unreachable(const std::string& message) {
  for (const char* words : {"Connection refused", "could not translate host name",
                            "No route to host", "Network is unreachable"}) {
    if (message.find(words) != std::string::npos) return true;
  }
  return false;
}

// The server's and libpq's words for a server that is there but cannot take
// this connection now: starting, stopping, recovering, or no host of a
// multi-host URL is a primary yet (a failover under way).
bool Transient(const std::string& message) {
  for (const char* words :
       {"the database system is starting up", "the database system is shutting down",
        "the database system is in recovery mode",
        "the database system is not accepting connections", "session is read-only",
        "server is in hot standby mode", "could not make a writable connection",
        "server closed the connection"}) {
    if (message.find(words) != std::string::npos) return true;
  }
  return false;
}

// The URL's settings with strata's defaults where the URL sets none: a
// bounded connect (libpq waits forever by default, even for a server that
// accepts TCP and never answers) and TCP keepalives, so that a peer that
// vanishes is noticed in about a minute instead of the kernel's two hours.
//
// A URL with several hosts connects to the primary among them unless it says
// otherwise: libpq's default, target_session_attrs=any, would take the first
// host that answers, a standby included. The read URL is the user's to set.
Params ConnectParams(const StoreOptions& options, bool primary = true) {
  Params params = ParseUrl(primary ? options.url : options.read_url);
  if (auto host = params.find("host");
      primary && host != params.end() && host->second.find(',') != std::string::npos) {
    params.try_emplace("target_session_attrs", "read-write");
  }
  params.try_emplace("application_name", "strata");
  params.try_emplace("connect_timeout", std::to_string(options.connect_timeout.count()));
  params.try_emplace("keepalives", "1");
  params.try_emplace("keepalives_idle", "30");
  params.try_emplace("keepalives_interval", "10");
  params.try_emplace("keepalives_count", "3");
  return params;
}

}  // namespace

Session Connect(const StoreOptions& options, bool primary) {
  const std::string& url = primary ? options.url : options.read_url;
  const Logger& logger = options.logger;
  const Params params = ConnectParams(options, primary);
  Session session;
  try {
    session.session = std::make_unique<soci::session>(soci::postgresql, Conninfo(params));
  } catch (const soci::soci_error& e) {
    // SOCI's message is a fixed sentence and libpq's, which names host, port,
    // user and database but never the password.
    std::string message = e.get_error_message();
    const std::string fixed = "Cannot establish connection to the database.";
    if (message.starts_with(fixed)) message.erase(0, fixed.size());
    message = Flatten(message.substr(message.find_first_not_of('\n')));
    const bool timed_out = message.find("timeout expired") != std::string::npos;
    if (timed_out) {
      message += " after " + params.at("connect_timeout") +
                 " s: check that the host and port are a PostgreSQL server's, or raise "
                 "--connect-timeout (STRATA_CONNECT_TIMEOUT, or connect_timeout in the URL)";
    }
    message = "cannot connect to PostgreSQL '" + RedactUrl(url) + "': " + message;
    if (timed_out || Unreachable(message)) throw UnreachableError(message);
    if (Transient(message)) throw UnavailableError(message);
    throw ConnectionError(message);
  }
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.session->get_backend());
  if (logger) {
    session.logger = std::make_unique<Logger>(logger);
    PQsetNoticeReceiver(backend->conn_, &ReceiveNotice, session.logger.get());
  } else {
    PQsetNoticeProcessor(
        backend->conn_, [](void*, const char*) {}, nullptr);
  }
  session.native = MakeNative(backend->conn_);
  session.native->Exec("SET TIME ZONE 'UTC'");
  return session;
}

}  // namespace strata::backends::postgres

namespace strata::backends {

std::string PostgresDatabaseName(const std::string& url) {
  return postgres::TargetDatabase(postgres::ParseUrl(url));
}

namespace {

// A libpq connection to the `postgres` maintenance database of the server
// `options` names, with its credentials; null when it cannot be reached.
std::unique_ptr<PGconn, decltype(&PQfinish)> Maintenance(const StoreOptions& options) {
  postgres::Params params = postgres::ConnectParams(options);
  params["dbname"] = "postgres";
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(postgres::Conninfo(params).c_str()),
                                                    &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) return {nullptr, &PQfinish};
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

std::string Quoted(PGconn* conn, const std::string& identifier) {
  std::unique_ptr<char, decltype(&PQfreemem)> quoted(
      PQescapeIdentifier(conn, identifier.c_str(), identifier.size()), &PQfreemem);
  return quoted.get();
}

}  // namespace

ScratchDatabase::ScratchDatabase(const StoreOptions& options)
    : origin_(options), scratch_(options) {
  if (options.backend == Backend::kSqlite) {
    scratch_.url = ":memory:";
    return;
  }
  std::random_device random;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%08x%08x", random(), random());
  name_ = std::string("strata_scratch_") + hex;
  const auto conn = Maintenance(options);
  if (!conn) {
    throw ConnectionError("cannot reach the 'postgres' database of " + options.Describe() +
                          " to create a scratch database");
  }
  try {
    postgres::MakeNative(conn.get())->Exec("CREATE DATABASE " + Quoted(conn.get(), name_));
  } catch (const DatabaseError& e) {
    throw ConnectionError("cannot create a scratch database on " + options.Describe() + ": " +
                          e.what() + "; grant the role CREATEDB");
  }
  postgres::Params params = postgres::ConnectParams(options);
  params["dbname"] = name_;
  scratch_.url = postgres::Conninfo(params);
}

ScratchDatabase::~ScratchDatabase() {
  if (name_.empty()) return;
  const auto conn = Maintenance(origin_);
  if (!conn) return;  // the server is gone: nothing to drop it from
  try {
    postgres::MakeNative(conn.get())
        ->Exec("DROP DATABASE IF EXISTS " + Quoted(conn.get(), name_) + " WITH (FORCE)");
  } catch (const DatabaseError&) {
    // Best effort: a leftover scratch database holds nothing but a schema.
  }
}

DatabaseCreation EnsurePostgresDatabase(const StoreOptions& options) {
  const std::string target = postgres::TargetDatabase(postgres::ConnectParams(options));
  const auto conn = Maintenance(options);
  if (!conn) return DatabaseCreation::kUnreachable;
  const std::unique_ptr<NativeConnection> native = postgres::MakeNative(conn.get());
  {
    std::vector<Param> name(1);
    name[0].text = target;
    const std::unique_ptr<Prepared> exists =
        native->Prepare("SELECT 1 FROM pg_database WHERE datname = :name", 1);
    if (exists->Execute(name)) return DatabaseCreation::kExists;
  }
  // An identifier cannot be bound: it is quoted by libpq instead.
  try {
    native->Exec("CREATE DATABASE " + Quoted(conn.get(), target));
  } catch (const DatabaseError& e) {
    // Another runner created it first: 42P04 when its commit came before
    // our check in CREATE DATABASE, a unique violation on pg_database's
    // name index when both inserted at once.
    if (e.kind() == ErrorKind::kDuplicateDatabase || e.kind() == ErrorKind::kUniqueViolation)
      return DatabaseCreation::kExists;
    throw ConnectionError("cannot create database '" + target + "': " + e.what() +
                          "; create it by hand or grant CREATEDB");
  }
  return DatabaseCreation::kCreated;
}

}  // namespace strata::backends
