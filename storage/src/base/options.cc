#include "strata/options.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string>

#include "strata/error.h"

namespace strata {
namespace {

constexpr std::string_view kMask = "***";

// An empty variable counts as unset, as it does for most tools: manifests
// often carry `NAME=""` to mean "not configured".
std::optional<std::string> GetEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The settings whose values libpq treats as secrets (dispchar "*" in
// PQconndefaults): the password, and the passphrase of the client's SSL key.
bool IsSecretSetting(std::string_view name) {
  const std::string lower = Lowercase(name);
  return lower == "password" || lower == "sslpassword";
}

// "pass%77ord" -> "password", as libpq decodes a URI's parameter names.
std::string PercentDecoded(std::string_view text) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool IsUri(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

// Masks the secret parameters of the '&'-separated list that starts at `pos`.
void MaskSecretParameters(std::string& uri, std::size_t pos) {
  while (pos < uri.size()) {
    std::size_t end = std::min(uri.find('&', pos), uri.size());
    const std::size_t equals = uri.find('=', pos);
    if (equals < end && IsSecretSetting(PercentDecoded(uri.substr(pos, equals - pos)))) {
      uri.replace(equals + 1, end - equals - 1, kMask);
      end = equals + 1 + kMask.size();
    }
    pos = end + 1;
  }
}

// postgresql://user:secret@host/db?password=x -> postgresql://user:***@host/db?password=***
// (and sslpassword=***). Masks at least what libpq reads as secrets.
std::string RedactUri(std::string_view uri) {
  std::string out(uri);
  const std::size_t authority = out.find("://") + 3;
  // libpq's user info ends at the first '@' before the first '/' (a '?' does
  // not end it: "app:se?cret@db" is user app, password se?cret), its password
  // at the first ':'. An '@' written into a password unencoded ("p@ss@db")
  // ends it early for libpq; the mask goes on to the last '@' that no '?' or
  // '/' separates from it (an '@' after a '?' may be in a parameter's value).
  const std::size_t slash = std::min(out.find('/', authority), out.size());
  std::size_t at = out.find('@', authority);
  if (at < slash) {
    for (std::size_t next; (next = out.find_first_of("@?", at + 1)) < slash && out[next] == '@';) {
      at = next;
    }
    const std::size_t colon = out.find(':', authority);
    if (colon < at) out.replace(colon + 1, at - colon - 1, kMask);
  }
  // libpq's parameters follow the first '?' after the hosts; each '?' is tried,
  // so that one in a user name or in a parameter's value cannot hide them.
  for (std::size_t query = out.find('?', authority); query != std::string::npos;
       query = out.find('?', query + 1)) {
    MaskSecretParameters(out, query + 1);
  }
  return out;
}

// host=db password='a b' user=app -> host=db password=*** user=app (and
// sslpassword=***). A string that does not tokenize is cut at the first
// "password" (which "sslpassword" holds) so nothing leaks.
std::string RedactConninfo(std::string_view conninfo) {
  std::string out;
  std::size_t pos = 0;
  const auto skip_spaces = [&] {
    while (pos < conninfo.size() && std::isspace(static_cast<unsigned char>(conninfo[pos]))) {
      out += conninfo[pos++];
    }
  };
  const auto fallback = [&] {
    const std::size_t cut = Lowercase(conninfo).find("password");
    if (cut == std::string::npos) return std::string(conninfo);
    return std::string(conninfo.substr(0, cut)) + "password=" + std::string(kMask);
  };
  while (true) {
    skip_spaces();
    if (pos >= conninfo.size()) return out;
    const std::size_t key_start = pos;
    while (pos < conninfo.size() && conninfo[pos] != '=' &&
           !std::isspace(static_cast<unsigned char>(conninfo[pos]))) {
      ++pos;
    }
    const std::string_view key = conninfo.substr(key_start, pos - key_start);
    out += key;
    skip_spaces();
    if (pos >= conninfo.size() || conninfo[pos] != '=') return fallback();
    out += conninfo[pos++];
    skip_spaces();
    const std::size_t value_start = pos;
    if (pos < conninfo.size() && conninfo[pos] == '\'') {
      ++pos;
      while (pos < conninfo.size() && conninfo[pos] != '\'') pos += conninfo[pos] == '\\' ? 2 : 1;
      if (pos >= conninfo.size()) return fallback();
      ++pos;
    } else {
      while (pos < conninfo.size() && !std::isspace(static_cast<unsigned char>(conninfo[pos]))) {
        pos += conninfo[pos] == '\\' ? 2 : 1;
      }
      pos = std::min(pos, conninfo.size());
    }
    if (IsSecretSetting(key)) {
      out += kMask;
    } else {
      out += conninfo.substr(value_start, pos - value_start);
    }
  }
}

// "host=db", " dbname = app": a libpq keyword, then '='.
bool IsConninfo(std::string_view url) {
  std::size_t pos = 0;
  while (pos < url.size() && std::isspace(static_cast<unsigned char>(url[pos]))) ++pos;
  const std::size_t start = pos;
  while (pos < url.size() &&
         (std::isalnum(static_cast<unsigned char>(url[pos])) || url[pos] == '_')) {
    ++pos;
  }
  if (pos == start || std::isdigit(static_cast<unsigned char>(url[start]))) return false;
  while (pos < url.size() && std::isspace(static_cast<unsigned char>(url[pos]))) ++pos;
  return pos < url.size() && url[pos] == '=';
}

constexpr std::string_view kFollowTheUrl =
    ", or leave the backend unset (no --storage / STRATA_STORAGE) so that it follows the URL";

}  // namespace

std::optional<Backend> InferBackend(std::string_view url) {
  if (url.empty()) return std::nullopt;
  if (IsUri(url) || IsConninfo(url)) return Backend::kPostgres;
  return Backend::kSqlite;
}

std::string_view BackendName(Backend backend) {
  return backend == Backend::kPostgres ? "postgres" : "sqlite";
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "error";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kDebug:
      break;
  }
  return "debug";
}

Backend ParseBackend(std::string_view name) {
  if (name == "sqlite" || name == "sqlite3") return Backend::kSqlite;
  if (name == "postgres" || name == "postgresql") return Backend::kPostgres;
  throw InvalidArgumentError("unknown storage backend '" + std::string(name) +
                             "': use sqlite or postgres");
}

bool ParseBoolOption(std::string_view what, std::string_view value) {
  const std::string v = Lowercase(value);
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  throw InvalidArgumentError(std::string(what) +
                             " must be true or false (also 1/0, yes/no, on/off)");
}

namespace {

// "1500 ms", "30 s", "2 h": a range's end for messages.
std::string DescribeDuration(std::chrono::milliseconds d) {
  const std::int64_t ms = d.count();
  if (ms % 86'400'000 == 0 && ms >= 86'400'000) return std::to_string(ms / 86'400'000) + "d";
  if (ms % 3'600'000 == 0 && ms >= 3'600'000) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0 && ms >= 60'000) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace

std::size_t ParseCount(std::string_view what, std::string_view text, std::size_t min,
                       std::size_t max, std::string_view unit) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    throw InvalidArgumentError(std::string(what) + " must be a whole number from " +
                               std::to_string(min) + " to " + std::to_string(max) +
                               std::string(unit));
  }
  return value;
}

std::chrono::milliseconds ParseDuration(std::string_view what, std::string_view text,
                                        std::chrono::milliseconds min,
                                        std::chrono::milliseconds max, bool unit_required) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  const std::int64_t scale = unit == "ms"                     ? 1
                             : unit == "s"                    ? 1000
                             : unit == "m"                    ? 60'000
                             : unit == "h"                    ? 3'600'000
                             : unit == "d"                    ? 86'400'000
                             : unit.empty() && !unit_required ? 1000
                                                              : 0;
  if (ec != std::errc() || value < 0 || scale == 0 || value > max.count() / scale ||
      value * scale < min.count()) {
    throw InvalidArgumentError(std::string(what) + " must be a whole number with a unit, ms, s, " +
                               "m, h or d (e.g. 500ms, 30s or 7d" +
                               (unit_required ? "" : "; a bare number is seconds") + "), from " +
                               DescribeDuration(min) + " to " + DescribeDuration(max));
  }
  return std::chrono::milliseconds(value * scale);
}

std::string StoreOptions::EnvironmentVariable(std::string_view setting) {
  std::string name = "STRATA_";
  for (const char c : setting) {
    name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

void StoreOptions::Set(std::string_view setting, std::string_view value, std::string_view source) {
  const std::string label(source);
  if (setting == "storage") {
    try {
      backend = ParseBackend(value);
    } catch (const InvalidArgumentError& e) {
      throw InvalidArgumentError(label + ": " + e.what());
    }
    url = backend == Backend::kSqlite ? StoreOptions{}.url : std::string();
  } else if (setting == "database-url") {
    url = value;
  } else if (setting == "auto-migrate") {
    auto_migrate = ParseBoolOption(label, value);
  } else if (setting == "pool-size") {
    pool_size = ParseCount(label, value, 1, kMaxPoolSize);
  } else if (setting == "connect-timeout") {
    std::string_view seconds = value;
    if (seconds.ends_with('s')) seconds.remove_suffix(1);
    connect_timeout = std::chrono::seconds(ParseCount(
        label, seconds, 2, static_cast<std::size_t>(kMaxConnectTimeout.count()), " (seconds)"));
  } else if (setting == "failover-timeout") {
    failover_timeout =
        ParseDuration(label, value, std::chrono::milliseconds(0), kMaxFailoverTimeout);
  } else if (setting == "read-database-url") {
    read_url = value;
  } else if (setting == "migrations-dir") {
    migrations_dir = value;
  } else {
    throw InvalidArgumentError("unknown store setting '" + std::string(setting) + "'");
  }
}

StoreOptions StoreOptions::FromSettings(const Settings& settings) {
  StoreOptions options;
  for (const std::string_view setting : kSettings) {
    if (auto it = settings.find(setting); it != settings.end()) {
      options.Set(setting, it->second.value, it->second.source);
    }
  }
  if (!settings.contains("storage")) {
    options.backend = InferBackend(options.url).value_or(options.backend);
  }
  options.Validate();
  return options;
}

StoreOptions StoreOptions::FromEnvironment() {
  Settings settings;
  for (const std::string_view setting : kSettings) {
    std::string variable = EnvironmentVariable(setting);
    if (auto value = GetEnv(variable.c_str())) {
      settings[std::string(setting)] = {std::move(*value), std::move(variable)};
    }
  }
  return FromSettings(settings);
}

void StoreOptions::Validate() const {
  if (pool_size < 1 || pool_size > kMaxPoolSize) {
    throw InvalidArgumentError("pool size must be from 1 to " + std::to_string(kMaxPoolSize));
  }
  if (connect_timeout < std::chrono::seconds(2) || connect_timeout > kMaxConnectTimeout) {
    throw InvalidArgumentError("the connect timeout must be from 2 to " +
                               std::to_string(kMaxConnectTimeout.count()) + " seconds");
  }
  if (failover_timeout < std::chrono::milliseconds(0) || failover_timeout > kMaxFailoverTimeout) {
    throw InvalidArgumentError("the failover timeout must be from 0 to " +
                               DescribeDuration(kMaxFailoverTimeout));
  }
  if (!read_url.empty() &&
      (backend != Backend::kPostgres || InferBackend(read_url) != Backend::kPostgres)) {
    throw InvalidArgumentError(
        "the read database URL (--read-database-url, STRATA_READ_DATABASE_URL) must be a "
        "PostgreSQL URL beside a PostgreSQL database URL: a standby's postgresql:// URI or "
        "'host=... dbname=...' conninfo; SQLite has no standbys");
  }
  if (backend == Backend::kSqlite && url.empty()) {
    throw InvalidArgumentError(
        "the sqlite database URL is empty: give a file path or :memory: (STRATA_DATABASE_URL)");
  }
  const std::optional<Backend> named = InferBackend(url);
  if (backend == Backend::kSqlite && named == Backend::kPostgres) {
    throw InvalidArgumentError(
        "the database URL is a PostgreSQL URL but the storage backend is sqlite: use --storage "
        "postgres (STRATA_STORAGE=postgres)" +
        std::string(kFollowTheUrl));
  }
  if (backend == Backend::kPostgres && named == Backend::kSqlite) {
    throw InvalidArgumentError(
        "the database URL is a file path but the storage backend is postgres: give a "
        "postgresql://user@host/db URI or 'host=... dbname=...' conninfo, use --storage sqlite" +
        std::string(kFollowTheUrl));
  }
}

std::string StoreOptions::Describe() const {
  std::string where = url.empty() ? std::string("(libpq defaults)") : RedactUrl(url);
  return std::string(BackendName(backend)) + " " + where;
}

std::string RedactUrl(std::string_view url) {
  if (IsUri(url)) return RedactUri(url);
  if (url.find('=') != std::string_view::npos) return RedactConninfo(url);
  return std::string(url);
}

}  // namespace strata
