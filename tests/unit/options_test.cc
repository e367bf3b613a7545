#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>
#include <optional>
#include <string>

#include "strata/strata.h"

namespace strata {
namespace {

// Sets environment variables for one test and restores them afterwards.
class ScopedEnv {
 public:
  explicit ScopedEnv(std::map<std::string, std::optional<std::string>> vars) {
    for (auto& [name, value] : vars) {
      const char* old = getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      Apply(name, value);
    }
  }
  ~ScopedEnv() {
    for (auto& [name, value] : saved_) Apply(name, value);
  }

 private:
  static void Apply(const std::string& name, const std::optional<std::string>& value) {
    if (value) {
      setenv(name.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

const std::map<std::string, std::optional<std::string>> kNoStrataEnv = {
    {"STRATA_STORAGE", std::nullopt},
    {"STRATA_DATABASE_URL", std::nullopt},
    {"STRATA_AUTO_MIGRATE", std::nullopt},
    {"STRATA_POOL_SIZE", std::nullopt},
    {"STRATA_MIGRATIONS_DIR", std::nullopt}};

ScopedEnv StrataEnv(std::map<std::string, std::optional<std::string>> vars) {
  auto all = kNoStrataEnv;
  for (auto& [k, v] : vars) all[k] = v;
  return ScopedEnv(all);
}

TEST(BackendTest, ParsesNamesAndAliases) {
  EXPECT_EQ(ParseBackend("sqlite"), Backend::kSqlite);
  EXPECT_EQ(ParseBackend("sqlite3"), Backend::kSqlite);
  EXPECT_EQ(ParseBackend("postgres"), Backend::kPostgres);
  EXPECT_EQ(ParseBackend("postgresql"), Backend::kPostgres);
  EXPECT_EQ(BackendName(Backend::kSqlite), "sqlite");
  EXPECT_EQ(BackendName(Backend::kPostgres), "postgres");
}

TEST(BackendTest, UnknownNameSaysWhatIsAccepted) {
  try {
    ParseBackend("mysql");
    FAIL() << "no exception";
  } catch (const InvalidArgumentError& e) {
    EXPECT_STREQ(e.what(), "unknown storage backend 'mysql': use sqlite or postgres");
  }
}

TEST(StoreOptionsTest, DefaultsWithoutEnvironment) {
  auto env = StrataEnv({});
  const StoreOptions options = StoreOptions::FromEnvironment();
  EXPECT_EQ(options.backend, Backend::kSqlite);
  EXPECT_EQ(options.url, "strata.db");
  EXPECT_FALSE(options.auto_migrate);
  EXPECT_EQ(options.pool_size, 4u);
  EXPECT_EQ(options.migrations_dir, "");
}

TEST(StoreOptionsTest, ReadsEveryVariable) {
  auto env = StrataEnv({{"STRATA_STORAGE", "postgres"},
                        {"STRATA_DATABASE_URL", "postgresql://app@db/ecs"},
                        {"STRATA_AUTO_MIGRATE", "yes"},
                        {"STRATA_POOL_SIZE", "16"},
                        {"STRATA_MIGRATIONS_DIR", "/etc/strata/migrations"}});
  const StoreOptions options = StoreOptions::FromEnvironment();
  EXPECT_EQ(options.backend, Backend::kPostgres);
  EXPECT_EQ(options.url, "postgresql://app@db/ecs");
  EXPECT_TRUE(options.auto_migrate);
  EXPECT_EQ(options.pool_size, 16u);
  EXPECT_EQ(options.migrations_dir, "/etc/strata/migrations");
}

TEST(StoreOptionsTest, EmptyVariablesCountAsUnset) {
  auto env =
      StrataEnv({{"STRATA_STORAGE", ""}, {"STRATA_POOL_SIZE", ""}, {"STRATA_DATABASE_URL", ""}});
  const StoreOptions options = StoreOptions::FromEnvironment();
  EXPECT_EQ(options.backend, Backend::kSqlite);
  EXPECT_EQ(options.url, "strata.db");
  EXPECT_EQ(options.pool_size, 4u);
}

TEST(StoreOptionsTest, PostgresWithoutUrlUsesLibpqDefaults) {
  auto env = StrataEnv({{"STRATA_STORAGE", "postgres"}});
  EXPECT_EQ(StoreOptions::FromEnvironment().url, "");
  EXPECT_EQ(StoreOptions::FromEnvironment().Describe(), "postgres (libpq defaults)");
}

TEST(StoreOptionsTest, BadValuesNameTheVariable) {
  const std::map<std::string, std::string> cases = {
      {"STRATA_STORAGE", "oracle"},
      {"STRATA_AUTO_MIGRATE", "maybe"},
      {"STRATA_POOL_SIZE", "0"},
  };
  for (const auto& [name, value] : cases) {
    auto env = StrataEnv({{name, value}});
    try {
      StoreOptions::FromEnvironment();
      ADD_FAILURE() << name << "=" << value << " accepted";
    } catch (const InvalidArgumentError& e) {
      EXPECT_TRUE(std::string(e.what()).starts_with(name)) << e.what();
    }
  }
}

TEST(StoreOptionsTest, PoolSizeMustBeAWholeNumberInRange) {
  for (const char* bad : {"-1", "4x", "1025", "99999999999999999999", " 4"}) {
    auto env = StrataEnv({{"STRATA_POOL_SIZE", bad}});
    EXPECT_THROW(StoreOptions::FromEnvironment(), InvalidArgumentError) << "'" << bad << "'";
  }
  auto env = StrataEnv({{"STRATA_POOL_SIZE", "1024"}});
  EXPECT_EQ(StoreOptions::FromEnvironment().pool_size, 1024u);
}

TEST(StoreOptionsTest, SwitchingBackendResetsTheDefaultUrlButKeepsAnExplicitOne) {
  StoreOptions options;
  options.Set("storage", "postgres", "--storage");
  EXPECT_EQ(options.url, "");
  options.Set("storage", "sqlite", "--storage");
  EXPECT_EQ(options.url, "strata.db");
  options.Set("database-url", "/var/lib/app.db", "--database-url");
  EXPECT_EQ(options.url, "/var/lib/app.db");
  EXPECT_THROW(options.Set("colour", "blue", "--colour"), InvalidArgumentError);
}

TEST(StoreOptionsTest, ValidateRejectsEmptySqlitePathAndBadPoolSize) {
  StoreOptions options;
  options.url = "";
  EXPECT_THROW(options.Validate(), InvalidArgumentError);
  options.url = ":memory:";
  options.pool_size = 0;
  EXPECT_THROW(options.Validate(), InvalidArgumentError);
  options.pool_size = 1;
  EXPECT_NO_THROW(options.Validate());
}

TEST(InferBackendTest, TheUrlsFormNamesTheBackend) {
  for (const char* url : {"postgresql://app@db/ecs", "postgres://db", "host=db dbname=ecs",
                          " dbname = ecs", "service=prod"}) {
    EXPECT_EQ(InferBackend(url), Backend::kPostgres) << url;
  }
  for (const char* url : {"strata.db", "/var/lib/a=b.db", "./x=1.db",
                          ":memory:", "file:app.db?mode=ro", "1=2.db", "my db.sqlite"}) {
    EXPECT_EQ(InferBackend(url), Backend::kSqlite) << url;
  }
  EXPECT_EQ(InferBackend(""), std::nullopt);
}

TEST(StoreOptionsTest, WithoutStorageTheBackendFollowsTheUrl) {
  auto env = StrataEnv({{"STRATA_DATABASE_URL", "host=db password=S3cret dbname=ecs"}});
  EXPECT_EQ(StoreOptions::FromEnvironment().backend, Backend::kPostgres);
  StoreOptions::Settings settings = {{"database-url", {"/srv/app.db", "--database-url"}}};
  EXPECT_EQ(StoreOptions::FromSettings(settings).backend, Backend::kSqlite);
}

TEST(StoreOptionsTest, AnExplicitBackendThatContradictsTheUrlIsRefusedWithoutEchoingIt) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"sqlite", "postgresql://app:S3cret@db/ecs"},
      {"sqlite", "host=db password=S3cret"},
      {"postgres", "S3cret.db"}};
  for (const auto& [storage, url] : cases) {
    StoreOptions::Settings settings = {{"storage", {storage, "--storage"}},
                                       {"database-url", {url, "--database-url"}}};
    try {
      StoreOptions::FromSettings(settings);
      ADD_FAILURE() << storage << " " << url;
    } catch (const InvalidArgumentError& e) {
      EXPECT_EQ(std::string(e.what()).find("S3cret"), std::string::npos) << e.what();
    }
  }
  StoreOptions library;  // backend left at its default, url set by hand
  library.url = "host=db dbname=ecs";
  EXPECT_THROW(library.Validate(), InvalidArgumentError);
}

TEST(StoreOptionsTest, ConnectTimeoutIsWholeSecondsFromTwo) {
  StoreOptions options;
  EXPECT_EQ(options.connect_timeout, std::chrono::seconds(10));
  options.Set("connect-timeout", "30s", "--connect-timeout");
  EXPECT_EQ(options.connect_timeout, std::chrono::seconds(30));
  for (const char* bad : {"0", "1", "-5", "2.5", "ten", "3601", ""}) {
    EXPECT_THROW(options.Set("connect-timeout", bad, "--connect-timeout"), InvalidArgumentError)
        << bad;
  }
  options.connect_timeout = std::chrono::seconds(1);
  EXPECT_THROW(options.Validate(), InvalidArgumentError);
}

TEST(StoreOptionsTest, FailoverTimeoutAndReadUrl) {
  auto env = StrataEnv({{"STRATA_DATABASE_URL", "postgresql://app@db1,db2/ecs"},
                        {"STRATA_FAILOVER_TIMEOUT", "5s"},
                        {"STRATA_READ_DATABASE_URL", "postgresql://app:pw@db2/ecs"}});
  const StoreOptions options = StoreOptions::FromEnvironment();
  EXPECT_EQ(options.failover_timeout, std::chrono::seconds(5));
  EXPECT_EQ(options.read_url, "postgresql://app:pw@db2/ecs");
  EXPECT_EQ(StoreOptions().failover_timeout, std::chrono::seconds(30));
  StoreOptions o = options;
  o.Set("failover-timeout", "0", "--failover-timeout");
  EXPECT_EQ(o.failover_timeout, std::chrono::milliseconds(0));
  for (const char* bad : {"-1s", "2h", "soon", ""}) {
    EXPECT_THROW(o.Set("failover-timeout", bad, "--failover-timeout"), InvalidArgumentError) << bad;
  }
  // A read URL is a PostgreSQL standby's: not beside SQLite, not a file path.
  StoreOptions sqlite;
  sqlite.read_url = "postgresql://app:pw@db2/ecs";
  try {
    sqlite.Validate();
    ADD_FAILURE() << "a read URL beside SQLite was accepted";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("--read-database-url"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("pw"), std::string::npos);  // never echoed
  }
  o.read_url = "replica.db";
  EXPECT_THROW(o.Validate(), InvalidArgumentError);
}

TEST(RedactUrlTest, MasksMultiHostUriPasswords) {
  EXPECT_EQ(
      RedactUrl("postgresql://app:s3cret@db1:5432,db2:5433/ecs?target_session_attrs=read-write"),
      "postgresql://app:***@db1:5432,db2:5433/ecs?target_session_attrs=read-write");
  EXPECT_EQ(RedactUrl("host=db1,db2 port=5432,5433 password=s3cret dbname=ecs"),
            "host=db1,db2 port=5432,5433 password=*** dbname=ecs");
}

TEST(StoreOptionsTest, EnvironmentVariableNames) {
  EXPECT_EQ(StoreOptions::EnvironmentVariable("pool-size"), "STRATA_POOL_SIZE");
  EXPECT_EQ(StoreOptions::EnvironmentVariable("storage"), "STRATA_STORAGE");
}

TEST(ParseBoolOptionTest, AcceptsCommonSpellings) {
  for (const char* yes : {"1", "true", "TRUE", "yes", "on", "On"}) {
    EXPECT_TRUE(ParseBoolOption("x", yes)) << yes;
  }
  for (const char* no : {"0", "false", "no", "OFF"}) EXPECT_FALSE(ParseBoolOption("x", no)) << no;
  EXPECT_THROW(ParseBoolOption("x", ""), InvalidArgumentError);
  EXPECT_THROW(ParseBoolOption("x", "2"), InvalidArgumentError);
}

TEST(RedactUrlTest, MasksUriPasswords) {
  EXPECT_EQ(RedactUrl("postgresql://app:s3cret@db:5432/ecs"), "postgresql://app:***@db:5432/ecs");
  EXPECT_EQ(RedactUrl("postgres://app:p@ss@db/ecs"), "postgres://app:***@db/ecs");
  EXPECT_EQ(RedactUrl("postgresql://app@db/ecs?sslmode=require&password=x&a=b"),
            "postgresql://app@db/ecs?sslmode=require&password=***&a=b");
  EXPECT_EQ(RedactUrl("postgresql://db/ecs"), "postgresql://db/ecs");
}

// libpq reads user info up to an '@' before the first '/', '?' or not
// (found by fuzz/url_fuzz.cc).
TEST(RedactUrlTest, MasksUriPasswordsHoldingAQuestionMark) {
  EXPECT_EQ(RedactUrl("postgresql://app:se?cret@db/ecs"), "postgresql://app:***@db/ecs");
  EXPECT_EQ(RedactUrl("postgres://a?b:s3cret@db/ecs?password=x"),
            "postgres://a?b:***@db/ecs?password=***");
  EXPECT_EQ(RedactUrl("postgresql://db:5432?application_name=a@b"), "postgresql://db:***@b");
}

// An '@' in a parameter's value does not end the user info (found by
// fuzz/url_fuzz.cc: the mask used to reach into it and leave its tail).
TEST(RedactUrlTest, MasksParametersHoldingAnAt) {
  EXPECT_EQ(RedactUrl("postgresql://app:pw@db?sslpassword=k3y@x&sslmode=require"),
            "postgresql://app:***@db?sslpassword=***&sslmode=require");
  EXPECT_EQ(RedactUrl("postgresql://db?password=a@b"), "postgresql://db?password=***");
  EXPECT_EQ(RedactUrl("postgresql://db/ecs?application_name=a?password=b&x=1"),
            "postgresql://db/ecs?application_name=a?password=***&x=1");
}

TEST(RedactUrlTest, MasksConninfoPasswords) {
  EXPECT_EQ(RedactUrl("host=db password=s3cret user=app"), "host=db password=*** user=app");
  EXPECT_EQ(RedactUrl("host=db password = 'a b\\' c' user=app"), "host=db password = *** user=app");
  EXPECT_EQ(RedactUrl("PASSWORD=x"), "PASSWORD=***");
  EXPECT_EQ(RedactUrl("host=db user=app"), "host=db user=app");
}

// libpq's other secret, the passphrase of the client's SSL key, and a URI
// parameter name in percent-encoding, which libpq decodes (found by
// fuzz/url_fuzz.cc).
TEST(RedactUrlTest, MasksSslPasswordsAndEncodedParameterNames) {
  EXPECT_EQ(RedactUrl("host=db sslkey=/k.pem sslpassword='k3y pass' user=app"),
            "host=db sslkey=/k.pem sslpassword=*** user=app");
  EXPECT_EQ(RedactUrl("postgresql://app@db/ecs?sslpassword=k3y&sslmode=verify-full"),
            "postgresql://app@db/ecs?sslpassword=***&sslmode=verify-full");
  EXPECT_EQ(RedactUrl("postgresql://app@db/ecs?pass%77ord=s3cret"),
            "postgresql://app@db/ecs?pass%77ord=***");
}

TEST(RedactUrlTest, UnparseableConninfoIsCutBeforeThePassword) {
  const std::string redacted = RedactUrl("host=db password='never closed");
  EXPECT_EQ(redacted.find("never"), std::string::npos) << redacted;
  EXPECT_EQ(RedactUrl("host=db junk password=x"), "host=db junk password=***");
}

TEST(RedactUrlTest, SqlitePathsAreUnchanged) {
  EXPECT_EQ(RedactUrl("/var/lib/strata/app.db"), "/var/lib/strata/app.db");
  EXPECT_EQ(RedactUrl(":memory:"), ":memory:");
}

TEST(StoreOptionsTest, DescribeNeverShowsThePassword) {
  StoreOptions options;
  options.backend = Backend::kPostgres;
  options.url = "postgresql://app:s3cret@db/ecs";
  EXPECT_EQ(options.Describe(), "postgres postgresql://app:***@db/ecs");
}

TEST(VersionTest, LibraryAndHeadersAgree) {
  EXPECT_STREQ(LibraryVersion(), kVersion);
  const std::string deps = DependencyVersions();
  EXPECT_NE(deps.find("SOCI 4."), std::string::npos) << deps;
  EXPECT_NE(deps.find("SQLite 3."), std::string::npos) << deps;
  EXPECT_NE(deps.find("libpq "), std::string::npos) << deps;
}

TEST(ParseDurationTest, UnitsAndRange) {
  using std::chrono::milliseconds;
  const milliseconds max = std::chrono::hours(48);
  EXPECT_EQ(ParseDuration("d", "500ms", milliseconds(0), max), milliseconds(500));
  EXPECT_EQ(ParseDuration("d", "30s", milliseconds(0), max), milliseconds(30'000));
  EXPECT_EQ(ParseDuration("d", "30", milliseconds(0), max), milliseconds(30'000));
  EXPECT_EQ(ParseDuration("d", "2m", milliseconds(0), max), milliseconds(120'000));
  EXPECT_EQ(ParseDuration("d", "1h", milliseconds(0), max), milliseconds(3'600'000));
  EXPECT_EQ(ParseDuration("d", "2d", milliseconds(0), max), max);
  for (const char* bad : {"", "s", "-1s", "1.5s", "3d", "1w", "9223372036854775807d", " 1s"}) {
    EXPECT_THROW(ParseDuration("--x", bad, milliseconds(0), max), InvalidArgumentError) << bad;
  }
  EXPECT_THROW(ParseDuration("--x", "30", milliseconds(0), max, /*unit_required=*/true),
               InvalidArgumentError);
  try {
    ParseDuration("--poll-interval", "0", std::chrono::seconds(1), std::chrono::hours(24));
    FAIL();
  } catch (const InvalidArgumentError& e) {
    EXPECT_STREQ(e.what(),
                 "--poll-interval must be a whole number with a unit, ms, s, m, h or d (e.g. "
                 "500ms, 30s or 7d; a bare number is seconds), from 1s to 1d");
  }
}

TEST(ManageOptionsTest, SetsEverySettingAndRefusesOutOfRange) {
  ManageOptions options;
  options.Set("health-port", "9000", "--health-port");
  options.Set("health-address", "::", "--health-address");
  options.Set("watch", "yes", "STRATA_WATCH");
  options.Set("create-dirs", "1", "--create-dirs");
  options.Set("poll-interval", "2m", "--poll-interval");
  options.Set("check-interval", "250ms", "--check-interval");
  options.Set("max-backoff", "10s", "--max-backoff");
  options.Set("shutdown-timeout", "20s", "--shutdown-timeout");
  options.Set("statement-lock-timeout", "1500ms", "STRATA_STATEMENT_LOCK_TIMEOUT");
  options.Set("lock-retries", "0", "--lock-retries");
  EXPECT_EQ(options.health_port, 9000);
  EXPECT_EQ(options.health_address, "::");
  EXPECT_TRUE(options.watch);
  EXPECT_TRUE(options.create_dirs);
  EXPECT_EQ(options.poll_interval, std::chrono::seconds(120));
  EXPECT_EQ(options.check_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(options.max_backoff, std::chrono::seconds(10));
  EXPECT_EQ(options.shutdown_timeout, std::chrono::seconds(20));
  EXPECT_EQ(options.statement_lock_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(options.lock_retries, 0);
  EXPECT_NO_THROW(options.Validate());
  options.Set("statement-lock-timeout", "0", "--statement-lock-timeout");  // no limit
  EXPECT_EQ(options.statement_lock_timeout, std::chrono::milliseconds(0));
  for (const char* bad : {"-1s", "2d", "soon"}) {
    EXPECT_THROW(options.Set("statement-lock-timeout", bad, "--statement-lock-timeout"),
                 InvalidArgumentError)
        << bad;
  }
  for (const char* bad : {"-1", "101", "5x", ""}) {
    EXPECT_THROW(options.Set("lock-retries", bad, "--lock-retries"), InvalidArgumentError) << bad;
  }
  EXPECT_EQ(options.lock_retries, 0);
  EXPECT_THROW(options.Set("health-port", "-1", "--health-port"), InvalidArgumentError);
  EXPECT_THROW(options.Set("check-interval", "50ms", "--check-interval"), InvalidArgumentError);
  EXPECT_THROW(options.Set("bogus", "1", "--bogus"), InvalidArgumentError);
  options.shutdown_timeout = std::chrono::hours(1);
  EXPECT_THROW(options.Validate(), InvalidArgumentError);
  options = ManageOptions();
  options.health_address.clear();
  EXPECT_THROW(options.Validate(), InvalidArgumentError);
  options = ManageOptions();
  options.lock_retries = 101;
  EXPECT_THROW(options.Validate(), InvalidArgumentError);
  options = ManageOptions();
  options.statement_lock_timeout = std::chrono::hours(25);
  EXPECT_THROW(options.Validate(), InvalidArgumentError);
}

}  // namespace
}  // namespace strata
